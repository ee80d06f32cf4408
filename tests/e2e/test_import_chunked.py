"""A spreadsheet import larger than a chunk (issue 13: large files stream), through
`jixiao import` on SQLite and PostgreSQL: the file is read a chunk of rows at a time
(api/sheets/rows.py `stream_commands`), yet a bad row anywhere still writes nothing and
every problem is named by row, column and reason; `--skip-bad` records the good rows of
every chunk; a roster's bank columns are sealed chunk by chunk; a merged header cell,
which a workbook names only after its rows, still refuses the file. The chunk is made
small here so that a dozen rows span several."""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import Cli, cli_for
from openpyxl import Workbook

from api.sheets import rows as sheet_rows
from domain import seen_index

SETUP = Path(__file__).parents[1] / "api" / "fixtures" / "example1-setup.jsonl"
ROSTER = ("工号,姓名,科室,职称,入职日期\n"
          "zhang,张三,internal,associate_senior,2020-01-01\n"
          "li,李四,internal,intermediate,2020-01-01\n"
          "wang,王五,internal,practitioner,2020-01-01\n")
HEADER = ["期间", "工号", "类别", "项目", "分钟", "原因"]
PEOPLE = ("zhang", "li", "wang")
CHUNK = 3


@pytest.fixture(autouse=True)
def _small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sheet_rows, "CHUNK_ROWS", CHUNK)
    monkeypatch.setattr(seen_index, "FLUSH", CHUNK)  # what earlier chunks used: on disk


def _ward(store, tmp_path: Path) -> Cli:  # type: ignore[no-untyped-def]
    cli = cli_for(store.backend, store.env)
    cli.ok("apply", str(SETUP))
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    cli.ok("import", "roster", str(roster))
    return cli


def _entries(count: int) -> list[list[str]]:
    """`count` late arrivals, the first and the last alike (two entries, not one)."""
    rows = [["2026-Q1", PEOPLE[n % 3], "deduction", "late", str(10 + n), f"迟到 {n}"]
            for n in range(count)]
    rows[-1] = list(rows[0])
    return rows


def _csv(path: Path, rows: list[list[str]]) -> Path:
    lines = [",".join(HEADER), *(",".join(row) for row in rows)]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("gbk"))
    return path


def test_a_bad_row_in_any_chunk_writes_nothing_and_all_are_named(store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli = _ward(store, tmp_path)
    before = cli.event_count()
    rows = _entries(11)
    rows[1][4] = "十分钟"  # a cell the reader refuses, in the first chunk (row 3)
    rows[9][1] = "zhao"  # a person the ledger does not know, in the fourth (row 11)
    run = cli("import", "entries", str(_csv(tmp_path / "bad.csv", rows)))
    assert run.code == 2, run.err
    assert run.out == ""
    assert "row 3: 分钟: " in run.err
    assert "row 11: 工号: unknown employee 'zhao'" in run.err
    assert run.err.index("row 3:") < run.err.index("row 11:")
    assert cli.event_count() == before


def test_a_file_of_many_chunks_is_recorded_once(store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli = _ward(store, tmp_path)
    path = _csv(tmp_path / "entries.csv", _entries(11))
    run = cli.ok("import", "entries", str(path), "--json").json()
    assert (run["rows"], run["recorded"]) == (11, 11)  # the two alike rows are two entries
    again = cli.ok("import", "entries", str(path), "--json").json()
    assert (again["recorded"], again["already_recorded"]) == (0, 11)


def test_skip_bad_records_the_good_rows_of_every_chunk(store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli = _ward(store, tmp_path)
    before = cli.event_count()
    rows = _entries(11)
    rows[1][4] = "十分钟"
    rows[9][1] = "zhao"
    rejected = tmp_path / "rejected.csv"
    run = cli("import", "entries", str(_csv(tmp_path / "bad.csv", rows)), "--skip-bad",
              "--rejected", str(rejected))
    assert run.code == 0, run.err
    assert cli.event_count() == before + 9
    refused = rejected.read_bytes().decode("gbk").splitlines()
    assert [line.split(",")[1] for line in refused[1:]] == ["li", "zhao"]
    assert "unknown employee" in refused[2]


def test_a_merged_header_refuses_a_workbook_of_many_chunks(store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli = _ward(store, tmp_path)
    before = cli.event_count()
    book = Workbook()
    ws = book.active
    assert ws is not None
    for row in [HEADER, *_entries(10)]:
        ws.append(row)
    ws.merge_cells("E1:F1")
    path = tmp_path / "merged.xlsx"
    book.save(path)
    run = cli("import", "entries", str(path))
    assert run.code == 2
    assert "merged header cells E1:F1" in run.err
    assert cli.event_count() == before


def test_a_roster_of_many_chunks_seals_each_persons_bank_details(store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli = cli_for(store.backend, store.env)
    key = tmp_path / "master.key"
    cli.ok("keys", "master", "--output", str(key))
    cli = Cli({**cli.environ, "JIXIAO_MASTER_KEY_FILE": str(key)})
    cli.ok("apply", str(SETUP))
    people = [f"P{n:02d}" for n in range(8)]
    lines = ["工号,姓名,科室,职称,入职日期,开户行,银行账号",
             *(f"{p},员工{p},internal,practitioner,2020-01-01,中国银行,62170000111{n:05d}"
               for n, p in enumerate(people))]
    path = tmp_path / "roster.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run = cli.ok("import", "roster", str(path), "--json").json()
    assert run["recorded"] == 16  # each hire and its sealed details
    shown = cli.ok("personal", "show", "--employee", "P07", "--json").json()
    assert shown["bank_account"] == "6217000011100007"
    assert "6217000011100007" not in cli.ok("events", "--json", "--limit", "1000").out
    again = cli.ok("import", "roster", str(path), "--json").json()
    assert (again["recorded"], again["already_recorded"]) == (0, 8)
