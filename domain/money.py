"""Exact money and exact splits. Scores are never rounded; money is rounded once, at payout."""

from __future__ import annotations

import math
from collections.abc import Mapping
from contextlib import AbstractContextManager
from decimal import (
    ROUND_FLOOR,
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    localcontext,
)
from fractions import Fraction

from pydantic import ValidationInfo

from domain.errors import invariant
from domain.limits import AMOUNT_LIMIT_CNY, POINTS_LIMIT, QUANTITY_DECIMALS_MAX, QUANTITY_LIMIT
from domain.strict_input import check_decimal_text, is_stored

CENT = Decimal("0.01")
ZERO = Decimal(0)

# Decimal contexts are per thread and FastAPI runs handlers in a thread pool, so every
# calculation enters this context explicitly instead of trusting the ambient one.
CALC_CONTEXT = Context(prec=34, rounding=ROUND_HALF_UP, traps=[InvalidOperation, DivisionByZero])


def calc_context() -> AbstractContextManager[Context]:
    return localcontext(CALC_CONTEXT)


def to_cny(value: object) -> Decimal:
    """Parse an exact amount from input; also a pydantic BeforeValidator."""
    # ValueError, not TypeError: pydantic turns only ValueError into a 422.
    if isinstance(value, (float, bool)) or not isinstance(value, (Decimal, int, str)):
        raise ValueError(f"money must be a decimal string, got {value!r}")
    with localcontext(CALC_CONTEXT):
        try:
            amount = Decimal(value)
            exact = amount.is_finite() and amount == amount.quantize(CENT)
        except InvalidOperation:
            # Too many digits to hold to the fen, or not a number at all.
            raise ValueError(f"money must be a decimal amount of at most {CALC_CONTEXT.prec - 2} "
                             f"digits before the point, got {value!r}") from None
        if not exact:
            raise ValueError(f"money must be finite with at most two decimals: {value!r}")
        if abs(amount) >= AMOUNT_LIMIT_CNY:
            raise ValueError(f"money must be less than {AMOUNT_LIMIT_CNY:,} in size, got {value!r}")
        return amount.quantize(CENT)  # one spelling per amount: "12.300" and "12.3" are 12.30


def to_exact(value: object) -> Decimal:
    """Parse an exact non-money quantity (points, coefficients, workloads)."""
    if isinstance(value, (float, bool)) or not isinstance(value, (Decimal, int, str)):
        raise ValueError(f"must be a decimal string or an integer, got {value!r}")
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ValueError(f"must be a decimal number, got {value!r}") from None
    if not number.is_finite():
        raise ValueError(f"must be finite, got {value!r}")
    return number


def cny_field(value: object, info: ValidationInfo) -> Decimal:
    """pydantic BeforeValidator of a money field. New input is written plainly and -0.00
    is read as 0.00; a stored amount keeps its spelling and only its range is checked."""
    if is_stored(info):
        return to_cny(value)
    if isinstance(value, str):
        check_decimal_text(value)
    amount = to_cny(value)
    return amount + ZERO if amount.is_zero() else amount  # -0.00 is 0.00


def quantity_field(value: object, info: ValidationInfo) -> Decimal:
    """pydantic BeforeValidator of an exact quantity (a workload, a limit, a value)."""
    return _bounded(value, info, QUANTITY_LIMIT)


def points_field(value: object, info: ValidationInfo) -> Decimal:
    """pydantic BeforeValidator of points (a score, a deduction, a target score)."""
    return _bounded(value, info, POINTS_LIMIT)


def _bounded(value: object, info: ValidationInfo, limit: Decimal) -> Decimal:
    stored = is_stored(info)
    if isinstance(value, str) and not stored:
        check_decimal_text(value)
    number = to_exact(value)
    if abs(number) >= limit:
        raise ValueError(f"must be less than {limit:,} in size, got {value!r}")
    if stored:
        return number
    if number.as_tuple().exponent < -QUANTITY_DECIMALS_MAX:  # type: ignore[operator]
        raise ValueError(f"must have at most {QUANTITY_DECIMALS_MAX} decimals, got {value!r}")
    return number + ZERO if number.is_zero() else number  # -0 is 0


def round_cny(amount: Decimal) -> Decimal:
    """One computed amount to the fen, half away from zero (四舍五入)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def floor_cny(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_FLOOR)


def allocate_largest_remainder(
    total_cny: Decimal, weights: Mapping[str, Decimal | Fraction]
) -> dict[str, Decimal]:
    """Shares that add up to total_cny exactly: floor each exact share to the fen, then
    give the leftover fen one each to the largest remainders; ties to the smaller key.

    A zero weight sum gives every key zero; the caller then owns the whole total as residue.
    """
    invariant(total_cny == total_cny.quantize(CENT), "allocation total must be whole fen")
    fractions = {key: Fraction(w) for key, w in weights.items()}
    invariant(all(w >= 0 for w in fractions.values()), "allocation weights must be >= 0")
    total_fen = int(total_cny / CENT)
    # Over one common denominator every share is an integer division and every remainder an
    # integer. Exact scores of thousands of departments have denominators thousands of digits
    # long, and comparing such Fractions pairwise (to rank the remainders) was the slowest
    # step of a large organisation's payout.
    common = math.lcm(*(f.denominator for f in fractions.values())) if fractions else 1
    scaled = {key: f.numerator * (common // f.denominator) for key, f in fractions.items()}
    weight_sum = sum(scaled.values())
    if weight_sum == 0 or total_fen == 0:
        return {key: ZERO for key in weights}
    sign = 1 if total_fen > 0 else -1
    magnitude = abs(total_fen)
    fen: dict[str, int] = {}
    remainder: dict[str, int] = {}
    for key, weight in scaled.items():
        fen[key], remainder[key] = divmod(magnitude * weight, weight_sum)
    leftover = magnitude - sum(fen.values())
    for key in sorted(scaled, key=lambda k: (-remainder[k], k))[:leftover]:
        fen[key] += 1
    invariant(sum(fen.values()) == magnitude, "allocation lost or made a fen")
    return {key: sign * f * CENT for key, f in fen.items()}


def sum_cny(amounts: object) -> Decimal:
    return sum(amounts, ZERO)  # type: ignore[call-overload,no-any-return]
