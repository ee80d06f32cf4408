"""Grades: the report of a grading rulebook for a period, and one subject explained."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from api.http.deps import AsOf, CurrentCaller, LedgerDep
from api.usecases import grades
from api.usecases.grades import GradesQuery

router = APIRouter(tags=["grades"])
GradingPeriodPath = Annotated[str, Path(
    description="2025-03 (month), 2025-Q1, 2025-H1 or 2025 (year)", examples=["2025-03"],
    max_length=16)]
Scheme = Annotated[str | None, Query(max_length=64, description=(
    "the grading scheme's id, when several are in force"))]


@router.get("/periods/{period}/grades", summary="Grades, quotas, warnings and pay by grade")
async def get_grades(*, period: GradingPeriodPath, caller: CurrentCaller, ledger: LedgerDep,
                     scheme: Scheme = None, as_of: AsOf = None) -> dict[str, Any]:
    """`jixiao grades --json`: quota use per scope, the reason for every capped, forced or
    demoted grade, derived warnings and grade-dependent pay."""
    return await ledger.run(grades.grades, caller, GradesQuery(period, scheme, as_of))


@router.get("/periods/{period}/grades/explain", summary="One subject's grades explained")
async def get_grades_explain(
    *, period: GradingPeriodPath, caller: CurrentCaller, ledger: LedgerDep,
    subject: Annotated[str, Query(max_length=64, description="the subject's id")],
    scheme: Scheme = None, as_of: AsOf = None,
) -> dict[str, Any]:
    """`jixiao grades explain --json`: figure by figure, step by step, with pay."""
    return await ledger.run(grades.explain_grades, caller, GradesQuery(period, scheme, as_of),
                            subject)
