"""From a period's statement to what payroll and the bank are handed: gross lines per
person (the payroll hand-off), and net payments (gross less the tax payroll withheld).

A negative restatement (扣回, a recovery of an overpayment in a closed period) stays its
own line, deducted from this payment; a person whose net is below zero is listed for
recovery and paid nothing, never a negative amount. Pure: no clock, files or keys.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from domain.records import frozen_record
from projections.pay_lines import PAY_LINES, line_name

ZERO = Decimal("0.00")


@frozen_record
class PayrollLine:
    employee_id: str
    name: str
    department_id: str
    line: str  # statement column: pay, post_bonus, study_leave, restatement
    title: str  # the line's Chinese name (projections/pay_lines.py)
    gross_cny: Decimal


@frozen_record
class Payment:
    employee_id: str
    name: str
    department_id: str
    gross_cny: Decimal  # the statement's total, recoveries already deducted
    recovered_cny: Decimal  # the negative restatement in it, as a positive amount
    withheld_cny: Decimal
    net_cny: Decimal


@frozen_record
class Payments:
    paid: tuple[Payment, ...]  # net above zero: in the bank file
    recoveries: tuple[Payment, ...]  # net below zero: owed back, paid nothing
    gross_total_cny: Decimal
    withheld_total_cny: Decimal
    paid_total_cny: Decimal
    recovery_total_cny: Decimal  # what is owed back, positive


def payroll_lines(statement: Mapping[str, Any]) -> list[PayrollLine]:
    """One line per person per non-zero pay column; a restatement is its own line, named
    as a back-payment or a recovery by its sign."""
    lines: list[PayrollLine] = []
    for person in statement["people"]:
        for column in (*(line.line_id for line in PAY_LINES), "restatement"):
            amount = Decimal(person.get(column, "0"))
            if amount == 0:
                continue
            lines.append(PayrollLine(person["employee_id"], person["name"],
                                     person["department_id"], column,
                                     line_name(column, amount), amount))
    return lines


def payments(statement: Mapping[str, Any],
             withheld: Mapping[str, Decimal]) -> Payments:
    """Net payments: each person's total less their withholding. Everyone with a non-zero
    total must have a withholding (zero included) in `withheld`; the caller checks that."""
    paid: list[Payment] = []
    owed: list[Payment] = []
    for person in statement["people"]:
        payment = payment_of(person, withheld)
        if payment.gross_cny == 0 and payment.withheld_cny == 0:
            continue
        if payment.net_cny > 0:
            paid.append(payment)
        elif payment.net_cny < 0:
            owed.append(payment)
    return Payments(
        tuple(paid), tuple(owed),
        gross_total_cny=sum((Decimal(p["total"]) for p in statement["people"]), ZERO),
        withheld_total_cny=sum(withheld.values(), ZERO),
        paid_total_cny=sum((p.net_cny for p in paid), ZERO),
        recovery_total_cny=-sum((p.net_cny for p in owed), ZERO),
    )


def payment_of(person: Mapping[str, Any], withheld: Mapping[str, Decimal]) -> Payment:
    """One person's line of the statement less their withholding (none: nothing is
    withheld, and the net is the gross): what the bank file pays and the payslip shows."""
    gross = Decimal(person["total"])
    tax = withheld.get(person["employee_id"], ZERO)
    restated = Decimal(person.get("restatement", "0"))
    return Payment(person["employee_id"], person["name"], person["department_id"],
                   gross, -restated if restated < 0 else ZERO, tax, gross - tax)


def unpaid_people(statement: Mapping[str, Any], withheld: Mapping[str, Decimal]
                  ) -> Sequence[str]:
    """People with pay this period and no withholding reported by payroll."""
    return [p["employee_id"] for p in statement["people"]
            if Decimal(p["total"]) != 0 and p["employee_id"] not in withheld]
