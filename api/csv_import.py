"""CSV files a person keeps in a spreadsheet, turned into the ledger's commands.

Two kinds (documented for users in docs/csv.md):

* ``roster``  - one ``hire_employee`` per row;
* ``entries`` - score entries: ``record_deduction``, ``record_score`` or
  ``record_attendance`` per row, chosen by the ``entry`` column.

A file is UTF-8 (with or without a byte-order mark), comma-separated, with a header row.
Values stay text: decimals reach the command models as strings (never floats), and an
empty cell is left out of the command so the model's default applies.

Every problem of the file is collected and raised at once as a ``RejectedError`` whose
``where`` is ``row N``: the 1-based line of the file where the record starts, the header
being row 1. That covers the file's shape (unknown, missing or repeated columns, wrong
number of cells, a bad ``entry``, bytes that are not UTF-8) and the command models' own
checks (dates, periods, numbers), reported by CSV column name. What needs the ledger
(unknown employees, kinds the scheme does not know, duplicates) is checked afterwards by
``Ledger.record``, which reports the same ``row N``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from domain.errors import InvalidRequestError, NotFoundError, Problem, RejectedError
from domain.events import COMMANDS_BY_TYPE

ROSTER_COLUMNS: tuple[str, ...] = (
    "employee_id", "name", "department_id", "title_grade", "post", "category",
    "participation_class", "hired_on", "probation_until", "idempotency_key",
)
ROSTER_REQUIRED: tuple[str, ...] = (
    "employee_id", "name", "department_id", "title_grade", "hired_on",
)

ABSENCE_COLUMNS: dict[str, str] = {  # column -> key of record_attendance.absence_days
    "absence_sick": "sick",
    "absence_maternity": "maternity",
    "absence_personal": "personal",
    "absence_other": "other",
}
ENTRIES_COLUMNS: tuple[str, ...] = (
    "period", "employee_id", "entry", "kind", "count", "minutes", "points",
    "scheduled_days", *ABSENCE_COLUMNS, "reason", "evidence_ref", "idempotency_key",
)
ENTRIES_REQUIRED: tuple[str, ...] = ("period", "employee_id", "entry")
ENTRY_COMMON: tuple[str, ...] = (
    "period", "employee_id", "entry", "reason", "evidence_ref", "idempotency_key",
)


@dataclass(frozen=True)
class EntryKind:
    command: str  # the command type
    columns: tuple[str, ...]  # columns this entry uses besides ENTRY_COMMON
    required: tuple[str, ...]  # of those, the cells that must not be empty
    renamed: dict[str, str]  # column -> command field, where they differ


ENTRY_KINDS: dict[str, EntryKind] = {
    "deduction": EntryKind("record_deduction", ("kind", "count", "minutes", "points"),
                           ("kind",), {}),
    "score": EntryKind("record_score", ("kind", "points"), ("kind", "points"),
                       {"kind": "item"}),
    "attendance": EntryKind("record_attendance", ("scheduled_days", *ABSENCE_COLUMNS),
                            ("scheduled_days",), {}),
}

# The income tax payroll withheld (`record_withholding`, domain/personal.py): one row per
# person and pay period.
WITHHOLDING_COLUMNS: tuple[str, ...] = (
    "pay_period", "employee_id", "tax_withheld_cny", "reason", "idempotency_key",
)
WITHHOLDING_REQUIRED: tuple[str, ...] = ("pay_period", "employee_id", "tax_withheld_cny")

FORMATS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "roster": (ROSTER_COLUMNS, ROSTER_REQUIRED),
    "entries": (ENTRIES_COLUMNS, ENTRIES_REQUIRED),
    "withholding": (WITHHOLDING_COLUMNS, WITHHOLDING_REQUIRED),
}

Rows = list[tuple[str, dict[str, Any]]]


def write_csv_template(kind: str) -> str:
    """The header line of a `kind` file (every column it accepts), ending in a newline."""
    columns, _ = _format(kind)
    return ",".join(columns) + "\n"


def read_csv_commands(kind: str, path: str) -> tuple[Rows, str, list[Problem]]:
    """Commands from a CSV file, each with its ``row N``, the file's digest (the first
    16 hex digits of the SHA-256 of its bytes), and the problems of the rows left out.
    ``path`` '-' reads standard input. The caller refuses the whole file if there are
    problems, after the ledger has checked the good rows too, so one run names them all."""
    columns, required = _format(kind)
    raw = _read_bytes(path)
    digest = hashlib.sha256(raw).hexdigest()[:16]
    text = _decode(raw)
    reader = _Reader(text)
    problems: list[Problem] = []

    header = reader.header(problems)
    if header is None:
        raise RejectedError(problems or [Problem("row 1", "", "the file is empty; the first "
                                                 "row must be the header: "
                                                 + ",".join(columns))])
    header_ok = _check_header(header, columns, required, problems)

    rows: Rows = []
    keys: dict[str, str] = {}  # idempotency_key -> the row that first used it
    for where, cells in reader.records(problems):
        if len(cells) != len(header):
            problems.append(Problem(where, "", f"{len(cells)} cell(s), but the header has "
                                    f"{len(header)} column(s); check for a stray or "
                                    "missing comma, or an unclosed quote"))
            continue
        if not header_ok and any(column not in header for column in required):
            continue  # a missing column would make every row report it again
        values = {
            name: cell for name, cell in zip(header, cells, strict=True)
            if name in columns and cell
        }
        row_problems: list[Problem] = []
        command: dict[str, Any] | None
        renamed: dict[str, str]
        entry_name: str | None
        if kind == "roster":
            command, renamed, entry_name = {"type": "hire_employee", **values}, {}, None
        elif kind == "withholding":
            command, renamed, entry_name = {"type": "record_withholding", **values}, {}, None
        else:
            command, renamed, entry_name = _entry_command(where, values, row_problems)
        key = values.get("idempotency_key")
        if key is not None:
            if key in keys:
                row_problems.append(Problem(where, "idempotency_key", f"{key!r} is already "
                                            f"the key of {keys[key]}; each row needs its own"))
            else:
                keys[key] = where
        if command is not None:
            row_problems += _model_problems(where, command, renamed, entry_name)
        problems += row_problems
        if command is not None and not row_problems:
            rows.append((where, command))
    return rows, digest, problems


# ---------------------------------------------------------------------------- reading


def _format(kind: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if kind not in FORMATS:
        raise InvalidRequestError(f"no CSV format {kind!r}; use one of: {', '.join(FORMATS)}")
    return FORMATS[kind]


def _read_bytes(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise NotFoundError(f"no file {path!r}") from None
    except IsADirectoryError:
        raise InvalidRequestError(f"{path!r} is a directory, not a CSV file") from None


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        byte = raw[error.start]
        raise RejectedError([Problem(
            f"row {line}", "", f"not UTF-8 text (byte 0x{byte:02x} at offset {error.start}); "
            "save the file as UTF-8 - in Excel choose 'CSV UTF-8 (comma delimited)' - "
            "GBK/GB18030 and other encodings are not read")]) from None


class _Reader:
    """csv.reader that knows the line each record starts on; blank lines are skipped."""

    def __init__(self, text: str) -> None:
        self._reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        self._line = 0  # the last line read so far
        self._failed = False

    def _next(self, problems: list[Problem]) -> tuple[str, list[str]] | None:
        while not self._failed:
            start = self._line + 1
            try:
                cells = next(self._reader)
            except StopIteration:
                return None
            except csv.Error as error:
                # The reader cannot find the next record boundary reliably: stop here.
                self._failed = True
                problems.append(Problem(f"row {start}", "", f"not readable as CSV: {error}"))
                return None
            self._line = self._reader.line_num
            cells = [cell.strip() for cell in cells]
            if any(cells):
                return f"row {start}", cells
        return None

    def header(self, problems: list[Problem]) -> list[str] | None:
        first = self._next(problems)
        return None if first is None else first[1]

    def records(self, problems: list[Problem]) -> list[tuple[str, list[str]]]:
        found = []
        while (record := self._next(problems)) is not None:
            found.append(record)
        return found


def _check_header(header: Sequence[str], columns: Sequence[str], required: Sequence[str],
                  problems: list[Problem]) -> bool:
    """Problems with the header; False when rows cannot be read (a required column is
    missing). Unknown and repeated columns are reported, and rows are still checked."""
    seen: set[str] = set()
    for number, name in enumerate(header, start=1):
        if not name:
            problems.append(Problem("row 1", f"column {number}", "the column has no name; "
                                    "delete the empty column (or trailing comma)"))
        elif name in seen:
            problems.append(Problem("row 1", name, "the column appears twice"))
        elif name not in columns:
            hint = ""
            if ";" in name or "\t" in name:
                hint = " (the file must be comma-separated, not ';' or tab)"
            problems.append(Problem("row 1", name, f"unknown column {name!r}{hint}; the "
                                    f"columns are: {', '.join(columns)}"))
        seen.add(name)
    missing = [name for name in required if name not in seen]
    for name in missing:
        problems.append(Problem("row 1", name, "missing required column"))
    return not missing and len(seen) == len(header)


# ---------------------------------------------------------------------------- building


def _entry_command(where: str, values: dict[str, str], problems: list[Problem]
                   ) -> tuple[dict[str, Any] | None, dict[str, str], str | None]:
    """The command of one entries row, the column renames used, and the entry kind."""
    entry_name = values.get("entry", "")
    entry = ENTRY_KINDS.get(entry_name)
    if entry is None:
        allowed = ", ".join(ENTRY_KINDS)
        reason = (f"unknown entry {entry_name!r}; write one of: {allowed}" if entry_name
                  else f"empty; write one of: {allowed}")
        problems.append(Problem(where, "entry", reason))
        return None, {}, None
    for name in values:
        if name not in ENTRY_COMMON and name not in entry.columns:
            problems.append(Problem(where, name, f"not used by a {entry_name} entry; "
                                    "leave it empty"))
    command: dict[str, Any] = {"type": entry.command}
    absence: dict[str, str] = {}
    for name, value in values.items():
        if name == "entry" or (name not in ENTRY_COMMON and name not in entry.columns):
            continue
        if name in ABSENCE_COLUMNS:
            absence[ABSENCE_COLUMNS[name]] = value
        else:
            command[entry.renamed.get(name, name)] = value
    if absence:
        command["absence_days"] = absence
    return command, entry.renamed, entry_name


def _model_problems(where: str, command: dict[str, Any], renamed: dict[str, str],
                    entry_name: str | None) -> list[Problem]:
    """The command model's own checks, reported by CSV column rather than model field."""
    model = COMMANDS_BY_TYPE[command["type"]]
    try:
        model.model_validate(command)
    except ValidationError as error:
        fields = {field: column for column, field in renamed.items()}
        problems = []
        for detail in error.errors(include_url=False):
            column = _column_of(detail["loc"], fields)
            if detail["type"] == "missing":
                needs = f"a {entry_name} entry needs it" if entry_name else "required"
                reason = f"empty; {needs}"
            else:
                reason = detail["msg"].removeprefix("Value error, ")
            problems.append(Problem(where, column, reason))
        return problems
    return []


def _column_of(loc: Sequence[int | str], fields: dict[str, str]) -> str:
    if not loc:
        return ""
    if loc[0] == "absence_days" and len(loc) > 1:
        return f"absence_{loc[1]}"
    head = fields.get(str(loc[0]), str(loc[0]))
    return ".".join([head, *map(str, loc[1:])])
