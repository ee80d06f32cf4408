"""A period's files over HTTP: the same files as `jixiao export WHAT` (statement,
reconciliation, restatement, grades, events, payroll, bank), with the same role checks.

The answer is the file itself, with its media type and a Content-Disposition naming it in
Chinese (RFC 6266 `filename*`, with an ASCII `filename` for old clients); a client that
asks for `application/json` only gets the file base64-encoded in a JSON body."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from api.http.deps import CurrentCaller, LedgerDep, PeriodPath, SettingsDep
from api.http.schemas.base import reply
from api.http.schemas.exports import DownloadedFile
from api.storage.keys import open_vault
from api.storage.session import Session
from api.usecases.audit import AuditQuery
from api.usecases.downloads import Download, DownloadRequest, download
from api.usecases.exports import MEDIA
from api.usecases.ports import Caller

router = APIRouter(tags=["exports"])
What = Literal["statement", "reconciliation", "restatement", "grades", "events", "payroll",
               "bank"]
Text = Annotated[str | None, Query(max_length=200)]
Instant = Annotated[datetime | None, Query(description="ISO 8601; UTC unless zoned")]
FILE_RESPONSE: dict[int | str, dict[str, Any]] = {200: {
    "description": "The file (or, with `Accept: application/json`, a DownloadedFile)",
    "content": {**{media: {"schema": {"type": "string", "format": "binary"}}
                   for media in MEDIA.values()}}}}


def _download(session: Session, caller: Caller, key_file: str | None,
              request: DownloadRequest) -> Download:
    vault = open_vault(session.env, key_file) if key_file and request.what in (
        "payroll", "bank") else None
    return download(session, caller, vault, request)


def _utc(moment: datetime | None) -> datetime | None:
    return moment if moment is None or moment.tzinfo else moment.replace(tzinfo=UTC)


def disposition(made: Download) -> str:
    return (f'attachment; filename="{made.ascii_name}"; '
            f"filename*=UTF-8''{quote(made.title, safe='')}")


@router.get("/periods/{period}/exports/{what}", response_model=DownloadedFile,
            responses=FILE_RESPONSE, summary="A period's statement, reconciliation, "
            "restatement, grades, events, payroll or bank file")
async def get_export(
    *, period: PeriodPath, what: Annotated[What, Path()], request: Request,
    caller: CurrentCaller, ledger: LedgerDep, settings: SettingsDep,
    fmt: Annotated[Literal["xlsx", "csv", "pdf"], Query(alias="format")] = "xlsx",
    encoding: Annotated[Literal["utf-8-sig", "utf-8", "gbk", "gb18030"], Query(
        description="CSV only (utf-8-sig: with a BOM, as Excel reads it)")] = "utf-8-sig",
    layout: Annotated[Literal["cn-payroll-batch"], Query(
        description="bank only: the batch layout")] = "cn-payroll-batch",
    actor: Text = None, type: Annotated[str | None, Query(max_length=64)] = None,
    subject: Annotated[str | None, Query(max_length=64)] = None,
    since: Instant = None, until: Instant = None,
) -> Response:
    """Each file as `jixiao export WHAT` writes it, scoped as the report it comes from
    (a head's statement holds their departments; payroll and grades need a role that
    reads everything; the bank file is finance's and administrators'). `events` takes the
    audit listing's filters. A closed period's file carries the statement's hash; an open
    period's is marked 草稿."""
    events = AuditQuery(actor=actor, type=type, subject=subject, since=_utc(since),
                        until=_utc(until)) if what == "events" else None
    wanted = DownloadRequest(what, period, fmt, encoding, layout, events)
    made: Download = await ledger.run(_download, caller, settings.master_key_file, wanted)
    headers = {"Content-Disposition": disposition(made)}
    if wants_json(request, made.file.media_type):
        return await reply(DownloadedFile, {
            "filename": made.file.filename, "title": made.title,
            "media_type": made.file.media_type,
            "content_base64": base64.b64encode(made.file.content).decode()})
    return Response(made.file.content, media_type=made.file.media_type, headers=headers)


def wants_json(request: Request, media_type: str) -> bool:
    accept = request.headers.get("accept", "")
    return "application/json" in accept and media_type.split(";", maxsplit=1)[0] not in accept
