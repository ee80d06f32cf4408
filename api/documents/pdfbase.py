"""The PDF page every document shares (fpdf2): the embedded CJK font, a page header with
the document's title and stamp (the statement's hash, or 草稿 in red on every page of a
draft), and a page number."""

from __future__ import annotations

import logging

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from api.documents.fontcache import add_cjk_font
from api.documents.fonts import cjk_font
from api.documents.model import Stamp

# fontTools reports each table of the collection it does not subset (Zen Hei's bitmap
# strikes) on the root logger; it is not a problem of the document.
logging.getLogger("fontTools.subset").setLevel(logging.ERROR)

FAMILY = "cjk"
RED = (192, 0, 0)
GREY = (90, 90, 90)
BLACK = (0, 0, 0)
# fpdf2's tables set their heading row in bold; Zen Hei has one weight, so a bold face
# would be the same glyphs embedded and subset a second time in every PDF.
HEADINGS = FontFace(emphasis="NONE")


class Page(FPDF):
    def __init__(self, title: str, stamp: Stamp, orientation: str = "portrait") -> None:
        super().__init__(orientation=orientation, unit="mm", format="A4")
        self.doc_title = title
        self.stamp = stamp
        # The page numbers' words; a document in another language sets its own.
        self.page_words = "第 {page} 页 / 共 {total} 页"
        add_cjk_font(self, FAMILY, cjk_font())
        self.set_font(FAMILY, size=10)
        self.set_auto_page_break(auto=True, margin=18)
        self.set_title(title)
        self.set_creator("jixiao")
        if stamp.sha256:
            self.set_keywords(f"statement_sha256={stamp.sha256}")

    def header(self) -> None:
        self.set_font(FAMILY, size=8)
        self.set_text_color(*GREY)
        self.text_line(0, 5, self.doc_title)
        if self.stamp.draft:
            self.set_font(FAMILY, size=16)
            self.set_text_color(*RED)
        self.text_line(0, 7, self.stamp.text)
        self.set_text_color(*BLACK)
        self.set_font(FAMILY, size=10)
        self.ln(2)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FAMILY, size=8)
        self.set_text_color(*GREY)
        self.cell(0, 5, self.page_words.format(page=self.page_no(), total="{nb}"),
                  align="C")
        self.set_text_color(*BLACK)

    def text_line(self, width: float, height: float, text: str, align: str = "L") -> None:
        """A cell, then the start of the next line."""
        self.cell(width, height, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def text_lines(self, height: float, text: str, align: str = "L") -> None:
        """Wrapped text across the page, then the start of the next line."""
        self.multi_cell(0, height, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def heading(self, text: str, size: int = 16) -> None:
        self.set_font(FAMILY, size=size)
        self.text_line(0, 10, text, align="C")
        self.set_font(FAMILY, size=10)

    def para(self, text: str, size: int = 10, height: float = 6) -> None:
        self.set_font(FAMILY, size=size)
        self.text_lines(height, text)
        self.set_font(FAMILY, size=10)

    def done(self) -> bytes:
        return bytes(self.output())
