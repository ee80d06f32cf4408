"""Strict readers of what users type: integers, dates, decimal text and JSON documents.

Nothing is coerced silently: `" 3"`, `"3\\n"`, `"1_000"`, `"１２"`, `"1e5"`, `3.0` and
`"2026-01-01T00:00:00"` are refused, not read as something close. A shell that wants to
be lenient (the spreadsheet import) normalises explicitly before these run, and says so.

The field validators take pydantic's validation context: a stored event is read with
`STORED_CONTEXT`, which keeps the ranges (a stored value out of range is an invalid
entry, domain/facts.py) but not the spelling rules or the date window of new input, so
an old ledger reads exactly as it did.
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

from pydantic import ValidationInfo

from domain.limits import (
    DAY_FIRST_DEFAULT,
    DAY_LAST_DEFAULT,
    INTEGER_DIGITS_MAX,
    JSON_DEPTH_MAX,
)

STORED_CONTEXT: dict[str, Any] = {"stored": True}
# The window of business dates a shell may set for its commands (context key).
DAY_WINDOW_KEY = "day_window"
# Stored dates are only kept inside years a calendar can answer for.
STORED_DAY_FIRST, STORED_DAY_LAST = date(1900, 1, 1), DAY_LAST_DEFAULT

DECIMAL_TEXT = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
INTEGER_TEXT = re.compile(r"-?[0-9]{1,%d}" % INTEGER_DIGITS_MAX)
DAY_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

_STRINGS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_BRACKETS = re.compile(r"[\[\]{}]")


def is_stored(info: ValidationInfo | None) -> bool:
    context = info.context if info is not None else None
    return isinstance(context, dict) and bool(context.get("stored"))


def check_decimal_text(value: str) -> None:
    """A decimal written plainly: ASCII digits, an optional minus and point; nothing else."""
    if DECIMAL_TEXT.fullmatch(value) is None:
        raise ValueError(f"must be a plain decimal like 12 or 12.50 (ASCII digits, no spaces, "
                         f"exponent or separators), got {value!r}")


def to_integer(value: Any, info: ValidationInfo) -> Any:
    """pydantic BeforeValidator of every integer field: an int, or its plain digits."""
    if is_stored(info):
        return value
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError(f"must be an integer, got {value!r}")
    if isinstance(value, str):
        if INTEGER_TEXT.fullmatch(value) is None:
            raise ValueError(f"must be an integer written in ASCII digits, got {value!r}")
        return int(value)
    if abs(value) >= 10**INTEGER_DIGITS_MAX:
        raise ValueError(f"must have at most {INTEGER_DIGITS_MAX} digits, got {value!r}")
    return value


def to_day(value: Any, info: ValidationInfo) -> Any:
    """pydantic BeforeValidator of a business date: YYYY-MM-DD inside the window."""
    return _day(value, is_stored(info), _window(info.context, is_stored(info)))


def to_history_day(value: Any, info: ValidationInfo) -> Any:
    """A date of a person's history (a hire): strictly written, but it may predate the
    window (a 1996 hire is a fact a 2026 ledger records)."""
    first, last = _window(info.context, is_stored(info))
    return _day(value, is_stored(info), (min(first, STORED_DAY_FIRST), last))


def to_window_edge(value: Any, info: ValidationInfo) -> Any:
    """A date that sets the window itself (the ledger's settings): strictly written, and
    inside the years a calendar can answer for, whatever the window is now."""
    if value is None:
        return None
    return _day(value, is_stored(info), (STORED_DAY_FIRST, STORED_DAY_LAST))


def window_context(window: tuple[date, date]) -> dict[str, Any]:
    """The validation context that makes `to_day` check this window."""
    return {DAY_WINDOW_KEY: window}


def _day(value: Any, stored: bool, window: tuple[date, date]) -> date:
    if isinstance(value, date) and type(value) is date:
        day = value
    elif isinstance(value, str) and (stored or DAY_TEXT.fullmatch(value) is not None):
        try:
            day = date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"Input should be a valid date; {value!r} is not a calendar "
                             "date") from None
    else:
        raise ValueError(f"Input should be a valid date, written YYYY-MM-DD; got {value!r}")
    first, last = window
    if not first <= day <= last:
        raise ValueError(f"{day} is outside the dates this ledger takes ({first} to {last})")
    return day


def _window(context: Any, stored: bool) -> tuple[date, date]:
    if isinstance(context, dict) and DAY_WINDOW_KEY in context:
        first, last = context[DAY_WINDOW_KEY]
        return first, last
    if stored:
        return STORED_DAY_FIRST, STORED_DAY_LAST
    return DAY_FIRST_DEFAULT, DAY_LAST_DEFAULT


def loads_strict(text: str) -> Any:
    """A JSON document as input: no duplicate keys, no deeper than JSON_DEPTH_MAX, numbers
    plain (a fraction stays its decimal text; an exponent, NaN or Infinity is refused).
    Raises ValueError naming what is wrong."""
    depth = nesting_depth(text)
    if depth > JSON_DEPTH_MAX:
        raise ValueError(f"nested deeper than {JSON_DEPTH_MAX} levels")
    return json.loads(text, parse_float=_plain_fraction, parse_int=_plain_integer,
                      parse_constant=_no_constant, object_pairs_hook=_unique_keys)


def nesting_depth(text: str, stop_after: int = JSON_DEPTH_MAX) -> int:
    """How deep the arrays and objects of a JSON text nest (strings skipped); counting
    stops once past `stop_after`, so a hostile document costs one scan."""
    depth = deepest = 0
    for bracket in _BRACKETS.finditer(_STRINGS.sub('""', text)):
        if bracket.group() in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > stop_after:
                    return deepest
        else:
            depth -= 1
    return deepest


def _plain_fraction(text: str) -> str:
    if "e" in text or "E" in text:
        raise ValueError(f"number {text} has an exponent; write it out in digits")
    return text


def _plain_integer(text: str) -> Any:
    digits = text.lstrip("-")
    if len(digits) > INTEGER_DIGITS_MAX:
        # Kept as text: a money or quantity field checks its own range and says so.
        return text
    return int(text)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number here")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    document: dict[str, Any] = {}
    for key, value in pairs:
        if key in document:
            raise ValueError(f"the key {key!r} is given twice")
        document[key] = value
    return document
