"""A tabular export as PDF: each sheet's rows as a table (landscape A4), the header row
repeated on every page, money right-aligned with thousands separators."""

from __future__ import annotations

from decimal import Decimal

from api.documents.amounts import grouped
from api.documents.model import Book, Cell, Column, Sheet
from api.documents.pdfbase import FAMILY, HEADINGS, Page


def write_pdf_table(book: Book) -> bytes:
    page = Page(book.title, book.stamp, orientation="landscape")
    for sheet in book.sheets:
        page.add_page()
        page.heading(sheet.title, size=12)
        _table(page, sheet)
    return page.done()


def _table(page: Page, sheet: Sheet) -> None:
    if not sheet.rows:
        page.para("（无记录）")
        return
    page.set_font(FAMILY, size=7)
    aligns = tuple("RIGHT" if c.kind != "text" else "LEFT" for c in sheet.columns)
    with page.table(text_align=aligns, repeat_headings=1, line_height=4.5,
                    first_row_as_headings=True, headings_style=HEADINGS) as table:
        table.row([c.header for c in sheet.columns])
        for row in sheet.rows:
            table.row([_text(c, v) for c, v in zip(sheet.columns, row, strict=True)])
    page.set_font(FAMILY, size=10)


def _text(column: Column, value: Cell) -> str:
    if value is None:
        return ""
    if column.kind == "money" and isinstance(value, Decimal):
        return grouped(value)
    # Zen Hei has no U+2212 (the minus in some line names); a hyphen reads the same.
    return str(value).replace("\u2212", "-")
