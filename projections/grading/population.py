"""The population calculations of domain/calculations.py shared `into: figure` (a
per-point pool, the redistribution of cuts), as the `calculations` stage: they need every
subject of the pipeline, so they run once its figures are known, before the grades (those
`into: pay_line` are shared after pay by the `pools` stage, pools.py); each result is a
figure of every subject that grades and pay lines read, explained from the calculation's
own values."""

from __future__ import annotations

import math
import re
from fractions import Fraction

from domain.calculations import PerPointPool, Redistribution, percent
from domain.expressions import ExpressionError, MissingInputError, evaluate
from projections.figures import exact_text
from projections.grading.context import GradingContext
from projections.grading.env import SubjectEnv
from projections.grading.model import PipelineResult, SubjectResult, figure_key
from projections.grading.reading import num


def compute_pools(run: GradingContext, result: PipelineResult) -> None:
    """Every population calculation of this pipeline, in the order the scheme lists them."""
    for name, calc in (run.scheme.calculations or {}).items():
        if not isinstance(calc, PerPointPool | Redistribution) or calc.into != "figure" or \
                calc.pipeline != result.pipeline.name:
            continue
        if isinstance(calc, PerPointPool):
            _per_point_pool(run, result, name, calc)
        else:
            _redistribute(run, result, name, calc)


def _members(result: PipelineResult) -> list[SubjectResult]:
    return [s for s in result.subjects.values() if s.status not in ("not_assessed", "blocked")]


def _value(run: GradingContext, result: PipelineResult, subject: SubjectResult,
           expr: str, *, literals: dict[str, str], events: set[str]) -> Fraction:
    env = SubjectEnv(run, result, subject)
    value = num(evaluate(expr, env))
    literals.update(env.literals)
    events.update(env.events)
    return value


def _block(members: list[SubjectResult], reason: str) -> None:
    for subject in members:
        subject.problems.append(reason)
        subject.status = "blocked"


def _pool_total(run: GradingContext, result: PipelineResult, calc: PerPointPool, *,
                parts: dict[str, Fraction], literals: dict[str, str], events: set[str]
                ) -> Fraction:
    if calc.pool_from is None:
        return sum(parts.values(), Fraction(0))
    source, figure = calc.pool_from
    other = run.run(source, result.period)
    values = [s.figures.get(figure) for s in other.subjects.values()]
    found = [v for v in values if isinstance(v, Fraction)]
    if not found:
        raise MissingInputError(f"{figure} of {source} for {result.period}")
    literals[f"Σ {figure} of {source}"] = exact_text(sum(found, Fraction(0)))
    return sum(found, Fraction(0))


def _per_point_pool(run: GradingContext, result: PipelineResult, name: str,
                    calc: PerPointPool) -> None:
    members = _members(result)
    points: dict[str, Fraction] = {}
    parts: dict[str, Fraction] = {}
    literals: dict[str, str] = {name: calc.describe()}
    events: set[str] = set()
    try:
        for subject in members:
            points[subject.subject_id] = _value(run, result, subject, calc.points,
                                                 literals={}, events=events)
            if calc.contribution is not None:
                parts[subject.subject_id] = _value(run, result, subject, calc.contribution,
                                                   literals={}, events=events)
        pool = _pool_total(run, result, calc, parts=parts, literals=literals, events=events)
    except (MissingInputError, ExpressionError) as error:
        what = error.name if isinstance(error, MissingInputError) else str(error)
        _block(members, f"{name}: the pool waits for {what}")
        return
    total_points = sum(points.values(), Fraction(0))
    if not members:
        return
    if total_points <= 0:
        _block(members, f"{name}: Σ points is {exact_text(total_points)}; nothing to share by")
        return
    literals.update({"pool": exact_text(pool), "Σ points": exact_text(total_points)})
    amounts = _pool_amounts(run, result, name, calc, members=members,
                            point_value=pool / total_points, points=points)
    if amounts is None:
        return
    for subject in members:
        if subject.subject_id not in amounts:
            continue  # blocked, with its reason
        amount, own = amounts[subject.subject_id]
        subject.figures[name] = amount
        own_literals = {**literals, "points": exact_text(points[subject.subject_id]), **own}
        run.book.add(figure_key(result.pipeline, subject, name, result.period), calc.label,
                     amount, "cny", f"pool ÷ Σ points × points{' × factor' * bool(calc.factor)}"
                     f"{' × (1 + adjustment)' * bool(calc.adjustment)}",
                     inputs=_figures_named(run, result, subject, (calc.points, calc.factor)),
                     literals=tuple(sorted(own_literals.items())), ref=calc.ref,
                     event_ids=tuple(sorted(events)))


