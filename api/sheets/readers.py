"""File formats read as a stream of rows, in constant memory: CSV (UTF-8, UTF-8 with a
byte-order mark, GBK, GB18030) and XLSX (openpyxl's read-only mode, one row at a time).

A reader yields raw rows: cell values as the file holds them (text for CSV; text,
numbers, dates, a formula without a cached value for XLSX), each with its 1-based row
number and whether the row is hidden. Files that cannot be read at all raise a
RejectedError naming the file's problem; rows are judged by the caller.
"""

from __future__ import annotations

import codecs
import csv
import gc
import hashlib
import io
import posixpath
import re
import zipfile
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from dataclasses import field
from pathlib import Path
from typing import IO, Any, Literal
from xml.etree.ElementTree import TreeBuilder, XMLPullParser

from defusedxml.common import DefusedXmlException  # type: ignore[import-untyped]
from defusedxml.ElementTree import DefusedXMLParser  # type: ignore[import-untyped]
from defusedxml.ElementTree import fromstring as xml_fromstring
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils.cell import range_boundaries
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet._reader import (
    DATA_TAG,
    DIMENSION_TAG,
    FORMULA_TAG,
    MERGE_TAG,
    ROW_TAG,
    WorkSheetParser,
)
from openpyxl.worksheet.merge import MergeCells
from openpyxl.xml.functions import iterparse  # defusedxml's, as openpyxl reads sheets

from api.sheets import text
from api.sheets.cells import CellError, NoCachedValue, Raw
from api.sheets.templates import LISTS_SHEET
from domain.errors import InvalidRequestError, NotFoundError, Problem, RejectedError
from domain.records import frozen_record, mutable_record

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted OOXML, and old .xls files
ZIP_MAGIC = b"PK\x03\x04"
ENCODINGS = ("utf-8", "utf-8-sig", "gbk", "gb18030")
CHUNK = 1 << 20
XML_CHUNK = 16 << 10  # as `iterparse` feeds its parser
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xltm")  # the names openpyxl opens
Format = Literal["csv", "xlsx"]


@frozen_record
class Source:
    """A file to read: a path on disk, or the bytes of an upload with its file name, or
    an upload spooled to `path` (a temporary file) under the name it was sent with."""

    name: str
    data: bytes | None = None
    path: str | None = None

    def open(self) -> IO[bytes]:
        if self.data is not None:
            return io.BytesIO(self.data)
        try:
            return Path(self.path or self.name).open("rb")
        except FileNotFoundError:
            raise NotFoundError(text.NO_FILE.format(path=self.name)) from None
        except IsADirectoryError:
            raise InvalidRequestError(text.A_DIRECTORY.format(path=self.name)) from None

    def workbook_file(self) -> str | IO[bytes]:
        """What openpyxl opens: the path itself (it closes what it opened), or the bytes.
        An upload spooled to a temporary file is opened here: openpyxl refuses a path
        whose name does not end in .xlsx, and the spool's name is not the upload's."""
        if self.data is not None:
            return io.BytesIO(self.data)
        if self.path is not None and Path(self.path).suffix.lower() not in WORKBOOK_SUFFIXES:
            return Path(self.path).open("rb")
        return self.path or self.name

    def head(self) -> bytes:
        with self.open() as stream:
            return stream.read(8)


@frozen_record
class RawRow:
    number: int  # 1-based: the file's line where a CSV record starts, or the sheet's row
    cells: list[Raw]
    hidden: bool = False


@mutable_record
class SheetFile:
    """One table to read: the format, the encoding or sheet it was read with, what the
    file said about itself (hidden sheets), and after `rows()` ran, its merged cells."""

    source: Source
    format: Format
    encoding: str | None = None
    sheet: str | None = None
    notes: list[str] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)
    claimed_rows: int = 0  # what the file says, for a progress bar only
    digest: str = ""  # CSV: the first 16 hex digits of the bytes' SHA-256
    noted_example: int | None = None  # the row an earlier template's comment calls its example

    def where(self, number: int) -> str:
        return f"row {number}" if self.sheet is None else f"{self.sheet} row {number}"

    def rows(self) -> Iterator[RawRow]:
        if self.format == "csv":
            return _csv_rows(self)
        return _xlsx_rows(self)


