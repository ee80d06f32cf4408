"""The total a workbook import's progress bar counts to (issue 13): the sheet's
<dimension> when it has a believable one, else an estimate from the sheet's size, so a
write-only workbook (no dimension) still shows progress and a sheet that claims
1,048,576 rows does not make a bar of a million."""

from __future__ import annotations

import zipfile
from pathlib import Path

from openpyxl import Workbook

from api.sheets.readers import Source, open_sheet


def _book(path: Path, rows: int, *, write_only: bool) -> Path:
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet("分数") if write_only else book.active
    assert sheet is not None
    sheet.append(["期间", "工号", "类别", "项目", "次数", "分钟", "原因"])
    for n in range(rows):
        sheet.append(["2026-Q1", f"E{n % 1000:04d}", "deduction", "late", 1, 6 + n % 50,
                      f"第 {n} 次"])
    book.save(path)
    return path


def _claims(path: Path, ref: str) -> None:
    """Make the sheet's <dimension> say `ref`, whatever it said."""
    with zipfile.ZipFile(path) as old:
        parts = {name: old.read(name) for name in old.namelist()}
    member = next(name for name in parts if name.startswith("xl/worksheets/sheet"))
    xml = parts[member].decode()
    start = xml.index("<dimension ")
    xml = xml[:start] + f'<dimension ref="{ref}" />' + xml[xml.index(">", start) + 1:]
    parts[member] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for name, data in parts.items():
            new.writestr(name, data)


def test_a_sheet_without_a_dimension_is_sized_from_its_bytes(tmp_path: Path) -> None:
    claimed = open_sheet(Source(str(_book(tmp_path / "wo.xlsx", 6000,
                                          write_only=True)))).claimed_rows
    assert 0.8 * 6001 <= claimed <= 1.2 * 6001, claimed


def test_a_believable_dimension_is_taken_as_it_is(tmp_path: Path) -> None:
    path = _book(tmp_path / "dim.xlsx", 40, write_only=False)
    assert open_sheet(Source(str(path))).claimed_rows == 41


def test_a_sheet_claiming_a_million_rows_gets_the_total_its_bytes_hold(
        tmp_path: Path) -> None:
    path = _book(tmp_path / "claims.xlsx", 3, write_only=False)
    _claims(path, "A1:XFD1048576")
    assert open_sheet(Source(str(path))).claimed_rows == 4
