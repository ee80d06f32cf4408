"""Closed periods, as-of reprints and restatements.

A closed period's statement is frozen: it is recomputed from the facts as they stood at
its close (the notification position the close recorded) and must hash to the recorded
SHA-256, so a reprint is the same bytes forever. Recomputing it from everything known now
gives the restatement: per-person and per-department deltas, paid or recovered in the
first open quarter after it as named lines, once.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction
from typing import Any

from domain.errors import ConflictError, invariant
from domain.events import PeriodClosed, PoolDeclared
from domain.facts import Facts
from domain.money import ZERO, calc_context, sum_cny
from domain.periods import Period
from domain.records import frozen_record
from domain.scheme import canonical_dumps
from projections.figures import money_text
from projections.memo import memo_of
from projections.payout import PersonLine, Statement, calculate


@frozen_record
class Delta:
    key: str  # employee or department id
    name: str
    department_id: str
    before_cny: Decimal
    after_cny: Decimal
    settled_cny: Decimal  # already paid or recovered in closed statements since

    @property
    def outstanding_cny(self) -> Decimal:
        return self.after_cny - self.before_cny - self.settled_cny


@frozen_record
class Restatement:
    period: str
    closed_sha256: str
    people: tuple[Delta, ...]
    departments: tuple[Delta, ...]

    @property
    def outstanding_cny(self) -> Decimal:
        return sum_cny(d.outstanding_cny for d in self.people)

    def to_json(self) -> dict[str, Any]:
        def row(d: Delta) -> dict[str, str]:
            return {"id": d.key, "name": d.name, "department_id": d.department_id,
                    "closed": money_text(d.before_cny), "now": money_text(d.after_cny),
                    "settled_since": money_text(d.settled_cny),
                    "outstanding": money_text(d.outstanding_cny)}

        return {
            "period": self.period,
            "closed_sha256": self.closed_sha256,
            "people": [row(d) for d in self.people if d.outstanding_cny or d.settled_cny
                       or d.before_cny != d.after_cny],
            "departments": [row(d) for d in self.departments if d.before_cny != d.after_cny],
            "outstanding": money_text(self.outstanding_cny),
        }


def statement_sha256(statement: Statement) -> str:
    return hashlib.sha256(canonical_dumps(statement.to_json()).encode()).hexdigest()


# The memo of reported statements (projections.memo), by period.
REPORTED = "reported"


def statement_for(facts: Facts, period: Period) -> Statement:
    """What a report shows for a period: the frozen statement if it is closed in these
    facts, otherwise the live one with any restatements it settles."""
    memo: dict[Period, Statement] = memo_of(facts).setdefault(REPORTED, {})
    if period not in memo:
        memo[period] = _statement_for(facts, period)
    return memo[period]


def _statement_for(facts: Facts, period: Period) -> Statement:
    close = facts.close_of(str(period))
    if close is not None:
        for earlier in _closed_before(facts, close):
            _frozen(facts, earlier)
        return _frozen(facts, close)
    statement = calculate(facts, period)
    if period.kind != "quarter":
        return statement
    return settle_restatements(facts, period, statement)


# The memo (projections.memo) of closed periods' frozen statements, by (period, cut-off,
# recorded hash): shared by the facts and every cut-off made of them, as the cuts are.
FROZEN = "frozen"


def _frozen(facts: Facts, close: PeriodClosed) -> Statement:
    """A closed period's statement, recomputed at its cut-off and checked against its
    recorded hash. The frozen statement restates the closed period before it, whose own
    restates the one before …: each cut-off is folded once, and the cuts never all at
    once when the earlier periods are frozen first (`_closed_before`)."""
    known: dict[tuple[str, int, str], Statement] = memo_of(facts).setdefault(FROZEN, {})
    key = (close.period, close.position, close.statement_sha256)
    if key in known:
        return known[key]
    cut = facts.upto(close.position)
    memo_of(cut)[FROZEN] = known
    period = Period.parse(close.period)
    frozen = statement_for(cut, period)
    if statement_sha256(frozen) != close.statement_sha256:
        raise ConflictError(
            f"the closed statement of {period} no longer reproduces its recorded hash "
            f"{close.statement_sha256[:12]}…; the calculation code or the stored events "
            "changed since it was closed (run `jixiao verify`)")
    known[key] = frozen
    return frozen


def _closed_before(facts: Facts, close: PeriodClosed) -> list[PeriodClosed]:
    """The closes of earlier quarters before this close, oldest first, whose frozen
    statements its own restates in turn (not the sealed: nothing of theirs is open)."""
    period = Period.parse(close.period)
    sealed = facts.sealed
    return sorted((c for c in facts.closes.values()
                   if c.position < close.position and Period.parse(c.period) < period
                   and Period.parse(c.period).kind == "quarter"
                   and not (sealed is not None and sealed.settled(c.period))),
                  key=lambda c: c.position)


def current_statement(facts: Facts, period: Period) -> Statement:
    """The period recomputed from everything known, ignoring its close (for restatements)."""
    statement = calculate(facts, period)
    if period.kind == "quarter" and facts.close_of(str(period)) is None:
        return settle_restatements(facts, period, statement)
    return statement


def restatement_of(facts: Facts, period: Period) -> Restatement:
    """The deltas of a closed period: now − closed − already settled in later statements."""
    close = facts.close_of(str(period))
    if close is None:
        raise ConflictError(f"{period} is not closed; there is nothing to restate")
    closed = statement_for(facts, period)
    now = calculate(facts, period)
    settled_people: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for later in _closed_after(facts, period):
        for entry in _settled_in(statement_for(facts, later), str(period)):
            settled_people[entry["id"]] += Decimal(entry["amount"])
    people = _deltas(
        {p.employee_id: p for p in closed.people}, {p.employee_id: p for p in now.people},
        lambda p: p.pay_cny + p.post_bonus_cny + p.study_leave_cny, settled_people)
    departments = _deltas(
        {d.department_id: d for d in closed.departments},
        {d.department_id: d for d in now.departments},
        lambda d: d.settled_cny, {})
    return Restatement(str(period), close.statement_sha256, people, departments)


def _deltas(before: dict[str, Any], after: dict[str, Any], amount: Any,
            settled: dict[str, Decimal]) -> tuple[Delta, ...]:
    rows = []
    for key in sorted(set(before) | set(after)):
        line = after.get(key) or before[key]
        rows.append(Delta(
            key, line.name, getattr(line, "department_id", key),
            amount(before[key]) if key in before else ZERO,
            amount(after[key]) if key in after else ZERO,
            settled.get(key, ZERO)))
    return tuple(rows)


def _payable_quarters(facts: Facts) -> list[Period]:
    return sorted({Period.parse(e.period) for e in facts.live.values()
                   if isinstance(e, PoolDeclared)})


def _closed_after(facts: Facts, period: Period) -> list[Period]:
    return [p for p in _payable_quarters(facts) if p > period and facts.close_of(str(p))]


def settles_in(facts: Facts, closed: Period) -> Period | None:
    """The first open payable quarter after a closed period: where its deltas are paid."""
    for quarter in _payable_quarters(facts):
        if quarter > closed and facts.close_of(str(quarter)) is None:
            return quarter
    return None


def _settled_in(statement: Statement, period: str) -> list[dict[str, str]]:
    for restatement in statement.restatements:
        if restatement["period"] == period:
            return restatement["people"]  # type: ignore[no-any-return]
    return []


def settle_restatements(facts: Facts, period: Period, statement: Statement) -> Statement:
    """Add the outstanding deltas of every closed period that settles in this quarter."""
    with calc_context():
        closed_periods = sorted(Period.parse(p) for p in facts.closes)
        # A period sealed in a snapshot the facts were folded from has nothing outstanding
        # (projections/snapshots.py); its facts are not in them to recompute.
        due = [c for c in closed_periods if c < period and settles_in(facts, c) == period
               and not (facts.sealed is not None and facts.sealed.settled(str(c)))]
        if not due:
            return statement
        people = {p.employee_id: p for p in statement.people}
        sections = []
        total = ZERO
        for closed in due:
            restatement = restatement_of(facts, closed)
            paid = []
            for delta in restatement.people:
                amount = delta.outstanding_cny
                if amount == 0:
                    continue
                paid.append({"id": delta.key, "amount": money_text(amount)})
                total += amount
                line = people.get(delta.key) or PersonLine(
                    delta.key, delta.name, delta.department_id, "", "restated", "not in this "
                    "period: restatement only", Fraction(0), Fraction(0), Fraction(0),
                    ZERO, ZERO)
                people[delta.key] = replace(
                    line, restatement_cny=line.restatement_cny + amount)
            if not paid:
                continue  # nothing outstanding: settled already, or nothing changed
            section = restatement.to_json()
            section["people"] = paid
            sections.append(section)
        if not sections:
            return statement
        reconciliation = list(statement.reconciliation)
        reconciliation.insert(len(reconciliation) - 1,
                              ("restatements of closed periods (paid +, recovered −)", total))
        reconciliation[-1] = ("paid to people",
                              -sum_cny(p.total_cny for p in people.values()))
        restated = replace(
            statement,
            people=tuple(sorted(people.values(), key=lambda p: (p.department_id, p.employee_id))),
            reconciliation=tuple(reconciliation),
            restatements=tuple(sections),
        )
        invariant(restated.balance_cny == 0, f"{period} does not reconcile with restatements")
        return restated

