"""Figures that explain themselves, and exact numbers that render canonically.

Every number a calculation produces is a `Figure`: its value, the formula, the inputs it
was computed from (other figures, by key, or literal values), the scheme rule it applied
with the seed file and line, and the ids of the events that fed it. An explanation is the
tree you get by following the inputs.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from domain.scheme import Ref
from projections.exact import half_up_places
from projections.figure_tree import WIDE_INPUTS as WIDE_INPUTS  # noqa: PLC0414 - re-exported
from projections.figure_tree import explain_tree

Number = Fraction | Decimal


# Beyond this size an exact fraction is rendered rounded (see `exact_text`). 200 bits is
# about 60 decimal digits: far more than any hand-checkable figure needs, and far below
# the 4,300-digit limit of Python's int → str conversion.
EXACT_TEXT_MAX_BITS = 200
ROUNDED_PLACES = 18


@functools.lru_cache(maxsize=8192)
def exact_text(value: Number) -> str:
    """A canonical exact rendering: a terminating decimal as a decimal, otherwise `n/d`.

    A fraction too long to read (the mean of thousands of departments' scores, each with
    its own cost coefficient in the denominator, runs to thousands of digits) is rendered
    rounded half-up to 18 decimals and marked with a trailing "…". Only the text is
    rounded: calculations always use the exact value, and the rendering is deterministic,
    so statement hashes and diffs stay stable.
    """
    if isinstance(value, Decimal):
        return _plain(value)
    q = Fraction(value)
    if max(q.numerator.bit_length(), q.denominator.bit_length()) > EXACT_TEXT_MAX_BITS:
        rounded = half_up_places(q, ROUNDED_PLACES)
        if rounded != q:
            return exact_text(rounded) + "…"
    denominator = q.denominator
    for prime in (2, 5):
        while denominator % prime == 0:
            denominator //= prime
    if denominator != 1:
        return f"{q.numerator}/{q.denominator}"
    # Terminating: scale by a power of ten big enough for the denominator.
    digits = 0
    scaled = q
    while scaled.denominator != 1:
        scaled *= 10
        digits += 1
    # Digits by integer arithmetic: Decimal.scaleb would round to the context's precision
    # (28 digits by default) and silently change a long exact value.
    sign = "-" if scaled.numerator < 0 else ""
    text = str(abs(scaled.numerator)).rjust(digits + 1, "0")
    if digits:
        text = f"{text[:-digits]}.{text[-digits:]}".rstrip("0").rstrip(".")
    return "0" if text == "0" else sign + text


def _plain(value: Decimal) -> str:
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def approx_text(value: Number, places: int = 4) -> str:
    """For people: a fixed number of places. Indicative only; never used for money."""
    scaled = half_up_places(Fraction(value), places) * 10**places
    scaled = scaled.numerator
    sign = "-" if scaled < 0 else ""
    whole, part = divmod(abs(scaled), 10**places)
    return f"{sign}{whole}.{part:0{places}d}" if places else f"{sign}{whole}"


def signed_text(value: Number) -> str:
    """A change in points as a rule states it: "−10" (a true minus sign), "+5"."""
    text = exact_text(value)
    return f"−{text[1:]}" if text.startswith("-") else f"+{text}" if value else text


def money_text(value: Decimal) -> str:
    return f"{value:.2f}"


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    value: Number
    unit: str  # "points", "cny", "ratio", "days", "people"
    formula: str
    inputs: tuple[str, ...] = ()  # keys of other figures
    literals: tuple[tuple[str, str], ...] = ()  # named values that are not figures
    ref: Ref | None = None
    event_ids: tuple[str, ...] = ()

    def value_text(self) -> str:
        if self.unit == "cny" and isinstance(self.value, Decimal):
            return money_text(self.value)
        return exact_text(self.value)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "key": self.key,
            "label": self.label,
            "value": self.value_text(),
            "unit": self.unit,
            "formula": self.formula,
            "inputs": list(self.inputs),
            "literals": {name: value for name, value in self.literals},
            "events": sorted(self.event_ids),
        }
        if "/" in data["value"]:
            data["approx"] = approx_text(self.value, 6)  # indicative; value is exact
        if self.ref is not None:
            data["rule"] = self.ref.rule
            data["source"] = self.ref.source
            if self.ref.default:
                data["default"] = self.ref.default
        return data


@dataclass
class Ledgerbook:
    """The figures of one calculation, keyed; a stage adds, never overwrites."""

    figures: dict[str, Figure] = field(default_factory=dict)

    def add(
        self,
        key: str,
        label: str,
        value: Number,
        unit: str,
        formula: str,
        *,
        inputs: tuple[str, ...] = (),
        literals: tuple[tuple[str, str], ...] = (),
        ref: Ref | None = None,
        event_ids: tuple[str, ...] = (),
    ) -> Number:
        if key in self.figures:
            raise KeyError(f"figure {key!r} computed twice")
        self.figures[key] = Figure(
            key, label, value, unit, formula, inputs, literals, ref, tuple(event_ids)
        )
        return value

    def tree(self, key: str, depth_max: int = 12) -> dict[str, Any]:
        """The explanation of one figure (`projections.figure_tree.explain_tree`)."""
        return explain_tree(self.figure_json, key, depth_max)

    def figure_json(self, key: str) -> dict[str, Any] | None:
        figure = self.figures.get(key)
        return None if figure is None else figure.to_json()
