"""Reports: payouts, reconciliations, explanations, per-person statements, diffs and
restatements. Each is scoped to what the caller may read."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import Field

from api.http.bodies import batch_rows
from api.http.deps import (
    AsciiInteger,
    AsOf,
    CurrentCaller,
    EmployeePath,
    JsonBody,
    LedgerDep,
    PeriodPath,
    SettingsDep,
)
from api.http.errors import language_of
from api.http.schemas import reports as bodies
from api.http.schemas import restated as restated_bodies
from api.http.schemas.base import reply
from api.i18n import use_language
from api.i18n.findings import warning_text
from api.i18n.unreadable import invalid_reason
from api.usecases import reports
from api.usecases import restated as restated_usecase
from api.usecases.ledger import Batch
from api.usecases.reports import DiffQuery, ExplainQuery, ReportQuery
from api.usecases.restated import RestatedQuery

router = APIRouter(tags=["reports"])
Subject = Annotated[str | None, Query(max_length=200)]


@router.get("/periods/{period}/payout",
            response_model=bodies.Payout | restated_bodies.RestatedPayout,
            summary="A period's payout statement")
async def get_payout(*, request: Request, period: PeriodPath, caller: CurrentCaller,
                     ledger: LedgerDep,
                     as_of: AsOf = None, restated: Annotated[bool, Query(
                         description="a closed period recomputed from everything known (as "
                         "of as_of), beside the closed statement; 409 if not closed")] = False,
                     figures: Annotated[bool | None, Query(
                         description="every person, department and the organisation with a "
                         "`figures` map: each intermediate by name (docs/figures.md); "
                         "default: the ledger's setting")] = None,
                     ) -> JSONResponse:
    """Everyone's lines for finance, auditors, reviewers and administrators; a head's
    departments; an employee's own line."""
    if restated:
        return await reply(restated_bodies.RestatedPayout, await ledger.run(
            restated_usecase.restated, caller, RestatedQuery(period, as_of)))
    statement = await ledger.run(reports.payout, caller,
                                 ReportQuery(period, as_of, figures=figures))
    return await reply(bodies.Payout, _worded(statement, request))


def _worded(statement: dict[str, Any], request: Request) -> dict[str, Any]:
    """A payout's notes in the reader's language: a recomputed row's integrity warning,
    and each invalid entry's reason (`detail`) beside the English `reason` that is the
    same in every language."""
    if "integrity_warning" not in statement and "invalid_entries" not in statement:
        return statement
    worded = dict(statement)
    with use_language(language_of(request)):
        if "integrity_warning" in statement:
            worded["integrity_warning"] = warning_text(statement["integrity_warning"])
        if "invalid_entries" in statement:
            worded["invalid_entries"] = [{**entry, "detail": invalid_reason(entry)}
                                         for entry in statement["invalid_entries"]]
    return worded


WHAT_IF_BODY = {"requestBody": {"required": True, "content": {"application/json": {
    "schema": {"type": "array", "minItems": 1,
               "items": {"$ref": "#/components/schemas/Command"}}}}}}


@router.post("/periods/{period}/payout/what-if", openapi_extra=WHAT_IF_BODY,
             response_model=bodies.Payout,
             summary="A period's payout as if these commands were recorded")
async def post_payout_what_if(*, request: Request, period: PeriodPath, caller: CurrentCaller,
                              ledger: LedgerDep, settings: SettingsDep,
                              body: JsonBody) -> JSONResponse:
    """A JSON array of commands, checked like a batch (problems by row and field); the
    statement as if they were recorded. Nothing is written (`jixiao payout --with`)."""
    batch = Batch(batch_rows(body, None, settings.batch_rows_max))
    return await reply(bodies.Payout, _worded(await ledger.run(
        reports.payout, caller, ReportQuery(period, what_if=batch)), request))


@router.get("/periods/{period}/reconciliation", response_model=bodies.Reconciliation,
            summary="A period's reconciliation")
async def get_reconciliation(*, period: PeriodPath, caller: CurrentCaller,
                             ledger: LedgerDep, as_of: AsOf = None) -> JSONResponse:
    """Pool → controls → bank, floor and subsidy → people; the balance is 0.00."""
    result = await ledger.run(reports.reconcile, caller, ReportQuery(period, as_of))
    return await reply(bodies.Reconciliation, result.to_json())


@router.get("/periods/{period}/explain", response_model=bodies.Explanation,
            summary="Explain a figure, down to its events")
async def get_explain(
    *, period: PeriodPath, caller: CurrentCaller, ledger: LedgerDep,
    employee: Subject = None, department: Subject = None, figure: Subject = None,
    depth: Annotated[int, Field(ge=1, le=64), AsciiInteger, Query()] = 64,
    as_of: AsOf = None,
) -> JSONResponse:
    """Give exactly one of `employee` (their pay), `department` (its settled pay) or
    `figure` (any figure key, e.g. `hospital:per_point`)."""
    return await reply(bodies.Explanation, await ledger.run(reports.explain, caller, ExplainQuery(
        period, employee=employee, department=department, figure=figure, depth=depth,
        as_of=as_of)))


@router.get("/periods/{period}/diff", response_model=bodies.Diff,
            summary="What changed between two points")
async def get_diff(
    *, period: PeriodPath, caller: CurrentCaller, ledger: LedgerDep,
    from_point: Annotated[str, Query(alias="from", max_length=64,
                                     description="an ISO instant, 'closed' or 'now'")],
    to_point: Annotated[str, Query(alias="to", max_length=64)] = "now",
) -> JSONResponse:
    """Per-person and per-department deltas, attributed to the events in between; beside
    them, which of those events are about a figure that moved, the rest counted by type."""
    return await reply(bodies.Diff, await ledger.run(
        reports.diff, caller, DiffQuery(period, from_point, to_point, listing="beside")))


@router.get("/periods/{period}/restatement", response_model=bodies.Restatement,
            summary="A closed period restated")
async def get_restatement(*, period: PeriodPath, caller: CurrentCaller,
                          ledger: LedgerDep) -> JSONResponse:
    """The closed statement recomputed with everything known now; 409 if not closed.
    Without the figure pairs: `GET /periods/{p}/payout?restated=true` carries them."""
    return await reply(bodies.Restatement,
                       await ledger.run(reports.restatement, caller, period, figures=False))


@router.get("/employees/{employee_id}/statements", response_model=bodies.PersonStatements,
            summary="A person's lines across periods")
async def get_statements(*, employee_id: EmployeePath, caller: CurrentCaller,
                         ledger: LedgerDep, as_of: AsOf = None) -> JSONResponse:
    return await reply(bodies.PersonStatements,
                       await ledger.run(reports.statements, caller, employee_id, as_of))
