"""Appeals: the queue (working days left, overdue in red), the case page that replays the
contested calculation and previews a decision's deltas, assignment and the decision.
Recusal and self-assignment are the ledger's checks, shown as its reasons."""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from api.i18n import N_
from api.usecases import appeal_change, appeals, overview, users
from api.usecases.department_names import department_names
from api.usecases.ports import Caller, Workspace, today_utc
from api.web.deps import CheckedViewer, CurrentViewer, page, run
from api.web.templating import render
from domain.errors import InvalidRequestError

router = APIRouter()
AppealId = Annotated[str, Path(max_length=64)]
Outcome = Literal["uphold", "change", "revoke"]
# An English message id (web catalogue), worded in the reader's language by the error page
NOT_PREVIEWED = N_("preview this decision's effect on each person first, then record it")


@router.get("/web/appeals")
@page
async def queue(*, request: Request, viewer: CurrentViewer,
                everything: Annotated[bool, Query(alias="all")] = False) -> Response:
    rows = await run(request, overview.appeals_queue, viewer.caller, today_utc(), everything)
    return render(request, "reviewer/queue.html",
                  {"viewer": viewer, "appeals": rows, "everything": everything})


def _case(ws: Workspace, caller: Caller, appeal_id: str) -> dict[str, Any]:
    case = appeals.show_appeal(ws, caller, appeal_id, today_utc())
    reviewers = []
    if caller.user is not None and caller.user.reads_everything:
        reviewers = [u["user_id"] for u in users.list_users(ws, caller)
                     if u["role"] == "appeals_reviewer" and not u["disabled"]
                     and u["user_id"] != caller.actor]
    fields = appeal_change.change_fields(ws, caller, appeal_id, today_utc())
    return {"case": case, "reviewers": reviewers, "fields": fields}


@router.get("/web/appeals/{appeal_id}")
@page
async def case_page(*, request: Request, viewer: CurrentViewer, appeal_id: AppealId) -> Response:
    found = await run(request, _case, viewer.caller, appeal_id)
    return render(request, "reviewer/case.html", {"viewer": viewer, **found})


def changes_json(field: str, value: str) -> str | None:
    """A "change" decision's one changed field as the JSON the use case reads."""
    if not field or not value:
        return None  # nothing typed yet: the use case asks for the changed value
    return json.dumps({field: value}, ensure_ascii=False)


def _preview(ws: Workspace, caller: Caller,
             request: appeals.PreviewRequest) -> dict[str, Any]:
    report = appeals.preview_appeal(ws, caller, request, today_utc())
    names = department_names(ws, caller, report["period"],
                             (p["department_id"] for p in report["people"]))
    return {"report": report, "department_names": names}


@router.get("/web/appeals/{appeal_id}/preview")
@page
async def preview(*, request: Request, viewer: CurrentViewer, appeal_id: AppealId,
                  outcome: Outcome = "revoke",
                  field: Annotated[str, Query(max_length=64)] = "",
                  value: Annotated[str, Query(max_length=64)] = "") -> Response:
    """The htmx fragment: the contested period now and as if decided, per person."""
    found = await run(request, _preview, viewer.caller, appeals.PreviewRequest(
        appeal_id, outcome, changes_json(field, value) if outcome == "change" else None))
    return render(request, "reviewer/preview.html", {
        "viewer": viewer, **found,
        "previewed": appeal_change.preview_key(outcome, field, value)})


@router.post("/web/appeals/{appeal_id}/assign")
@page
async def assign(*, request: Request, viewer: CheckedViewer, appeal_id: AppealId,
                 reviewer: Annotated[str, Form(max_length=64)]) -> Response:
    await run(request, appeals.assign_appeal, viewer.caller, appeal_id, reviewer)
    return RedirectResponse(f"/web/appeals/{appeal_id}?assigned=1", status_code=303)


@router.post("/web/appeals/{appeal_id}/decide")
@page
async def decide(*, request: Request, viewer: CheckedViewer, appeal_id: AppealId,
                 outcome: Annotated[Outcome, Form()],
                 reason: Annotated[str, Form(min_length=1, max_length=2000)],
                 field: Annotated[str, Form(max_length=64)] = "",
                 value: Annotated[str, Form(max_length=64)] = "",
                 previewed: Annotated[str, Form(max_length=200)] = "") -> Response:
    if previewed != appeal_change.preview_key(outcome, field, value):
        raise InvalidRequestError(NOT_PREVIEWED)
    changes = appeals.changes_from_json(changes_json(field, value)) \
        if outcome == "change" else None
    await run(request, appeals.decide_appeal, viewer.caller, appeals.DecideRequest(
        appeal_id, outcome, reason, today_utc(), changes))
    return RedirectResponse(f"/web/appeals/{appeal_id}?decided=1", status_code=303)
