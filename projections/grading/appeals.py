"""Appeal adjustments (§5.6 step 7): inputs that an appeal (or any correction) changed.
The whole pipeline, quotas included, has run again on them; the step names both entries."""

from __future__ import annotations

from domain.sanctions import GradeInputRecorded
from projections.figures import exact_text
from projections.grading.context import GradingContext
from projections.grading.model import PipelineResult, Step


def note_appeals(run: GradingContext, result: PipelineResult) -> None:
    for subject in result.subjects.values():
        for name, event in sorted(subject.inputs_used.items()):
            if event.supersedes is None:
                continue
            old = run.facts.events.get(event.supersedes)
            old_value = "?"
            if isinstance(old, GradeInputRecorded):
                old_value = _input_text(old)
            why = event.reason or "correction"
            stage = "appeal" if why.startswith("appeal ") else "correction"
            subject.steps.append(Step(
                stage, subject.grade, subject.grade,
                f"input {name} {old_value} → {_input_text(event)} ({why}); every stage, "
                "quotas included, ran on the corrected input",
                None, (str(event.supersedes), str(event.originator_id))))


def _input_text(event: GradeInputRecorded) -> str:
    if event.value is not None:
        return exact_text(event.value)
    return "[" + ", ".join(exact_text(v) for v in event.values or ()) + "]"
