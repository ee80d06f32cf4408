"""What a grading run produces: per subject the figures, grade and the steps that moved
it; per pipeline the quota use; per pay line what was paid and withheld."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from domain.errors import InvalidRequestError
from domain.grading import GradingPeriod, PayLine, Pipeline
from domain.money import ZERO
from domain.records import frozen_record, mutable_record
from domain.sanctions import GradeInputRecorded, SubjectEnrolled
from domain.scheme import Ref
from projections.figures import exact_text, money_text


class GradingBlockedError(InvalidRequestError):
    code = "grading_blocked"


@frozen_record
class Step:
    stage: str
    grade_from: str | None
    grade_to: str | None
    reason: str
    ref: Ref | None = None
    events: tuple[str, ...] = ()

    def to_json(self, pipeline: Pipeline) -> dict[str, Any]:
        data: dict[str, Any] = {
            "stage": self.stage, "from": self.grade_from, "to": self.grade_to,
            "from_name": grade_name(pipeline, self.grade_from),
            "to_name": grade_name(pipeline, self.grade_to),
            "reason": self.reason, "events": sorted(self.events)}
        data.update(ref_json(self.ref))
        return data


@mutable_record
class PayResult:
    line: PayLine
    status: str  # "ok" | "pending" | "blocked" | "not applicable"
    paid_cny: Decimal = ZERO
    withheld_cny: Decimal = ZERO
    base_cny: Decimal | None = None
    parts: list[dict[str, Any]] = field(default_factory=list)
    reason: str = ""
    events: set[str] = field(default_factory=set)

    def to_json(self) -> dict[str, Any]:
        data = {
            "id": self.line.id, "label": self.line.label, "status": self.status,
            "paid": money_text(self.paid_cny), "withheld": money_text(self.withheld_cny),
            "withheld_to": self.line.withheld_to,
            "base": money_text(self.base_cny) if self.base_cny is not None else None,
            "parts": self.parts, "reason": self.reason, "events": sorted(self.events)}
        data.update(ref_json(self.line.ref))
        return data


@mutable_record
class SubjectResult:
    subject: SubjectEnrolled
    # graded | scored (a pipeline without grades) | no_grade | not_assessed | pending | blocked
    status: str = "graded"
    figures: dict[str, Fraction | str] = field(default_factory=dict)
    band_grade: str | None = None
    grade: str | None = None
    ceiling: str | None = None
    forced: str | None = None
    steps: list[Step] = field(default_factory=list)
    consequences: list[dict[str, Any]] = field(default_factory=list)
    pay: list[PayResult] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    inputs_used: dict[str, GradeInputRecorded] = field(default_factory=dict)

    @property
    def subject_id(self) -> str:
        return self.subject.subject_id


@mutable_record
class QuotaUse:
    grade: str
    scope_key: str | None
    scope_value: str | None
    headcount: int
    limit: int
    formula: str
    ranked: list[tuple[str, Fraction | None]]
    kept: list[str]
    demoted: list[str]
    tie: dict[str, Any] | None
    ref: Ref
    # Subjects of the scope outside the base N (not assessed, no grade, blocked), with
    # their status: why N is what it is when it was larger at an earlier entry.
    not_counted: list[tuple[str, str]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        data = {
            "grade": self.grade, "scope": self.scope_key, "scope_value": self.scope_value,
            "headcount": self.headcount, "limit": self.limit, "formula": self.formula,
            "used": len(self.kept),
            "ranked": [{"rank": rank, "subject_id": s,
                        "score": None if v is None else exact_text(v)}
                       for rank, (s, v) in enumerate(self.ranked, start=1)],
            "kept": self.kept, "demoted": self.demoted, "tie": self.tie,
            "not_counted": [{"subject_id": s, "status": status}
                            for s, status in self.not_counted]}
        data.update(ref_json(self.ref))
        return data


@mutable_record
class PipelineResult:
    pipeline: Pipeline
    period: GradingPeriod
    subjects: dict[str, SubjectResult]
    quotas: list[QuotaUse]
    # Scope memberships, recomputed at each stage (a stage may change who is assessed).
    scope_cache: dict[str | None, list[SubjectResult]] = field(default_factory=dict)


def active(result: PipelineResult) -> Iterable[SubjectResult]:
    """Subjects still on course for a grade."""
    return [s for s in result.subjects.values() if s.status == "graded"]


def gradable(result: PipelineResult) -> Iterable[SubjectResult]:
    """Subjects a grading stage acts on: on course, or waiting for a decision."""
    return [s for s in result.subjects.values() if s.status in ("graded", "pending")]


def figure_key(pipeline: Pipeline, subject: SubjectResult, name: str,
               period: GradingPeriod) -> str:
    return f"{pipeline.name}:{period}:{subject.subject_id}:{name}"


def grade_name(pipeline: Pipeline, code: str | None) -> str | None:
    grade = pipeline.grade(code) if code else None
    return grade.name if grade else None


def value_text(value: Fraction | str) -> str:
    return value if isinstance(value, str) else exact_text(value)


def ref_json(ref: Ref | None) -> dict[str, Any]:
    if ref is None:
        return {}
    data = {"rule": ref.rule, "source": ref.source}
    if ref.default:
        data["default"] = ref.default
    return data
