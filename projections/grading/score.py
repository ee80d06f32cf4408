"""Figures (§5.6 step 2): each subject's numbers from inputs, in the scheme's order, each
recorded in the figure book with its formula, inputs, rule and entries."""

from __future__ import annotations

from fractions import Fraction

from domain.expressions import ExpressionError, MissingInputError, evaluate
from domain.grading import FigureRule
from projections.grading.context import GradingContext
from projections.grading.env import SubjectEnv, holds
from projections.grading.model import PipelineResult, SubjectResult, figure_key


def compute_figures(run: GradingContext, result: PipelineResult) -> None:
    """Figures of everyone assessed (graded or not); eligibility ran first, so a rank or
    `scope_size` counts only those assessed. Figure by figure for everyone, in the
    scheme's order, so a figure that ranks an earlier one (`rank('total')`) sees every
    subject's value whatever the order the subjects were enrolled in."""
    assessed = [s for s in result.subjects.values() if s.status != "not_assessed"]
    envs = {s.subject_id: SubjectEnv(run, result, s) for s in assessed}
    for rule in result.pipeline.figures:
        for subject in assessed:
            _figure(run, result, subject, envs[subject.subject_id], rule)
    for subject in assessed:
        if subject.problems and subject.status == "graded":
            subject.status = "blocked"


def _figure(run: GradingContext, result: PipelineResult, subject: SubjectResult,
            env: SubjectEnv, rule: FigureRule) -> None:
    pipeline = result.pipeline
    if rule.when is not None and not holds(env, rule.when):
        return
    env.reset()
    try:
        value = evaluate(rule.expr, env)
    except MissingInputError as missing:
        if not rule.optional:
            subject.problems.append(f"{rule.name}: no {missing.name} recorded for "
                                    f"{result.period}")
        return
    except ExpressionError as error:
        subject.problems.append(f"{rule.name}: {error}")
        return
    subject.figures[rule.name] = value
    inputs = tuple(k if ":" in k else figure_key(pipeline, subject, k, result.period)
                   for k in env.figures_read)
    if isinstance(value, Fraction):
        run.book.add(figure_key(pipeline, subject, rule.name, result.period),
                     rule.label or rule.name, value, rule.unit, rule.expr,
                     inputs=inputs, literals=tuple(sorted(env.literals.items())),
                     ref=rule.ref, event_ids=tuple(sorted(env.events)))
