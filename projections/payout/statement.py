"""What a payout produces: the statement of a period, its department and person lines,
and the error that says what must be recorded before it can be calculated."""

from __future__ import annotations

from dataclasses import field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from domain.errors import InvalidRequestError, Problem
from domain.money import ZERO, sum_cny
from domain.records import frozen_record
from projections.figures import Ledgerbook, approx_text, exact_text, money_text


class CalculationBlockedError(InvalidRequestError):
    code = "calculation_blocked"

    def __init__(self, period: str, problems: list[Problem]) -> None:
        self.problems = problems
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"{period} cannot be calculated until these are recorded:\n{lines}")
        self.message_body = lines


@frozen_record
class PersonLine:
    employee_id: str
    name: str
    department_id: str
    category: str
    status: str  # "paid" or "excluded" (an excluded person may still get hospital money)
    reason: str
    score: Fraction
    ratio: Fraction
    points: Fraction
    pay_cny: Decimal
    post_bonus_cny: Decimal
    study_leave_cny: Decimal = ZERO
    restatement_cny: Decimal = ZERO

    @property
    def total_cny(self) -> Decimal:
        return self.pay_cny + self.post_bonus_cny + self.study_leave_cny + self.restatement_cny


@frozen_record
class DepartmentLine:
    department_id: str
    name: str
    kind: str
    headcount: int
    score: Fraction
    pay_calculated_cny: Decimal
    controls_cny: Decimal = ZERO
    penalties_cny: Decimal = ZERO
    cap_cny: Decimal | None = None
    banked_cny: Decimal = ZERO
    floor_cny: Decimal | None = None
    bank_before_cny: Decimal = ZERO
    drawn_cny: Decimal = ZERO
    subsidy_cny: Decimal = ZERO
    undistributed_cny: Decimal = ZERO
    per_point: Fraction | None = None

    @property
    def pay_after_controls_cny(self) -> Decimal:
        return self.pay_calculated_cny - self.controls_cny - self.penalties_cny

    @property
    def settled_cny(self) -> Decimal:
        return self.pay_after_controls_cny - self.banked_cny + self.drawn_cny + self.subsidy_cny

    @property
    def bank_after_cny(self) -> Decimal:
        return self.bank_before_cny + self.banked_cny - self.drawn_cny


@frozen_record
class Statement:
    period: str
    scheme_key: str
    scheme_sha256: str
    departments: tuple[DepartmentLine, ...]
    people: tuple[PersonLine, ...]
    reconciliation: tuple[tuple[str, Decimal], ...]  # signed lines that sum to 0.00
    pool: tuple[tuple[str, Decimal], ...]
    notes: tuple[str, ...]
    book: Ledgerbook = field(compare=False, repr=False)
    restatements: tuple[dict[str, Any], ...] = ()  # closed periods settled here

    @property
    def balance_cny(self) -> Decimal:
        return sum_cny(amount for _, amount in self.reconciliation)

    @property
    def total_paid_cny(self) -> Decimal:
        return sum_cny(p.total_cny for p in self.people)

    def to_json(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "scheme": {"key": self.scheme_key, "sha256": self.scheme_sha256},
            "pool": [{"line": name, "amount": money_text(amount)} for name, amount in self.pool],
            "departments": [_department_json(d) for d in self.departments],
            "people": [_person_json(p) for p in self.people],
            "reconciliation": {
                "lines": [{"line": n, "amount": money_text(a)} for n, a in self.reconciliation],
                "balance": money_text(self.balance_cny),
            },
            "totals": {
                "paid": money_text(self.total_paid_cny),
                "people_paid": sum(1 for p in self.people if p.total_cny != 0),
            },
            "notes": list(self.notes),
            "restatements": list(self.restatements),
        }


def _department_json(d: DepartmentLine) -> dict[str, Any]:
    return {
        "department_id": d.department_id,
        "name": d.name,
        "kind": d.kind,
        "headcount": d.headcount,
        "score": exact_text(d.score),
        "pay_calculated": money_text(d.pay_calculated_cny),
        "controls": money_text(d.controls_cny),
        "penalties": money_text(d.penalties_cny),
        "pay_after_controls": money_text(d.pay_after_controls_cny),
        "cap": None if d.cap_cny is None else money_text(d.cap_cny),
        "banked": money_text(d.banked_cny),
        "floor": None if d.floor_cny is None else money_text(d.floor_cny),
        "bank_before": money_text(d.bank_before_cny),
        "bank_drawn": money_text(d.drawn_cny),
        "subsidy": money_text(d.subsidy_cny),
        "bank_after": money_text(d.bank_after_cny),
        "settled": money_text(d.settled_cny),
        "undistributed": money_text(d.undistributed_cny),
        "per_point_indicative": None if d.per_point is None else approx_text(d.per_point),
    }


def _person_json(p: PersonLine) -> dict[str, Any]:
    return {
        "employee_id": p.employee_id,
        "name": p.name,
        "department_id": p.department_id,
        "category": p.category,
        "status": p.status,
        "reason": p.reason,
        "score": exact_text(p.score),
        "ratio": exact_text(p.ratio),
        "points": exact_text(p.points),
        "pay": money_text(p.pay_cny),
        "post_bonus": money_text(p.post_bonus_cny),
        "study_leave": money_text(p.study_leave_cny),
        "restatement": money_text(p.restatement_cny),
        "total": money_text(p.total_cny),
    }

