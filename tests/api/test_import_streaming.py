"""Reading a spreadsheet holds a chunk of it, not the file (issue 13: large files stream):
`stream_commands` yields the rows' commands a chunk at a time as the file is read, and
the memory read takes does not grow with the number of rows. The import's all-or-nothing
answer over chunks is tested through the CLI in tests/e2e/test_import_chunked.py."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

from openpyxl import Workbook

from api.sheets.columns import kind_of
from api.sheets.readers import Source, open_sheet
from api.sheets.rows import read_commands, stream_commands

HEADER = ["期间", "工号", "姓名", "类别", "项目", "次数", "分钟", "原因"]


def _row(n: int) -> list[str]:
    return ["2026-Q1", f"E{n % 1000:04d}", f"员工{n % 1000}", "deduction", "late", "1",
            str(6 + n % 50), f"第 {n} 次迟到"]


def _csv(path: Path, count: int, *, bad: int | None = None) -> Path:
    with path.open("w", encoding="gb18030", newline="") as out:
        out.write(",".join(HEADER) + "\r\n")
        for n in range(count):
            row = _row(n)
            if n == bad:
                row[6] = "很久"
            out.write(",".join(row) + "\r\n")
    return path


def _xlsx(path: Path, count: int) -> Path:
    book = Workbook(write_only=True)
    ws = book.create_sheet("分数")
    ws.append(HEADER)
    for n in range(count):
        ws.append(_row(n))
    book.save(path)
    return path


def test_a_csv_is_read_a_chunk_at_a_time_and_problems_are_kept(tmp_path: Path) -> None:
    path = _csv(tmp_path / "e.csv", 25, bad=22)
    read, chunks = stream_commands(kind_of("entries"), open_sheet(Source(str(path))),
                                   chunk_rows=10)
    first = next(chunks)
    assert len(first) == 10
    assert read.read == 10  # the rest of the file is not read yet
    assert read.rows == []  # the chunk handed on is not kept
    rest = list(chunks)
    assert [len(chunk) for chunk in rest] == [10, 4]
    assert [row[2] for row in first[:2]] == [2, 3]  # each command keeps its row number
    assert read.read == 25
    assert [(p.where, p.field) for p in read.problems] == [("row 24", "分钟")]
    assert "很久" in read.problems[0].reason


def test_a_workbook_is_read_a_chunk_at_a_time(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "e.xlsx", 12)
    read, chunks = stream_commands(kind_of("entries"), open_sheet(Source(str(path))),
                                   chunk_rows=5)
    assert len(next(chunks)) == 5
    assert read.read == 5
    assert [len(chunk) for chunk in chunks] == [5, 2]
    assert read.header_problems == 0


def test_streamed_and_whole_reads_agree(tmp_path: Path) -> None:
    path = _csv(tmp_path / "e.csv", 30, bad=7)
    sheet = open_sheet(Source(str(path)))
    whole = read_commands(kind_of("entries"), sheet)
    read, chunks = stream_commands(kind_of("entries"), sheet, chunk_rows=4)
    streamed = [row for chunk in chunks for row in chunk]
    assert streamed == whole.rows
    assert read.problems == whole.problems


def _peak(path: Path, chunk_rows: int) -> int:
    """Peak bytes allocated while the file is read, each chunk dropped as it comes."""
    sheet = open_sheet(Source(str(path)))
    tracemalloc.start()
    try:
        read, chunks = stream_commands(kind_of("entries"), sheet, chunk_rows=chunk_rows)
        count = sum(len(chunk) for chunk in chunks)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == read.read
    return peak


def test_reading_memory_does_not_grow_with_the_rows(tmp_path: Path) -> None:
    small = _peak(_csv(tmp_path / "small.csv", 300), 75)
    large = _peak(_csv(tmp_path / "large.csv", 2400), 75)
    # Eight times the rows: holding every command would take about eight times the
    # memory; a chunk at a time takes what a chunk takes, whatever the file's length.
    assert large < 1.5 * small, (small, large)
