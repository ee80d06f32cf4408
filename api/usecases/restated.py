"""`payout --restated`: a closed period's complete statement recomputed from everything known
(now, or as known at a time), beside the frozen one, with the difference on every line and
the period that carries it. An open period has nothing to restate: a clear error, never a
silent fallback to the live statement (a clerk asking for a restatement of an open period
has the wrong period, and should hear so)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from api.usecases.access import scoped_statement
from api.usecases.as_of import facts_known_at
from api.usecases.ports import Caller, Workspace, parse_period
from domain.records import frozen_record
from projections.procedures import with_late_decisions
from projections.restated import restated_report

__all__ = ["RestatedQuery", "restated"]


@frozen_record
class RestatedQuery:
    period: str
    as_of: datetime | None = None  # restated as known at this instant


def restated(ws: Workspace, caller: Caller, query: RestatedQuery) -> dict[str, Any]:
    """Closed vs restated, per person, department and pool line; scoped to the caller."""
    period = parse_period(query.period)
    facts = facts_known_at(ws, query.as_of) if query.as_of else ws.facts()
    report = restated_report(facts, period)
    user = caller.user
    if user is None or user.reads_everything:
        # Whole-organisation readers (finance, auditors) see which appeals about the
        # period were decided late; the appeal's own view shows its appellant.
        with_late_decisions(report, facts, period)
        return report
    return {
        **report,
        "people": [r for r in report["people"]
                   if user.may_read_employee(r["employee_id"], r["department_id"])],
        "departments": [r for r in report["departments"]
                        if user.may_read_department(r["department_id"])],
        "pool": [], "delta_total": None, "outstanding": None,
        "closed": scoped_statement(user, report["closed"]),
        "restated": scoped_statement(user, report["restated"]),
    }
