"""Charts over several reports: each department's per-point value across the quarters,
and a grading period's grade distribution against its quotas. Each chart is drawn by
/static/js/charts.js from the same figures as the table one click away."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from api.usecases import charts
from api.web.deps import CurrentViewer, page, run
from api.web.templating import render

router = APIRouter()
GradingPeriod = Annotated[str, Query(max_length=16, pattern=r"^\d{4}(-(Q[1-4]|H[12]|\d{2}))?$")]


@router.get("/web/charts/per-point")
@page
async def per_point(*, request: Request, viewer: CurrentViewer,
                    department: Annotated[str, Query(max_length=64)] = "") -> Response:
    trend = await run(request, charts.per_point_trend, viewer.caller)
    ids = [d["department_id"] for d in trend["departments"]]
    chosen = department if department in ids else (ids[0] if ids else "")
    return render(request, "charts/per_point.html", {
        "viewer": viewer, "trend": trend, "chosen": chosen,
        "line": next((d for d in trend["departments"] if d["department_id"] == chosen),
                     None)})


@router.get("/web/charts/grades")
@page
async def grade_distribution(*, request: Request, viewer: CurrentViewer,
                             period: GradingPeriod = "") -> Response:
    report = None
    if period:
        report = await run(request, charts.grade_distribution, viewer.caller, period)
    return render(request, "charts/grades.html",
                  {"viewer": viewer, "period": period, "report": report})
