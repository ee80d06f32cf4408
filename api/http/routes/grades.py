"""Grades: the report of a grading rulebook for a period, and one subject explained."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse

from api.http.deps import AsOf, CurrentCaller, LedgerDep
from api.http.schemas.base import reply
from api.http.schemas.grades import GradesExplanation, GradesReport
from api.usecases import grades
from api.usecases.grades import GradesQuery

router = APIRouter(tags=["grades"])
GradingPeriodPath = Annotated[str, Path(
    description="2025-03 (month), 2025-Q1, 2025-H1 or 2025 (year)", examples=["2025-03"],
    max_length=16)]
Scheme = Annotated[str | None, Query(max_length=64, description=(
    "the grading scheme's id, when several are in force"))]


@router.get("/periods/{period}/grades", response_model=GradesReport,
            summary="Grades, quotas, warnings and pay by grade")
async def get_grades(*, period: GradingPeriodPath, caller: CurrentCaller, ledger: LedgerDep,
                     scheme: Scheme = None, as_of: AsOf = None,
                     figures: Annotated[bool | None, Query(description=(
                         "each pipeline with a `figures` map of the counts its rules compare, "
                         "each subject with `employee_id`; default: the ledger's setting"))]
                     = None) -> JSONResponse:
    """`jixiao grades --json`: quota use per scope, the reason for every capped, forced or
    demoted grade, derived warnings and grade-dependent pay."""
    return await reply(GradesReport, await ledger.run(
        grades.grades, caller, GradesQuery(period, scheme, as_of, figures=figures)))


@router.get("/periods/{period}/grades/explain", response_model=GradesExplanation,
            summary="One subject's grades explained")
async def get_grades_explain(
    *, period: GradingPeriodPath, caller: CurrentCaller, ledger: LedgerDep,
    subject: Annotated[str, Query(max_length=64, description="the subject's id")],
    scheme: Scheme = None, as_of: AsOf = None,
) -> JSONResponse:
    """`jixiao grades explain --json`: figure by figure, step by step, with pay."""
    return await reply(GradesExplanation, await ledger.run(
        grades.explain_grades, caller, GradesQuery(period, scheme, as_of), subject))
