"""One cell made exact: what a spreadsheet holds (text, a float, a date, a formula's
cached value) turned into the text a command model reads, strictly and visibly.

Only spreadsheet input is lenient, and every leniency is reported as a warning: full-width
characters (NFKC), thousands separators, Excel date serials. The JSON and CLI interfaces
stay strict. Identifiers are NFKC-normalised, so `Ｅ0001` and `E0001` are one person.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation

from openpyxl.utils.datetime import from_excel

from api.sheets import text
from api.sheets.columns import Holds, shortened
from domain.records import frozen_record


@frozen_record
class NoCachedValue:
    """A formula cell saved without its computed value (written by a program, never
    opened in Excel or WPS)."""

    formula: str


@frozen_record
class CellError:
    """A cell holding an error value such as #DIV/0! or #REF!."""

    value: str


Raw = str | int | float | bool | date | datetime | time | timedelta | NoCachedValue | \
    CellError | None


@frozen_record
class Cell:
    """A cell made exact: its text ('' when empty), or why it cannot be read, and how it
    was normalised (a warning template of api/sheets/text and what it changed)."""

    value: str = ""
    problem: str | None = None
    warning: str | None = None
    before: str = ""


_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")
_EXCEL_FIRST = date(1900, 1, 1)
_LABELLED = re.compile(r"(?P<name>.*\S)\s*\((?P<code>[^()\s]+)\)")
_SLASHED = re.compile(r"^(\d{4})\s*[/.年]\s*(\d{1,2})\s*[/.月]\s*(\d{1,2})\s*日?$")


def exact(raw: Raw, holds: Holds) -> Cell:
    """The cell's text as its column needs it."""
    if raw is None:
        return Cell()
    if isinstance(raw, NoCachedValue):
        return Cell(problem=text.FORMULA_NO_VALUE)
    if isinstance(raw, CellError):
        return Cell(problem=text.ERROR_VALUE.format(value=raw.value))
    if holds == "secret":
        return _secret(raw)
    if isinstance(raw, datetime | date):
        return _from_date(raw, holds)
    if isinstance(raw, bool):
        return Cell(str(raw).upper())
    if isinstance(raw, int | float):
        return _from_number(raw, holds)
    if isinstance(raw, time | timedelta):
        return Cell(problem=text.NOT_A_NUMBER.format(value=shortened(str(raw))))
    return _from_text(raw, holds)


_SPACES = re.compile(r"\s+")  # people group digits with spaces (a dash stays: refused)
_EXACT_DIGITS = 15  # a number cell (an IEEE double) keeps this many digits exactly


def _secret(raw: Raw) -> Cell:
    """A bank account or ID number: digits (an ID's last may be X), the spaces between
    groups dropped, full-width forms made ASCII; a warning that quotes nothing.
    A number cell longer than a double keeps was rounded by Excel: refused, not guessed."""
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        return Cell(problem=text.PRIVATE_NOT_TEXT)
    if isinstance(raw, float):
        if not raw.is_integer() or len(str(int(raw))) > _EXACT_DIGITS:
            return Cell(problem=text.PRIVATE_ROUNDED)
        return Cell(str(int(raw)))
    if isinstance(raw, int):
        return Cell(str(raw))
    stripped = raw.strip()
    normal = _SPACES.sub("", unicodedata.normalize("NFKC", stripped)).upper()
    changed = normal != stripped.replace(" ", "").upper()  # more than ASCII spaces
    return Cell(normal, warning=text.PRIVATE_WIDE if changed else None)


def _from_date(raw: date, holds: Holds) -> Cell:
    day = raw.date() if isinstance(raw, datetime) else raw
    if holds == "period":
        # Excel turns a typed 2026-01 into a date: the month it shows is the period.
        period = f"{day.year:04d}-{day.month:02d}"
        return Cell(period, warning=text.DATE_PERIOD, before=day.isoformat())
    if holds in ("integer", "decimal"):
        return Cell(problem=text.NOT_A_NUMBER.format(value=day.isoformat()))
    return Cell(day.isoformat())


def _from_number(raw: int | float, holds: Holds) -> Cell:
    if holds == "date":
        if isinstance(raw, float) and not raw.is_integer():
            return Cell(problem=text.NOT_A_DATE.format(value=raw))
        try:
            day = from_excel(raw)
        except (OverflowError, ValueError):
            return Cell(problem=text.NOT_A_DATE.format(value=raw))
        if not isinstance(day, datetime) or day.date() < _EXCEL_FIRST:
            return Cell(problem=text.NOT_A_DATE.format(value=raw))
        return Cell(day.date().isoformat(), warning=text.SERIAL_DATE, before=str(raw))
    if isinstance(raw, int):
        return Cell(str(raw))
    # A float cell's shortest repr is the number Excel shows (0.1, not 0.1000000000000000055).
    number = Decimal(repr(raw))
    if number == number.to_integral_value() and holds in ("integer", "code", "text"):
        return Cell(str(int(number)))
    return Cell(format(number.normalize(), "f") if holds == "decimal" else repr(raw))


def _from_text(raw: str, holds: Holds) -> Cell:
    stripped = raw.strip()
    if holds == "text":
        return Cell(stripped)
    normal = unicodedata.normalize("NFKC", stripped).strip()
    if holds in ("code", "period") and (labelled := _LABELLED.fullmatch(normal)):
        # A template's drop-down offers 「内科 (internal)」: the code is what is in brackets
        # (a code never holds a bracket or a space, so no code is cut).
        return Cell(labelled["code"])
    warning = text.WIDE_DIGITS if normal != stripped else None
    if holds in ("integer", "decimal") and _THOUSANDS.match(normal):
        normal, warning = normal.replace(",", ""), text.THOUSANDS
    if holds == "date" and (day := _SLASHED.match(normal)):
        # Excel saves a date cell into CSV as the locale shows it: 2020/1/5, 2020年1月5日.
        try:
            iso = date(*map(int, day.groups())).isoformat()
        except ValueError:
            return Cell(problem=text.NOT_A_DATE.format(value=shortened(raw)))
        return Cell(iso, warning=text.SLASHED_DATE, before=stripped)
    if holds in ("integer", "decimal") and normal and not _NUMBER.match(normal):
        return Cell(problem=text.NOT_A_NUMBER.format(value=shortened(raw)))
    if holds == "decimal" and normal:
        try:
            Decimal(normal)
        except InvalidOperation:
            return Cell(problem=text.NOT_A_NUMBER.format(value=shortened(raw)))
    return Cell(normal, warning=warning, before=stripped if warning else "")
