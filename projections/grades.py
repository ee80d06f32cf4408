"""Grades, derived warnings and grade-dependent pay: the public entry.

The pipeline lives in projections/grading/, one module per stage of seeds-003-004.md
§5.6, dispatched by name from `projections.grading.stages.STAGES`. This module keeps
the names the shells and tests have always imported from here.
"""

from __future__ import annotations

from projections.grading.gather import (
    GradingFacts,
    choose_scheme,
    grading_schemes_in_force,
)
from projections.grading.model import (
    GradingBlockedError,
    PayResult,
    PipelineResult,
    QuotaUse,
    Step,
    SubjectResult,
    figure_key,
)
from projections.grading.procedures import procedures
from projections.grading.report import explain_subject, grades_report
from projections.grading.run import GradingRun
from projections.grading.stages import STAGES

__all__ = [
    "STAGES",
    "GradingBlockedError",
    "GradingFacts",
    "GradingRun",
    "PayResult",
    "PipelineResult",
    "QuotaUse",
    "Step",
    "SubjectResult",
    "choose_scheme",
    "explain_subject",
    "figure_key",
    "grades_report",
    "grading_schemes_in_force",
    "procedures",
]
