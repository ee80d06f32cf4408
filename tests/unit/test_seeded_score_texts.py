"""A seeded score's exact texts (projections/seeded_scores.py) are read as `Fraction`
reads them: a plain decimal by a faster way, anything else by Fraction itself."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from projections.seeded_scores import _exact, _fraction


def _as_fraction(text: str) -> Fraction | type[Exception]:
    try:
        return Fraction(text)
    except (ValueError, ZeroDivisionError) as error:
        return type(error)


def _read(text: str) -> Fraction | type[Exception]:
    try:
        return _fraction(text)
    except (ValueError, ZeroDivisionError) as error:
        return type(error)


@settings(max_examples=500, deadline=None)
@given(st.decimals(allow_nan=False, allow_infinity=False).map(str)
       | st.fractions().map(str)
       | st.from_regex(r"-?[0-9]{1,45}(\.[0-9]{0,45})?", fullmatch=True)
       | st.text(alphabet="0123456789-+./_eE ", max_size=12))
def test_a_text_is_read_as_fraction_reads_it(text: str) -> None:
    assert _read(text) == _as_fraction(text)


@pytest.mark.parametrize("text", ["-0", "-0.00", "007.50", "1.", ".5", "1e3", "1_000",
                                  "３", "1/0", "", "12.3400"])
def test_edge_texts_are_read_as_fraction_reads_them(text: str) -> None:
    assert _read(text) == _as_fraction(text)
    if isinstance(_read(text), Fraction):
        assert Decimal(text) == Decimal(_read(text).numerator) / _read(text).denominator


@pytest.mark.parametrize("value", [None, 3, ["1"], {"n": 1}, "1.5…", "abc"])
def test_a_value_that_is_not_an_exact_text_is_not_read(value: object) -> None:
    """An edited row's value of another JSON type (a list cannot even be a dict key) or
    a display text seeds nobody: the person is scored as before."""
    known: dict[str, Fraction | None] = {}
    assert _exact(value, known) is None
    assert _exact("1.25", known) == Fraction(5, 4) == _exact("1.25", known)
