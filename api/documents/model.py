"""A document as plain data: sheets of typed columns, a stamp (the closed statement's
hash, or the draft mark) and a title. Every writer (XLSX, CSV, PDF) reads this one shape."""

from __future__ import annotations

from dataclasses import field
from decimal import Decimal
from typing import Literal

from domain.records import frozen_record

Kind = Literal["text", "money", "number", "int"]
Cell = str | int | Decimal | None


@frozen_record
class Column:
    key: str
    header: str
    kind: Kind = "text"


@frozen_record
class Sheet:
    title: str
    columns: tuple[Column, ...]
    rows: list[list[Cell]]
    # Columns whose sum over the rows a summary refers to (by formula in XLSX).
    totalled: tuple[str, ...] = ()

    def index(self, key: str) -> int:
        return next(i for i, c in enumerate(self.columns) if c.key == key)


@frozen_record
class Summary:
    """The summary sheet: one row per department sheet with the sums of its `totalled`
    columns, and a grand total row; both sums are formulas in XLSX."""

    title: str
    label_header: str
    total_label: str
    expected: dict[str, Decimal] = field(default_factory=dict)  # column key → ledger total


@frozen_record
class Stamp:
    """Either the closed statement's SHA-256, or a draft (open period)."""

    sha256: str | None
    text: str  # the line printed on every page and sheet

    @property
    def draft(self) -> bool:
        return self.sha256 is None


@frozen_record
class Book:
    title: str
    stamp: Stamp
    sheets: list[Sheet]
    summary: Summary | None = None
    # The single flat table a CSV holds (all departments' rows together).
    flat: Sheet | None = None

    @property
    def table(self) -> Sheet:
        return self.flat if self.flat is not None else self.sheets[0]
