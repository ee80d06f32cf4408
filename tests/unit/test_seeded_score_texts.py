"""A seeded score's exact texts (projections/seeded_scores.py) are read as `Fraction`
reads them: a plain decimal by a faster way, anything else by Fraction itself; a text that
`exact_text` cannot have written (an exponent, or longer) is refused, never computed."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from projections.figures import exact_text
from projections.seeded_scores import STORED_TEXT_CHARS_MAX, _exact, _fraction


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
    assert _read(text) == (ValueError if "e" in text.lower() else _as_fraction(text))


@pytest.mark.parametrize("text", ["-0", "-0.00", "007.50", "1.", ".5", "1_000",
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


@pytest.mark.parametrize("text", ["1e999999999", "-1E+999999999", "1.5e-999999999", "1e3",
                                  "1" * (STORED_TEXT_CHARS_MAX + 1),
                                  "1/" + "3" * STORED_TEXT_CHARS_MAX])
def test_a_text_exact_text_cannot_write_seeds_nobody(text: str) -> None:
    """Fraction's parser computes 10**exponent: a stored "1e999999999" would hang the
    what-if; it is refused like any unreadable text, and the person is scored again."""
    assert _read(text) is ValueError
    assert _exact(text, {}) is None


@pytest.mark.parametrize("value", [-Fraction(10**4300 - 1, 10**18), Fraction(-1, 2**199),
                                   Fraction(2**200 - 1, 3**126)])
def test_the_longest_texts_exact_text_writes_are_read(value: Fraction) -> None:
    text = exact_text(value)
    assert len(text) <= STORED_TEXT_CHARS_MAX
    assert _exact(text, {}) == value
