"""The arithmetic every payable statement obeys, checked on its canonical JSON."""

from __future__ import annotations

from decimal import Decimal
from typing import Any


def money(text: str) -> Decimal:
    amount = Decimal(text)
    assert amount == amount.quantize(Decimal("0.01")), f"{text!r} is not whole fen"
    return amount


def pool_line(statement: dict[str, Any], name: str) -> Decimal:
    [amount] = [money(line["amount"]) for line in statement["pool"] if line["line"] == name]
    return amount


def check_reconciles(statement: dict[str, Any]) -> None:
    """The signed reconciliation lines add up to 0.00, and the balance says so."""
    lines = statement["reconciliation"]["lines"]
    assert sum((money(line["amount"]) for line in lines), Decimal(0)) == 0, lines
    assert statement["reconciliation"]["balance"] == "0.00"


def check_people_add_up_to_their_departments(statement: dict[str, Any]) -> None:
    """Σ people's pay in a department == its settled pay − what stayed undistributed."""
    for department in statement["departments"]:
        paid = sum((money(p["pay"]) for p in statement["people"]
                    if p["department_id"] == department["department_id"]), Decimal(0))
        expected = money(department["settled"]) - money(department["undistributed"])
        assert paid == expected, (statement["period"], department["department_id"])


def check_departments_add_up_to_the_pool(statement: dict[str, Any]) -> None:
    """Σ departments' calculated pay == the distributable pool, to the fen."""
    calculated = sum((money(d["pay_calculated"]) for d in statement["departments"]), Decimal(0))
    assert calculated == pool_line(statement, "distributable"), statement["period"]


def check_allocations(statement: dict[str, Any]) -> None:
    check_reconciles(statement)
    check_departments_add_up_to_the_pool(statement)
    check_people_add_up_to_their_departments(statement)
