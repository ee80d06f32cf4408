"""Amounts in the files jixiao writes (api/documents): a zero is written unsigned."""

from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal

import pytest

from api.documents.csvfile import write_csv
from api.documents.model import Book, Column, Sheet, Stamp
from api.documents.xlsx import write_xlsx

# A stored amount keeps its spelling (domain/money.py): an old ledger may hold -0.00.
BOOK = Book("t", Stamp(None, "草稿"), [Sheet("s", (Column("a", "金额", "money"),),
                                           [[Decimal("-0.00")], [Decimal("-336.03")]])])


def test_a_workbook_stores_a_zero_without_a_sign() -> None:
    with zipfile.ZipFile(io.BytesIO(write_xlsx(BOOK))) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
    assert re.findall(r'<c r="A[0-9]+"[^>]*t="n"><v>([^<]*)</v>', sheet) == ["0.00", "-336.03"]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk"])
def test_a_csv_writes_a_zero_without_a_sign(encoding: str) -> None:
    lines = write_csv(BOOK, encoding).decode(encoding).splitlines()
    assert lines[1:3] == ["0.00", "-336.03"]
