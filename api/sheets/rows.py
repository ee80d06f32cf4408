"""A sheet read into commands: the header resolved, each row's cells made exact, every
problem named by row and column, and every leniency a warning. Streams: one row at a
time, keeping only the commands and the problems."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import field, replace
from typing import Any

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange

from api.sheets import text
from api.sheets.cells import exact
from api.sheets.columns import (
    PERSONAL_COLUMNS,
    Header,
    Kind,
    column_list,
    example_column,
    header_label,
    holds,
    is_example,
    is_marked,
    is_template_header,
    kind_word,
    looks_like,
    names_none,
    read_header,
    row_command,
    shortened,
)
from api.sheets.readers import RawRow, SheetFile
from domain.errors import Problem, RejectedError
from domain.records import mutable_record
from domain.seen_index import SeenIndex

Progress = Callable[[str, int, int], None]
CommandRow = tuple[str, dict[str, Any], int]  # where, command, row number
CHUNK_ROWS = 5000  # rows a chunk holds: as api/usecases/streaming.py's lines
WARNINGS_KEPT = 50  # more are counted, not listed: a 200,000-row file may warn on each


@mutable_record
class Read:
    """What a sheet held: commands by row (`where`, command, row number), the problems
    of the rows left out, the warnings, and the header (to name columns)."""

    sheet: SheetFile
    header: Header
    rows: list[CommandRow] = field(default_factory=list)  # a chunk's, when streamed
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    warning_count: int = 0
    read: int = 0  # data rows read
    header_problems: int = 0  # the first problems are the header's: no row can fix them
    personal: dict[int, dict[str, str]] = field(default_factory=dict)  # by row
    unchanged: int = 0  # rows of personal details already recorded as they are
    template_header: bool = False  # headed as `jixiao template` writes it
    examples: list[int] = field(default_factory=list)  # the example rows skipped

    def warn(self, message: str) -> None:
        self.warning_count += 1
        if len(self.warnings) < WARNINGS_KEPT:
            self.warnings.append(message)

    def column_name(self, column: str) -> str:
        """A column as a problem names it: the file's header, and in a workbook its letter."""
        label = self.header.label(column)
        if self.sheet.format == "xlsx" and column in self.header.columns:
            return f"{label} ({get_column_letter(self.header.columns.index(column) + 1)})"
        return label


def read_commands(kind: Kind, sheet: SheetFile, progress: Progress | None = None) -> Read:
    """Every row of the sheet as a command or as problems, all kept in `rows`. A header
    that leaves rows unreadable (a required column missing) is refused at once; unknown
    or repeated columns and merged header cells are problems of the file
    (`header_problems`), and the rows are still read so that one run names every problem."""
    read, chunks = stream_commands(kind, sheet, progress)
    kept = [row for chunk in chunks for row in chunk]
    read.rows = kept
    return read


