"""What the web pages' home and period list show at a glance, from the same use cases as
the CLI and the API: each period's state (open, awaiting approval, closed, restated) and
totals, and what needs the signed-in person now."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from api.usecases.access import require_everything_for
from api.usecases.appeals import list_appeals
from api.usecases.closing import latest_preparations
from api.usecases.ports import Caller, Workspace, parse_period
from api.usecases.queries import list_periods
from api.usecases.reports import restatement
from domain.calendar import CalendarUnknownError, working_days_between
from domain.close_review import approval_required
from domain.procedures import calendar_of

OPEN, AWAITING, CLOSED, RESTATED = "open", "awaiting_approval", "closed", "restated"


def periods_overview(ws: Workspace, caller: Caller) -> dict[str, Any]:
    """Every payable period with its state, pool, pay and headcount paid."""
    require_everything_for(caller, "the periods")
    facts = ws.facts()
    rows = []
    preparations = latest_preparations(facts)
    for listed in list_periods(ws, caller):
        period = parse_period(listed["period"])
        statement = ws.statement_json(period)
        prepared = preparations.get(str(period))
        close = facts.close_of(str(period))
        if listed["closed"]:
            state = RESTATED if restatement(ws, caller, str(period))["people"] else CLOSED
        else:
            state = AWAITING if prepared is not None else OPEN
        pool = distributable_pool(statement)
        rows.append({
            "period": str(period), "state": state,
            "prepared_by": prepared.actor if prepared is not None and state == AWAITING
            else None,
            "pool": f"{pool:.2f}", "paid": statement["totals"]["paid"],
            "people_paid": statement["totals"]["people_paid"],
            "balance": statement["reconciliation"]["balance"],
            # who closed it and when: a closed period shows its close, never a way to close
            "closed_by": close.actor if close is not None else None,
            "closed_at": close.recorded_at.isoformat() if close is not None else None})
    return {"periods": rows, "two_person_close": approval_required(facts)}


def distributable_pool(statement: dict[str, Any]) -> Decimal:
    """The pool shared out: the statement's `distributable` line. The lines before it
    (revenue, gross, the year-end reserve, adjustments) are how it was derived, not
    money to add up; a period with no pool declared has no lines and shares out 0."""
    return next((Decimal(line["amount"]) for line in statement["pool"]
                 if line["line"] == "distributable"), Decimal(0))


def needs_now(ws: Workspace, caller: Caller, today: date) -> dict[str, Any]:
    """For the home page: the periods awaiting someone else's approval (finance), the
    open appeals the caller may see with their deadlines (everyone but auditors)."""
    user = caller.user
    result: dict[str, Any] = {"approvals": [], "appeals": [], "periods": []}
    result["period_names"] = [p["period"] for p in list_periods(ws, caller)]
    if user is None or user.reads_everything:
        overview = periods_overview(ws, caller)
        result["periods"] = overview["periods"]
        result["approvals"] = [p for p in overview["periods"] if p["state"] == AWAITING
                               and p["prepared_by"] != caller.actor]
    if user is None or user.role != "auditor":
        result["appeals"] = appeals_queue(ws, caller, today)
    return result


def appeals_queue(ws: Workspace, caller: Caller, today: date,
                  everything: bool = False) -> list[dict[str, Any]]:
    """The appeals the caller may see, by review deadline, each with the working days
    left to it (negative once overdue; statutory holidays and make-up days counted)."""
    rows: list[dict[str, Any]] = list_appeals(ws, caller, today, everything)["appeals"]
    calendar = calendar_of(ws.facts())  # the notices the ledger recorded count too
    for row in rows:
        deadline = row["review_deadline"]
        left = None
        if deadline is not None:
            end = date.fromisoformat(deadline)
            try:
                left = (working_days_between(today, end, calendar) if end >= today
                        else -working_days_between(end, today, calendar))
            except CalendarUnknownError as error:  # a year between them not known yet
                row.setdefault("deadline_unknown", str(error))
        row["working_days_left"] = left
    return rows
