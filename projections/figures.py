"""Figures that explain themselves, and exact numbers that render canonically.

Every number a calculation produces is a `Figure`: its value, the formula, the inputs it
was computed from (other figures, by key, or literal values), the scheme rule it applied
with the seed file and line, and the ids of the events that fed it. An explanation is the
tree you get by following the inputs.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

from domain.records import frozen_record
from domain.scheme import Ref
from projections.exact import half_up_places
from projections.figure_tree import WIDE_INPUTS as WIDE_INPUTS  # noqa: PLC0414 - re-exported
from projections.figure_tree import explain_tree, figure_subject

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


@frozen_record
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


# A book holding more figures of its own than this when a block is attached has been merged
# (`Ledgerbook.figures`): the block is copied into it instead of kept beside it.
_COPIED_WHEN_ATTACHING = 4096


class Ledgerbook:
    """The figures of one calculation, keyed; a stage adds, never overwrites.

    Figures memoised with what computed them (a person's score, a clinical department's
    score, a department's split: each under all of its inputs) are attached as whole
    blocks, by reference (`attach`): a province what-if that moves one person takes the
    1.4 M figures of everyone else without copying them one by one. The blocks and the
    figures added one at a time are merged into one dict, in the order they were written,
    when something reads the whole book (`figures`); `get` looks one key up without it,
    through the subjects each block names (`projections.figure_tree.figure_subject`)."""

    __slots__ = ("_blocks", "_flat", "_loose", "_named", "_own", "_parts", "_subjects")

    def __init__(self) -> None:
        self._flat: dict[str, Figure] | None = {}  # None while blocks are attached
        self._parts: list[Mapping[str, Figure]] = []  # in the order written
        self._own: dict[str, Figure] | None = None  # the last part, when it is our own
        self._loose: dict[str, Figure] = {}  # every figure added, not attached
        # The blocks attached and the subjects each names, side by side: appending to two
        # lists allocates nothing the cycle collector counts, a pair per block did (its
        # passes over a province's heap cost more than the attaching).
        self._blocks: list[Mapping[str, Figure]] = []
        self._named: list[tuple[str, ...]] = []
        self._subjects: dict[str, list[Mapping[str, Figure]]] | None = None

    @property
    def figures(self) -> dict[str, Figure]:
        """Every figure, keyed, in the order written (blocks merged in on first use)."""
        if self._flat is None:
            merged: dict[str, Figure] = {}
            for part in self._parts:
                merged.update(part)
            if len(merged) != sum(map(len, self._parts)):
                seen: set[str] = set()
                twice = next(k for part in self._parts for k in part
                             if k in seen or seen.add(k))  # type: ignore[func-returns-value]
                raise KeyError(f"figure {twice!r} computed twice")
            self._flat, self._parts, self._own, self._loose = merged, [], None, {}
            self._blocks, self._named, self._subjects = [], [], None
        return self._flat

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
        figure = Figure(key, label, value, unit, formula, inputs, literals, ref,
                        tuple(event_ids))
        flat = self._flat
        if flat is not None:
            if key in flat:
                raise KeyError(f"figure {key!r} computed twice")
            flat[key] = figure
            return value
        if key in self._loose:
            raise KeyError(f"figure {key!r} computed twice")
        self._loose[key] = figure
        if self._own is None:
            self._own = {}
            self._parts.append(self._own)
        self._own[key] = figure
        return value

    def attach(self, block: Mapping[str, Figure], subjects: tuple[str, ...]) -> None:
        """Add a block of figures computed before, kept as it is (it must never change).
        `subjects` names every subject its keys belong to (`figure_subject`), or more: a
        key is looked up only among the blocks of its subject. A key written twice is
        found when the book is merged (`figures`)."""
        if not block:
            return
        flat = self._flat
        if flat is not None and len(flat) > _COPIED_WHEN_ATTACHING:
            # Already merged (something read every figure): copy rather than index again.
            twice = next((key for key in block if key in flat), None)
            if twice is not None:
                raise KeyError(f"figure {twice!r} computed twice")
            flat.update(block)
            return
        self._append((block,), (subjects,))

    def _append(self, blocks: Sequence[Mapping[str, Figure]],
                subjects: Sequence[tuple[str, ...]]) -> None:
        """Blocks kept as parts of the book, each indexed by its subjects. Once a block is
        kept apart, the book stops merging into one dict: what was merged becomes a part
        like any block."""
        flat = self._flat
        if flat is not None:
            self._flat = None
            if flat:
                self._parts.append(flat)
                self._loose = dict(flat)  # our own figures are looked up here
        self._parts.extend(blocks)
        self._own = None
        self._blocks.extend(blocks)
        self._named.extend(subjects)
        if self._subjects is not None:
            for block, named in zip(blocks, subjects, strict=True):
                for subject in named:
                    self._subjects.setdefault(subject, []).append(block)

    def attach_all(self, blocks: Sequence[Mapping[str, Figure]],
                   subjects: Sequence[tuple[str, ...]]) -> None:
        """`attach` each block with its subjects, in order: one call for a province's
        100,000 people's scores instead of one each."""
        flat = self._flat
        if flat is not None and len(flat) > _COPIED_WHEN_ATTACHING:
            for block, named in zip(blocks, subjects, strict=True):
                self.attach(block, named)
            return
        if len(blocks) != len(subjects):
            raise ValueError("one subject tuple per block")
        if not all(blocks):
            kept = [(block, named) for block, named in zip(blocks, subjects, strict=True)
                    if block]
            blocks, subjects = [block for block, _ in kept], [named for _, named in kept]
        if blocks:
            self._append(blocks, subjects)

    def get(self, key: str) -> Figure | None:
        """One figure, or None when it was not computed; blocks are not merged."""
        if self._flat is not None:
            return self._flat.get(key)
        figure = self._loose.get(key)
        if figure is not None:
            return figure
        if self._subjects is None:
            self._subjects = {}
            for block, subjects in zip(self._blocks, self._named, strict=True):
                for subject in subjects:
                    self._subjects.setdefault(subject, []).append(block)
        for block in self._subjects.get(figure_subject(key), ()):
            figure = block.get(key)
            if figure is not None:
                return figure
        return None

    def value(self, key: str) -> Number:
        """The value of a figure that must have been computed."""
        figure = self.get(key)
        if figure is None:
            raise KeyError(key)
        return figure.value

    def __contains__(self, key: str) -> bool:
        return self.get(key) is not None

    def __len__(self) -> int:
        if self._flat is not None:
            return len(self._flat)
        return sum(map(len, self._parts))

    def tree(self, key: str, depth_max: int = 12) -> dict[str, Any]:
        """The explanation of one figure (`projections.figure_tree.explain_tree`)."""
        return explain_tree(self.figure_json, key, depth_max)

    def figure_json(self, key: str) -> dict[str, Any] | None:
        figure = self.get(key)
        return None if figure is None else figure.to_json()


class LazyFigures(Mapping[str, Figure]):
    """Figures computed when first read (`_compute`): a statement attaches them to its
    book without reading them, and a plain payout never does."""

    __slots__ = ("_figures",)

    def __init__(self) -> None:
        self._figures: dict[str, Figure] | None = None

    def _compute(self) -> dict[str, Figure]:
        raise NotImplementedError

    def _all(self) -> dict[str, Figure]:
        if self._figures is None:
            self._figures = self._compute()
        return self._figures

    def __bool__(self) -> bool:
        return True  # there are always figures to write; saying so computes none

    def __getitem__(self, key: str) -> Figure:
        return self._all()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())