def stream_commands(kind: Kind, sheet: SheetFile, progress: Progress | None = None, *,
                    chunk_rows: int | None = None, command: str | None = text.CLI_IMPORT
                    ) -> tuple[Read, Iterator[list[CommandRow]]]:
    """`read_commands` a chunk of commands at a time: the header is read (and an
    unreadable one refused) at once; the iterator yields the rows' commands `chunk_rows`
    at a time and keeps only the problems and warnings in `Read`, so memory holds a chunk
    of the file, not the file. Merged header cells are known only once the sheet has been
    read to its end: `header_problems` is final when the iterator is exhausted. `command`:
    how the shell imports a kind ({kind}, {file}), told when the file is another kind's;
    None where the person chooses the kind from a list (the page)."""
    rows = sheet.rows()
    first = next(rows, None)
    if first is None:
        raise RejectedError([Problem(sheet.where(1), "", text.EMPTY.format(
            columns=",".join(kind.columns)))])
    found: list[Problem] = []
    cells = [_header_text(c) for c in first.cells]
    if names_none(kind, cells):  # not a sheet of this kind at all: nothing of it is shown
        other = looks_like(kind, cells)
        raise RejectedError([Problem(sheet.source.name, "", (
            _other_kind(sheet, kind, other, command) if other is not None
            else text.NOT_A_SHEET.format(kind=kind_word(kind.name),
                                         columns=column_list(kind))))])
    header, readable = read_header(kind, cells, sheet.where(first.number), found)
    # Another kind's sheet: which verb imports it, not its columns. Even when it holds all
    # this kind asks (an entries sheet has the personal kind's 工号; figures, the pool's 期间).
    other = looks_like(kind, cells) if found else None
    if other is not None:
        raise RejectedError([Problem(sheet.source.name, "",
                                     _other_kind(sheet, kind, other, command))])
    if not readable:
        for _ in rows:
            pass  # a workbook names its merged cells after its rows: read on to find them
        raise RejectedError(_merged_header(sheet, first.number) + found)
    read = Read(sheet, header, problems=list(found), header_problems=len(found),
                template_header=is_template_header(kind, cells))
    return read, _chunks(kind, read, rows, first.number, progress=progress,
                         chunk_rows=chunk_rows or CHUNK_ROWS)


def _other_kind(sheet: SheetFile, kind: Kind, other: str, command: str | None) -> str:
    if command is None:
        return text.OTHER_KIND_CHOSEN.format(other=kind_word(other), kind=kind_word(kind.name))
    return text.OTHER_KIND.format(other=kind_word(other), kind=kind_word(kind.name),
                                  command=command.format(kind=other, file=sheet.source.name))


def _chunks(kind: Kind, read: Read, rows: Iterator[RawRow], header_row: int, *,
            progress: Progress | None, chunk_rows: int) -> Iterator[list[CommandRow]]:
    keys: SeenIndex[str] = SeenIndex()  # an idempotency_key given in the file -> its row
    try:
        for raw in rows:
            read.read += 1
            _read_row(kind, read, raw, keys)
            if progress is not None and read.read % 1000 == 0:
                progress("reading", read.read, max(read.sheet.claimed_rows - 1, read.read))
            if len(read.rows) >= chunk_rows:
                chunk, read.rows = read.rows, []
                yield chunk
    finally:
        keys.close()
    if progress is not None:
        progress("reading", read.read, read.read)
    merged = _merged_header(read.sheet, header_row)
    if read.examples and read.read == len(read.examples):  # an untouched template
        first = read.examples[0]
        # An earlier template's row is told by its comment: typed over, the comment is what
        # still makes it the example.
        reason = (text.ONLY_NOTED_EXAMPLE if first == read.sheet.noted_example
                  else text.ONLY_EXAMPLE.format(column=header_label(example_column(kind))))
        merged.append(Problem(read.sheet.where(first), "", reason))
    read.problems[:0] = merged
    read.header_problems += len(merged)
    if read.rows:
        chunk, read.rows = read.rows, []
        yield chunk


def _merged_header(sheet: SheetFile, row: int) -> list[Problem]:
    merged = [ref for ref in sheet.merged if CellRange(ref).min_row == row]
    if not merged:
        return []
    return [Problem(sheet.where(row), "", text.MERGED_HEADER.format(cells=", ".join(merged)))]


def _header_text(raw: object) -> str:
    return "" if raw is None else str(raw).strip()


