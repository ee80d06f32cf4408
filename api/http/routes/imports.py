"""POST a spreadsheet (XLSX or CSV) to import: the same use case as `jixiao import`."""

from __future__ import annotations

import os
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from api.http.deps import CurrentCaller, LedgerDep, SettingsDep
from api.http.errors import language_of
from api.http.schemas.base import reply
from api.http.schemas.imports import Imported
from api.http.uploads import spooled
from api.i18n import use_language
from api.i18n.messages import translate
from api.sheets.readers import Source
from api.storage.keys import open_vault
from api.storage.session import Session
from api.usecases.imports import ImportRequest, ImportResult, import_sheet
from api.usecases.ports import Caller
from domain.errors import Problem, RejectedError

router = APIRouter(tags=["imports"])

FILE_BODY = {"requestBody": {"required": True, "content": {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
        "schema": {"type": "string", "format": "binary"}},
    "text/csv": {"schema": {"type": "string", "format": "binary"}},
    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}}


def _import(session: Session, caller: Caller, key_file: str | None,
            wanted: ImportRequest) -> ImportResult:
    """A roster's bank columns and personal details are sealed with the server's master
    key (if it has one)."""
    vault = (open_vault(session.env, key_file)
             if key_file and wanted.kind in ("roster", "personal") else None)
    return import_sheet(session, caller, wanted, vault=vault)


@router.post("/imports/{kind}", status_code=201, response_model=Imported,
             openapi_extra=FILE_BODY, summary="Import a spreadsheet, all or nothing")
async def post_import(
    *, kind: Literal["roster", "entries", "withholding", "personal", "departments",
                  "pool", "figures"], request: Request,
    caller: CurrentCaller, ledger: LedgerDep, settings: SettingsDep,
    filename: Annotated[str, Query(max_length=255, description="the file's name; .xlsx "
                                   "is read as a workbook, anything else by its bytes")] = "upload",
    encoding: Annotated[Literal["utf-8", "utf-8-sig", "gbk", "gb18030"] | None, Query(
        description="force a CSV encoding (default: a BOM decides, else UTF-8, else GB18030)"
    )] = None,
    sheet: Annotated[str | None, Query(max_length=31)] = None,
    skip_bad: Annotated[bool, Query(description="record the good rows; list the rest")] = False,
) -> JSONResponse:
    """The request body is the file itself (`curl --data-binary @scores.xlsx`). A refused
    file records nothing and answers 422 naming sheet, row, column and reason."""
    limit = settings.body_bytes_max
    path = await spooled(request.stream(), limit, lambda: RejectedError(
        [Problem("body", "", f"larger than {limit} bytes")]))
    try:
        wanted = ImportRequest(kind, Source(filename, path=path), encoding, sheet, skip_bad,
                               command="POST /imports/{kind}")
        result: ImportResult = await ledger.run(_import, caller, settings.master_key_file,
                                                wanted)
    finally:
        os.unlink(path)
    with use_language(language_of(request)):  # the human texts; where and field stay
        warnings = [translate(warning) for warning in result.warnings]
        notes = [translate(note) for note in result.notes]
        rejected = [{"where": p.where, "field": p.field, "reason": translate(p.reason)}
                    for p in result.rejected]
    return await reply(Imported, {
        "format": result.format, "encoding": result.encoding, "sheet": result.sheet,
        "rows": result.rows, "recorded": result.recorded,
        "already_recorded": result.already_recorded, "unchanged": result.unchanged,
        "warnings": warnings,
        "warning_count": result.warning_count, "notes": notes,
        "rejected": rejected}, status_code=201)
