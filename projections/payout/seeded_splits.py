"""A department's split among its people, taken from the statement stored for the facts
a what-if starts from.

A what-if in a new process (`jixiao payout --with`) seeds its people's scores from the
stored statement (`projections.seeded_scores`), but it has split no department yet, so it
split all of them again to move one (`split_department_pay`: ≈8 ms of a hospital's
what-if, 20 departments, its exact per-point products and largest remainders). The split is
a pure function of the department's settled pay, its members' scores in order and the
scheme, and the stored statement gives its result: each member's pay. So a department
whose members are all seeded (the very score objects, none rescored) and whose settled pay
and scheme are the stored statement's takes its shares from the stored lines; the line's
per-point pay is computed (one division), and the figures the split writes are computed
when something first reads them (`_LazySplitFigures`), so an explanation never holds a
figure rebuilt from JSON. When they are computed, their shares must be the stored ones
(an invariant), which also holds the shares to the computation.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from domain.errors import invariant
from domain.facts import Facts
from domain.money import CENT, calc_context, sum_cny
from domain.records import frozen_record
from domain.scheme import Scheme
from projections.exact import common_sum, q
from projections.figures import Figure, LazyFigures, Ledgerbook, money_text
from projections.memo import memo_of
from projections.payout.department import people_taking_part, split_department_pay, split_line
from projections.payout.statement import DepartmentLine
from projections.scoring import PersonScore

SEEDED_SPLITS = "seeded-splits"


@frozen_record
class StoredSplit:
    """One department as the stored statement split it: the settled pay and each member's
    pay as texts (`money_text`), the scheme's digest, and the seeded members in roster
    order (kept alive: `split_from_store` compares them by identity)."""

    settled: str
    pay: Mapping[str, Any]
    scheme_sha256: str
    members: tuple[PersonScore, ...]


def remember_stored_splits(facts: Facts, statement: Mapping[str, Any],
                           seeded: Mapping[str, list[tuple[PersonScore, Mapping[str, Any]]]],
                           unseeded: set[str]) -> int:
    """Remember, beside `facts`, the splits of the stored `statement` whose departments'
    roster people were all seeded: `seeded` holds each department's seeded scores, in
    roster order, with their stored lines; `unseeded` the departments of the roster
    people who were not. How many departments were remembered."""
    scheme = statement.get("scheme")
    digest = scheme.get("sha256") if isinstance(scheme, dict) else None
    departments, people = statement.get("departments"), statement.get("people")
    if not isinstance(digest, str) or not isinstance(departments, list) or not isinstance(
            people, list):
        return 0
    # Each member's line is of their department (`_stored_score` checks it) and of them
    # alone (lines by employee id): as many lines as members are exactly the members'.
    lines = Counter(department_id for line in people
                    if type(department_id := line.get("department_id")) is str)
    splits: dict[str, StoredSplit] = {}
    for department in departments:
        department_id, settled = department.get("department_id"), department.get("settled")
        if type(department_id) is not str or department_id in unseeded or not isinstance(
                settled, str):
            continue
        own = seeded.get(department_id)
        if own is None or lines[department_id] != len(own):
            continue
        splits[department_id] = StoredSplit(
            settled, {score.employee_id: line.get("pay") for score, line in own}, digest,
            tuple(score for score, _ in own))
    memo_of(facts)[SEEDED_SPLITS] = splits
    return len(splits)


def split_from_store(facts: Facts, line: DepartmentLine, members: list[PersonScore],
                     scheme: tuple[Scheme, str]
                     ) -> tuple[tuple[DepartmentLine, dict[str, Decimal]],
                                Mapping[str, Figure]] | None:
    """`split_department_pay`'s result and figures (computed when read) for a department
    the stored statement split with these very inputs; None when it did not."""
    stored = memo_of(facts).get(SEEDED_SPLITS, {}).get(line.department_id)
    if (stored is None or stored.scheme_sha256 != scheme[1]
            or len(stored.members) != len(members)
            or any(a is not b for a, b in zip(stored.members, members, strict=True))
            or money_text(line.settled_cny) != stored.settled):
        return None
    taking_part = people_taking_part(members)
    shares = _shares(stored.pay, taking_part)
    if shares is None:
        return None
    settled = line.settled_cny
    points = common_sum(m.points for m in taking_part)
    by_points = scheme[0].participation.ratio_scales == "points"
    if points != 0 and by_points and sum_cny(shares.values()) != settled:
        return None  # not a split of this pay (a largest remainder adds up exactly)
    result = split_line(line, None if points == 0 else q(settled) / points, shares,
                        by_points=by_points)
    return result, _LazySplitFigures(line, members, scheme[0], result)


def _shares(pay: Mapping[str, Any], taking_part: list[PersonScore]) -> dict[str, Decimal] | None:
    """The stored pay of each person taking part, exactly; None when one is not an amount
    to the fen."""
    shares: dict[str, Decimal] = {}
    for m in taking_part:
        text = pay.get(m.employee_id)
        try:
            amount = Decimal(text)  # type: ignore[arg-type]
            # quantize refuses (InvalidOperation) an amount with more digits than the
            # context holds ("1E+40"): that too is no amount to the fen.
            if not amount.is_finite() or amount != amount.quantize(CENT):
                return None
        except (InvalidOperation, TypeError):
            return None
        shares[m.employee_id] = amount
    return shares


class _LazySplitFigures(LazyFigures):
    """A stored split's figures, written by `split_department_pay` when first read; its
    result must be the one taken from the store."""

    __slots__ = ("_line", "_members", "_result", "_scheme")

    def __init__(self, line: DepartmentLine, members: list[PersonScore], scheme: Scheme,
                 result: tuple[DepartmentLine, dict[str, Decimal]]) -> None:
        super().__init__()
        self._line, self._members, self._scheme, self._result = line, members, scheme, result

    def _compute(self) -> dict[str, Figure]:
        scratch = Ledgerbook()
        with calc_context():
            computed = split_department_pay(self._line, self._members, self._scheme, scratch)
        invariant(computed == self._result,
                  f"{self._line.department_id}: the stored split is not the computed one")
        return scratch.figures
