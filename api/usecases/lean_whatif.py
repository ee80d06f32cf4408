"""A what-if of one period after every sealed year, from the snapshot of those years
(api/storage/lean_facts.py), so a what-if holds the open years only.

The batch is checked against the snapshot's fold exactly as `Ledger.preview` checks it
against the fold of every event. That fold does not know the sealed years' bulk facts, so
its answer is only taken when it cannot differ from the full one: the check found no
problem (a rejection is always given by the full fold, which names it as before), no row
is a retry of a stored entry, no new event could change a sealed year (the test a fold
from a snapshot applies to every later event, `Seal.breaks`, plus an id of a dropped
fact), and the batch touches nothing the escalation policies read (they look across
years). Otherwise the caller folds every event."""

from __future__ import annotations

from datetime import UTC, datetime

from api.usecases.ledger import Batch
from api.usecases.ports import Caller, Workspace
from domain.derivations import reads_policies
from domain.events import LedgerEvent
from domain.facts import Facts
from domain.periods import Period
from projections.snapshots import Seal


def lean_what_if(ws: Workspace, caller: Caller, batch: Batch,
                 period: Period) -> Facts | None:
    """The facts as if the batch were recorded, from a snapshot; None when none serves or
    the batch needs the fold of every event (see the module's note)."""
    lean = ws.lean_facts(period)
    seal = lean.sealed if lean is not None else None
    if lean is None or not isinstance(seal, Seal) or batch.prior_problems:
        return None
    ledger = ws.ledger
    commands, found, _ = ledger.check_rows(batch.rows, ledger.day_window(lean))
    if found:
        return None
    items, retries, problems = ledger.check_chunk(commands, caller.actor, lean,
                                                  datetime.now(UTC))
    events = [event for _, event in items]
    if problems or retries or reads_policies(lean, events):
        return None
    if any(_breaks(seal, event) for event in events):
        return None
    return lean.with_events(events)


def _breaks(seal: Seal, event: LedgerEvent) -> bool:
    return event.originator_id in seal.dropped or seal.breaks(event)
