"""The home page: what needs the signed-in person now."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.usecases.overview import needs_now
from api.usecases.ports import today_utc
from api.usecases.users import me
from api.web.deps import CurrentViewer, page, run
from api.web.templating import render

router = APIRouter()


@router.get("/")
@page
async def home(*, request: Request, viewer: CurrentViewer) -> Response:
    today = today_utc()
    needs = await run(request, needs_now, viewer.caller, today)
    who = await run(request, me, viewer.user)
    return render(request, "home.html", {"viewer": viewer, "needs": needs, "me": who,
                                         "today": today.isoformat()})
