"""Grades: a grading rulebook's report for a period, and one subject explained. The
parts a scheme shapes freely (scopes, consequences, procedures, defaults) are JSON
values."""

from __future__ import annotations

from pydantic import Field

from api.http.schemas.base import Closed, Exact, Json, Money
from api.http.schemas.reports import FigureNode


class Cited(Closed):
    """Fields that cite the scheme rule an item applies (present when it has one)."""

    rule: str | None = None
    source: str | None = None
    default: str | None = None


class GradingScheme(Closed):
    id: str
    version: int
    key: str
    title: str
    source: str | None
    rulebook: str | None
    sha256: str
    adopted: str = Field(description="the SchemeAdopted event's id")


class Grade(Closed):
    code: str
    name: str
    coefficient: Exact | None


class Step(Cited):
    stage: str
    from_: str | None = Field(alias="from")
    to: str | None
    from_name: str | None
    to_name: str | None
    reason: str
    events: list[str]


class PayLine(Cited):
    id: str
    label: str
    status: str = Field(description="ok, pending, blocked or not applicable")
    paid: Money
    withheld: Money
    withheld_to: str | None
    base: Money | None
    parts: list[Json]
    reason: str
    events: list[str]


class SubjectGrade(Closed):
    subject_id: str
    name: str
    scopes: Json
    status: str
    grade: str | None
    grade_name: str | None
    band_grade: str | None
    forced: str | None
    ceiling: str | None
    score: str | None
    score_approx: str | None
    figures: dict[str, str]
    steps: list[Step]
    consequences: list[Json]
    pay: list[PayLine]
    problems: list[str]
    derived: list[str]
    employee_id: str | None = Field(default=None, description=(
        "with figures=true: the subject's id when it is a person on the roll"))


class RankedScore(Closed):
    rank: int | None = Field(default=None, description=(
        "1 = best by score; equal scores in id order, `tie` says who a tie-break kept"))
    subject_id: str
    score: Exact | None


class NotCounted(Closed):
    subject_id: str
    status: str = Field(description="not_assessed, no_grade or blocked: outside the base N")


class QuotaUse(Cited):
    grade: str
    scope: str | None
    scope_value: str | None
    headcount: int
    limit: int
    formula: str
    used: int
    ranked: list[RankedScore]
    kept: list[str]
    demoted: list[str]
    tie: Json
    not_counted: list[NotCounted] = Field(default_factory=list, description=(
        "subjects of the scope the base N leaves out, decided when the ranking is computed"))


class PipelineReport(Closed):
    name: str
    label: str | None
    period: str
    grades: list[Grade]
    subjects: list[SubjectGrade]
    quotas: list[QuotaUse]
    counts: dict[str, int]
    figures: dict[str, str] | None = Field(default=None, description=(
        "with figures=true: counts the rules compare (assessed, per status and grade) and "
        "each quota's base, slots and places used (docs/figures.md)"))


class DerivedFact(Cited):
    id: str
    policy: str
    kind: str
    name: str | None
    subject_id: str
    on: str
    until: str | None
    window: Json
    triggers: list[str]
    effect: Json
    status: str
    obligation: Json
    discharged_by: str | None
    note: str | None
    recorded_event: str | None


class GradingReconciliation(Closed):
    formula: str
    balance: Money


class GradePay(Closed):
    lines: int
    paid: Money
    pending_lines: int
    withheld: dict[str, Money]
    reconciliation: GradingReconciliation


class GradesReport(Closed):
    period: str
    scheme: GradingScheme
    pipelines: list[PipelineReport]
    derived: list[DerivedFact]
    procedures: list[Json]
    pay: GradePay
    defaults: list[Json]


class Correction(Closed):
    entry: str
    type: str
    replaced_by: str
    how: str = Field(description="voided or superseded")
    reason: str | None


class SubjectExplained(SubjectGrade):
    pipeline: str
    figure_trees: list[FigureNode]
    quotas: list[QuotaUse]
    corrections: list[Correction]


class GradesExplanation(Closed):
    period: str
    scheme: str
    subject_id: str
    results: list[SubjectExplained]
    derived: list[DerivedFact]
