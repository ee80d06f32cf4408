"""Finance: the periods, a period's statement by department and person, its
reconciliation, the two-person close, a closed period's restatement and the exports."""

from __future__ import annotations

from collections import defaultdict
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import RedirectResponse, Response

from api.usecases import closing, exports, overview, reports, restated
from api.usecases.department_names import department_names
from api.usecases.ports import Caller, Workspace
from api.web.deps import CheckedViewer, CurrentViewer, page, run
from api.web.templating import render

router = APIRouter()
PeriodText = Annotated[str, Path(max_length=16, pattern=r"^\d{4}-(Q[1-4]|YE)$")]
EXPORTS = ("statement", "reconciliation")  # a restatement is exported from its own page


def by_department(statement: dict[str, Any]) -> list[dict[str, Any]]:
    """The statement's departments, each with its people (the statement's own order)."""
    people: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for line in statement["people"]:
        people[line["department_id"]].append(line)
    return [{**d, "people": people.get(d["department_id"], [])}
            for d in statement["departments"]]


@router.get("/web/periods")
@page
async def periods(*, request: Request, viewer: CurrentViewer) -> Response:
    listing = await run(request, overview.periods_overview, viewer.caller)
    return render(request, "finance/periods.html", {"viewer": viewer, "overview": listing})


@router.get("/web/periods/{period}")
@page
async def statement(*, request: Request, viewer: CurrentViewer, period: PeriodText) -> Response:
    found = await run(request, reports.payout, viewer.caller, reports.ReportQuery(period))
    return render(request, "finance/statement.html", {
        "viewer": viewer, "period": period, "statement": found,
        "departments": by_department(found), "exports": EXPORTS})


def _reconciliation(ws: Workspace, caller: Caller, period: str) -> dict[str, Any]:
    return reports.reconcile(ws, caller, reports.ReportQuery(period)).to_json()


@router.get("/web/periods/{period}/reconciliation")
@page
async def reconciliation(*, request: Request, viewer: CurrentViewer,
                         period: PeriodText) -> Response:
    found = await run(request, _reconciliation, viewer.caller, period)
    return render(request, "finance/reconciliation.html",
                  {"viewer": viewer, "period": period, "reconciliation": found})


def _close_view(ws: Workspace, caller: Caller, period: str) -> dict[str, Any]:
    listing = overview.periods_overview(ws, caller)
    row = next((p for p in listing["periods"] if p["period"] == period), None)
    return {"row": row, "two_person_close": listing["two_person_close"]}


@router.get("/web/periods/{period}/close")
@page
async def close_form(*, request: Request, viewer: CurrentViewer, period: PeriodText) -> Response:
    view = await run(request, _close_view, viewer.caller, period)
    return render(request, "finance/close.html", {"viewer": viewer, "period": period, **view})


def _close(ws: Workspace, caller: Caller, period: str, approve: bool,
           reason: str | None) -> str:
    result = closing.close_or_prepare(ws, caller, closing.CloseRequest(
        period, reason=reason, approve=approve))
    return "prepared" if isinstance(result, closing.PrepareResult) else "closed"


@router.post("/web/periods/{period}/close")
@page
async def close(*, request: Request, viewer: CheckedViewer, period: PeriodText,
                action: Annotated[str, Form(pattern="^(prepare|approve)$")],
                reason: Annotated[str, Form(max_length=500)] = "") -> Response:
    done = await run(request, _close, viewer.caller, period, action == "approve",
                     reason or None)
    return RedirectResponse(f"/web/periods/{period}/close?done={done}", status_code=303)


def _restated(ws: Workspace, caller: Caller, period: str) -> dict[str, Any]:
    report = restated.restated(ws, caller, restated.RestatedQuery(period))
    names = department_names(ws, caller, period,
                             (p["department_id"] for p in report["people"]))
    return {"report": report, "department_names": names}


@router.get("/web/periods/{period}/restated")
@page
async def restated_page(*, request: Request, viewer: CurrentViewer,
                        period: PeriodText) -> Response:
    found = await run(request, _restated, viewer.caller, period)
    return render(request, "finance/restated.html", {"viewer": viewer, "period": period,
                                                     **found})


def _export(ws: Workspace, caller: Caller, what: str, period: str,
            fmt: str) -> exports.ExportFile:
    return exports.export(ws, caller, exports.ExportRequest(what, period, fmt))


@router.get("/web/periods/{period}/export/{what}.{fmt}")
@page
async def export(*, request: Request, viewer: CurrentViewer, period: PeriodText,
                 what: Annotated[str, Path(pattern="^(statement|reconciliation|restatement)$")],
                 fmt: Annotated[str, Path(pattern="^(xlsx|csv|pdf)$")]) -> Response:
    found = await run(request, _export, viewer.caller, what, period, fmt)
    return Response(found.content, media_type=found.media_type, headers={
        "Content-Disposition": f'attachment; filename="{found.filename}"'})
