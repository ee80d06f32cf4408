"""The strict readers of the pure core: one spelling per number and date, JSON without
duplicate keys or deep nesting, and the ranges of domain/limits.py; a stored value is
held to the ranges only."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from domain.envelope import Cny, Day, Exact, Int, Points
from domain.limits import JSON_DEPTH_MAX
from domain.strict_input import STORED_CONTEXT, loads_strict, nesting_depth


class Fields(BaseModel):
    amount_cny: Cny | None = None
    quantity: Exact | None = None
    points: Points | None = None
    count: Int | None = None
    day: Day | None = None


def _read(context: Any = None, **fields: Any) -> Fields:
    return Fields.model_validate(fields, context=context)


@pytest.mark.parametrize(("field", "value"), [
    ("amount_cny", "１２"), ("amount_cny", "1_2"), ("amount_cny", "1e2"), ("amount_cny", " 1"),
    ("amount_cny", "1\n"), ("amount_cny", 1.5), ("amount_cny", "1.001"),
    ("amount_cny", "1000000000000"), ("quantity", "1e5000"), ("quantity", "١"),
    ("quantity", "0.0000001"), ("points", "1000000"), ("count", "１"), ("count", " 1"),
    ("count", "1_0"), ("count", 1.0), ("count", True), ("count", 10**18),
    ("day", "2026-01-01T00:00:00"), ("day", "2026-01-01\n"), ("day", 20260101),
    ("day", "1999-12-31"), ("day", "2100-01-01"), ("day", "9999-12-31"), ("day", "2026-02-30"),
])
def test_input_not_plainly_written_or_out_of_range_is_refused(field: str, value: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        _read(**{field: value})
    assert refused.value.errors()[0]["loc"] == (field,)


def test_plain_input_is_read_exactly() -> None:
    read = _read(amount_cny="12.3", quantity="96.875", points="40", count="12", day="2026-03-31")
    assert read.amount_cny == Decimal("12.30")
    assert read.quantity == Decimal("96.875")
    assert read.count == 12


def test_negative_zero_is_read_as_zero() -> None:
    read = _read(amount_cny="-0.00", quantity="-0")
    assert str(read.amount_cny) == "0.00"
    assert str(read.quantity) == "0"


def test_a_stored_value_keeps_its_spelling_but_not_an_out_of_range_value() -> None:
    stored = _read(STORED_CONTEXT, quantity="1E-7", day="1996-09-01", amount_cny="-0.00")
    assert stored.quantity == Decimal("1E-7")
    assert str(stored.amount_cny) == "-0.00"  # an old report reads byte for byte as before
    with pytest.raises(ValidationError):
        _read(STORED_CONTEXT, points="1E+5000")


@pytest.mark.parametrize(("text", "words"), [
    ('{"a":1,"a":2}', "given twice"), ('{"a":1e3}', "exponent"), ('{"a":NaN}', "NaN"),
    ("[" * (JSON_DEPTH_MAX + 1) + "]" * (JSON_DEPTH_MAX + 1), "deeper than"),
    ("[" * 200_000, "deeper than"),
])
def test_a_json_document_is_read_strictly(text: str, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        loads_strict(text)


def test_json_at_the_depth_limit_and_brackets_in_strings_are_fine() -> None:
    text = "[" * JSON_DEPTH_MAX + '"[[[{{{"' + "]" * JSON_DEPTH_MAX
    assert nesting_depth(text) == JSON_DEPTH_MAX
    assert loads_strict('{"a":"\\"[[[","b":12.50,"c":7}') == {"a": '"[[[', "b": "12.50",
                                                               "c": 7}
