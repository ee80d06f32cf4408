"""The CJK font parsed once per process and lent to every PDF.

fpdf2 parses a TrueType font on `add_font` (fontTools reads the glyph table, the glyph
names and the widths of every character: about 0.25 s of CPU for Zen Hei), and a run
writes one PDF per department, so parsing it for each file was most of a payslip run's
time. fpdf2 already shares a parsed font between FPDF objects for its FPDFRecorder
(`TTFFont.__deepcopy__` shares the character map, widths and glyph ids); this module
shares the same read-only parts. What a document changes gets a fresh copy: the subset
map, the missing glyphs, the font descriptor (its object id and subset name are set on
output) and the fontTools font itself, which fpdf2 subsets in place when the PDF is
written; it is opened lazily from the file (a cheap open; the subsetter reads the tables
it needs), so the written bytes are those of the font added to that document alone.
The layout tables fpdf2 drops when it subsets (GSUB, GPOS, GDEF) are dropped from that
copy before: fontTools' subsetter would decode them first (a sixth of writing a PDF)."""

from __future__ import annotations

import copy
from functools import lru_cache
from pathlib import Path

from fontTools import ttLib  # type: ignore[import-untyped]
from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont

# fpdf2's output drops these from every subset (fpdf/output.py, `options.drop_tables`);
# jixiao does not shape text with HarfBuzz, which would read the file, not this copy.
_DROPPED_BY_FPDF = ("GDEF", "GPOS", "GSUB")


@lru_cache(maxsize=4)
def _parsed(path: Path) -> TTFFont | None:
    """The font parsed once; None for fonts the copies would not reproduce: outlines
    not in a glyph table, colour glyphs, or a missing .notdef glyph (fpdf2 draws one
    into its parse, which a fresh open of the file would not carry)."""
    pristine = _opened(path, 0)
    if "glyf" not in pristine or ".notdef" not in pristine["glyf"]:
        return None
    scratch = FPDF()
    scratch.add_font("cjk", "", str(path))
    font = scratch.fonts["cjk"]
    if not isinstance(font, TTFFont) or font.color_font is not None:
        return None
    return font


def _opened(path: Path, number: int) -> ttLib.TTFont:
    # A lazy open reads only the table directory; tables decode when first asked for.
    return ttLib.TTFont(str(path), recalcTimestamp=False, fontNumber=number, lazy=True)


def add_cjk_font(pdf: FPDF, family: str, path: Path) -> None:
    """`pdf.add_font(family, "", path)`, reusing this process's parse of the file."""
    template = _parsed(path)
    if template is None:
        pdf.add_font(family, "", str(path))
        return
    font = copy.copy(template)
    font.i = len(pdf.fonts) + 1
    font.fontkey = family.lower()
    font.ttfont = _opened(path, template.collection_font_number)
    for tag in _DROPPED_BY_FPDF:
        if tag in font.ttfont:
            del font.ttfont[tag]
    font._hbfont = None
    font.desc = copy.copy(template.desc)
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    font.subset = SubsetMap(font)
    pdf.fonts[font.fontkey] = font
