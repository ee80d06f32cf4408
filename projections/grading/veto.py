"""Vetoes and forced grades (§5.6 step 3): the most severe wins (A-S13-7, AMB-30)."""

from __future__ import annotations

from projections.grading.context import GradingContext
from projections.grading.env import SubjectEnv, holds
from projections.grading.model import PipelineResult, Step, gradable


def force_grades(run: GradingContext, result: PipelineResult) -> None:
    pipeline = result.pipeline
    if not pipeline.grades:  # scores and pay only
        for subject in result.subjects.values():
            if subject.status == "graded":
                subject.status = "scored"
        return
    for subject in gradable(result):
        env = SubjectEnv(run, result, subject)
        for rule in pipeline.forced:
            if holds(env, rule.when):
                worst = rule.grade if subject.forced is None else pipeline.worse(
                    subject.forced, rule.grade)
                subject.steps.append(Step("forced", subject.forced, worst, rule.label, rule.ref,
                                          tuple(sorted(env.events))))
                subject.forced = worst
