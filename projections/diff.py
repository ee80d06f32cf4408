"""What changed in a period between two states of knowledge, and which events did it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from domain.errors import InvalidRequestError
from domain.events import LedgerEvent, PeriodClosed
from domain.facts import Facts
from domain.money import ZERO
from domain.overlay import Layered
from domain.periods import Period
from projections.figures import money_text
from projections.payout import PersonLine, Statement
from projections.restatement import current_statement
from projections.views import touched_periods


def diff_statements(
    period: Period, before: tuple[Facts, str], after: tuple[Facts, str]
) -> dict[str, Any]:
    """Per-person and per-department deltas of `period` from `before` to `after`, each
    attributed to the events recorded in between that touch it (and to scheme changes)."""
    facts_a, label_a = before
    facts_b, label_b = after
    old = current_statement(facts_a, period)
    new = current_statement(facts_b, period)
    # A close changes no number; it is the point a side stands on, not a cause.
    changes = [event for event in _between(facts_a, facts_b)
               if not isinstance(event, PeriodClosed) and _touches(facts_b, event, period)]
    old_people, new_people = _moved(old.people, new.people)
    people = _rows(
        {p.employee_id: (p.name, p.department_id, p.total_cny) for p in old_people},
        {p.employee_id: (p.name, p.department_id, p.total_cny) for p in new_people},
        changes, "employee_id")
    departments = _rows(
        {d.department_id: (d.name, d.department_id, d.settled_cny) for d in old.departments},
        {d.department_id: (d.name, d.department_id, d.settled_cny) for d in new.departments},
        changes, "department_id")
    return {
        "period": str(period),
        "from": label_a,
        "to": label_b,
        "scheme": _scheme_change(old, new),
        "total": {"from": money_text(old.total_paid_cny), "to": money_text(new.total_paid_cny),
                  "delta": money_text(new.total_paid_cny - old.total_paid_cny)},
        "people": people,
        "departments": departments,
        "events": [_describe(event) for event in changes],
    }


def _moved(old: Sequence[PersonLine],
           new: Sequence[PersonLine]) -> tuple[Sequence[PersonLine], Sequence[PersonLine]]:
    """The lines that may differ: a what-if's statement shares the very line objects of
    every person it did not move with the statement it is compared with
    (projections/payout/line_memo.py), so when both list the same people in the same
    order only the other lines are compared (100,000 at province size); else all."""
    if len(old) != len(new):
        return old, new
    pairs = [(a, b) for a, b in zip(old, new, strict=True) if a is not b]
    if any(a.employee_id != b.employee_id for a, b in pairs):
        return old, new
    return [a for a, _ in pairs], [b for _, b in pairs]


def _between(facts_a: Facts, facts_b: Facts) -> list[LedgerEvent]:
    events_b = facts_b.events
    if isinstance(events_b, Layered):  # a what-if of facts_a: its own events, not 1.85 M
        added = events_b.added_over(facts_a.events)
        if added is not None:
            return added
    return [event for event_id, event in events_b.items() if event_id not in facts_a.events]


def _touches(facts: Facts, event: LedgerEvent, period: Period) -> bool:
    touched = touched_periods(facts, [event])
    return touched is None or period in touched


def _subject_of(event: LedgerEvent, facts: Facts, key: str) -> str | None:
    value = getattr(event, key, None)
    if value is None and (target := getattr(event, "target_id", None)) in facts.events:
        value = getattr(facts.events[target], key, None)
    return value if isinstance(value, str) else None


def _rows(
    old: dict[str, tuple[str, str, Decimal]],
    new: dict[str, tuple[str, str, Decimal]],
    changes: list[LedgerEvent],
    key: str,
) -> list[dict[str, Any]]:
    rows = []
    for subject in sorted(set(old) | set(new)):
        before = old[subject][2] if subject in old else ZERO
        after = new[subject][2] if subject in new else ZERO
        if before == after:
            continue
        name, department_id, _ = new.get(subject) or old[subject]
        direct = [str(e.originator_id) for e in changes
                  if getattr(e, key, None) == subject
                  or (key == "employee_id" and getattr(e, "department_id", None) == department_id
                      and getattr(e, "employee_id", None) is None)]
        rows.append({
            "id": subject, "name": name, "department_id": department_id,
            "from": money_text(before), "to": money_text(after),
            "delta": money_text(after - before),
            # Events about this subject (or its department); the rest of the events list
            # moves everyone through the shared pool, per-point values and bank.
            "direct_events": direct,
        })
    return rows


def _scheme_change(old: Statement, new: Statement) -> dict[str, str] | None:
    if old.scheme_sha256 == new.scheme_sha256:
        return None
    return {"from": old.scheme_key, "to": new.scheme_key,
            "from_sha256": old.scheme_sha256, "to_sha256": new.scheme_sha256}


def _describe(event: LedgerEvent) -> dict[str, Any]:
    return {
        "id": str(event.originator_id),
        "type": type(event).__name__,
        "actor": event.actor,
        "recorded_at": event.recorded_at.isoformat(),
        "effective": event.effective,
        "reason": event.reason,
        "supersedes": str(event.supersedes) if event.supersedes else None,
    }


def diff_side(ledger: Any, now: Facts, text: str, period: Period) -> tuple[Facts, str]:
    """(facts, label) for one side of a diff: 'now', 'closed' (the facts the frozen
    statement was computed from) or an ISO instant (UTC unless zoned)."""
    if text == "now":
        return now, "now"
    if text == "closed":
        close = now.close_of(str(period))
        if close is None:
            raise InvalidRequestError(f"{period} is not closed; use a timestamp or 'now'")
        return now.upto(close.position), f"closed at {close.recorded_at.isoformat()}"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidRequestError(f"{text!r} is not 'now', 'closed' or an ISO timestamp such "
                                  "as 2026-04-05T12:00:00+08:00") from None
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return ledger.facts(cutoff=moment), f"as of {text}"
