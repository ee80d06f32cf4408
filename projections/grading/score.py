"""Figures (§5.6 step 2): each subject's numbers from inputs, in the scheme's order, each
recorded in the figure book with its formula, inputs, rule and entries."""

from __future__ import annotations

from fractions import Fraction

from domain.expressions import ExpressionError, MissingInputError, evaluate
from projections.grading.context import GradingContext
from projections.grading.env import SubjectEnv, holds
from projections.grading.model import PipelineResult, SubjectResult, figure_key


def compute_figures(run: GradingContext, result: PipelineResult) -> None:
    """Figures of everyone assessed (graded or not); eligibility ran first, so a rank or
    `scope_size` counts only those assessed."""
    for subject in result.subjects.values():
        if subject.status == "not_assessed":
            continue
        _figures_of(run, result, subject)
        if subject.problems and subject.status == "graded":
            subject.status = "blocked"


def _figures_of(run: GradingContext, result: PipelineResult, subject: SubjectResult) -> None:
    pipeline = result.pipeline
    env = SubjectEnv(run, result, subject)
    for rule in pipeline.figures:
        if rule.when is not None and not holds(env, rule.when):
            continue
        env.reset()
        try:
            value = evaluate(rule.expr, env)
        except MissingInputError as missing:
            if not rule.optional:
                subject.problems.append(f"{rule.name}: no {missing.name} recorded for "
                                        f"{result.period}")
            continue
        except ExpressionError as error:
            subject.problems.append(f"{rule.name}: {error}")
            continue
        subject.figures[rule.name] = value
        inputs = tuple(k if ":" in k else figure_key(pipeline, subject, k, result.period)
                       for k in env.figures_read)
        if isinstance(value, Fraction):
            run.book.add(figure_key(pipeline, subject, rule.name, result.period),
                         rule.label or rule.name, value, rule.unit, rule.expr,
                         inputs=inputs, literals=tuple(sorted(env.literals.items())),
                         ref=rule.ref, event_ids=tuple(sorted(env.events)))
