"""The lists of who and what: employees, departments and periods, each scoped to what the
caller may read (a head their departments and their people, an employee themselves) and
paged by id."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from pydantic import Field

from api.http.deps import AsciiInteger, CurrentCaller, LedgerDep, ListAfter
from api.http.paging import by, page
from api.http.schemas.base import reply
from api.http.schemas.directory import DepartmentPage, EmployeePage, PeriodPage
from api.http.settings import LIST_PAGE_DEFAULT, PAGE_SIZE_MAX
from api.usecases import queries
from api.usecases.ports import today_utc

router = APIRouter(tags=["directory"])
On = Annotated[date | None, Query(description="as the facts stand on this day (default: "
                                  "today, UTC)")]
Limit = Annotated[int, Field(ge=1, le=PAGE_SIZE_MAX), AsciiInteger,
                  Query(description="rows per page")]


@router.get("/employees", response_model=EmployeePage, summary="The roster")
async def get_employees(*, caller: CurrentCaller, ledger: LedgerDep, on: On = None,
                        after: ListAfter = None,
                        limit: Limit = LIST_PAGE_DEFAULT) -> JSONResponse:
    """Everyone on the roster on `on` (someone hired later: as first hired), by id: all
    of them for the roles that read everything, a head's departments' people, an
    employee themselves."""
    day = on or today_utc()
    rows = await ledger.run(queries.list_employees, caller, day)
    shown, next_after = page(rows, by("employee_id"), after, limit)
    return await reply(EmployeePage, {"on": day.isoformat(), "employees": shown,
                                      "next_after": next_after})


@router.get("/departments", response_model=DepartmentPage, summary="The departments")
async def get_departments(*, caller: CurrentCaller, ledger: LedgerDep, on: On = None,
                          after: ListAfter = None,
                          limit: Limit = LIST_PAGE_DEFAULT) -> JSONResponse:
    """Every department as defined on `on` (one defined later: as first defined), by id;
    a head sees the departments they head, an employee none."""
    day = on or today_utc()
    rows = await ledger.run(queries.list_departments, caller, day)
    shown, next_after = page(rows, by("department_id"), after, limit)
    return await reply(DepartmentPage, {"on": day.isoformat(), "departments": shown,
                                        "next_after": next_after})


@router.get("/periods", response_model=PeriodPage, summary="The payable periods")
async def get_periods(*, caller: CurrentCaller, ledger: LedgerDep, after: ListAfter = None,
                      limit: Limit = LIST_PAGE_DEFAULT) -> JSONResponse:
    """Every payable period (a quarter with a pool, its year end) in order, and whether it
    is closed, with the close's position and statement hash. Every role may list them
    (a period's figures are scoped, its existence is not)."""
    rows = await ledger.run(queries.list_periods, caller)
    shown, next_after = page(rows, by("period"), after, limit)
    return await reply(PeriodPage, {"periods": shown, "next_after": next_after})
