"""XLSX with openpyxl: a summary sheet whose totals are SUM formulas over the department
sheets, then one sheet per department. Person rows hold plain values; money cells are
formatted #,##0.00; the header row is frozen; every sheet carries the stamp in its first
row and in its printed page header, so a draft is marked 草稿 on screen and on paper.
Every workbook jixiao writes stores its amounts with `put_money`, digit for digit."""

from __future__ import annotations

import io
import re
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.worksheet import Worksheet

from api.documents.model import Book, Sheet, Stamp

MONEY_FORMAT = "#,##0.00"
HEADER_ROW = 2  # row 1 is the title and stamp
FIRST_ROW = HEADER_ROW + 1
TITLE_MAX = 31  # Excel's limit on a sheet name
FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
BOLD = Font(bold=True)
DRAFT_FONT = Font(bold=True, color="C00000", size=14)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def put_money(ws: Worksheet, row: int, column: int, amount: Decimal) -> None:
    """An amount stored as its exact decimal, a number cell formatted to the fen.
    openpyxl writes a number as `%.16g` of a float: 9007.55 went into the sheet's XML as
    9007.549999999999, which Excel rounds back but an auditor unzipping the file, or any
    other reader, takes as written. The decimal's own text, in a cell typed a number
    (t="n"), is what the XML then holds; Excel and openpyxl read it as the number."""
    if amount.is_zero():
        amount = amount.copy_abs()  # -0.00 (a stored amount keeps its spelling) is 0.00
    cell = ws.cell(row, column, f"{amount:f}")  # fixed-point: never an exponent (1E+2)
    cell.data_type = "n"
    cell.number_format = MONEY_FORMAT


def write_xlsx(book: Book) -> bytes:
    workbook = Workbook()
    names = _sheet_names([s.title for s in book.sheets])
    first = workbook.active
    assert first is not None  # a new Workbook always has one sheet
    workbook.remove(first)
    if book.summary is not None:
        _summary(workbook.create_sheet(book.summary.title[:TITLE_MAX]), book, names)
    for sheet, name in zip(book.sheets, names, strict=True):
        _sheet(workbook.create_sheet(name), sheet, book)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _sheet_names(titles: list[str]) -> list[str]:
    names: list[str] = []
    for title in titles:
        base = _shortened(FORBIDDEN.sub("_", title)) or "sheet"
        name, n = base, 2
        while name.casefold() in {x.casefold() for x in names}:
            suffix = f"~{n}"
            name, n = base[:TITLE_MAX - len(suffix)] + suffix, n + 1
        names.append(name)
    return names


def _shortened(title: str) -> str:
    """Within Excel's limit, cut at a space when there is one: 「院长办公室 president's
    office」 rather than 「… office (hospi」 (the full name is in row 1)."""
    if len(title) <= TITLE_MAX:
        return title
    cut = title[:TITLE_MAX + 1].rsplit(" ", 1)[0].rstrip()
    return cut if cut and len(cut) <= TITLE_MAX else title[:TITLE_MAX]


def _stamp_row(ws: Worksheet, title: str, stamp: Stamp) -> None:
    ws.cell(1, 1, title).font = BOLD
    ws.cell(1, 3, stamp.text).font = DRAFT_FONT if stamp.draft else BOLD
    header, footer = ws.oddHeader, ws.oddFooter
    if header is not None and footer is not None:  # always set on a new sheet
        header.center.text = f"{title}  {stamp.text}"
        footer.center.text = "&P / &N"


def _header(ws: Worksheet, headers: list[str]) -> None:
    for col, text in enumerate(headers, start=1):
        heading = ws.cell(HEADER_ROW, col, text)
        heading.font, heading.fill = BOLD, HEADER_FILL
        ws.column_dimensions[get_column_letter(col)].width = max(10, 2 * len(text) + 4)
    ws.freeze_panes = f"A{FIRST_ROW}"


def _sheet(ws: Worksheet, sheet: Sheet, book: Book) -> None:
    _stamp_row(ws, f"{book.title} · {sheet.title}", book.stamp)
    _header(ws, [c.header for c in sheet.columns])
    for r, row in enumerate(sheet.rows, start=FIRST_ROW):
        for c, (column, value) in enumerate(zip(sheet.columns, row, strict=True), start=1):
            if column.kind == "money" and isinstance(value, Decimal):
                put_money(ws, r, c, value)
            else:
                cell = ws.cell(r, c, value)
                if column.kind == "money":
                    cell.number_format = MONEY_FORMAT


def _summary(ws: Worksheet, book: Book, names: list[str]) -> None:
    summary = book.summary
    assert summary is not None
    keys = book.sheets[0].totalled if book.sheets else ()
    columns = [book.sheets[0].columns[book.sheets[0].index(k)] for k in keys] if keys else []
    _stamp_row(ws, f"{book.title} · {summary.title}", book.stamp)
    _header(ws, [summary.label_header, *(c.header for c in columns)])
    row = FIRST_ROW
    for sheet, name in zip(book.sheets, names, strict=True):
        ws.cell(row, 1, sheet.title)
        for c, key in enumerate(keys, start=2):
            ws.cell(row, c, _sum_formula(name, sheet, key)).number_format = MONEY_FORMAT
        row += 1
    ws.cell(row, 1, summary.total_label).font = BOLD
    for c in range(2, 2 + len(keys)):
        letter = get_column_letter(c)
        total = ws.cell(row, c, f"=SUM({letter}{FIRST_ROW}:{letter}{row - 1})"
                        if row > FIRST_ROW else 0)
        total.number_format, total.font = MONEY_FORMAT, BOLD


def _sum_formula(name: str, sheet: Sheet, key: str) -> str | int:
    if not sheet.rows:
        return 0
    letter = get_column_letter(sheet.index(key) + 1)
    last = FIRST_ROW + len(sheet.rows) - 1
    return f"=SUM({quote_sheetname(name)}!{letter}{FIRST_ROW}:{letter}{last})"
