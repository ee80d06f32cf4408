"""Roll-up: expression functions that read other pipelines or periods (the months of a
year, the quarters of a half, the year before, a unit's members)."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from domain.expressions import ExpressionError, MissingInputError, Value, evaluate
from projections.figures import exact_text
from projections.grading.model import figure_key, value_text
from projections.grading.reading import Function, SubjectReader, num, text
from projections.outside import outside_result, source_text


def _grade_of(env: SubjectReader, args: list[Any]) -> Value:
    other = env.run.run(text(args[0]), env.period)
    found = other.subjects.get(env.subject.subject_id)
    env.literals[f"grade_of({args[0]})"] = (found.grade if found else None) or "(none)"
    return (found.grade if found else None) or ""


def _figure_of(env: SubjectReader, args: list[Any]) -> Value:
    other = env.run.run(text(args[0]), env.period)
    found = other.subjects.get(env.subject.subject_id)
    if found is None or text(args[1]) not in found.figures:
        raise MissingInputError(f"{args[0]}.{args[1]}")
    figure = found.figures[text(args[1])]
    env.literals[f"{args[0]}.{args[1]}"] = value_text(figure)
    return figure


def _previous_grade(env: SubjectReader, args: list[Any]) -> Value:
    back = int(num(args[0]))
    earlier = env.period.shifted(back)
    if earlier is None:
        return ""
    other = env.run.run(env.pipeline.name, earlier)
    found = other.subjects.get(env.subject.subject_id)
    grade = (found.grade if found else None) or ""
    if not grade:  # a period before the ledger: a grade recorded from outside (issue 15)
        given = outside_result(env.run.facts, env.run.scheme.id, env.subject.subject_id,
                               env.pipeline.name, str(earlier))
        if given is not None and given.grade is not None:
            env.events.add(str(given.originator_id))
            env.literals[f"grade in {earlier}"] = f"{given.grade} ({source_text(given)})"
            return given.grade
    env.literals[f"grade in {earlier}"] = grade or "(none)"
    return grade


def _outside(env: SubjectReader, args: list[Any]) -> Value:
    """`outside('name')`: a result recorded from outside the ledger for this subject and
    period (a higher body's grade, another system's count), with its source named."""
    name = text(args[0])
    given = outside_result(env.run.facts, env.run.scheme.id, env.subject.subject_id, name,
                           str(env.period))
    if given is None:
        raise MissingInputError(f"outside({name})")
    env.events.add(str(given.originator_id))
    value: Value = given.grade if given.grade is not None else Fraction(given.value or 0)
    env.literals[f"outside({name})"] = f"{value_text(value)} ({source_text(given)})"
    return value


def _members_sum(env: SubjectReader, args: list[Any]) -> Value:
    other = env.run.run(text(args[0]), env.period)
    total = Fraction(0)
    for member in other.subjects.values():
        if member.subject.unit_id == env.subject.subject_id:
            part = member.figures.get(text(args[1]))
            if isinstance(part, Fraction):
                total += part
                env.literals[f"{member.subject_id}.{args[1]}"] = exact_text(part)
    return total


def _over_sub_periods(function: str) -> Function:
    def over(env: SubjectReader, args: list[Any]) -> Value:
        who = text(args[2]) if len(args) > 2 else "self"
        return over_sub_periods(env, function, text(args[0]), text(args[1]), who)
    return over


def over_sub_periods(env: SubjectReader, function: str, source: str, condition: str,
                     who: str) -> Fraction:
    """`count_where` (sub-periods where the condition holds) or `mean_where` (the mean of
    an expression) over the sub-periods of `source` within this period."""
    pipeline = env.run.scheme.pipeline(source)
    if pipeline is None:
        raise ExpressionError(f"{function}: no pipeline {source!r}")
    subject_id = env.subject.subject_id
    if who == "headed_unit":
        subject_id = env.subject.subject.heads or ""
    elif who != "self":
        raise ExpressionError(f"{function}: who is 'self' or 'headed_unit', not {who!r}")
    hits: list[str] = []
    values: list[Fraction] = []
    for sub in env.period.sub_periods(pipeline.period):
        result = env.run.run(source, sub)
        found = result.subjects.get(subject_id)
        if found is None or found.status in ("not_assessed", "blocked") or (
                not found.figures and not found.inputs_used and found.grade is None):
            continue
        other = env.for_subject(result, found)
        try:
            value = evaluate(condition, other)
        except MissingInputError:
            continue
        env.events.update(other.events)
        for name in other.figures_read:
            key = figure_key(pipeline, found, name, sub)
            if key in env.run.book.figures and key not in env.figures_read:
                env.figures_read.append(key)
        if function == "count_where":
            if value:
                hits.append(str(sub))
        else:
            values.append(num(value))
            hits.append(str(sub))
    label = f"{function}({source}, {condition})" + ("" if who == "self" else f" of {subject_id}")
    if function == "count_where":
        env.literals[label] = f"{len(hits)}: {', '.join(hits) or '-'}"
        return Fraction(len(hits))
    if not values:
        raise MissingInputError(f"{source} results")
    mean = sum(values, Fraction(0)) / len(values)
    env.literals[label] = f"{value_text(mean)} over {', '.join(hits)}"
    return mean


ROLLUP_FUNCTIONS: Mapping[str, Function] = {
    "grade_of": _grade_of, "figure_of": _figure_of, "previous_grade": _previous_grade,
    "members_sum": _members_sum, "count_where": _over_sub_periods("count_where"),
    "mean_where": _over_sub_periods("mean_where"), "outside": _outside,
}
