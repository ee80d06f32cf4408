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
from domain.facts import Facts
from domain.periods import Period
from projections.snapshots import checked_on_seal


def lean_what_if(ws: Workspace, caller: Caller, batch: Batch,
                 period: Period) -> Facts | None:
    """The facts as if the batch were recorded, from a snapshot; None when none serves or
    the batch needs the fold of every event (see the module's note)."""
    lean = ws.lean_facts(period)
    if lean is None or batch.prior_problems:
        return None
    events = checked_on_seal(ws.ledger, lean, batch.rows, caller.actor, datetime.now(UTC))
    if events is None or reads_policies(lean, events):
        return None
    return lean.with_events(events)