def _figures_named(run: GradingContext, result: PipelineResult, subject: SubjectResult,
                   exprs: tuple[str | None, ...]) -> tuple[str, ...]:
    """The subject's own figures the expressions name, so an explanation shows them."""
    names = {word for expr in exprs if expr for word in re.findall(r"[A-Za-z_]\w*", expr)}
    keys = (figure_key(result.pipeline, subject, n, result.period) for n in subject.figures
            if n in names)
    return tuple(k for k in keys if k in run.book.figures)


def _pool_amounts(run: GradingContext, result: PipelineResult, name: str, calc: PerPointPool,
                  *, members: list[SubjectResult], point_value: Fraction,
                  points: dict[str, Fraction]
                  ) -> dict[str, tuple[Fraction, dict[str, str]]] | None:
    amounts: dict[str, tuple[Fraction, dict[str, str]]] = {}
    events: set[str] = set()
    for subject in members:
        own: dict[str, str] = {"value of a point": exact_text(point_value)}
        try:
            amount = point_value * points[subject.subject_id]
            if calc.factor is not None:
                amount *= _value(run, result, subject, calc.factor, literals=own,
                                 events=events)
            if calc.adjustment is not None:
                share = _value(run, result, subject, calc.adjustment.input,
                               literals=own, events=events)
                if abs(share) > Fraction(calc.adjustment.max_share):
                    _block([subject], f"{name}: 调整 {exact_text(share)} 超出 ±"
                           f"{percent(calc.adjustment.max_share)} (refused)")
                    continue
                amount *= 1 + share
        except (MissingInputError, ExpressionError) as error:
            what = error.name if isinstance(error, MissingInputError) else str(error)
            _block([subject], f"{name}: no {what}")
            continue
        amounts[subject.subject_id] = (amount, own)
    return _within_pool(calc, name, members, amounts, point_value * sum(points.values()))


def _within_pool(calc: PerPointPool, name: str, members: list[SubjectResult],
                 amounts: dict[str, tuple[Fraction, dict[str, str]]], pool: Fraction
                 ) -> dict[str, tuple[Fraction, dict[str, str]]] | None:
    if calc.adjustment is None or not calc.adjustment.within_pool:
        return {k: v for k, v in amounts.items()}
    total = sum((a for a, _ in amounts.values()), Fraction(0))
    if total > pool:
        _block(members, f"{name}: 调整后总额 {exact_text(total)} 超过奖金总额 "
               f"{exact_text(pool)} (the adjustments are refused)")
        return None
    return amounts


def _redistribute(run: GradingContext, result: PipelineResult, name: str,
                  calc: Redistribution) -> None:
    members = _members(result)
    literals: dict[str, str] = {name: calc.describe()}
    events: set[str] = set()
    try:
        cut = sum((_value(run, result, s, calc.cut or "0", literals={}, events=events)
                   for s in members), Fraction(0))
    except (MissingInputError, ExpressionError) as error:
        what = error.name if isinstance(error, MissingInputError) else str(error)
        _block(members, f"{name}: the cuts wait for {what}")
        return
    ranked = sorted((s for s in members if isinstance(s.figures.get(calc.rank_by), Fraction)),
                    key=lambda s: (-Fraction(s.figures[calc.rank_by]), s.subject_id))
    received = {s.subject_id: Fraction(0) for s in members}
    start = 0
    for band in calc.bands:
        end = _rounded(Fraction(band.up_to_share) * len(ranked), calc.rounding or "half_up")
        recipients = ranked[start:end]
        if not recipients and band.share and cut:
            _block(members, f"{name}: nobody ranks in the band up to "
                   f"{percent(band.up_to_share)}; its {percent(band.share)} has no recipient")
            return
        for subject in recipients:
            received[subject.subject_id] = cut * Fraction(band.share) / len(recipients)
        start = max(start, end)
    literals["Σ cut"] = exact_text(cut)
    for subject in members:
        subject.figures[name] = received[subject.subject_id]
        rank = next((n for n, s in enumerate(ranked, 1) if s is subject), None)
        own = {**literals, "rank": f"{rank} of {len(ranked)}" if rank else "(unranked)"}
        run.book.add(figure_key(result.pipeline, subject, name, result.period), calc.label,
                     received[subject.subject_id], "cny",
                     f"Σ cut × band share ÷ recipients in the band (by {calc.rank_by})",
                     literals=tuple(sorted(own.items())), ref=calc.ref,
                     event_ids=tuple(sorted(events)))


def _rounded(value: Fraction, rounding: str) -> int:
    if rounding == "floor":
        return math.floor(value)
    if rounding == "ceil":
        return math.ceil(value)
    return math.floor(value + Fraction(1, 2))

