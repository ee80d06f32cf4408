"""The facts a question about one period reads: from a snapshot of the closed years before
it when one serves (api/storage/lean_facts.py), so a fold holds the open years only;
otherwise the fold of every event, now or as known at an instant."""

from __future__ import annotations

from datetime import datetime

from api.usecases.as_of import facts_at
from api.usecases.ports import Workspace, known_as_of
from domain.facts import Facts
from domain.periods import Period


def period_facts(ws: Workspace, period: Period, as_of: datetime | None = None) -> Facts:
    """The facts that answer `period` (as known at `as_of`, checked against the ledger's
    window of dates as every read's instant is)."""
    if as_of is None:
        return ws.lean_facts(period) or ws.facts()
    moment = known_as_of(ws, as_of)
    return ws.lean_facts(period, moment) or facts_at(ws, moment)


def is_now(ws: Workspace, facts: Facts) -> bool:
    """Whether `facts` know every event stored (the caught-up view answers for them)."""
    if facts.sealed is not None:
        return facts.last_position >= ws.ledger.max_position()
    return facts is ws.facts()