def _read_row(kind: Kind, read: Read, raw: RawRow, keys: SeenIndex[str]) -> None:
    where = read.sheet.where(raw.number)
    problems: list[Problem] = []
    if raw.hidden:
        problems.append(Problem(where, "", text.HIDDEN_ROW))
    width = len(read.header.columns)
    if read.sheet.format == "csv" and len(raw.cells) != width:
        read.problems.append(Problem(where, "", text.CELL_COUNT.format(
            cells=len(raw.cells), columns=width)))
        return
    if any(c not in (None, "") for c in raw.cells[width:]):
        problems.append(Problem(where, "", text.CELL_COUNT.format(
            cells=len(raw.cells), columns=width)))
    values: dict[str, str] = {}
    for column, value in zip(read.header.columns, raw.cells, strict=False):
        if column is None:
            continue
        cell = exact(value, holds(column))
        if cell.problem is not None:
            problems.append(Problem(where, read.column_name(column), cell.problem))
        elif cell.value:
            values[column] = cell.value
        if cell.warning is not None:
            read.warn(cell.warning.format(where=where, column=read.column_name(column),
                                          before=shortened(cell.before),
                                          after=shortened(cell.value)))
    # An earlier template's unmarked example is told by its words only where the template
    # put it, the row under the header: further down, a row so worded is a clerk's own. A
    # workbook's is told by its comment: this version's example typed over and unmarked,
    # keeping its words, is a real row.
    if _example(kind, read, raw.number, values, problems):
        return
    key = values.get("idempotency_key")
    if key is not None:
        digest = _key_int(key.encode())
        earlier = keys.get(digest)
        if earlier is not None:
            # Not quoted: a key is the clerk's own text, whatever they chose.
            problems.append(Problem(where, read.column_name("idempotency_key"),
                                    text.KEY_TWICE.format(earlier=earlier)))
        else:
            keys[digest] = where
    command, found = row_command(kind, where, values, read.header)
    personal = {k: values[k] for k in PERSONAL_COLUMNS if k in values}
    if kind.name in ("roster", "personal") and personal:
        read.personal[raw.number] = personal
    problems += [replace(p, field=_lettered(read, p.field)) for p in found]
    if problems or command is None:
        read.problems += problems
        return
    read.rows.append((where, command, raw.number))


def _example(kind: Kind, read: Read, number: int, values: dict[str, str],
             problems: list[Problem]) -> bool:
    """Whether the row is the template's example (skipped, and said so); a row marked 示例
    that is not the example is a problem of its marked cell."""
    where = read.sheet.where(number)
    legacy = read.template_header and read.read == 1 and read.sheet.format == "csv"
    if number == read.sheet.noted_example or is_example(kind, values, legacy):
        # skipped, whatever its cells hold
        read.examples.append(number)
        note = text.EXAMPLE_SKIPPED.format(where=where)
        if note not in read.sheet.notes:  # --skip-bad reads the file again
            read.sheet.notes.append(note)
        return True
    if is_marked(kind, values):
        column = example_column(kind)
        problems.append(Problem(where, read.column_name(column), text.EXAMPLE_MARK_KEPT.format(
            mark=values[column].strip())))
    return False


def _lettered(read: Read, label: str) -> str:
    """A problem's column, with its letter in a workbook."""
    for column, written in zip(read.header.columns, read.header.written, strict=True):
        if written == label and column is not None:
            return read.column_name(column)
    return label


# ---------------------------------------------------------------------------- keys


def content_key(kind: Kind, command: dict[str, Any], seen: SeenIndex[int]) -> str:
    """The idempotency key of a row from its normalised content: the same rows imported
    again, from this file re-saved or another, are recognised; the n-th identical row of
    one file is its own entry (two equal deductions are two occurrences). `seen` counts
    the rows of each content so far (on disk past a chunk: domain/seen_index.py)."""
    body = {k: v for k, v in command.items() if k != "idempotency_key"}
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    digest = _key_int(f"{kind.name}\n{canonical}".encode())
    count = (seen.get(digest) or 0) + 1
    seen[digest] = count
    return f"sheet:{digest.to_bytes(16).hex()}:{count}"


def _key_int(text: bytes) -> int:
    """A 128-bit key of some text (16 bytes of its SHA-256) for a SeenIndex."""
    return int.from_bytes(hashlib.sha256(text).digest()[:16])
