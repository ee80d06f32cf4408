"""What-ifs that reuse what they cannot change.

`Ledger.preview` gives the facts as they would be after a batch. Recomputing a statement
on them from scratch costs as much as the first time (every quarter of the year, for the
bank), although most periods cannot move: the statements of periods the new events do not
touch (`touched_periods`, the same rule the statements view catches up by) are carried
over from the facts the preview was made from, and so are the individual scores and the
departments' splits among their people, each memoised under all of its inputs: the
periods that must be recomputed score again only the people the new events concern, and
split again only the departments whose line or members moved. A process that has computed
nothing yet (`jixiao payout --with`) need not compute the earlier quarters of the year for
their banks either: a quarter the new events cannot move and that is not closed carries
its banks in from the statement stored for it (`StoredBanks`, `carry_banks`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from itertools import islice
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from domain.events import LedgerEvent
from domain.facts import Facts, cycle_collection_paused
from domain.money import ZERO
from domain.periods import Period
from projections.department_scores import ADMIN_SCORES, CLINICAL_SCORES
from projections.memo import memo_of
from projections.payout import CARRIED_BANKS
from projections.payout.department_memo import DEPARTMENT_MEMOS
from projections.payout.line_memo import LINE_ORDERS, PERSON_LINES
from projections.payout.seeded_splits import SEEDED_SPLITS
from projections.payout.split_memo import DEPARTMENT_SPLITS
from projections.period_events import carry_period_types
from projections.person_inputs import carry_person_inputs
from projections.scoring import PERSON_SCORES
from projections.views import touched_periods

if TYPE_CHECKING:
    from domain.application import Ledger

# The per-period results of projections.payout and projections.restatement.
PERIOD_MEMOS = ("statements", "reported", "people")


# The statement stored for a period of the facts a what-if starts from (the statements
# view's, hash-checked), as JSON; None when there is none to trust.
StatementReader = Callable[[Period], Mapping[str, Any] | None]


def preview(ledger: Ledger, commands: Sequence[tuple[str, BaseModel]], actor: str,
            base: Facts | None = None, stored: StatementReader | None = None) -> Facts:
    """`Ledger.preview`, with the statements it cannot change already known, and, given
    `stored`, the banks of the quarters it cannot change read from their stored
    statements."""
    before = base or ledger.facts()
    with cycle_collection_paused():  # as a statement's computation (projections.payout)
        after = ledger.preview(commands, actor, base=before)
        added = len(after.events) - len(before.events)
        new: list[LedgerEvent] = list(islice(reversed(after.events.values()), added))[::-1]
        carry_over(before, after, new)
        if stored is not None:
            carry_banks(before, after, touched_periods(before, new), stored)
    return after


def carry_over(before: Facts, after: Facts, new_events: Sequence[LedgerEvent]) -> None:
    # Individual and clinical departments' scores and departments' splits are memoised
    # under all of their inputs, so every one of them stays valid whatever the new events
    # are (a copy: the preview adds its own).
    memo_before, memo_after = memo_of(before), memo_of(after)
    for name in (PERSON_SCORES, CLINICAL_SCORES, ADMIN_SCORES, DEPARTMENT_SPLITS, PERSON_LINES,
                 LINE_ORDERS, SEEDED_SPLITS, *DEPARTMENT_MEMOS):
        inputs_memo = memo_before.get(name)
        if inputs_memo:
            memo_after[name] = dict(inputs_memo)
    carry_person_inputs(before, after, new_events)
    carry_period_types(before, after, new_events)
    touched = touched_periods(before, new_events)
    if touched is None:
        return  # the roster, the scheme or a close: anything may move
    for name in PERIOD_MEMOS:
        known: dict[Any, Any] = memo_before.get(name, {})
        kept = {period: s for period, s in known.items() if period not in touched}
        if kept:
            memo_after.setdefault(name, {}).update(kept)


def carry_banks(before: Facts, after: Facts, touched: set[Period] | None,
                stored: StatementReader) -> None:
    """Let `after` read the bank a quarter leaves from the statement stored for it in
    `before`, when `touched` (the periods the new events can move) leaves it out and it is
    not closed (a closed period's stored statement is the frozen one; the bank carried
    forward is the live one's)."""
    if touched is None:
        return  # anything may move

    read: dict[Period, dict[str, Decimal] | None] = {}  # each quarter asked for once

    def bank_after(period: Period) -> dict[str, Decimal] | None:
        if period in touched or before.close_of(str(period)) is not None:
            return None
        if period not in read:
            statement = stored(period)
            read[period] = None if statement is None else banks_of(statement)
        return read[period]

    memo_of(after)[CARRIED_BANKS] = bank_after


def banks_of(statement: Mapping[str, Any]) -> dict[str, Decimal]:
    """Each department's bank on leaving a quarter, from its statement's JSON. Money is
    kept to the fen (a bank is the sum of whole-fen amounts), so the text is exact."""
    banks = {}
    for line in statement["departments"]:
        amount = Decimal(line["bank_after"])
        banks[line["department_id"]] = amount if amount else ZERO
    return banks
