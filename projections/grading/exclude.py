"""Eligibility (§5.6 step 1): not assessed at all (out of every count), or assessed with
no grade; decided on inputs and sanctions, before any figure, so a rank or `scope_size`
later counts only those assessed."""

from __future__ import annotations

from projections.grading.context import GradingContext
from projections.grading.env import SubjectEnv, holds
from projections.grading.model import PipelineResult, Step, active


def check_eligibility(run: GradingContext, result: PipelineResult) -> None:
    for subject in active(result):
        env = SubjectEnv(run, result, subject)
        for rule in result.pipeline.eligibility:
            if holds(env, rule.when):
                subject.status = rule.outcome
                subject.steps.append(Step("eligibility", None, None,
                                          f"{rule.label}: {rule.outcome.replace('_', ' ')}",
                                          rule.ref, tuple(sorted(env.events))))
                break