def open_sheet(source: Source, *, encoding: str | None = None,
               sheet: str | None = None) -> SheetFile:
    """The table in a file: XLSX when it is a zip (or named .xlsx), CSV otherwise."""
    head = source.head()
    if head.startswith(OLE_MAGIC):
        raise RejectedError([Problem(source.name, "", text.ENCRYPTED)])
    suffix = Path(source.name).suffix.lower()
    if head.startswith(ZIP_MAGIC) or suffix in (".xlsx", ".xlsm"):
        return _open_xlsx(source, sheet)
    if encoding is not None and encoding not in ENCODINGS:
        raise InvalidRequestError(text.NOT_CHOSEN_ENCODING.format(allowed=", ".join(ENCODINGS)))
    chosen, digest, lines = _csv_encoding(source, encoding)
    return SheetFile(source, "csv", encoding=chosen, digest=digest, claimed_rows=lines)


# ---------------------------------------------------------------------------- CSV


def _csv_encoding(source: Source, forced: str | None) -> tuple[str, str, int]:
    """The encoding to read with (a BOM decides; else UTF-8 if every byte decodes, else
    GB18030; `forced` is checked the same way), the bytes' digest and line count (the
    progress bar's total): one streaming pass per encoding tried, so a large file is
    never held whole."""
    with source.open() as stream:
        bom = stream.read(3) == codecs.BOM_UTF8
    candidates = [forced] if forced else (["utf-8-sig"] if bom else ["utf-8", "gb18030"])
    failure: tuple[int, int] | None = None
    for encoding in candidates:
        failure, digest, lines = _decodes(source, encoding)
        if failure is None:
            return encoding, digest, lines
    assert failure is not None
    offset, byte = failure
    message = (text.NOT_ENCODED.format(encoding=forced, offset=offset, byte=byte) if forced
               else text.NOT_TEXT.format(offset=offset))
    raise RejectedError([Problem(source.name, "", message)])


def _decodes(source: Source, encoding: str) -> tuple[tuple[int, int] | None, str, int]:
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    digest = hashlib.sha256()
    offset = lines = 0
    with source.open() as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
            lines += chunk.count(b"\n")
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as error:
                return (offset + max(error.start, 0), chunk[max(error.start, 0)]), "", 0
            offset += len(chunk)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return (offset, 0), "", 0
    return None, digest.hexdigest()[:16], lines


def _csv_rows(sheet: SheetFile) -> Iterator[RawRow]:
    """Records with the line each starts on; blank lines are skipped but counted."""
    assert sheet.encoding is not None
    with sheet.source.open() as stream:
        lines = io.TextIOWrapper(stream, encoding=sheet.encoding, newline="")
        reader = csv.reader(lines, strict=True)
        line = 0
        while True:
            start = line + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                # The reader cannot find the next record boundary reliably: stop here.
                raise RejectedError([Problem(f"row {start}", "",
                                             text.BAD_CSV.format(error=error))]) from None
            line = reader.line_num
            if any(cell.strip() for cell in cells):
                yield RawRow(start, list(cells))


# ---------------------------------------------------------------------------- XLSX


@mutable_record
class _Book:
    """A workbook opened for reading: its archive, shared strings and date styles, and its
    worksheets (name -> state, part). openpyxl's `load_workbook(read_only=True)` would
    size every sheet on opening, and a sheet without a <dimension> (write-only files,
    several tools) is then parsed whole just to be sized; so the reader's steps that
    matter are run here, and a sheet's rows are parsed once. openpyxl's reader and
    workbook are not kept (`_cycles_collected`)."""

    archive: zipfile.ZipFile
    strings: Any  # the shared strings
    epoch: Any
    date_formats: Any
    timedelta_formats: Any
    sheets: dict[str, tuple[str, str]]
    file: str | IO[bytes]  # a stream is ours to close: a zip archive leaves it open

    def close(self) -> None:
        self.archive.close()
        _close(self.file)


def _close(file: str | IO[bytes]) -> None:
    if not isinstance(file, str):
        file.close()


