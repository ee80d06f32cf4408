"""Ceilings (§5.6 step 5): 不得评为优秀 and the like; the grade becomes the worse of the
two, and the step names the ceiling's grade from the rule."""

from __future__ import annotations

from projections.grading.context import GradingContext
from projections.grading.env import SubjectEnv, holds
from projections.grading.model import PipelineResult, Step, gradable


def cap_grades(run: GradingContext, result: PipelineResult) -> None:
    pipeline = result.pipeline
    for subject in gradable(result):
        env = SubjectEnv(run, result, subject)
        for rule in pipeline.ceilings:
            if not holds(env, rule.when):
                continue
            subject.ceiling = rule.grade if subject.ceiling is None else pipeline.worse(
                subject.ceiling, rule.grade)
            before = subject.grade
            if before is not None:
                subject.grade = pipeline.worse(before, rule.grade)
            subject.steps.append(Step("ceiling", before, subject.grade,
                                      f"{rule.label} (no better than {rule.grade})", rule.ref,
                                      tuple(sorted(env.events))))
        if subject.grade is None and subject.forced is None and subject.status != "pending":
            subject.status = "pending"
