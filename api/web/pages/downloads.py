"""Downloads: every file of a period the reader's role may have, each in the formats it
comes in and, for CSV, the encoding the reader's Excel or WPS opens (UTF-8 with BOM, GBK,
GB18030). The files are the API's (`GET /periods/{p}/exports/{what}`) and the CLI's,
made by the same use cases with the same role rules and masking; the event history is
also exported from the auditor's page with its filters."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from api.http.errors import status_of
from api.i18n import use_language
from api.storage.keys import open_vault
from api.storage.session import Session
from api.usecases import download_bundles, download_offers, queries
from api.usecases.audit import AuditQuery
from api.usecases.downloads import Download, DownloadRequest, download
from api.usecases.ports import Caller, parse_period
from api.web.deps import CurrentViewer, Viewer, first_line, page, run
from api.web.downloads_text import ENCODINGS, OFFER_NOTES, OFFER_TITLES
from api.web.import_reasons import grouped
from api.web.pages.auditor import day_end, day_start
from api.web.templating import language_of, render
from domain.errors import DomainError

router = APIRouter()
# Plain text here: a mistyped period, file, format or encoding is refused by the use
# cases, in the reader's language, naming what they accept.
PeriodText = Annotated[str, Path(max_length=16)]
PeriodQuery = Annotated[str, Query(max_length=16)]
What = Annotated[str, Path(max_length=32)]
Format = Annotated[str, Query(alias="format", max_length=8)]
Encoding = Annotated[str, Query(max_length=16)]
Text = Annotated[str, Query(max_length=64)]


def master_key_file(request: Request) -> str | None:
    return request.app.state.settings.master_key_file  # type: ignore[no-any-return]


def _menu(ws: Session, caller: Caller, period: str, has_key: bool) -> dict[str, Any]:
    periods = [p["period"] for p in queries.list_periods(ws, caller)]
    chosen = period or (periods[-1] if periods else "")
    if not chosen:
        return {"periods": periods, "period": "", "offers": [], "departments": []}
    offers = download_offers.offers(ws, caller, chosen, has_master_key=has_key)
    departments = []
    if any(o.what == "payslips" for o in offers):
        departments = [(d["department_id"], d["name"]) for d
                       in ws.statement_json(parse_period(chosen))["departments"]
                       if d["headcount"]]
    return {"periods": periods, "period": chosen, "offers": offers,
            "departments": departments}


@router.get("/web/downloads")
@page
async def downloads_page(*, request: Request, viewer: CurrentViewer,
                         period: PeriodQuery = "") -> Response:
    menu = await run(request, _menu, viewer.caller, period,
                     master_key_file(request) is not None)
    return render(request, "downloads.html", {"viewer": viewer, **menu,
                                              "encodings": ENCODINGS, "titles": OFFER_TITLES,
                                              "notes": OFFER_NOTES})


def attachment(made: Download) -> Response:
    """The file with its Chinese name (RFC 6266 `filename*`) and an ASCII one for old
    browsers, as the API answers."""
    disposition = (f'attachment; filename="{made.ascii_name}"; '
                   f"filename*=UTF-8''{quote(made.title, safe='')}")
    return Response(made.file.content, media_type=made.file.media_type,
                    headers={"Content-Disposition": disposition})


def _file(ws: Session, caller: Caller, key_file: str | None,
          wanted: DownloadRequest) -> Download:
    """As the API's export: the master key opened only for the files with personal data."""
    vault = (open_vault(ws.env, key_file) if key_file and wanted.what in ("payroll", "bank")
             else None)
    return download(ws, caller, vault, wanted)


@router.get("/web/downloads/{period}/file/{what}")
@page
async def file(*, request: Request, viewer: CurrentViewer, period: PeriodText,
               what: What, fmt: Format = "xlsx",
               encoding: Encoding = "utf-8-sig", actor: Text = "", type: Text = "",
               subject: Text = "", since: Text = "", until: Text = "") -> Response:
    events = AuditQuery(actor=actor or None, type=type or None, subject=subject or None,
                        since=day_start(since), until=day_end(until)) if what == "events" else None
    wanted = DownloadRequest(what, period, fmt, encoding, events=events)
    try:
        made = await run(request, _file, viewer.caller, master_key_file(request), wanted)
    except DomainError as error:
        if not getattr(error, "problems", None):
            raise
        return refused(request, viewer, error)
    return attachment(made)


def refused(request: Request, viewer: Viewer, error: DomainError) -> Response:
    """A file refused for many rows (the bank file for everyone without a withholding):
    one line per reason, in the clerk's words (api/web/import_reasons.py)."""
    with use_language(language_of(request)):
        problems = grouped(getattr(error, "problems", ()))
        message = first_line(error)
    status = status_of(error)
    return render(request, "error.html", {"viewer": viewer, "status": status, "code": error.code,
                                          "message": message, "problems": problems},
                  status_code=status)


@router.get("/web/downloads/{period}/payslips")
@page
async def payslips(*, request: Request, viewer: CurrentViewer, period: PeriodText,
                   fmt: Format = "pdf",
                   department: Annotated[str, Query(max_length=64)] = "") -> Response:
    order = await run(request, download_bundles.payslip_order, viewer.caller, period, fmt,
                      department or None)
    # Written off the ledger's thread: a hospital's PDFs take ~20 s of CPU.
    return attachment(await asyncio.to_thread(download_bundles.payslip_download, order))


@router.get("/web/downloads/letters")
@page
async def letters(*, request: Request, viewer: CurrentViewer,
                  appeal: Annotated[str, Query(max_length=64)] = "") -> Response:
    return attachment(await run(request, download_bundles.letter_download, viewer.caller,
                                appeal or None))
