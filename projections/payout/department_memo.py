"""The department level of a quarter, memoised under all of its inputs.

The split of the pool by points over every department (S11-R09), and each department's
controls, penalties, cap and floor, are pure functions of the department scores, the
pool, the bank brought forward, the period's control and penalty events and the scheme.
A province has 2,000 departments in exact arithmetic: 0.4 s of every what-if, although
an appeal that moves one person's score moves no department's points. Each is
remembered beside the facts with the figures it wrote (`projections.figure_memo`), and
attached to a later run's ledgerbook as written, so that the statement, its
figures in their order and every explanation are the ones a full computation gives
(tests/properties/test_incremental_whatif.py compares them). A what-if's facts carry the
memos over (`projections.whatif.carry_over`): every key holds every input (events and
the scheme by identity, kept alive in the memo; figures read from the run's book by
value), so none can go stale.
"""

from __future__ import annotations

from collections.abc import Hashable
from decimal import Decimal
from fractions import Fraction
from typing import Any

from domain.events import ControlIndicatorMeasured, DepartmentPenaltyRecorded
from domain.facts import Facts
from domain.money import ZERO
from domain.scheme import Scheme
from projections.department_scores import DepartmentScore
from projections.figure_memo import remembered
from projections.figures import Ledgerbook, Number
from projections.payout.department import (
    apply_cap,
    deduct_controls,
    deduct_penalties,
    top_up_to_floor,
)
from projections.payout.pool import department_shares
from projections.payout.statement import DepartmentLine

POOL_SPLITS = "pool-splits"
DEPARTMENT_CONTROLS = "department-controls"
DEPARTMENT_CAPS = "department-caps"
DEPARTMENT_MEMOS = (POOL_SPLITS, DEPARTMENT_CONTROLS, DEPARTMENT_CAPS)


def value_key(value: Number | None) -> Hashable:
    """A number as a key, hashed once: a fraction's hash is a modular inverse of its
    denominator, and the pool's per-point figures have thousands of digits; the key is
    made once per run, not once per department."""
    if isinstance(value, Fraction):
        return (value.numerator, value.denominator)
    return value


def split_by_points(facts: Facts, distributable: Decimal, departments: list[DepartmentScore],
                    *, scheme: Scheme, bank_before: Any,
                    book: Ledgerbook) -> tuple[DepartmentLine, ...]:
    """Each department's calculated line (`department_shares`), remembered. The scores
    by identity: each is itself remembered under all of its inputs
    (projections/department_scores.py)."""
    banks = tuple(bank_before.get(d.department_id, ZERO) for d in departments)
    key = (distributable, id(scheme), banks, tuple(map(id, departments)))

    def compute(scratch: Ledgerbook) -> tuple[DepartmentLine, ...]:
        shares = department_shares(distributable, departments, scheme, scratch)
        return tuple(
            DepartmentLine(d.department_id, d.name, d.kind, d.headcount, d.score,
                           shares[d.department_id], bank_before_cny=bank)
            for d, bank in zip(departments, banks, strict=True))

    return remembered(facts, POOL_SPLITS, key, kept=(scheme, tuple(departments)), book=book,
                      compute=compute)


def controlled(facts: Facts, line: DepartmentLine, controls: list[ControlIndicatorMeasured],
               penalties: list[DepartmentPenaltyRecorded], *, scheme: Scheme,
               read: Hashable, book: Ledgerbook) -> DepartmentLine:
    """`deduct_controls` then `deduct_penalties`, remembered. `read`: the key of the pool
    and the hospital's points (`value_key`), the figures the controls read from the book.
    The line by identity: the remembered split's."""
    key = (id(line), tuple(map(id, controls)), tuple(map(id, penalties)), id(scheme), read)

    def compute(scratch: Ledgerbook) -> DepartmentLine:
        deducted = deduct_controls(line, controls, scheme, scratch)
        return deduct_penalties(deducted, penalties, scheme, scratch)

    return remembered(facts, DEPARTMENT_CONTROLS, key,
                      kept=(line, controls, penalties, scheme), book=book, compute=compute)


def capped_and_floored(facts: Facts, line: DepartmentLine, average_bonus: Fraction, *,
                       average_key: Hashable, scheme: Scheme,
                       book: Ledgerbook) -> DepartmentLine:
    """`apply_cap` then `top_up_to_floor`, remembered (`average_key`: `value_key` of the
    average bonus). The line by identity: the remembered controls' result."""
    key = (id(line), average_key, id(scheme))

    def compute(scratch: Ledgerbook) -> DepartmentLine:
        return top_up_to_floor(apply_cap(line, average_bonus, scheme, scratch), scheme,
                               scratch)

    return remembered(facts, DEPARTMENT_CAPS, key, kept=(line, scheme), book=book,
                      compute=compute)
