"""Procedures around results (issue 15): the report of deadlines kept and missed, a
year's working-day calendar, a deadline computed on it. The facts themselves are
recorded like every other command (POST /commands: record_holiday_notice,
record_delivery, record_filing, open_publicity, record_objection, settle_objection,
make_results_final, record_outside_result)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse

from api.http.deps import CurrentCaller, LedgerDep
from api.http.schemas.base import reply
from api.http.schemas.procedures import CalendarYear, DeadlineAnswer, ProceduresReport
from api.usecases import procedures
from api.usecases.ports import Caller, Workspace

router = APIRouter(tags=["procedures"])


@router.get("/procedures", response_model=ProceduresReport,
            summary="Deliveries, filings, publicity, late appeal decisions, withdrawn triggers")
async def get_procedures(
    *, caller: CurrentCaller, ledger: LedgerDep,
    rulebook: Annotated[str | None, Query(max_length=64, description="one scheme's id")] = None,
    today: Annotated[date | None, Query(description="judge overdue on this day")] = None,
) -> JSONResponse:
    """`jixiao procedures report --json`."""
    day = today or date.today()  # noqa: DTZ011 - a business date
    return await reply(ProceduresReport, await ledger.run(
        procedures.report, caller, day, rulebook))


@router.get("/calendar/deadline", response_model=DeadlineAnswer,
            summary="The day N working or calendar days after a start day")
async def get_deadline(
    *, caller: CurrentCaller, ledger: LedgerDep,
    start: Annotated[date, Query(alias="from", description="the start day, not counted")],
    days: Annotated[int, Query(ge=0, le=366)],
    unit: Annotated[Literal["working", "calendar"], Query()] = "working",
) -> JSONResponse:
    """`jixiao calendar deadline --json`; a year nobody has recorded answers 422."""
    return await reply(DeadlineAnswer, await ledger.run(_deadline, caller, start, days, unit))


@router.get("/calendar/{year}", response_model=CalendarYear,
            summary="A year's working-day calendar and where it comes from")
async def get_calendar_year(*, year: Annotated[int, Path(ge=2000, le=2099)],
                            caller: CurrentCaller, ledger: LedgerDep) -> JSONResponse:
    """`jixiao calendar show --json`."""
    return await reply(CalendarYear, await ledger.run(_year, caller, year))


def _year(ws: Workspace, caller: Caller, year: int) -> dict[str, Any]:
    return procedures.calendar_year(ws, year)


def _deadline(ws: Workspace, caller: Caller, start: date, days: int,
              unit: Literal["working", "calendar"]) -> dict[str, Any]:
    answer = procedures.deadline(ws, start, days, unit)
    return {"from": start.isoformat(), "days": days, "unit": unit,
            "due": answer.due.isoformat(), "source": answer.source}