@contextmanager
def _cycles_collected() -> Iterator[None]:
    """openpyxl's reader and workbook (sheets, styles, relationships, each naming its
    parent) are cycles, which reference counting never frees: they are made and let go
    in here, while the collector is off, so all of them are still in its youngest
    generation, which is then collected (a pass over what was made meanwhile). Left to
    the collector, some reached the old generation, and a server's import froze them
    there for good (`gc.freeze` after each chunk, domain/chunked_writes.py; the session's
    `settle`): ≈90 objects a workbook. Nothing is done under a host's pause
    (domain/facts.py `cycle_collection_paused`): its youngest generation is the host's."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.collect(0)
        gc.enable()


def _read_book(source: Source) -> _Book:
    file = source.workbook_file()
    try:
        with _cycles_collected():
            return _opened(file)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError,
            TypeError) as error:
        _close(file)
        raise RejectedError([Problem(source.name, "", text.CORRUPT.format(error=error))]
                            ) from None
    except BaseException:
        _close(file)
        raise


def _opened(file: str | IO[bytes]) -> _Book:
    reader = ExcelReader(file, read_only=True, data_only=True, keep_links=False)
    try:
        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        wb: Any = reader.wb
        apply_stylesheet(reader.archive, wb)
        sheets: dict[str, tuple[str, str]] = {
            sheet.name: (str(sheet.state or "visible"), str(rel.target))
            for sheet, rel in reader.parser.find_sheets()
            if rel.target in reader.valid_files and "chartsheet" not in rel.Type}
    except BaseException:
        reader.archive.close()
        raise
    return _Book(reader.archive, reader.shared_strings, wb.epoch, wb._date_formats,
                 wb._timedelta_formats, sheets, file)


@contextmanager
def _sheet_read(source: Source) -> Iterator[None]:
    """A sheet whose XML does not parse, or declares an entity (refused by defusedxml: a
    billion laughs, an external file), is a damaged file named as one, as a damaged zip
    is (`_read_book`): it was a traceback, and on the server a 500."""
    try:
        yield
    except (SyntaxError, DefusedXmlException) as error:  # ParseError is a SyntaxError
        raise RejectedError([Problem(source.name, "", text.CORRUPT.format(error=error))]
                            ) from None


def _claimed_rows(book: _Book, part: str) -> int:
    """The rows of the sheet, for a progress bar only: the last row its <dimension>
    names, unless the part is too small to hold them (a crafted or stale dimension), or
    when it names none (openpyxl's write-only sheets, among others) the rows its size
    holds at the size of its first rows."""
    estimate, bound = _rows_by_size(book.archive, part)
    with book.archive.open(part) as xml:
        for _, element in iterparse(xml, events=("start",)):
            if element.tag == DIMENSION_TAG:
                try:
                    claimed = int(range_boundaries(element.get("ref", ""))[3] or 0)
                except (ValueError, TypeError):
                    break
                return claimed if 0 < claimed <= bound else estimate
            if element.tag == DATA_TAG:
                break
    return estimate


_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s/>]")
_SAMPLE = 1 << 16
_LEAST_ROW_BYTES = 16  # `<row r="1"/>` and a little: no sheet holds rows in fewer bytes


def _rows_by_size(archive: zipfile.ZipFile, part: str) -> tuple[int, int]:
    """(rows estimated from the part's size and the bytes of its first rows, the most
    rows its size could hold)."""
    size = archive.getinfo(part).file_size
    with archive.open(part) as xml:
        sample = xml.read(_SAMPLE)
    rows = len(_ROW_TAG.findall(sample))
    if rows == 0 or len(sample) >= size:
        return rows, rows
    first = _ROW_TAG.search(sample)
    start = first.start() if first is not None else 0
    per_row = max((len(sample) - start) / rows, _LEAST_ROW_BYTES)
    return int((size - start) / per_row), size // _LEAST_ROW_BYTES


def _open_xlsx(source: Source, wanted: str | None) -> SheetFile:
    book = _read_book(source)
    try:
        states = {name: state for name, (state, _) in book.sheets.items()}
        hidden = [name for name, state in states.items() if state != "visible"]
        notes = []
        if wanted is None:
            visible = [name for name, state in states.items() if state == "visible"]
            if not visible:
                raise RejectedError([Problem(source.name, "", text.NO_VISIBLE_SHEET)])
            wanted = visible[0]
            # Our own template's hidden lists sheet is not news to the clerk who filled it.
            noted = [name for name in hidden if name != LISTS_SHEET]
            if noted:
                notes.append(text.HIDDEN_SHEETS.format(sheets=", ".join(noted)))
        elif wanted not in states:
            raise RejectedError([Problem(source.name, "--sheet", text.NO_SHEET.format(
                sheet=wanted, sheets=", ".join(states)))])
        elif wanted in hidden:
            notes.append(text.HIDDEN_SHEET_CHOSEN.format(sheet=wanted))
        with _sheet_read(source):
            claimed = _claimed_rows(book, book.sheets[wanted][1])
            example = _noted_example(book.archive, book.sheets[wanted][1])
    finally:
        book.close()
    return SheetFile(source, "xlsx", sheet=wanted, notes=notes, claimed_rows=claimed,
                     noted_example=example)


# The comment earlier versions' templates put on their example row's first cell (it said
# to delete the row; left in, it was imported): in either language they were written in.
EXAMPLE_NOTES = frozenset({"example row: delete it before importing", "示例行：导入前请删除"})
_COMMENTS_TYPE = "/relationships/comments"
_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NOTE_CELL = re.compile(r"A(\d+)")


def _noted_example(archive: zipfile.ZipFile, part: str) -> int | None:
    """The row whose first cell carries an earlier template's example comment, if any."""
    folder, name = posixpath.split(part.lstrip("/"))
    rels = posixpath.join(folder, "_rels", f"{name}.rels")
    if rels not in archive.namelist():
        return None
    for relation in xml_fromstring(archive.read(rels)):
        if not str(relation.get("Type", "")).endswith(_COMMENTS_TYPE):
            continue
        target = str(relation.get("Target", ""))
        target = (target.lstrip("/") if target.startswith("/")
                  else posixpath.normpath(posixpath.join(folder, target)))
        if target not in archive.namelist():
            continue
        for comment in xml_fromstring(archive.read(target)).iter(f"{_MAIN_NS}comment"):
            cell = _NOTE_CELL.fullmatch(str(comment.get("ref", "")))
            said = "".join(t.text or "" for t in comment.iter(f"{_MAIN_NS}t")).strip()
            if cell is not None and said in EXAMPLE_NOTES:
                return int(cell.group(1))
    return None


class _Parser(WorkSheetParser):
    """openpyxl's own sheet parser, telling a formula without a cached value and an
    error value apart from an empty cell (read-only mode reads both as None)."""

    def parse(self) -> Generator[Any, None, None]:
        """openpyxl's loop over the sheet for what the reader keeps (rows, their
        attributes, merged cells), over `_sheet_elements`."""
        for element in _sheet_elements(self.source):
            if element.tag == ROW_TAG:
                row = self.parse_row(element)
                element.clear()
                yield row
            elif element.tag == MERGE_TAG:
                self.merged_cells = MergeCells.from_tree(element)
                element.clear()

    def parse_cell(self, element: Any) -> dict[str, Any]:
        cell: dict[str, Any] = super().parse_cell(element)
        if cell["value"] is None and element.find(FORMULA_TAG) is not None:
            cell["value"] = NoCachedValue(element.findtext(FORMULA_TAG) or "")
        elif cell["data_type"] == "e":
            cell["value"] = CellError(str(cell["value"]))
        return cell


def _sheet_elements(xml: Any) -> Iterator[Any]:
    """The sheet's elements as each ends, parsed as openpyxl's `iterparse` parses them
    (defusedxml's parser: no entities, nothing external), without `iterparse` itself: in
    Python 3.11 it makes a class for every call, a cycle that lives while the rows are
    checked, so a server's import froze it (≈10 objects a workbook, `_cycles_collected`)."""
    parser = DefusedXMLParser(target=TreeBuilder(), forbid_dtd=False, forbid_entities=True,
                              forbid_external=True)
    pull: Any = XMLPullParser(events=("end",), _parser=parser)  # (event, element) pairs
    while data := xml.read(XML_CHUNK):
        pull.feed(data)
        for _, element in pull.read_events():
            yield element
    pull.close()
    for _, element in pull.read_events():
        yield element


def _xlsx_rows(sheet: SheetFile) -> Iterator[RawRow]:
    """The sheet's rows as its XML streams past; rows the file leaves out are not made
    up (a sheet that claims a million rows costs only the rows it has). Row attributes
    (hidden) and merged cells are not exposed in read-only mode, so the parser is
    driven here; the pinned openpyxl version keeps these internals stable."""
    book = _read_book(sheet.source)
    try:
        with book.archive.open(book.sheets[sheet.sheet or ""][1]) as xml, _sheet_read(
                sheet.source):
            parser = _Parser(xml, book.strings, data_only=True, epoch=book.epoch,
                             date_formats=book.date_formats,
                             timedelta_formats=book.timedelta_formats)
            for number, cells in parser.parse():
                attributes = parser.row_dimensions.pop(str(number), {})
                hidden = str(attributes.get("hidden", "0")).lower() in ("1", "true")
                values: list[Raw] = []
                for cell in cells:
                    values.extend([None] * (cell["column"] - 1 - len(values)))
                    values.append(cell["value"])
                if hidden or any(v is not None and v != "" for v in values):
                    yield RawRow(number, values, hidden)
            if parser.merged_cells is not None:
                sheet.merged = [str(r.ref) for r in parser.merged_cells.mergeCell]
    finally:
        book.close()
