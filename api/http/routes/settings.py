"""The ledger's settings: read by every user, changed by administrators."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.http.deps import CurrentCaller, JsonBody, LedgerDep
from api.http.schemas import settings as bodies
from api.http.schemas.base import reply
from api.storage.session import Session
from api.usecases import settings
from api.usecases.ports import Caller

router = APIRouter(tags=["settings"])

SETTINGS_BODY = {"requestBody": {"required": True, "content": {"application/json": {
    "schema": {"type": "object", "additionalProperties": False, "minProperties": 1,
               "properties": {
                   "organisation": {"type": ["string", "null"]},
                   "time_zone": {"type": "string", "examples": ["Asia/Shanghai"]},
                   "dates_from": {"type": ["string", "null"], "format": "date"},
                   "dates_to": {"type": ["string", "null"], "format": "date"},
                   "close_approval": {"type": "boolean"},
                   "report_figures": {"type": "boolean"}}}}}}}


def _read(session: Session, caller: Caller) -> dict[str, object]:
    return settings.read_settings(session, caller).to_json()


def _change(session: Session, caller: Caller, body: object) -> dict[str, object]:
    return settings.change_settings(session, caller, settings.changes_of(body)).to_json()


@router.get("/settings", response_model=bodies.LedgerSettings,
            summary="The ledger's settings")
async def get_settings(*, caller: CurrentCaller, ledger: LedgerDep) -> JSONResponse:
    return await reply(bodies.LedgerSettings, await ledger.run(_read, caller))


@router.post("/settings", response_model=bodies.LedgerSettings, openapi_extra=SETTINGS_BODY,
             summary="Change some of the ledger's settings")
async def post_settings(*, caller: CurrentCaller, ledger: LedgerDep,
                        body: JsonBody) -> JSONResponse:
    """Administrators. A JSON object of the settings to change (the others are carried
    over); a null date is back to the default edge (2000-01-01 / 2099-12-31). The date
    window applies to the commands recorded after it. `close_approval` true: closing a
    period needs a second person's approval."""
    return await reply(bodies.LedgerSettings, await ledger.run(_change, caller, body))
