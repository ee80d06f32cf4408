"""What-ifs that reuse what they cannot change.

`Ledger.preview` gives the facts as they would be after a batch. Recomputing a statement
on them from scratch costs as much as the first time (every quarter of the year, for the
bank), although most periods cannot move: the statements of periods the new events do not
touch (`touched_periods`, the same rule the statements view catches up by) are carried
over from the facts the preview was made from, and so are the individual scores and the
departments' splits among their people, each memoised under all of its inputs: the
periods that must be recomputed score again only the people the new events concern, and
split again only the departments whose line or members moved.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import islice
from typing import Any

from pydantic import BaseModel

from domain.application import Ledger
from domain.events import LedgerEvent
from domain.facts import Facts
from projections.memo import memo_of
from projections.payout.split_memo import DEPARTMENT_SPLITS
from projections.scoring import PERSON_SCORES
from projections.views import touched_periods

# The per-period results of projections.payout and projections.restatement.
PERIOD_MEMOS = ("statements", "reported", "people")


def preview(ledger: Ledger, commands: Sequence[tuple[str, BaseModel]], actor: str,
            base: Facts | None = None) -> Facts:
    """`Ledger.preview`, with the statements it cannot change already known."""
    before = base or ledger.facts()
    after = ledger.preview(commands, actor, base=before)
    added = len(after.events) - len(before.events)
    new: list[LedgerEvent] = list(islice(reversed(after.events.values()), added))[::-1]
    carry_over(before, after, new)
    return after


def carry_over(before: Facts, after: Facts, new_events: Sequence[LedgerEvent]) -> None:
    # Individual scores and departments' splits are memoised under all of their inputs,
    # so every one of them stays valid whatever the new events are (a copy: the preview
    # adds its own).
    memo_before, memo_after = memo_of(before), memo_of(after)
    for name in (PERSON_SCORES, DEPARTMENT_SPLITS):
        inputs_memo = memo_before.get(name)
        if inputs_memo:
            memo_after[name] = dict(inputs_memo)
    touched = touched_periods(before, new_events)
    if touched is None:
        return  # the roster, the scheme or a close: anything may move
    for name in PERIOD_MEMOS:
        known: dict[Any, Any] = memo_before.get(name, {})
        kept = {period: s for period, s in known.items() if period not in touched}
        if kept:
            memo_after.setdefault(name, {}).update(kept)
