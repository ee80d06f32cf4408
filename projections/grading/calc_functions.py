"""The per-subject calculation kinds of domain/calculations.py, as expression functions
(`progressive`, `step`, `ladder`, `share`). Each records the calculation's own
description among the figure's literals, so an explanation quotes the numbers of the
scheme in force. The population kinds are the `calculations` stage (population.py)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any, TypeVar

from domain.calculations import Ladder, Progressive, Shares, Step, percent
from domain.expressions import ExpressionError, MissingInputError
from projections.figures import exact_text
from projections.grading.reading import Function, SubjectReader, num, text

K = TypeVar("K")


def _named(env: SubjectReader, name: Any, kind: type[K]) -> K:
    found = (env.run.scheme.calculations or {}).get(text(name))
    if not isinstance(found, kind):
        raise ExpressionError(f"no {kind.__name__.lower()} calculation {name!r} in the scheme")
    return found


def progressive_amount(calc: Progressive, amount: Fraction,
                       chosen: Callable[[], Fraction] | None) -> tuple[Fraction, list[str]]:
    """Σ over the bands of the amount's slice × the band's rate, and each term's text; the
    rate chosen per case is asked for only when the amount reaches a ranged band."""
    total, low, terms = Fraction(0), Fraction(0), []
    for tier in calc.tiers:
        high = Fraction(tier.up_to) if tier.up_to is not None else None
        part = max(Fraction(0), (amount if high is None else min(amount, high)) - low)
        if part == 0:
            break
        if tier.rate is not None:
            rate = Fraction(tier.rate)
        elif chosen is None:
            raise MissingInputError(f"{calc.label}: the rate chosen for this case")
        else:
            low_rate, high_rate = tier.rate_range or (Decimal(0), Decimal(0))
            rate = chosen()
            if not Fraction(low_rate) <= rate <= Fraction(high_rate):
                raise ExpressionError(f"{calc.label}: rate {exact_text(rate)} is outside "
                                      f"{percent(low_rate)}–{percent(high_rate)}")
        total += part * rate
        terms.append(f"{exact_text(part)} × {percent(Decimal(rate.numerator) / rate.denominator)}")
        low = high if high is not None else low
    return total, terms


def _progressive(env: SubjectReader, args: list[Any]) -> Fraction:
    calc = _named(env, args[0], Progressive)
    amount = num(args[1])
    # The chosen rate, by value or by the name of an input read only when needed.
    chosen = None if len(args) < 3 else (
        (lambda: num(env.name(args[2]))) if isinstance(args[2], str) else (lambda: num(args[2])))
    total, terms = progressive_amount(calc, amount, chosen)
    env.literals[str(args[0])] = calc.describe()
    env.literals[f"{args[0]}({exact_text(amount)})"] = " + ".join(terms) or "0"
    return total


def _step(env: SubjectReader, args: list[Any]) -> Fraction:
    calc = _named(env, args[0], Step)
    value = num(args[1])
    found = Fraction(calc.otherwise)
    for row in calc.rows:
        if value > row.min or (row.inclusive and value == row.min):
            found = Fraction(row.value)
    env.literals[str(args[0])] = calc.describe()
    return found


def _ladder(env: SubjectReader, args: list[Any]) -> Fraction:
    calc = _named(env, args[0], Ladder)
    count = num(args[1])
    if count < 0 or count.denominator != 1:
        raise ExpressionError(f"{calc.label}: {exact_text(count)} is not a count")
    steps = [Fraction(s) for s in calc.steps]
    total = sum(steps[:int(count)], Fraction(0))
    beyond = int(count) - len(steps)
    if beyond > 0:
        if calc.then is None:
            raise ExpressionError(f"{calc.label}: {int(count)} occurrences, the ladder has "
                                  f"{len(steps)} steps and no `then`")
        total += beyond * Fraction(calc.then)
    if calc.cap is not None:
        total = min(total, Fraction(calc.cap))
    env.literals[str(args[0])] = calc.describe()
    return total


def _share(env: SubjectReader, args: list[Any]) -> Fraction:
    calc = _named(env, args[0], Shares)
    role = text(args[2])
    if role not in calc.shares:
        raise ExpressionError(f"{calc.label}: no share for {role!r}; "
                              f"known: {', '.join(calc.shares)}")
    env.literals[str(args[0])] = calc.describe()
    return num(args[1]) * Fraction(calc.shares[role])


CALC_FUNCTIONS: Mapping[str, Function] = {
    "progressive": _progressive, "step": _step, "ladder": _ladder, "share": _share,
}
