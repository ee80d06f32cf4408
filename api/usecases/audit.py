"""The audit trail: the hash chain's verification, the recorded events (all of them, or
those about one employee or department), filtered and paged."""

from __future__ import annotations

from typing import Any

from api.usecases.access import require_department, require_employee, require_everything_for
from api.usecases.ledger import event_json
from api.usecases.ports import Caller, Workspace, today_utc
from domain.errors import NotFoundError
from domain.events import LedgerEvent
from domain.facts import Facts
from domain.records import frozen_record
from projections.audit import AuditQuery, ChainReport, select_events

# The shells name AuditQuery, ChainReport through this module, never through projections/.
__all__ = [
    "CREDENTIAL_FIELDS", "AuditQuery", "ChainReport", "EventLine", "audit_events",
    "department_history", "employee_history", "latest_events", "redacted", "verify_chain",
]

def verify_chain(ws: Workspace, caller: Caller) -> ChainReport:
    """Chain what is new, then recompute every link from the stored bytes and compare."""
    require_everything_for(caller, "the chain verification")
    return ws.verify_chain()


# A credential's fingerprint is not audit data: the trail shows that a token or a
# password was set, by whom and when, never its hash (a hash invites offline guessing).
CREDENTIAL_FIELDS = frozenset({"token_sha256", "password_argon2"})


def redacted(shown: dict[str, Any]) -> dict[str, Any]:
    """An event's fields without its credential hashes."""
    return {k: v for k, v in shown.items() if k not in CREDENTIAL_FIELDS}


@frozen_record
class EventLine:
    event: LedgerEvent
    live: bool  # False once corrected or voided

    @property
    def fields(self) -> dict[str, Any]:
        """The stored fields as the trail shows them (credential hashes left out)."""
        return redacted(self.event.model_dump(mode="json"))


def latest_events(ws: Workspace, caller: Caller, limit: int) -> list[EventLine]:
    """The last `limit` events recorded (`jixiao events`)."""
    require_everything_for(caller, "the audit log")
    facts = ws.facts()
    events = list(facts.events.values())[-limit:]
    return [EventLine(e, e.originator_id in facts.live) for e in events]


def audit_events(ws: Workspace, caller: Caller, query: AuditQuery) -> dict[str, Any]:
    """Recorded events (corrected ones too) in notification order, filtered and paged."""
    require_everything_for(caller, "the audit log")
    return _page(ws.facts(), query)


def employee_history(ws: Workspace, caller: Caller, employee_id: str, after: int,
                     limit: int) -> dict[str, Any]:
    facts = ws.facts()
    if caller.user is not None:
        require_employee(caller.user, facts, employee_id, today_utc())
    elif not facts.knows_employee(employee_id):
        raise NotFoundError(f"no employee {employee_id!r}")
    return _page(facts, AuditQuery(subject=employee_id, subject_kind="employee",
                                   after=after, limit=limit))


def department_history(ws: Workspace, caller: Caller, department_id: str, after: int,
                       limit: int) -> dict[str, Any]:
    facts = ws.facts()
    if caller.user is not None:
        require_department(caller.user, facts, department_id)
    elif department_id not in facts.department_ids():
        raise NotFoundError(f"no department {department_id!r}")
    return _page(facts, AuditQuery(subject=department_id, subject_kind="department",
                                   after=after, limit=limit))


def _page(facts: Facts, query: AuditQuery) -> dict[str, Any]:
    selected = select_events(facts, query)
    return {
        "events": [redacted(event_json(position, event, live=event.originator_id in facts.live))
                   for position, event in selected],
        "next_after": selected[-1][0] if len(selected) == query.limit else None,
    }
