"""POST a command, a batch of commands, or a period close."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Request
from fastapi.responses import JSONResponse

from api.http.bodies import batch_rows, single_rows
from api.http.deps import (
    CurrentCaller,
    IdempotencyKey,
    JsonBody,
    LedgerDep,
    PeriodPath,
    SettingsDep,
)
from api.http.errors import language_of
from api.http.schemas.base import reply
from api.http.schemas.ledger import CloseRecorded, Recorded
from api.i18n import use_language
from api.i18n.messages import translate
from api.usecases.closing import CloseRequest, close_or_prepare
from api.usecases.ledger import ApplyResult, Batch, apply_batch

router = APIRouter(tags=["commands"])

COMMAND_BODY = {"requestBody": {"required": True, "content": {"application/json": {
    "schema": {"$ref": "#/components/schemas/Command"}}}}}
BATCH_BODY = {"requestBody": {"required": True, "content": {"application/json": {
    "schema": {"type": "array", "minItems": 1,
               "items": {"$ref": "#/components/schemas/Command"}}}}}}
CREATED = {"description": "recorded (or, for a retry with the same Idempotency-Key, the "
                          "first result; the header Idempotent-Replayed is then true)"}


async def _respond(result: ApplyResult, notices: tuple[str, ...] | None = None,
                   request: Request | None = None) -> JSONResponse:
    replayed = "true" if result.replayed else "false"
    body: dict[str, object] = {"events": result.events_json()}
    if notices is not None:
        # kept in English by the close (api/usecases/integrity.py), worded for the reader
        with use_language(language_of(request) if request is not None else "en"):
            body["notices"] = [translate(notice) for notice in notices]
    return await reply(CloseRecorded if notices is not None else Recorded, body,
                       status_code=201, headers={"Idempotent-Replayed": replayed})


@router.post("/commands", status_code=201, response_model=Recorded, openapi_extra=COMMAND_BODY,
             responses={201: CREATED}, summary="Record one command")
async def post_command(*, caller: CurrentCaller, ledger: LedgerDep, body: JsonBody,
                       key: IdempotencyKey = None) -> JSONResponse:
    """One command, the same JSON object as a line of a `jixiao apply` file."""
    batch = Batch(single_rows(body, key))
    return await _respond(await ledger.run(apply_batch, caller, batch))


@router.post("/commands/batch", status_code=201, response_model=Recorded, openapi_extra=BATCH_BODY,
             responses={201: CREATED}, summary="Record a batch of commands, all or none")
async def post_batch(*, caller: CurrentCaller, ledger: LedgerDep, settings: SettingsDep,
                     body: JsonBody, key: IdempotencyKey = None) -> JSONResponse:
    """A JSON array of commands, recorded all or none; problems are named by row (the
    array index) and field."""
    batch = Batch(batch_rows(body, key, settings.batch_rows_max))
    return await _respond(await ledger.run(apply_batch, caller, batch))


@router.post("/periods/{period}/close", status_code=201, response_model=CloseRecorded,
             responses={201: CREATED},
             summary="Close a period: freeze its statement")
async def post_close(*, request: Request, period: PeriodPath, caller: CurrentCaller,
                     ledger: LedgerDep, key: IdempotencyKey = None,
                     reason: Annotated[str | None, Body(embed=True, max_length=500)] = None,
                     approve: Annotated[bool, Body(embed=True)] = False,
                     ) -> JSONResponse:
    """Records the position, the statement's SHA-256 and the audit chain's head there, as
    `jixiao close` does. Where the ledger requires a second person, the first call
    prepares the close and a different user's call with `"approve": true` closes it."""
    result = await ledger.run(close_or_prepare, caller,
                              CloseRequest(period, reason, key, approve))
    return await _respond(result.applied, result.notices, request)
