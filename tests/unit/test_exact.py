"""Exact sums and the canonical rendering of exact numbers, including very long ones."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from projections.exact import common_sum, exact_sum
from projections.figures import exact_text


@given(st.lists(st.fractions(max_denominator=10**6), max_size=40))
def test_the_pairwise_sum_is_the_sum(values) -> None:
    assert exact_sum(values) == sum(values, Fraction(0))


@given(st.lists(st.fractions(max_denominator=10**6) | st.integers(-10**6, 10**6), max_size=60))
def test_the_common_denominator_sum_is_the_sum(values) -> None:
    total = common_sum(values)
    assert type(total) is Fraction
    assert (total.numerator, total.denominator) == _terms(sum(values, Fraction(0)))


def _terms(value: Fraction) -> tuple[int, int]:
    return value.numerator, value.denominator


def test_short_numbers_render_exactly() -> None:
    assert exact_text(Fraction(1, 3)) == "1/3"
    assert exact_text(Fraction(5, 4)) == "1.25"
    assert exact_text(Fraction(-7, 8)) == "-0.875"
    assert exact_text(Decimal("12.50")) == "12.5"


def test_a_fraction_thousands_of_digits_long_renders_rounded_and_marked() -> None:
    # The mean of 2,000 per-capita scores, each over its own revenue ÷ cost: the exact
    # denominator has thousands of digits, more than Python converts to text by default.
    primes = [p for p in range(3, 40_000, 2) if all(p % d for d in range(3, int(p**0.5) + 1, 2))]
    value = exact_sum(Fraction(1, p) for p in primes[:2000]) / 2000
    assert value.denominator.bit_length() > 20_000
    text = exact_text(value)
    assert text.endswith("…")
    places = text.removesuffix("…").split(".")[1]
    assert len(places) <= 18
    # Half-up at the 18th place: within half a unit of the exact value.
    assert abs(Fraction(text.removesuffix("…")) - value) <= Fraction(1, 2 * 10**18)


def test_a_long_number_that_is_exact_at_18_places_is_not_marked() -> None:
    assert exact_text(Fraction(2**210)) == str(2**210)
    assert exact_text(Fraction(3**150, 2**60)).endswith("…")


def test_more_digits_than_a_decimal_context_holds_are_kept() -> None:
    assert exact_text(Fraction(10**40 + 1, 1000)) == "1" + "0" * 37 + ".001"
    assert exact_text(Fraction(-(10**30) - 5, 10)) == "-1" + "0" * 29 + ".5"
