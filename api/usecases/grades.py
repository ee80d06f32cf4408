"""Grades: a grading rulebook's report for a period (quotas, the reason for every capped,
forced or demoted grade, derived warnings, grade-dependent pay), and one subject
explained. The report shows every subject, so it is for the roles that read everything
(a grading subject's unit is not tied to the roster)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from api.usecases.access import require_everything_for
from api.usecases.figure_default import with_figures_or_default
from api.usecases.ledger import Batch
from api.usecases.ports import Caller, Workspace
from api.usecases.reports import report_facts
from domain.errors import InvalidRequestError
from domain.grading import GradingPeriod
from domain.records import frozen_record
from projections.grades import explain_subject, grades_report
from projections.grading.figure_counts import with_grade_figures


def parse_grading_period(text: str) -> GradingPeriod:
    try:
        return GradingPeriod.parse(text)
    except ValueError as error:
        raise InvalidRequestError(str(error)) from None


@frozen_record
class GradesQuery:
    period: str  # 2025-03 (month), 2025-Q1, 2025-H1 or 2025 (year)
    scheme: str | None = None  # the grading scheme's id, when several are in force
    as_of: datetime | None = None
    what_if: Batch | None = None
    # Pipeline-level counts and quota figures, and `employee_id` on each subject; None:
    # as the ledger's setting says (stored ledgers' `grades --json` stay byte-identical).
    figures: bool | None = None


def grades(ws: Workspace, caller: Caller, query: GradesQuery) -> dict[str, Any]:
    require_everything_for(caller, "the grades")
    period = parse_grading_period(query.period)
    facts = report_facts(ws, caller, query.as_of, query.what_if) or ws.facts()
    report = grades_report(facts, period, query.scheme)
    if with_figures_or_default(query.figures, facts):
        return with_grade_figures(report, set(facts.employee_ids()))
    return report


def explain_grades(ws: Workspace, caller: Caller, query: GradesQuery,
                   subject_id: str) -> dict[str, Any]:
    require_everything_for(caller, "the grades")
    period = parse_grading_period(query.period)
    facts = report_facts(ws, caller, query.as_of, query.what_if) or ws.facts()
    return explain_subject(facts, period, subject_id, query.scheme)
