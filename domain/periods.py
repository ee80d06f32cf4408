"""Periods a fact belongs to (effective time): quarters, months, years and the year-end
distribution. Written as strings on the wire: `2026-Q1`, `2026-03`, `2026`, `2026-YE`."""

from __future__ import annotations

import functools
import re
from datetime import date, timedelta
from typing import Literal

# Re-exported: the years a period may name have always been read from here.
from domain.limits import YEAR_MAX as YEAR_MAX  # noqa: PLC0414
from domain.limits import YEAR_MIN as YEAR_MIN  # noqa: PLC0414
from domain.records import frozen_record

PeriodKind = Literal["quarter", "month", "year", "year_end"]

_PATTERNS: tuple[tuple[PeriodKind, re.Pattern[str]], ...] = (
    # ASCII digits, whole text: `\d` would take other scripts' digits and `$` a trailing
    # newline, and "2026-Q1\n" must not name 2026-Q1.
    ("quarter", re.compile(r"([0-9]{4})-Q([1-4])")),
    ("month", re.compile(r"([0-9]{4})-(0[1-9]|1[0-2])")),
    ("year_end", re.compile(r"([0-9]{4})-YE")),
    ("year", re.compile(r"([0-9]{4})")),
)
FORMATS = "write 2026-Q1 (quarter), 2026-03 (month), 2026 (year) or 2026-YE (year end)"


@frozen_record(order=True)
class Period:
    year: int
    kind: PeriodKind
    index: int  # quarter 1-4, month 1-12, 0 for year and year end

    @staticmethod
    def parse(text: str) -> Period:
        return _parse(text)

    def __str__(self) -> str:
        if self.kind == "quarter":
            return f"{self.year}-Q{self.index}"
        if self.kind == "month":
            return f"{self.year}-{self.index:02d}"
        if self.kind == "year_end":
            return f"{self.year}-YE"
        return f"{self.year}"

    @property
    def first_day(self) -> date:
        if self.kind == "quarter":
            return date(self.year, 3 * self.index - 2, 1)
        if self.kind == "month":
            return date(self.year, self.index, 1)
        return date(self.year, 1, 1)

    @property
    def last_day(self) -> date:
        if self.kind == "quarter":
            return _month_end(self.year, 3 * self.index)
        if self.kind == "month":
            return _month_end(self.year, self.index)
        return date(self.year, 12, 31)

    def quarters_of_year(self) -> tuple[Period, ...]:
        return tuple(Period(self.year, "quarter", q) for q in range(1, 5))

    def previous_in_year(self) -> tuple[Period, ...]:
        """The earlier quarters of the same year, oldest first (the bank's history)."""
        if self.kind != "quarter":
            return ()
        return tuple(Period(self.year, "quarter", q) for q in range(1, self.index))

    def next(self) -> Period:
        if self.kind == "quarter":
            return (
                Period(self.year, "quarter", self.index + 1)
                if self.index < 4
                else Period(self.year + 1, "quarter", 1)
            )
        if self.kind == "month":
            return (
                Period(self.year, "month", self.index + 1)
                if self.index < 12
                else Period(self.year + 1, "month", 1)
            )
        return Period(self.year + 1, self.kind, 0)


@functools.lru_cache(maxsize=4096)
def _parse(text: str) -> Period:
    # Cached: a ledger parses the same few period strings hundreds of thousands of times.
    for kind, pattern in _PATTERNS:
        match = pattern.fullmatch(text.upper())
        if match is None:
            continue
        year = int(match.group(1))
        if not YEAR_MIN <= year <= YEAR_MAX:
            raise ValueError(f"year {year} is outside {YEAR_MIN}-{YEAR_MAX}; {FORMATS}")
        index = int(match.group(2)) if match.lastindex and match.lastindex > 1 else 0
        return Period(year, kind, index)
    raise ValueError(f"{text!r} is not a period; {FORMATS}")


def _month_end(year: int, month: int) -> date:
    first_next = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return first_next - timedelta(days=1)


def period_text(value: object) -> str:
    """pydantic BeforeValidator: canonical period text, or a ValueError naming the format."""
    if not isinstance(value, str):
        raise ValueError(f"period must be text like 2026-Q1, got {value!r}")
    return str(Period.parse(value))
