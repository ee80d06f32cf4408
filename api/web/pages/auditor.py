"""The auditor's pages, read-only: the event history with filters and paging, a statement
as known on a date, the difference between two dates with its events, and the chain
verification."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from api.usecases import audit, reports, verification
from api.usecases.department_names import department_names_in, when_of
from api.usecases.ports import Caller, Workspace
from api.web.deps import CurrentViewer, page, run
from api.web.downloads_text import ENCODINGS
from api.web.templating import render
from domain.errors import InvalidRequestError

router = APIRouter()
PAGE = 50
Text = Annotated[str, Query(max_length=64)]
ZONE_OFFSET = "+08:00"  # dates a person types are the organisation's days (Asia/Shanghai)


def day_start(text: str) -> datetime | None:
    """A typed day (2026-04-05) → the start of that day in the organisation's zone."""
    if not text:
        return None
    try:
        return datetime.fromisoformat(f"{text}T00:00:00{ZONE_OFFSET}")
    except ValueError:
        # English ids the error page says in the reader's language (api/i18n/messages.py);
        # the page showed Chinese and English side by side in either language.
        raise InvalidRequestError(f"{text!r} is not a date like 2026-03-20") from None


def day_end(text: str) -> datetime | None:
    """A typed day → its last instant; a typed time (2026-04-05T14:03[:09]) → that instant,
    both in the organisation's zone."""
    if "T" in text:
        try:
            return datetime.fromisoformat(f"{text}{ZONE_OFFSET}")
        except ValueError:
            raise InvalidRequestError(f"{text!r} is not a time like 2026-04-05T14:03"
                                      ) from None
    start = day_start(text)
    return None if start is None else datetime.combine(start.date(), time.max, start.tzinfo)


@router.get("/web/audit")
@page
async def history(*, request: Request, viewer: CurrentViewer, actor: Text = "",
                  type: Text = "", subject: Text = "", period: Text = "",
                  since: Text = "", until: Text = "",
                  after: Annotated[int, Query(ge=0)] = 0) -> Response:
    query = audit.AuditQuery(actor=actor or None, type=type or None, subject=subject or None,
                             period=period or None, since=day_start(since),
                             until=day_end(until), after=after, limit=PAGE)
    found = await run(request, _history, viewer.caller, query)
    filters = {"actor": actor, "type": type, "subject": subject, "period": period,
               "since": since, "until": until}
    return render(request, "auditor/history.html",
                  {"viewer": viewer, "page": found["page"], "filters": filters,
                   "after": after, "encodings": ENCODINGS,
                   "department_names": found["department_names"]})


def _history(ws: Workspace, caller: Caller, query: audit.AuditQuery) -> dict[str, Any]:
    """The page of events with the names of the departments they are about (the events
    carry the ids only, as the API and the export give them)."""
    found = audit.audit_events(ws, caller, query)
    about = [e for e in found["events"] if e.get("department_id")]
    names = department_names_in(ws, caller, ((e["department_id"], when_of(e)) for e in about))
    # by position: an event's fields vary with its type, a period among them or not
    return {"page": found, "department_names": {
        e["position"]: names[e["department_id"], when_of(e)] for e in about}}


@router.get("/web/audit/as-of")
@page
async def as_of(*, request: Request, viewer: CurrentViewer, period: Text = "",
                on: Text = "") -> Response:
    statement = None
    if period and on:
        statement = await run(request, reports.payout, viewer.caller,
                              reports.ReportQuery(period, as_of=day_end(on)))
    return render(request, "auditor/as_of.html", {"viewer": viewer, "period": period,
                                                  "on": on, "statement": statement})


def point(text: str) -> str:
    """A typed day → the end of it, as the diff's point of knowledge; empty → now."""
    end = day_end(text)
    return end.isoformat() if end is not None else "now"


@router.get("/web/audit/diff")
@page
async def difference(*, request: Request, viewer: CurrentViewer, period: Text = "",
                     start: Text = "", end: Text = "",
                     every: Annotated[bool, Query(alias="all")] = False) -> Response:
    report = None
    if period and start:
        query = reports.DiffQuery(period, point(start), point(end),
                                  listing="all" if every else "moved")
        report = await run(request, reports.diff, viewer.caller, query)
    return render(request, "auditor/diff.html", {
        "viewer": viewer, "period": period, "start": start, "end": end, "every": every,
        "report": report})


def verification_memo(request: Request) -> verification.VerificationMemo:
    """The server's memo of its last intact walk of the chain."""
    state = request.app.state
    if not hasattr(state, "chain_verification"):
        state.chain_verification = verification.VerificationMemo()
    return state.chain_verification  # type: ignore[no-any-return]


@router.get("/web/audit/verify")
@page
async def verify(*, request: Request, viewer: CurrentViewer,
                 again: Annotated[bool, Query()] = False) -> Response:
    found = await run(request, verification.recent_verification, viewer.caller,
                      verification_memo(request), datetime.now(UTC), again)
    return render(request, "auditor/verify.html", {
        "viewer": viewer, "report": found.report, "reused": found.reused,
        "verified_at": found.verified_at.isoformat(),
        "max_age_s": int(verification.MAX_AGE.total_seconds())})
