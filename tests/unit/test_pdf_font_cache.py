"""The CJK font parsed once per process (api/documents/fontcache.py): a document written
after others, with the lent parse, has the bytes of one written with its own fresh
`add_font`, so sharing the parse leaks nothing between documents (fpdf2 subsets the
font in place on output)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from api.documents import fontcache
from api.documents.model import Stamp
from api.documents.pdfbase import HEADINGS, Page

FIXED = datetime(2026, 1, 1, tzinfo=UTC)


def _pdf(text: str) -> bytes:
    page = Page("工资条", Stamp(text="已结账", sha256="ab" * 32))
    page.set_creation_date(FIXED)
    page.add_page()
    page.heading(text)
    with page.table(first_row_as_headings=True, headings_style=HEADINGS) as table:
        table.row(["项目", "金额（元）"])
        table.row([text, "1,234.50"])
    return page.done()


def test_a_document_after_others_has_the_bytes_of_a_fresh_parse(
        monkeypatch: pytest.MonkeyPatch) -> None:
    _pdf("人民币壹万元整")  # the first document takes the parse's own decoded font
    _pdf("心电图室 骨科")  # a later one subsets its own copy: other glyphs
    shared = _pdf("大写：人民币捌仟柒佰伍拾玖元玖角整")
    monkeypatch.setattr(fontcache, "_parsed", lambda path: None)
    fresh = _pdf("大写：人民币捌仟柒佰伍拾玖元玖角整")
    assert shared == fresh
    assert _pdf("心电图室 骨科") != fresh
