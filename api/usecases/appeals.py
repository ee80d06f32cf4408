"""The appeals desk: file, assign, decide and escalate an appeal; the queue, one appeal,
and what a decision would change. Each appeal is shown only to whom may act for its
appellant (an employee their own, a head their departments')."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import field
from datetime import date
from typing import Any, Literal, TypeVar

from api.usecases.access import current_department, may_act_for
from api.usecases.access_log import record_read
from api.usecases.ledger import ApplyResult, Batch, apply_batch
from api.usecases.ports import Caller, Workspace
from domain.appeals import (
    AppealState,
    appeal_rule,
    appeals_of,
    contested_entry,
    contested_period,
    filing_deadline,
    recusal_reasons,
    review_deadline,
)
from domain.calendar import CalendarUnknownError
from domain.errors import (
    ForbiddenError,
    InvalidRequestError,
    NotFoundError,
    Problem,
    RejectedError,
)
from domain.events import DecideAppeal
from domain.facts import Facts
from domain.procedures import calendar_of
from domain.records import frozen_record
from domain.users import a_role
from projections.appeal_preview import decision_context, parse_changes, preview_decision
from projections.procedures import late_decisions

T = TypeVar("T")

Outcome = Literal["uphold", "change", "revoke"]
SELF_ASSIGNMENT = ("审核人不得把申诉指派给自己；请由另一位有权限的人指派。 "
                   "A reviewer may not assign an appeal to themselves; someone else assigns it.")


def parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidRequestError(f"{text!r} is not a date like 2026-03-20") from None


def changes_from_json(text: str | None, name: str = "changes") -> dict[str, Any] | None:
    """The changed fields of a "change" decision, from JSON text (decimals stay exact)."""
    return parse_changes(text, name)


# ---------------------------------------------------------------------------- writing


@frozen_record
class FileAppeal:
    appeal_id: str
    grounds: str
    received_on: date
    filed_on: date
    appellant_employee_id: str | None = None  # exactly one appellant
    appellant_department_id: str | None = None
    contested_entry_id: str | None = None  # an entry, or a payout line (period, employee)
    contested_line: tuple[str, str] | None = None
    evidence_refs: list[str] = field(default_factory=list)


def file_appeal(ws: Workspace, caller: Caller, request: FileAppeal) -> ApplyResult:
    row: dict[str, Any] = {
        "type": "file_appeal", "appeal_id": request.appeal_id, "grounds": request.grounds,
        "evidence_refs": list(request.evidence_refs),
        "received_on": request.received_on.isoformat(),
        "filed_on": request.filed_on.isoformat(),
    }
    if request.appellant_employee_id:
        row["appellant_employee_id"] = request.appellant_employee_id
    else:
        row["appellant_department_id"] = request.appellant_department_id
    if request.contested_entry_id:
        row["contested_entry_id"] = request.contested_entry_id
    elif request.contested_line is not None:
        row["contested_period"], row["contested_employee_id"] = request.contested_line
    return _record(ws, caller, row)


def assign_appeal(ws: Workspace, caller: Caller, appeal_id: str, reviewer: str) -> ApplyResult:
    """To a reviewer at the appeal's current level (the ledger checks recusal). Nobody
    assigns a case to themselves: the assignment is the second pair of eyes."""
    state = _current_state(ws, appeal_id)
    if reviewer == caller.actor:  # a refusal: its reasons from every event
        facts = ws.facts()
        _, rule = appeal_rule(facts, state.filed.filed_on)
        others = recusal_reasons(facts, state, reviewer, rule) if rule is not None else []
        raise RejectedError([Problem("appeal", "reviewer", reason)
                             for reason in (SELF_ASSIGNMENT, *others)])
    level = state.level
    return _record(ws, caller, {"type": "assign_appeal", "appeal_id": appeal_id,
                                "reviewer": reviewer, "level": level})


@frozen_record
class DecideRequest:
    appeal_id: str
    outcome: Outcome
    reason: str
    decided_on: date
    changes: dict[str, Any] | None = None


@frozen_record
class Decision:
    applied: ApplyResult

    @property
    def corrections(self) -> list[Any]:
        """The corrections recorded with the decision."""
        return [e for e in self.applied.recorded if type(e).__name__ != "AppealDecided"]


def decide_appeal(ws: Workspace, caller: Caller, request: DecideRequest) -> Decision:
    level = _current_state(ws, request.appeal_id).level
    return Decision(_record(ws, caller, {
        "type": "decide_appeal", "appeal_id": request.appeal_id, "level": level,
        "outcome": request.outcome, "decided_on": request.decided_on.isoformat(),
        "reason": request.reason, "changes": request.changes}))


def escalate_appeal(ws: Workspace, caller: Caller, appeal_id: str, grounds: str,
                    filed_on: date) -> ApplyResult:
    return _record(ws, caller, {"type": "escalate_appeal", "appeal_id": appeal_id,
                                "grounds": grounds, "filed_on": filed_on.isoformat()})


def _current_state(ws: Workspace, appeal_id: str) -> AppealState:
    """The appeal as it stands, for the level a command names: from the fold from a
    snapshot while the session keeps one (an appeal's own events are never left out of
    it, so its state there is its state), else from every event. The command itself is
    then checked on that fold only when its answer is the full fold's
    (api/usecases/sealed_writes.py)."""
    lean = ws.sealed_facts()
    state = None if lean is None else appeals_of(lean).get(appeal_id)
    return state if state is not None else appeal_state(ws.facts(), appeal_id)


def _record(ws: Workspace, caller: Caller, row: dict[str, Any]) -> ApplyResult:
    return apply_batch(ws, caller, Batch([("appeal", row)], numbered=True,
                                         precheck_users=False))


# ---------------------------------------------------------------------------- reading


def appeal_state(facts: Facts, appeal_id: str) -> AppealState:
    state = appeals_of(facts).get(appeal_id)
    if state is None:
        raise NotFoundError(f"no appeal {appeal_id!r}")
    return state


def _visible(caller: Caller, facts: Facts, state: AppealState, today: date) -> bool:
    if caller.user is None:
        return True
    filed = state.filed
    return may_act_for(caller.user, (filed.appellant_employee_id,
                                     filed.appellant_department_id),
                       lambda e: current_department(facts, e, today))


def _visible_state(caller: Caller, facts: Facts, appeal_id: str, today: date) -> AppealState:
    state = appeal_state(facts, appeal_id)
    if not _visible(caller, facts, state, today):
        # As if there were no such appeal (appeal_state's own words).
        raise NotFoundError(f"no appeal {appeal_id!r}")
    return state


def describe(facts: Facts, state: AppealState, today: date | None = None) -> dict[str, Any]:
    """One appeal: state, deadlines (overdue judged on `today`), the contested entry and
    every review."""
    filed = state.filed
    _, rule = appeal_rule(facts, filed.filed_on)
    entry = contested_entry(facts, filed)
    period = contested_period(facts, filed)
    calendar = calendar_of(facts)
    unknown: list[str] = []
    deadline = _counted(lambda: review_deadline(rule, state, calendar), unknown) if rule else None
    filing = _counted(lambda: filing_deadline(rule, filed.received_on, calendar),
                      unknown) if rule else None
    decided = state.current.decision is not None
    shown = {
        "appeal_id": filed.appeal_id,
        "appellant": filed.appellant_employee_id or filed.appellant_department_id,
        "filed_by": filed.actor,
        "filed_on": filed.filed_on.isoformat(),
        "received_on": filed.received_on.isoformat(),
        "filing_deadline": filing.isoformat() if filing else None,
        "review_deadline": deadline.isoformat() if deadline else None,
        "overdue": bool(today and deadline and not decided and today > deadline),
        "status": state.status,
        "level": state.level,
        "grounds": filed.grounds,
        "evidence_refs": list(filed.evidence_refs),
        "contested": {
            "entry_id": str(filed.contested_entry_id) if filed.contested_entry_id else None,
            "type": type(entry).__name__ if entry else "payout line",
            "period": str(period) if period else None,
            "employee_id": getattr(entry, "employee_id", None) or filed.contested_employee_id,
            "recorded_by": entry.actor if entry else None,
            "still_in_force": bool(entry and entry.originator_id in facts.live),
        },
        "reviews": [
            {"level": r.level, "reviewer": r.reviewer,
             "decision": None if r.decision is None else {
                 "outcome": r.decision.outcome, "decided_on": r.decision.decided_on.isoformat(),
                 "by": r.decision.actor, "reason": r.decision.reason,
                 "changes": r.decision.changes}}
            for r in state.reviews],
    }
    # Only when there is one, so the view of an appeal decided in time reads as before.
    late = _counted(lambda: late_decisions(facts, state, calendar), unknown)
    if late:
        shown["decided_late"] = late
    if unknown:
        shown["deadline_unknown"] = unknown[0]
    return shown


def _counted(count: Callable[[], T], unknown: list[str]) -> T | None:
    """A deadline counted in working days, or None with the reason in `unknown` when it
    reaches a year whose holidays no calendar knows yet (each December, until the State
    Council's notice for the next year is recorded): a list of appeals still answers,
    and says which deadline it cannot count, instead of failing as a whole."""
    try:
        return count()
    except CalendarUnknownError as error:
        unknown.append(str(error))
        return None


def list_appeals(ws: Workspace, caller: Caller, today: date,
                 everything: bool = False) -> dict[str, Any]:
    """Open appeals (all with `everything`) by review deadline, overdue ones flagged, only
    those the caller may see."""
    facts = ws.facts()
    rows = [describe(facts, state, today) for state in appeals_of(facts).values()
            if (everything or state.current.decision is None)
            and _visible(caller, facts, state, today)]
    rows.sort(key=lambda r: (r["review_deadline"] or "9999", r["appeal_id"]))
    return {"today": today.isoformat(), "appeals": rows}


def show_appeal(ws: Workspace, caller: Caller, appeal_id: str, today: date,
                judge_overdue: bool = True) -> dict[str, Any]:
    """One appeal; `judge_overdue` False leaves `overdue` false (the CLI's `show`)."""
    facts = ws.facts()
    state = _visible_state(caller, facts, appeal_id, today)
    return describe(facts, state, today if judge_overdue else None)


@frozen_record
class PreviewRequest:
    appeal_id: str
    outcome: Outcome = "revoke"
    changes: str | None = None  # JSON text of the changed fields, for "change"
    changes_name: str = "changes"  # what the changes are called in errors ("--changes")


def preview_appeal(ws: Workspace, caller: Caller, request: PreviewRequest,
                   today: date) -> dict[str, Any]:
    """The contested period now and as if decided, per person and department, and why the
    assigned reviewer would be recused; nothing is written."""
    if caller.user is not None and not caller.user.reads_everything:
        raise ForbiddenError(f"{a_role(caller.user.role)} may not preview a decision; it "
                             "shows everyone the decision touches")
    facts = ws.facts()
    state = _visible_state(caller, facts, request.appeal_id, today)
    changes = parse_changes(request.changes, request.changes_name)
    try:
        parsed = DecideAppeal.model_validate({
            "type": "decide_appeal", "appeal_id": request.appeal_id,
            "outcome": request.outcome, "decided_on": today.isoformat(), "changes": changes},
            context=decision_context(ws.ledger))
    except ValueError as error:
        raise InvalidRequestError(str(error).splitlines()[-1].strip()) from None
    validated: dict[str, Any] | None = parsed.changes
    report = preview_decision(ws.ledger, facts, state, request.outcome, validated,
                              caller.actor, today)
    # Its rows are people's pay now and as if decided: logged like any read of them.
    record_read(ws, caller, f"appeal preview {request.appeal_id}",
                [row["id"] for row in report["people"]])
    return report
