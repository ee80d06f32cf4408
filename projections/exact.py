"""Exact rational arithmetic for scores and shares, and the one way money leaves it."""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction

from domain.money import CENT

ONE = Fraction(1)
ZERO_Q = Fraction(0)


def q(value: Decimal | int | Fraction) -> Fraction:
    if isinstance(value, Fraction):
        return value
    return _fraction_of(value)


@functools.lru_cache(maxsize=65536)
def _fraction_of(value: Decimal | int) -> Fraction:
    # Scheme constants and entered values repeat endlessly; converting a Decimal to a
    # Fraction is the slow part of scoring a person, so each distinct value converts once.
    return Fraction(value)


def exact_sum(values: Iterable[Fraction]) -> Fraction:
    """Σ of exact values, added pairwise: a left-to-right sum of many fractions with
    unrelated denominators (one cost coefficient per department) grows one huge operand
    step by step, a quadratic cost; pairing keeps the operands balanced."""
    items = list(values)
    if not items:
        return ZERO_Q
    while len(items) > 1:
        paired = [a + b for a, b in zip(items[::2], items[1::2], strict=False)]
        if len(items) % 2:
            paired.append(items[-1])
        items = paired
    return items[0]


def common_sum(values: Iterable[Fraction]) -> Fraction:
    """Σ of exact values over one common denominator: the same value as adding them one
    by one, with one normalisation instead of one a term (a department's points: ≈50
    terms of small denominators, a thousand a hospital's payout)."""
    items = list(values)
    common = math.lcm(*(value.denominator for value in items)) if items else 1
    return Fraction(sum(value.numerator * (common // value.denominator) for value in items),
                    common)


def cny_half_up(value: Fraction) -> Decimal:
    """Money computed exactly, rounded once to the fen, half away from zero (四舍五入)."""
    fen = value * 100
    magnitude = math.floor(abs(fen) + Fraction(1, 2))
    return Decimal(magnitude if fen >= 0 else -magnitude) * CENT


def whole_points(value: Fraction) -> Fraction:
    """Whole percentage points over a limit: partial points do not count (A-S11-8)."""
    return Fraction(math.floor(value))


def half_up_places(value: Fraction, places: int) -> Fraction:
    scale = 10**places
    magnitude = math.floor(abs(value) * scale + Fraction(1, 2))
    return Fraction(magnitude if value >= 0 else -magnitude, scale)
