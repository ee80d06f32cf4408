"""Consequences: what follows from the result (a talk, a cut allowance, ineligibility),
shown with its rule; never a grade change."""

from __future__ import annotations

from typing import Any

from projections.grading.context import GradingContext
from projections.grading.env import SubjectEnv, holds
from projections.grading.model import PipelineResult, ref_json


def follow_consequences(run: GradingContext, result: PipelineResult) -> None:
    for subject in result.subjects.values():
        if subject.status == "blocked":
            continue
        env = SubjectEnv(run, result, subject)
        for rule in result.pipeline.consequences:
            if holds(env, rule.when):
                item: dict[str, Any] = {"effect": rule.effect, "when": rule.when,
                                        "events": sorted(env.events)}
                item.update(ref_json(rule.ref))
                subject.consequences.append(item)
