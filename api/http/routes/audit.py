"""Histories, the audit log and the chain verification."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from api.http.deps import (
    After,
    CurrentCaller,
    DepartmentPath,
    EmployeePath,
    JsonBody,
    LedgerDep,
    Limit,
)
from api.http.errors import language_of
from api.http.schemas.base import reply
from api.http.schemas.ledger import ChainReport, EventPage
from api.i18n import use_language
from api.i18n.findings import report_json
from api.usecases import audit, integrity

router = APIRouter(tags=["audit"])
Text = Annotated[str | None, Query(max_length=200)]
Instant = Annotated[datetime | None, Query(description="ISO 8601; UTC unless zoned")]


@router.get("/employees/{employee_id}/history", response_model=EventPage,
            summary="Every event about a person")
async def get_employee_history(*, employee_id: EmployeePath, caller: CurrentCaller,
                               ledger: LedgerDep, after: After = 0,
                               limit: Limit = 100) -> JSONResponse:
    return await reply(EventPage, await ledger.run(
        audit.employee_history, caller, employee_id, after, limit))


@router.get("/departments/{department_id}/history", response_model=EventPage,
            summary="Every event about a department")
async def get_department_history(*, department_id: DepartmentPath, caller: CurrentCaller,
                                 ledger: LedgerDep, after: After = 0,
                                 limit: Limit = 100) -> JSONResponse:
    return await reply(EventPage, await ledger.run(
        audit.department_history, caller, department_id, after, limit))


@router.get("/audit/events", response_model=EventPage, summary="The audit log")
async def get_audit_events(
    *, caller: CurrentCaller, ledger: LedgerDep, actor: Text = None,
    type: Annotated[str | None, Query(max_length=64, description=(
        "an event type (ScoreRecorded) or a command type (record_score)"))] = None,
    subject: Annotated[str | None, Query(max_length=64, description=(
        "an employee, department or user id the event is about"))] = None,
    period: Annotated[str | None, Query(max_length=16, description=(
        "a period (2026-Q1) the event is about: an entry of it, its close, an appeal of "
        "one of its entries"))] = None,
    since: Instant = None, until: Instant = None, after: After = 0, limit: Limit = 100,
) -> JSONResponse:
    """Recorded events (corrected ones too, marked `live: false`) in notification order,
    filtered by actor, type, subject, period and recorded time (`since` ≤ t < `until`)."""
    query = audit.AuditQuery(actor=actor, type=type, subject=subject, period=period,
                             since=_utc(since), until=_utc(until), after=after, limit=limit)
    return await reply(EventPage, await ledger.run(audit.audit_events, caller, query))


@router.get("/audit/verify", response_model=ChainReport,
            summary="Verify the hash chain over the event log")
async def get_verify(*, request: Request, caller: CurrentCaller,
                     ledger: LedgerDep) -> JSONResponse:
    """Recomputes every link from the stored bytes and names the first event that was
    altered, removed or inserted (`ok: false`); each finding's `detail` is in the
    language of Accept-Language (Chinese by default)."""
    report = await ledger.run(audit.verify_chain, caller)
    return await reply(ChainReport, _worded(request, report))


RECEIPT_BODY = {"requestBody": {"required": True, "content": {"application/json": {
    "schema": {"type": "object", "required": ["receipt"], "additionalProperties": False,
               "properties": {"receipt": {
                   "type": "object", "description": "a receipt written by `jixiao checkpoint` "
                   "or by a close (jixiao-receipt/1)"}}}}}}}


@router.post("/audit/verify", response_model=ChainReport, openapi_extra=RECEIPT_BODY,
             summary="Verify the chain and views against a signed receipt")
async def post_verify(*, request: Request, caller: CurrentCaller, ledger: LedgerDep,
                      body: JsonBody) -> JSONResponse:
    """As GET /audit/verify, then holds the ledger against a receipt signed earlier: a
    truncated tail, replaced events or a recomputed chain show as `receipt` findings. The
    signature is checked with the server's own copy of the auditor's public key
    (JIXIAO_AUDIT_PUBLIC_KEY), never a key named by the receipt."""
    receipt = body.get("receipt") if isinstance(body, dict) else None
    report = await ledger.run(integrity.verify_with_server_key, caller, receipt)
    return await reply(ChainReport, _worded(request, report))


def _worded(request: Request, report: audit.ChainReport) -> dict[str, Any]:
    with use_language(language_of(request)):  # the details; the machine fields stay
        return report_json(report)


def _utc(moment: datetime | None) -> datetime | None:
    if moment is None or moment.tzinfo:
        return moment
    return moment.replace(tzinfo=UTC)
