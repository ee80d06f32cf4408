"""A department head's entry grid: scores and attendance of their own department, a
preview of the effect before saving (htmx), paste from a spreadsheet (/static/js/app.js),
and the upload of a spreadsheet for import with its row errors."""

from __future__ import annotations

import functools
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi import Path as PathParam
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from api.http.errors import status_of
from api.http.uploads import spooled
from api.i18n import use_language
from api.i18n.messages import headline, translate
from api.sheets.readers import Source
from api.storage.keys import open_vault
from api.storage.session import Session
from api.usecases import entry, imports
from api.usecases.import_roles import import_kinds
from api.usecases.ports import Caller
from api.usecases.templates import template_file
from api.web.deps import CheckedViewer, CurrentViewer, page, run
from api.web.import_reasons import clerk_line
from api.web.templating import language_of, render
from domain.errors import DomainError, InvalidRequestError

router = APIRouter()
PeriodQuery = Annotated[str, Query(max_length=16, pattern=r"^\d{4}-(Q[1-4]|YE)$")]
UPLOAD_BYTES_MAX = 16 * 1024 * 1024
UPLOAD_PIECE = 1024 * 1024


def cells_of(form: FormData) -> list[entry.Cell]:
    """The grid's inputs are named `cell:<employee>:<column>`; a row's new deduction is
    the pair `deduct_kind:<employee>` (a kind of the scheme) and `deduct_count:<employee>`."""
    cells = []
    for name, value in form.multi_items():
        if name.startswith("cell:") and isinstance(value, str) and name.count(":") == 2:
            _, employee_id, column = name.split(":")
            cells.append(entry.Cell(employee_id, column, value.strip()))
        elif name.startswith("deduct_kind:") and isinstance(value, str) and value:
            employee_id = name.removeprefix("deduct_kind:")
            count = form.get(f"deduct_count:{employee_id}")
            if isinstance(count, str) and count.strip():
                cells.append(entry.Cell(employee_id, entry.DEDUCTION + value, count.strip()))
    return cells


def _departments(viewer_departments: frozenset[str], department: str | None) -> str:
    if department:
        return department
    if not viewer_departments:
        raise InvalidRequestError("choose a department (?department=…)")
    return sorted(viewer_departments)[0]


@router.get("/web/entry")
@page
async def grid(*, request: Request, viewer: CurrentViewer, period: PeriodQuery = "2026-Q4",
               department: Annotated[str | None, Query(max_length=64)] = None) -> Response:
    chosen = _departments(viewer.user.department_ids, department)
    found = await run(request, entry.entry_grid, viewer.caller, period, chosen)
    return render(request, "head/grid.html", {"viewer": viewer, "grid": found})


@router.post("/web/entry/preview")
@page
async def preview(*, request: Request, viewer: CheckedViewer,
                  period: Annotated[str, Form(max_length=16)],
                  department: Annotated[str, Form(max_length=64)]) -> Response:
    cells = cells_of(await request.form())
    report = await run(request, entry.preview_entry, viewer.caller, period, department, cells)
    return render(request, "head/preview.html", {"viewer": viewer, "report": report})


@router.post("/web/entry/save")
@page
async def save(*, request: Request, viewer: CheckedViewer,
               period: Annotated[str, Form(max_length=16)],
               department: Annotated[str, Form(max_length=64)],
               reason: Annotated[str, Form(max_length=500)] = "") -> Response:
    cells = cells_of(await request.form())
    result = await run(request, functools.partial(
        entry.save_entry, reason=reason or None), viewer.caller, period, department, cells)
    query = urlencode({"period": period, "department": department,
                       "saved": len(result.recorded)})
    return RedirectResponse(f"/web/entry?{query}", status_code=303)


@router.get("/web/import")
@page
async def import_form(*, request: Request, viewer: CurrentViewer) -> Response:
    return render(request, "head/import.html", {"viewer": viewer, "result": None,
                                                "kinds": _kinds(request, viewer.caller)})


@router.get("/web/import/template/{kind}")
@page
async def template(*, request: Request, viewer: CurrentViewer,
                   kind: Annotated[str, PathParam(max_length=32)],
                   fmt: Annotated[str, Query(alias="format", max_length=8)] = "xlsx",
                   encoding: Annotated[str, Query(max_length=16)] = "utf-8-sig") -> Response:
    """The kind's blank template, as `GET /templates/{kind}` answers (the same role rules
    and lists: a head's names only their own departments and people)."""
    made = await run(request, template_file, viewer.caller, kind, fmt, encoding)
    disposition = (f'attachment; filename="{made.filename}"; '
                   f"filename*=UTF-8''{quote(made.title, safe='')}")
    return Response(made.content, media_type=made.media_type,
                    headers={"Content-Disposition": disposition})


def _kinds(request: Request, caller: Caller) -> tuple[str, ...]:
    sealing = request.app.state.settings.master_key_file is not None
    return import_kinds(caller, sealing=sealing)


def _import(ws: Session, caller: Caller, kind: str, path: str, name: str, *,
            key_file: str | None) -> dict[str, Any]:
    # No command told: the form's list names the kinds as the refusal does.
    request = imports.ImportRequest(kind, Source(name, path=path), command=None)
    # Bank details are sealed with the server's master key, as over the API.
    vault = (open_vault(ws.env, key_file)
             if key_file and kind in ("roster", "personal") else None)
    result = imports.import_sheet(ws, caller, request, vault=vault)
    return {"recorded": result.recorded, "already": result.already_recorded,
            "rows": result.rows, "warnings": list(result.warnings),
            "notes": list(result.notes)}  # a row skipped (the example) is said, as by the CLI


async def _pieces(sheet: UploadFile) -> AsyncIterator[bytes]:
    while piece := await sheet.read(UPLOAD_PIECE):
        yield piece


def _too_large() -> Exception:
    return InvalidRequestError("the file is larger than 16 MB")  # translated where shown


@router.post("/web/import")
@page
async def upload(*, request: Request, viewer: CheckedViewer,
                 kind: Annotated[str, Form(max_length=32)],
                 sheet: Annotated[UploadFile, File()]) -> Response:
    suffix = Path(sheet.filename or "").suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise InvalidRequestError("upload an .xlsx or .csv file")
    path = await spooled(_pieces(sheet), UPLOAD_BYTES_MAX, _too_large)
    context = {"viewer": viewer, "result": None, "kind": kind,
               "kinds": _kinds(request, viewer.caller)}
    try:
        key_file = request.app.state.settings.master_key_file
        result = await run(request, functools.partial(_import, key_file=key_file),
                           viewer.caller, kind, path, sheet.filename or f"upload{suffix}")
    except DomainError as error:
        if not getattr(error, "problems", None):
            raise
        return refused_page(request, context, error)
    finally:
        os.unlink(path)
    with use_language(language_of(request)):
        result["warnings"] = [translate(warning) for warning in result["warnings"]]
        result["notes"] = [translate(note) for note in result["notes"]]
    return render(request, "head/import.html", {**context, "result": result})


def refused_page(request: Request, context: dict[str, Any], error: DomainError) -> Response:
    """The import form again, with every refused row's place, column and reason in the
    clerk's words (api/web/import_reasons.py); nothing was recorded."""
    with use_language(language_of(request)):
        problems = [clerk_line(p) for p in getattr(error, "problems", ())]
        message = headline(str(error))
    return render(request, "head/import.html", {**context, "refused": problems,
                                                "message": message},
                  status_code=status_of(error))
