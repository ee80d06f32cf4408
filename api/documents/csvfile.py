"""CSV for Excel and WPS: UTF-8 with a BOM by default (Excel then reads the Chinese
headers right), or GBK / GB18030 for older tools. A name GBK cannot encode is refused
with its row, never replaced by a question mark."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from api.documents.model import Book, Cell, Column
from domain.errors import InvalidRequestError

ENCODINGS = ("utf-8-sig", "utf-8", "gbk", "gb18030")


def write_csv(book: Book, encoding: str = "utf-8-sig") -> bytes:
    if encoding not in ENCODINGS:
        raise InvalidRequestError(
            f"unsupported encoding {encoding!r}; choose one of {', '.join(ENCODINGS)}")
    table = book.table
    rows: list[list[str]] = [[c.header for c in table.columns]]
    rows += [[_text(c, v) for c, v in zip(table.columns, row, strict=True)]
             for row in table.rows]
    rows.append([book.stamp.text])
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    for number, row in enumerate(rows, start=1):
        _check_encodable(row, number, table.columns, encoding)
        writer.writerow(row)
    return out.getvalue().encode(encoding)


def _text(column: Column, value: Cell) -> str:
    if value is None:
        return ""
    if column.kind == "money" and isinstance(value, Decimal):
        return f"{value.copy_abs() if value.is_zero() else value:.2f}"  # never -0.00
    return str(value)


def _check_encodable(row: list[str], line: int, columns: tuple[Column, ...],
                     encoding: str) -> None:
    for index, text in enumerate(row):
        try:
            text.encode(encoding)
        except UnicodeEncodeError as error:
            bad = text[error.start:error.end]
            header = columns[index].header if index < len(columns) else ""
            raise InvalidRequestError(
                f"line {line}, column {header or index + 1}: {bad!r} in {text!r} cannot be "
                f"written in {encoding}; use --encoding gb18030, which writes every "
                "character") from None
