"""Exact money: parsing amounts, rounding once half-up, and splitting a total to the fen."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from domain.errors import InvariantError
from domain.money import allocate_largest_remainder, round_cny, to_cny


@pytest.mark.parametrize(
    ("value", "expected"),
    [("12.30", Decimal("12.30")), (12, Decimal(12)), (Decimal("7.05"), Decimal("7.05")),
     ("-3.5", Decimal("-3.5")), ("0", Decimal(0))],
)
def test_money_is_read_from_decimal_strings_integers_and_decimals(value, expected) -> None:
    amount = to_cny(value)
    assert isinstance(amount, Decimal)
    assert amount == expected


@pytest.mark.parametrize(
    "value", [12.3, 0.0, True, False, "1.234", "NaN", "inf", "-Infinity", "abc", "", None, [1]]
)
def test_money_refuses_floats_bools_fractions_of_a_fen_and_non_numbers(value) -> None:
    with pytest.raises(ValueError, match="money must"):
        to_cny(value)


@pytest.mark.parametrize("value", ["1e30", 10**40])
def test_an_amount_too_large_to_hold_to_the_fen_is_refused_with_value_error(value) -> None:
    with pytest.raises(ValueError, match="money must"):
        to_cny(value)


@pytest.mark.parametrize(
    ("amount", "expected"),
    [("0.005", "0.01"), ("-0.005", "-0.01"), ("2.675", "2.68"), ("2.665", "2.67"),
     ("0.004", "0.00"), ("-0.004", "0.00"), ("1.2349", "1.23"), ("10", "10.00")],
)
def test_round_cny_rounds_half_away_from_zero_to_the_fen(amount, expected) -> None:
    rounded = round_cny(Decimal(amount))
    assert rounded == Decimal(expected)
    assert rounded.as_tuple().exponent == -2


def test_allocation_splits_in_proportion_when_it_divides_exactly() -> None:
    shares = allocate_largest_remainder(Decimal("100.00"), {"a": Decimal(1), "b": Decimal(3)})
    assert shares == {"a": Decimal("25.00"), "b": Decimal("75.00")}


def test_allocation_gives_leftover_fen_to_the_largest_remainders() -> None:
    # exact fen: 100 × 1/6 = 16.67, 100 × 2/6 = 33.33, 100 × 3/6 = 50: the one leftover
    # fen goes to "a" (remainder 2/3) rather than "b" (remainder 1/3).
    shares = allocate_largest_remainder(
        Decimal("1.00"), {"a": Decimal(1), "b": Decimal(2), "c": Decimal(3)})
    assert shares == {"a": Decimal("0.17"), "b": Decimal("0.33"), "c": Decimal("0.50")}


def test_allocation_ties_go_to_the_smaller_key() -> None:
    shares = allocate_largest_remainder(
        Decimal("0.10"), {"c": Decimal(1), "a": Decimal(1), "b": Decimal(1)})
    assert shares == {"a": Decimal("0.04"), "b": Decimal("0.03"), "c": Decimal("0.03")}
    shares = allocate_largest_remainder(
        Decimal("0.11"), {"c": Fraction(1), "b": Fraction(1), "a": Fraction(1)})
    assert shares == {"a": Decimal("0.04"), "b": Decimal("0.04"), "c": Decimal("0.03")}


def test_allocation_with_a_zero_weight_sum_gives_everyone_zero() -> None:
    shares = allocate_largest_remainder(Decimal("50.00"), {"a": Decimal(0), "b": Fraction(0)})
    assert shares == {"a": Decimal(0), "b": Decimal(0)}


def test_allocation_of_nothing_gives_everyone_zero() -> None:
    assert allocate_largest_remainder(Decimal("0.00"), {"a": Decimal(2), "b": Decimal(1)}) == {
        "a": Decimal(0), "b": Decimal(0)}


def test_allocation_of_a_negative_total_mirrors_the_positive_one() -> None:
    shares = allocate_largest_remainder(
        Decimal("-0.10"), {"c": Decimal(1), "a": Decimal(1), "b": Decimal(1)})
    assert shares == {"a": Decimal("-0.04"), "b": Decimal("-0.03"), "c": Decimal("-0.03")}
    assert sum(shares.values()) == Decimal("-0.10")


def test_allocation_keeps_zero_weights_at_zero() -> None:
    shares = allocate_largest_remainder(
        Decimal("9.99"), {"a": Decimal(0), "b": Decimal(1), "c": Decimal(2)})
    assert shares == {"a": Decimal(0), "b": Decimal("3.33"), "c": Decimal("6.66")}


def test_allocation_refuses_a_total_that_is_not_whole_fen() -> None:
    with pytest.raises(InvariantError, match="whole fen"):
        allocate_largest_remainder(Decimal("1.005"), {"a": Decimal(1)})


def test_allocation_refuses_negative_weights() -> None:
    with pytest.raises(InvariantError, match=">= 0"):
        allocate_largest_remainder(Decimal("1.00"), {"a": Decimal(2), "b": Decimal(-1)})
