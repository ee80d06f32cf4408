"""An import kind's empty template over HTTP: the file `jixiao template KIND` writes, with
drop-downs of what the caller may read (a head's only their departments and people)."""

from __future__ import annotations

import base64
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from api.http.deps import CurrentCaller, LedgerDep
from api.http.routes.exports import wants_json
from api.http.schemas.base import reply
from api.http.schemas.exports import DownloadedFile
from api.usecases.exports import MEDIA
from api.usecases.templates import TemplateFile, template_file

router = APIRouter(tags=["imports"])
TEMPLATE_RESPONSE: dict[int | str, dict[str, Any]] = {200: {
    "description": "The template (or, with `Accept: application/json`, a DownloadedFile)",
    "content": {MEDIA[fmt]: {"schema": {"type": "string", "format": "binary"}}
                for fmt in ("xlsx", "csv")}}}


@router.get("/templates/{kind}", response_model=DownloadedFile, responses=TEMPLATE_RESPONSE,
            summary="An import kind's template to fill in")
async def get_template(
    *, kind: Annotated[Literal["entries", "roster", "withholding", "personal",
                               "departments", "pool", "figures"], Path(
        description="the import kind, as `POST /imports/{kind}` reads it")],
    request: Request, caller: CurrentCaller, ledger: LedgerDep,
    fmt: Annotated[Literal["xlsx", "csv"], Query(
        alias="format", description="xlsx: with drop-down lists; csv: header and example "
        "row")] = "xlsx",
    encoding: Annotated[Literal["utf-8-sig", "utf-8", "gbk", "gb18030"], Query(
        description="CSV only (utf-8-sig: with a BOM, as Excel reads it)")] = "utf-8-sig",
) -> Response:
    """Headers, an example row and (XLSX) drop-down lists of departments, people, items
    and periods. Only a kind the caller's role imports (403 otherwise: an employee or
    auditor gets none); a department head's lists hold only the departments they head and
    the people in them, finance's and an administrator's everyone."""
    made: TemplateFile = await ledger.run(template_file, caller, kind, fmt, encoding)
    if wants_json(request, made.media_type):
        return await reply(DownloadedFile, {
            "filename": made.filename, "title": made.title, "media_type": made.media_type,
            "content_base64": base64.b64encode(made.content).decode()})
    disposition = (f'attachment; filename="{made.filename}"; '
                   f"filename*=UTF-8''{quote(made.title, safe='')}")
    return Response(made.content, media_type=made.media_type,
                    headers={"Content-Disposition": disposition})
