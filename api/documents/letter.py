"""A decision letter (复核决定书) for one decided appeal: numbered sections of
label-and-text pairs that the use case writes; this module only lays them out."""

from __future__ import annotations

from api.documents.model import Stamp
from api.documents.pdfbase import FAMILY, Page
from domain.records import frozen_record


@frozen_record
class Section:
    heading: str
    lines: list[tuple[str, str]]  # (label, text)


@frozen_record
class Letter:
    title: str  # 复核决定书
    number: str  # the letter's reference, e.g. 复决〔2026〕A-1 号
    sections: list[Section]
    closing: str  # the issuing line (date, Asia/Shanghai)
    english: bool = False  # 1. and ": " instead of 一、 and 「：」
    page_words: str = "第 {page} 页 / 共 {total} 页"


def write_letter(letter: Letter, stamp: Stamp) -> bytes:
    page = Page(letter.title, stamp)
    page.page_words = letter.page_words
    page.set_subject(letter.number)
    page.add_page()
    page.heading(letter.title, size=18)
    page.set_font(FAMILY, size=10)
    page.text_line(0, 6, letter.number, align="C")
    page.ln(4)
    for number, section in enumerate(letter.sections, start=1):
        page.set_font(FAMILY, size=12)
        page.text_line(0, 8, f"{number}. {section.heading}" if letter.english
                       else f"{_ordinal(number)}、{section.heading}")
        page.set_font(FAMILY, size=10)
        colon = ": " if letter.english else "："
        for label, text in section.lines:
            page.text_lines(6, f"{label}{colon}{text}" if label else text)
        page.ln(2)
    page.ln(6)
    page.text_lines(6, letter.closing, align="R")
    return page.done()


def _ordinal(n: int) -> str:
    digits = "零一二三四五六七八九十"
    return digits[n] if n <= 10 else str(n)
