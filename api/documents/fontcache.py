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
The first document gets the parse's own fontTools font (its tables are decoded already
and nothing else reads them), so a process writing one PDF pays for one parse as before.
The layout tables fpdf2 drops when it subsets (GSUB, GPOS, GDEF) are dropped from that
copy before: fontTools' subsetter would decode them first (a sixth of writing a PDF)."""

from __future__ import annotations

import copy
import threading
from functools import lru_cache
from pathlib import Path

from fontTools import ttLib  # type: ignore[import-untyped]
from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont

from domain.records import mutable_record

# fpdf2's output drops these from every subset (fpdf/output.py, `options.drop_tables`);
# jixiao does not shape text with HarfBuzz, which would read the file, not this copy.
_DROPPED_BY_FPDF = ("GDEF", "GPOS", "GSUB")


@mutable_record
class _Parse:
    template: TTFFont
    spare: ttLib.TTFont | None  # the parse's decoded font, until a document takes it
    lock: threading.Lock


@lru_cache(maxsize=4)
def _parsed(path: Path) -> _Parse | None:
    """The font parsed once; None for fonts the copies would not reproduce: outlines
    not in a glyph table, colour glyphs, or a missing .notdef glyph (fpdf2 draws one
    into its parse, one glyph more than the file has, which a fresh open would lack)."""
    scratch = FPDF()
    scratch.add_font("cjk", "", str(path))
    font = scratch.fonts["cjk"]
    if not isinstance(font, TTFFont) or font.color_font is not None:
        return None
    tables = font.ttfont
    if "glyf" not in tables or len(tables["glyf"].glyphs) != tables["maxp"].numGlyphs:
        return None
    return _Parse(font, tables, threading.Lock())


def add_cjk_font(pdf: FPDF, family: str, path: Path) -> None:
    """`pdf.add_font(family, "", path)`, reusing this process's parse of the file."""
    parse = _parsed(path)
    if parse is None:
        pdf.add_font(family, "", str(path))
        return
    template = parse.template
    with parse.lock:
        tables, parse.spare = parse.spare, None
    font = copy.copy(template)
    font.i = len(pdf.fonts) + 1
    font.fontkey = family.lower()
    # A lazy open reads only the table directory; tables decode when first asked for.
    font.ttfont = tables or ttLib.TTFont(str(path), recalcTimestamp=False,
                                         fontNumber=template.collection_font_number,
                                         lazy=True)
    for tag in _DROPPED_BY_FPDF:
        if tag in font.ttfont:
            del font.ttfont[tag]
    font._hbfont = None
    font.desc = copy.copy(template.desc)
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    font.subset = SubsetMap(font)
    pdf.fonts[font.fontkey] = font
