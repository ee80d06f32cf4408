"""One grading scheme over the facts: policies once, then each pipeline per period
through the stages, each result computed once (pipelines read each other's results)."""

from __future__ import annotations

from domain.errors import invariant
from domain.expressions import ExpressionError
from domain.facts import Facts
from domain.grading import GradingPeriod, GradingScheme, Pipeline
from domain.grading_quota_entry import assesses
from domain.money import calc_context
from domain.policies import DerivedFact, in_scheme, scheme_facts
from domain.sanctions import (
    ComplaintRecorded,
    GradeInputRecorded,
    PayBaseRecorded,
    SanctionRecorded,
    SubjectEnrolled,
)
from projections.figures import Ledgerbook
from projections.grading.gather import GradingFacts
from projections.grading.model import PipelineResult, SubjectResult
from projections.grading.stages import STAGES


class GradingRun:
    """The GradingContext the stages see: one scheme, its facts, memoised results."""

    def __init__(self, facts: Facts, scheme: GradingScheme) -> None:
        self.facts = facts
        self.scheme = scheme
        self.g = GradingFacts.build(facts)
        self.book = Ledgerbook()
        self._results: dict[tuple[str, str], PipelineResult] = {}
        self._running: set[tuple[str, str]] = set()
        self.derived: list[DerivedFact] = scheme_facts(
            self.scheme, self.g.subjects, self.g.sanctions, self.g.complaints)

    # -- policies

    def sanctions_of(self, subject_id: str) -> list[SanctionRecorded]:
        return in_scheme(self.scheme, self.g.sanctions.get(subject_id, []),
                         self.scheme.sanction_kinds)

    def complaints_of(self, subject_id: str) -> list[ComplaintRecorded]:
        return in_scheme(self.scheme, self.g.complaints.get(subject_id, []),
                         self.scheme.complaint_kinds)

    def derived_of(self, subject_id: str) -> list[DerivedFact]:
        return [d for d in self.derived if d.subject_id == subject_id]

    # -- pipelines

    def population(self, pipeline: Pipeline, period: GradingPeriod) -> list[SubjectEnrolled]:
        """Collect: the enrolled subjects this pipeline assesses in the period."""
        found = [s for s in self.g.subjects.values()
                 if assesses(pipeline, self.scheme.id, s, period)]
        return sorted(found, key=lambda s: s.subject_id)

    def run(self, pipeline_name: str, period: GradingPeriod) -> PipelineResult:
        key = (pipeline_name, str(period))
        if key in self._results:
            return self._results[key]
        pipeline = self.scheme.pipeline(pipeline_name)
        if pipeline is None:
            raise ExpressionError(f"no pipeline {pipeline_name!r} in {self.scheme.key}")
        if pipeline.period != period.kind:
            raise ExpressionError(f"pipeline {pipeline_name} grades by {pipeline.period}, "
                                  f"not {period.kind}")
        if key in self._running:
            raise ExpressionError(f"pipeline {pipeline_name} depends on itself for {period}")
        self._running.add(key)
        try:
            with calc_context():
                result = self._run(pipeline, period)
        finally:
            self._running.discard(key)
        self._results[key] = result
        return result

    def _run(self, pipeline: Pipeline, period: GradingPeriod) -> PipelineResult:
        result = PipelineResult(pipeline, period, {}, [])
        for enrolled in self.population(pipeline, period):
            result.subjects[enrolled.subject_id] = SubjectResult(enrolled)
        for stage in STAGES.values():
            result.scope_cache.clear()
            stage(self, result)
        for subject in result.subjects.values():
            invariant(subject.grade is None or pipeline.grade(subject.grade) is not None,
                      f"{subject.subject_id}: unknown grade {subject.grade}")
        return result

    def input_events(self, subject_id: str, period: GradingPeriod, component: str
                     ) -> GradeInputRecorded | None:
        events = self.g.inputs.get((subject_id, str(period), component), [])
        own = [e for e in events if e.rulebook == self.scheme.id]
        shared = [e for e in events if e.rulebook is None]
        chosen = own or shared
        return chosen[-1] if chosen else None

    def pay_base(self, subject_id: str, period: GradingPeriod, component: str
                 ) -> PayBaseRecorded | None:
        events = self.g.pay_bases.get((subject_id, str(period), component), [])
        chosen = [e for e in events if e.rulebook == self.scheme.id] or [
            e for e in events if e.rulebook is None]
        return chosen[-1] if chosen else None
