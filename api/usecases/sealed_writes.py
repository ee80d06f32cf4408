"""A batch written on a fold from a snapshot of closed years (`Workspace.sealed_facts`), so
neither a server that answers from such a fold nor a CLI write (`jixiao apply` of a small
batch, `jixiao import`, a single-command verb) folds every sealed year to take a write.

The batch is checked against that fold exactly as `apply_batch` checks it against the
fold of every event: the caller's right to write each row, the rows' shape, the ledger's
rules and what the escalation policies derive. Only a batch whose answer cannot differ
from the full fold's is written here: every row is new, nothing is refused and no event
touches a sealed year (`projections.snapshots.events_on_seal`). Anything else returns
None, having written nothing, and `apply_batch` checks it against every event, which
names the problem or the retry as it always has."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel

from api.usecases.access import check_writes
from api.usecases.ports import Caller, Workspace
from domain.errors import DomainError
from domain.events import LedgerEvent
from domain.facts import Facts
from domain.users import user_problems
from projections.snapshots import events_on_seal


def write_on_seal(ws: Workspace, caller: Caller, rows: Sequence[tuple[str, Mapping[str, Any]]],
                  today: date, precheck_users: bool
                  ) -> tuple[list[LedgerEvent], dict[UUID, int], int] | None:
    """(events written, their positions, the store's last position then), or None with
    nothing written."""
    facts = ws.sealed_facts()
    if facts is None:
        return None
    ledger = ws.ledger
    commands, found, _ = ledger.check_rows(rows, ledger.day_window(facts))
    if found:
        return None
    # None as well for a retry: so every command below is one not recorded yet.
    events = events_on_seal(ledger, facts, commands, caller.actor, datetime.now(UTC))
    if not events or not _allowed(ws, caller, rows, commands, facts, today=today,
                                      precheck_users=precheck_users):
        return None
    ws.save_checked(events)
    ws.chain_up_quietly()
    caught_up = ws.sealed_facts() or ws.facts()
    positions = {e.originator_id: caught_up.positions[e.originator_id] for e in events}
    return events, positions, caught_up.last_position


def recorded_ids(ws: Workspace) -> Callable[[UUID], bool]:
    """Whether an event is stored, asked of the fold a write is checked on first: the fold
    from a snapshot while one is kept (the store answers for its sealed years' events,
    which that fold drops), so looking up a key folds no sealed year; else every event."""
    facts = ws.sealed_facts()
    if facts is None:
        return ws.facts().events.__contains__
    recorder = ws.ledger.recorder
    return lambda id_: id_ in facts.events or bool(recorder.select_events(id_, limit=1))


def _allowed(ws: Workspace, caller: Caller, rows: Sequence[tuple[str, Mapping[str, Any]]],
             commands: Sequence[tuple[str, BaseModel]], facts: Facts, *, today: date,
             precheck_users: bool) -> bool:
    """Whether nothing refuses the batch on this fold (a refusal is named by the full one)."""
    if caller.user is not None:
        try:
            check_writes(caller.user, rows, commands, facts, today)
        except DomainError:
            return False
    return not (precheck_users and user_problems(
        ws.users(), list(commands), lambda d: d in facts.department_ids()))
