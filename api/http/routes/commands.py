"""POST a command, a batch of commands, or a period close."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Response

from api.http.bodies import batch_rows, single_rows
from api.http.deps import (
    CurrentCaller,
    IdempotencyKey,
    JsonBody,
    LedgerDep,
    PeriodPath,
    SettingsDep,
)
from api.usecases.closing import CloseRequest, CloseResult, close_period
from api.usecases.ledger import ApplyResult, Batch, apply_batch

router = APIRouter(tags=["commands"])

COMMAND_BODY = {"requestBody": {"required": True, "content": {"application/json": {
    "schema": {"$ref": "#/components/schemas/Command"}}}}}
BATCH_BODY = {"requestBody": {"required": True, "content": {"application/json": {
    "schema": {"type": "array", "minItems": 1,
               "items": {"$ref": "#/components/schemas/Command"}}}}}}
CREATED = {"description": "recorded (or, for a retry with the same Idempotency-Key, the "
                          "first result; the header Idempotent-Replayed is then true)"}


def _respond(response: Response, result: ApplyResult) -> dict[str, Any]:
    response.headers["Idempotent-Replayed"] = "true" if result.replayed else "false"
    return {"events": result.events_json()}


@router.post("/commands", status_code=201, openapi_extra=COMMAND_BODY,
             responses={201: CREATED}, summary="Record one command")
async def post_command(*, caller: CurrentCaller, ledger: LedgerDep, body: JsonBody,
                       response: Response, key: IdempotencyKey = None) -> dict[str, Any]:
    """One command, the same JSON object as a line of a `jixiao apply` file."""
    batch = Batch(single_rows(body, key))
    return _respond(response, await ledger.run(apply_batch, caller, batch))


@router.post("/commands/batch", status_code=201, openapi_extra=BATCH_BODY,
             responses={201: CREATED}, summary="Record a batch of commands, all or none")
async def post_batch(*, caller: CurrentCaller, ledger: LedgerDep, settings: SettingsDep,
                     body: JsonBody, response: Response,
                     key: IdempotencyKey = None) -> dict[str, Any]:
    """A JSON array of commands, recorded all or none; problems are named by row (the
    array index) and field."""
    batch = Batch(batch_rows(body, key, settings.batch_rows_max))
    return _respond(response, await ledger.run(apply_batch, caller, batch))


@router.post("/periods/{period}/close", status_code=201, responses={201: CREATED},
             summary="Close a period: freeze its statement")
async def post_close(*, period: PeriodPath, caller: CurrentCaller, ledger: LedgerDep,
                     response: Response, key: IdempotencyKey = None,
                     reason: Annotated[str | None, Body(embed=True, max_length=500)] = None,
                     ) -> dict[str, Any]:
    """Records the position, the statement's SHA-256 and the audit chain's head there, as
    `jixiao close` does."""
    result: CloseResult = await ledger.run(close_period, caller,
                                           CloseRequest(period, reason, key))
    return _respond(response, result.applied)
