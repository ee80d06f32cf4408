"""A period's live events of one type, grouped once per facts and carried into a what-if.

The pool, the department scores, the controls and the penalties each read the period's
events of one or two types: five passes over every event of the quarter (460 k for a
province, 0.1-0.3 s each), paid again by every what-if although an appeal adds a person's
entry and moves no department's figures. The period's events are grouped by type once
per facts (`PERIOD_TYPES`), and a what-if carries the groups of every type its new events
neither add to nor take from (`carry_period_types`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import TypeVar

from domain.events import EntryVoided, LedgerEvent
from domain.facts import Facts
from domain.periods import Period
from projections.memo import memo_of

# The memo (projections.memo) of period text → {event type: its live events in the
# period, in ledger order}.
PERIOD_TYPES = "period-types"

E = TypeVar("E", bound=LedgerEvent)


def of_type(facts: Facts, period: Period, kind: type[E]) -> list[E]:
    """The period's live events of `kind` (a leaf event class), in ledger order."""
    known: dict[str, dict[type, list[LedgerEvent]]] = memo_of(facts).setdefault(
        PERIOD_TYPES, {})
    text = str(period)
    groups = known.get(text)
    if groups is None:
        grouped: defaultdict[type, list[LedgerEvent]] = defaultdict(list)
        for event in facts.in_period(period):
            grouped[type(event)].append(event)
        groups = known[text] = dict(grouped)
        groups.setdefault(kind, [])
    found = groups.get(kind)
    if found is None:  # dropped by a what-if (carry_period_types): group this type again
        found = groups[kind] = [e for e in facts.in_period(period) if type(e) is kind]
    return found  # type: ignore[return-value]


def carry_period_types(before: Facts, after: Facts, new_events: Sequence[LedgerEvent]) -> None:
    """Give `after` (the facts `before` and `new_events`) the groups `before` has made,
    but those of the types a new event adds to, or takes from by superseding or voiding
    an entry: those are grouped again when asked for."""
    known: dict[str, dict[type, list[LedgerEvent]]] = memo_of(before).get(PERIOD_TYPES, {})
    if not known:
        return
    moved: set[type] = set()
    for event in new_events:
        moved.add(type(event))
        target = event.target_id if isinstance(event, EntryVoided) else event.supersedes
        replaced = None if target is None else before.events.get(target)
        if target is not None and replaced is None:
            return  # an entry we cannot see: group everything again
        if replaced is not None:
            moved.add(type(replaced))
    memo_of(after)[PERIOD_TYPES] = {
        period: {kind: events for kind, events in groups.items() if kind not in moved}
        for period, groups in known.items()}
