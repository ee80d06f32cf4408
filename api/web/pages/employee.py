"""An employee's own pages: the payslip with its explanation tree, the history, and the
appeal form that picks the contested entry from their own entries."""

from __future__ import annotations

import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from api.i18n import N_
from api.usecases import appeals, audit, reports
from api.usecases import payslip as payslips
from api.usecases.department_names import department_names_in
from api.usecases.ports import Caller, Workspace, today_utc
from api.web.deps import CheckedViewer, CurrentViewer, Viewer, page, run
from api.web.templating import render
from domain.errors import ForbiddenError

router = APIRouter()
ENTRY_TYPES = ("ScoreRecorded", "DeductionRecorded", "AttendanceRecorded",
               "AssessmentRecorded", "CmeCreditsRecorded", "LeaveRecorded")
HISTORY_MAX = 1000
# English message ids (web catalogue), worded in the reader's language by the error page
NO_PAYSLIP = N_("only an employee user has their own payslip; finance and heads open a "
                "period's statement")
NOT_YOURS = N_("you may appeal only your own entries")


def _employee_id(viewer: Viewer) -> str:
    if viewer.user.employee_id is None:
        raise ForbiddenError(NO_PAYSLIP)
    return viewer.user.employee_id


@router.get("/web/me/statement")
@page
async def payslip(*, request: Request, viewer: CurrentViewer,
                  period: Annotated[str | None, Query(max_length=16)] = None) -> Response:
    found = await run(request, payslips.payslip, viewer.caller, _employee_id(viewer), period)
    return render(request, "employee/payslip.html", {"viewer": viewer, **found})


@router.get("/web/me/history")
@page
async def history(*, request: Request, viewer: CurrentViewer) -> Response:
    found = await run(request, _history, viewer.caller, _employee_id(viewer))
    return render(request, "employee/history.html", {"viewer": viewer, **found})


def _history(ws: Workspace, caller: Caller, employee_id: str) -> dict[str, Any]:
    """The person's lines with the name each department had in that period."""
    found = reports.statements(ws, caller, employee_id)
    names = department_names_in(ws, caller, ((line["department_id"], line["period"])
                                             for line in found["lines"]))
    return {"history": found, "department_names": names}


def _own_entries(ws: Workspace, caller: Caller, employee_id: str) -> list[dict[str, Any]]:
    page_ = audit.employee_history(ws, caller, employee_id, 0, HISTORY_MAX)
    return [e for e in page_["events"] if e["live"] and e["type"] in ENTRY_TYPES]


@router.get("/web/appeals/new")
@page
async def appeal_form(*, request: Request, viewer: CurrentViewer) -> Response:
    entries = await run(request, _own_entries, viewer.caller, _employee_id(viewer))
    return render(request, "employee/appeal_form.html", {"viewer": viewer, "entries": entries})


def _file(ws: Workspace, caller: Caller, employee_id: str, entry_id: str,
          grounds: str) -> str:
    if entry_id not in {e["id"] for e in _own_entries(ws, caller, employee_id)}:
        raise ForbiddenError(NOT_YOURS)
    today = today_utc()
    appeal_id = f"A{today:%Y%m%d}-{secrets.token_hex(3)}"
    appeals.file_appeal(ws, caller, appeals.FileAppeal(
        appeal_id, grounds, received_on=today, filed_on=today,
        appellant_employee_id=employee_id, contested_entry_id=entry_id))
    return appeal_id


@router.post("/web/appeals/new")
@page
async def file_appeal(*, request: Request, viewer: CheckedViewer,
                      entry_id: Annotated[str, Form(max_length=64)],
                      grounds: Annotated[str, Form(min_length=1, max_length=2000)]) -> Response:
    appeal_id = await run(request, _file, viewer.caller, _employee_id(viewer), entry_id, grounds)
    return RedirectResponse(f"/web/appeals/{appeal_id}?filed=1", status_code=303)
