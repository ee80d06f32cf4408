"""Expression functions on one subject's own numbers and facts, by name.

Each takes the reader and the evaluated arguments; domain/grading.py checks names and
arities when a scheme is parsed, so these only check what depends on the facts.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from domain.expressions import ExpressionError, MissingInputError, Value
from projections.figures import exact_text
from projections.grading.reading import Function, SubjectReader, num, text

# -- arithmetic


def _min(env: SubjectReader, args: list[Any]) -> Value:
    return min([a for a in args if isinstance(a, Fraction)])


def _max(env: SubjectReader, args: list[Any]) -> Value:
    return max([a for a in args if isinstance(a, Fraction)])


def _clamp(env: SubjectReader, args: list[Any]) -> Value:
    value, low, high = (num(a) for a in args)
    return max(low, min(high, value))


def _abs(env: SubjectReader, args: list[Any]) -> Value:
    return abs(num(args[0]))


def _floor(env: SubjectReader, args: list[Any]) -> Value:
    return Fraction(math.floor(num(args[0])))


def _ceil(env: SubjectReader, args: list[Any]) -> Value:
    return Fraction(math.ceil(num(args[0])))


def _round_half_up(env: SubjectReader, args: list[Any]) -> Value:
    value = num(args[0])
    magnitude = math.floor(abs(value) + Fraction(1, 2))
    return Fraction(magnitude if value >= 0 else -magnitude)


# -- list inputs


def _has(env: SubjectReader, args: list[Any]) -> Value:
    return Fraction(int(env.has(text(args[0]))))


def _statistic(function: str) -> Function:
    def statistic(env: SubjectReader, args: list[Any]) -> Value:
        name = text(args[0])
        values = env.values(name)
        result = list_statistic(function, values, name)
        if function == "trimmed_mean":
            # What a checker compares: whose marks were dropped, and the mean before any
            # rounding the expression applies to it (AMB-09).
            ordered = sorted(values)
            env.literals[f"trimmed_mean({name}) dropped"] = (
                f"lowest {exact_text(ordered[0])}, highest {exact_text(ordered[-1])}")
            env.literals[f"trimmed_mean({name}) exact"] = exact_text(result)
        return result
    return statistic


def list_statistic(function: str, values: list[Fraction], name: str) -> Fraction:
    if function == "count":
        return Fraction(len(values))
    if function == "sum":
        return sum(values, Fraction(0))
    if function == "trimmed_mean":
        # AMB-09: drop exactly one highest and one lowest, even when tied; ≥ 3 values.
        if len(values) < 3:
            raise ExpressionError(f"trimmed_mean({name}) needs at least 3 values, "
                                  f"has {len(values)}")
        values = sorted(values)[1:-1]
    if not values:
        raise MissingInputError(name)
    return sum(values, Fraction(0)) / len(values)


def _sumproduct(env: SubjectReader, args: list[Any]) -> Value:
    lists = [env.values(text(a)) for a in args]
    if len({len(values) for values in lists}) != 1:
        raise ExpressionError(f"sumproduct: {', '.join(map(str, args))} differ in length")
    total = Fraction(0)
    for row in zip(*lists, strict=True):
        product = Fraction(1)
        for value in row:
            product *= value
        total += product
    return total


# -- sanctions, complaints, derived facts


def _sanctions(env: SubjectReader, args: list[Any]) -> Value:
    return Fraction(len(env.sanctions_in(text(args[0]), text(args[1]))))


def _sanction_days(env: SubjectReader, args: list[Any]) -> Value:
    return Fraction(env.sanction_days(text(args[0])))


def _complaints(env: SubjectReader, args: list[Any]) -> Value:
    verified_only = bool(args[1]) if len(args) > 1 else True
    return Fraction(env.complaints(text(args[0]), verified_only))


def _derived(env: SubjectReader, args: list[Any]) -> Value:
    return Fraction(len(env.derived_in(text(args[0]), text(args[1]))))


# -- lookups


def _table(env: SubjectReader, args: list[Any]) -> Value:
    table = env.run.scheme.tables.get(text(args[0]))
    if table is None or text(args[1]) not in table:
        raise ExpressionError(f"no entry {args[1]!r} in table {args[0]!r}")
    env.literals[f"{args[0]}[{args[1]}]"] = exact_text(table[text(args[1])])
    return Fraction(table[text(args[1])])


def _scope(env: SubjectReader, args: list[Any]) -> Value:
    return env.subject.subject.scopes.get(text(args[0]), "")


def _rank(env: SubjectReader, args: list[Any]) -> Value:
    return Fraction(env.rank(text(args[0]), low=False))


def _rank_low(env: SubjectReader, args: list[Any]) -> Value:
    return Fraction(env.rank(text(args[0]), low=True))


def _amount_for(env: SubjectReader, args: list[Any]) -> Value:
    if env.pay_line is None:
        raise ExpressionError("amount_for() is for pay lines")
    amounts = env.pay_line.amounts
    grade = text(args[0]) or "none"
    if grade not in amounts:
        raise ExpressionError(f"pay line {env.pay_line.id} has no amount for {grade!r}")
    return Fraction(amounts[grade])


def _coefficient_for(env: SubjectReader, args: list[Any]) -> Value:
    # The grade table's own coefficient, so a pay line never repeats its numbers.
    grade = text(args[0])
    found = next((g for g in env.pipeline.grades if g.code == grade), None)
    if found is None or found.coefficient is None:
        raise ExpressionError(f"grade {grade!r} of {env.pipeline.name} has no coefficient")
    env.literals[f"coefficient[{grade}]"] = exact_text(found.coefficient)
    return Fraction(found.coefficient)


OWN_FUNCTIONS: Mapping[str, Function] = {
    "min": _min, "max": _max, "clamp": _clamp, "abs": _abs, "floor": _floor, "ceil": _ceil,
    "round_half_up": _round_half_up, "has": _has,
    **{name: _statistic(name) for name in ("sum", "mean", "count", "trimmed_mean")},
    "sumproduct": _sumproduct, "sanctions": _sanctions, "sanction_days": _sanction_days,
    "complaints": _complaints, "derived": _derived, "table": _table, "scope": _scope,
    "rank": _rank, "rank_low": _rank_low, "amount_for": _amount_for,
    "coefficient_for": _coefficient_for,
}
