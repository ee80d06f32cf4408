"""The appeal desk over HTTP: the queue, one appeal, and the preview of a decision, each
scoped like the payout (an employee their own appeals, a head their departments'). The
JSON of an appeal is `jixiao appeal show --json`'s (`api.appeal_cli.describe`)."""

from __future__ import annotations

from datetime import date
from typing import Any

from api.appeal_cli import describe
from api.http.access import current_department, may_act_for
from api.http.commands import today_utc
from api.http.runtime import Backend
from domain.appeals import (
    AppealState,
    appeals_of,
)
from domain.errors import ForbiddenError, InvalidRequestError, NotFoundError
from domain.events import DecideAppeal
from domain.facts import Facts
from domain.users import User, a_role
from projections.appeal_preview import parse_changes, preview_decision


def _visible(user: User, facts: Facts, state: AppealState) -> bool:
    filed = state.filed
    return may_act_for(user, (filed.appellant_employee_id, filed.appellant_department_id),
                       lambda e: current_department(facts, e, today_utc()))


def _state(user: User, facts: Facts, appeal_id: str) -> AppealState:
    state = appeals_of(facts).get(appeal_id)
    if state is None:
        raise NotFoundError(f"no appeal {appeal_id!r}")
    if not _visible(user, facts, state):
        raise ForbiddenError(f"{a_role(user.role)} may not read appeal {appeal_id!r}: it is "
                             "not theirs or their departments'")
    return state


def queue(backend: Backend, user: User, today: date | None, everything: bool) -> dict[str, Any]:
    """`jixiao appeal list --json`: open appeals (all with `everything`) by review
    deadline, overdue ones flagged, only those the caller may see."""
    facts = backend.facts()
    day = today or today_utc()
    rows = [describe(facts, state, day) for state in appeals_of(facts).values()
            if (everything or state.current.decision is None) and _visible(user, facts, state)]
    rows.sort(key=lambda r: (r["review_deadline"] or "9999", r["appeal_id"]))
    return {"today": day.isoformat(), "appeals": rows}


def show(backend: Backend, user: User, appeal_id: str) -> dict[str, Any]:
    facts = backend.facts()
    return describe(facts, _state(user, facts, appeal_id), today_utc())


def preview(backend: Backend, user: User, appeal_id: str, outcome: str,
            changes: str | None) -> dict[str, Any]:
    if not user.reads_everything:
        raise ForbiddenError(f"{a_role(user.role)} may not preview a decision; it shows "
                             "everyone the decision touches")
    facts = backend.facts()
    state = _state(user, facts, appeal_id)
    try:
        parsed = DecideAppeal.model_validate({  # type: ignore[attr-defined]
            "type": "decide_appeal", "appeal_id": appeal_id, "outcome": outcome,
            "decided_on": today_utc().isoformat(), "changes": parse_changes(changes)})
    except ValueError as error:
        raise InvalidRequestError(str(error).splitlines()[-1].strip()) from None
    return preview_decision(backend.ledger, facts, state, outcome, parsed.changes,
                            user.user_id, today_utc())
