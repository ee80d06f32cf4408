"""The organisation's scheme, read-only, rule by rule with its seed line (everyone
signed in)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.usecases import schemes
from api.usecases.ports import Caller, Workspace
from api.web.deps import CurrentViewer, page, run
from api.web.templating import render

router = APIRouter()


def _in_force(ws: Workspace, caller: Caller) -> dict[str, Any]:
    adopted = [s for s in schemes.adopted_schemes(ws, caller) if s.kind != "grading"]
    if not adopted:
        return {"scheme": None, "adopted": []}
    latest = adopted[-1]
    return {"scheme": schemes.show_scheme(latest.scheme_id, shipped_only=True),
            "adopted": [s.to_json() for s in adopted]}


@router.get("/web/scheme")
@page
async def scheme(*, request: Request, viewer: CurrentViewer) -> Response:
    found = await run(request, _in_force, viewer.caller)
    return render(request, "scheme.html", {"viewer": viewer, **found})
