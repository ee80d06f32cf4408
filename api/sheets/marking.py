"""What a person fixes from: a copy of the file with the bad cells highlighted and
commented (errors.xlsx), and the rejected rows alone, in the file's own format, ready to
be fixed and imported again (with a 错误原因 column the import ignores)."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from api.i18n import N_, gettext
from api.sheets import text
from api.sheets.cells import CellError, NoCachedValue, Raw
from api.sheets.readers import SheetFile
from domain.records import frozen_record

BAD_CELL = PatternFill("solid", start_color="FFFF9999", end_color="FFFF9999")
BAD_ROW = PatternFill("solid", start_color="FFFFE699", end_color="FFFFE699")
# A cell's comment, one line a reason, and a row's (on its first cell): in the reader's
# language (api/i18n), the reasons translated by the caller.
ERROR_LINE = N_("Error: {reason}")
ROW_ERRORS = N_("This row's errors:\n{reasons}")


@frozen_record
class Mark:
    """One reason a row was refused: its row number, its column (1-based; None for the
    whole row) and why."""

    row: int
    column: int | None
    reason: str


# A column's cells as a file written back shows them (by 1-based column): personal data
# masked (6222 **** **** 1234), so a copy made to fix a file does not spread the digits.
Masks = Mapping[int, Callable[[str], str]]


def write_errors(sheet: SheetFile, marks: Sequence[Mark], path: str,
                 masks: Masks | None = None) -> None:
    """A copy of the input with each bad cell filled red and commented in Chinese; a row
    refused as a whole is filled yellow, the comment on its first cell; the `masks`
    columns' values masked below the header."""
    if sheet.format == "xlsx":
        file = sheet.source.workbook_file()
        try:
            workbook = load_workbook(file)
        finally:
            if not isinstance(file, str):
                file.close()  # read whole: the stream is no longer needed
        ws: Any = workbook[sheet.sheet or workbook.sheetnames[0]]
        workbook.active = workbook.sheetnames.index(ws.title)
    else:
        workbook = Workbook()
        ws = workbook.active
        assert ws is not None
        for raw in _csv_lines(sheet):
            ws.append(raw)
    by_cell: dict[tuple[int, int | None], list[str]] = defaultdict(list)
    for mark in marks:
        by_cell[(mark.row, mark.column)].append(mark.reason)
    for (row, column), reasons in by_cell.items():
        _mark(ws, row, column, reasons)
    for column, mask in (masks or {}).items():
        for (cell,) in ws.iter_rows(min_row=2, min_col=column, max_col=column):
            if cell.value not in (None, ""):
                cell.value = mask(str(cell.value))
    workbook.save(path)


def _mark(ws: Worksheet, row: int, column: int | None, reasons: list[str]) -> None:
    note = "\n".join(gettext(ERROR_LINE).format(reason=reason) for reason in reasons)
    if column is None:
        for cell in ws[row]:
            cell.fill = BAD_ROW
        target = ws.cell(row=row, column=1)
        note = gettext(ROW_ERRORS).format(reasons=note)
    else:
        target = ws.cell(row=row, column=column)
        target.fill = BAD_CELL
    if target.comment is not None:
        note = f"{target.comment.text}\n{note}"
    target.comment = Comment(note, text.COMMENT_AUTHOR, width=320, height=120)


def _csv_lines(sheet: SheetFile) -> Iterable[list[str]]:
    """Every line of a CSV file as a sheet row, blank ones included, so row numbers match."""
    with io.TextIOWrapper(sheet.source.open(), encoding=sheet.encoding, newline="") as lines:
        reader = csv.reader(lines)
        previous = 0
        for cells in reader:
            yield cells
            for _ in range(reader.line_num - previous - 1):
                yield []  # the extra lines of a cell over several lines
            previous = reader.line_num


def write_rejected(sheet: SheetFile, header: Sequence[str], rows: Mapping[int, str],
                   path: str, masks: Masks | None = None) -> None:
    """The rejected rows (by row number, with their reasons) under the file's header, plus
    a reason column: CSV in the file's encoding, or a one-sheet workbook. The `masks`
    columns are masked: their cells must be typed again whole to import the row."""
    chosen = ((raw.number, _masked(raw.cells, masks or {}))
              for raw in sheet.rows() if raw.number in rows)
    title = [*header, text.ERROR_COLUMN]
    if sheet.format == "csv":
        with Path(path).open("w", encoding=sheet.encoding, newline="") as out:
            writer = csv.writer(out)
            writer.writerow(title)
            for number, cells in chosen:
                writer.writerow([*(_plain(c) for c in cells[:len(header)]),
                                 *[""] * (len(header) - len(cells)), rows[number]])
        return
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet(sheet.sheet or "rejected")
    ws.append(title)
    for number, cells in chosen:
        padded = [*cells[:len(header)], *[None] * (len(header) - len(cells))]
        ws.append([*(_cell(c) for c in padded), rows[number]])
    workbook.save(path)


def _masked(cells: Sequence[Raw], masks: Masks) -> list[Raw]:
    return [masks[number](str(cell)) if number in masks and cell not in (None, "") else cell
            for number, cell in enumerate(cells, start=1)]


def _plain(raw: Raw) -> str:
    return "" if raw is None else str(_cell(raw))


def _cell(raw: Raw) -> object:
    if isinstance(raw, NoCachedValue):
        return f"={raw.formula}"
    if isinstance(raw, CellError):
        return raw.value
    return raw
