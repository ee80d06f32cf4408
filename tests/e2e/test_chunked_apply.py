"""`jixiao apply` of a file longer than a chunk (issue 18, target 3): read, checked and
saved a chunk at a time, in one transaction. The chunk is made a few lines long here so
that small files cross chunk boundaries; every answer must be the one a single batch
gives: the same events, the same problems by line, nothing written on a bad line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from builders import GOLDEN, cli_for

from api.usecases import streaming
from domain import seen_index

CHUNK = 3


@pytest.fixture
def chunked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(streaming, "CHUNK_ROWS", CHUNK)
    monkeypatch.setattr(seen_index, "FLUSH", CHUNK)  # what earlier chunks used: on disk


def _write(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                    encoding="utf-8")
    return path


def _setup() -> list[dict[str, Any]]:
    return [{"type": "adopt_scheme", "scheme": "xinghe-county-hospital"},
            {"type": "define_department", "department_id": "internal", "name": "内科",
             "kind": "clinical", "risk_coefficient": "1", "effective_on": "2026-01-01"}]


def _hire(employee_id: str, department_id: str = "internal") -> dict[str, Any]:
    return {"type": "hire_employee", "employee_id": employee_id, "name": employee_id,
            "department_id": department_id, "title_grade": "practitioner",
            "hired_on": "2020-01-01"}


def _late(employee_id: str, minutes: int) -> dict[str, Any]:
    return {"type": "record_deduction", "period": "2026-Q1", "employee_id": employee_id,
            "kind": "late", "count": "1", "minutes": str(minutes), "reason": "迟到"}


def _events(cli: Any) -> list[dict[str, Any]]:
    """The event history without the time it was recorded (the only field two runs of
    the same file may differ in)."""
    shown = [json.loads(line) for line in
             cli.ok("events", "--json", "--limit", "100000").out.splitlines()]
    return [{k: v for k, v in event.items() if k != "recorded_at"} for event in shown]


def test_a_chunked_apply_records_what_one_batch_records(store, chunked, tmp_path) -> None:  # type: ignore[no-untyped-def]
    whole = cli_for("sqlite", {"SQLITE_DBNAME": str(tmp_path / "whole.db")})
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(streaming, "CHUNK_ROWS", 10_000)
        whole.ok("apply", str(GOLDEN / "example-1" / "commands.jsonl"))
    cli = cli_for(store.backend, store.env)
    run = cli.ok("apply", str(GOLDEN / "example-1" / "commands.jsonl"))
    assert "recorded 20 event(s)" in run.out
    assert _events(cli) == _events(whole)
    assert cli.payout("2026-Q1") == whole.payout("2026-Q1")
    again = cli.ok("apply", str(GOLDEN / "example-1" / "commands.jsonl"))
    assert "recorded 0 event(s); 20 already recorded" in again.out


def test_a_bad_line_in_the_last_chunk_writes_nothing_and_every_problem_is_named(
        store, chunked, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli = cli_for(store.backend, store.env)
    cli.ok("apply", str(_write(tmp_path / "setup.jsonl", _setup())))
    before = _events(cli)
    rows = [_hire("a"), _hire("b"), _late("a", 10), _late("b", 10), _hire("c"),
            {"type": "record_deduction", "period": "2026-Q5", "employee_id": "a",
             "kind": "late"},
            _late("c", 12), _late("nobody", 12), _late("a", 20)]
    run = cli("apply", str(_write(tmp_path / "bad.jsonl", rows)))
    assert run.code == 2, run.err
    assert "nothing was written" in run.err
    assert "line 6: period: '2026-Q5' is not a period" in run.err
    assert "line 8: employee_id: unknown employee 'nobody'" in run.err
    assert run.err.index("line 6") < run.err.index("line 8")
    assert "line 3" not in run.err  # checked against a and c, taken in by earlier chunks
    assert "line 7" not in run.err
    assert _events(cli) == before
    # The ledger read after the refusal stands where the store does: the good lines go in
    # after it, as into a ledger that never saw the refused file.
    good = _write(tmp_path / "good.jsonl", [r for n, r in enumerate(rows, 1) if n not in (6, 8)])
    assert "recorded 7 event(s)" in cli.ok("apply", str(good)).out
    fresh = cli_for("sqlite", {"SQLITE_DBNAME": str(tmp_path / "fresh.db")})
    fresh.ok("apply", str(tmp_path / "setup.jsonl"))
    fresh.ok("apply", str(good))
    assert _events(cli) == _events(fresh)


def test_a_refused_hire_brings_no_cascade_in_later_chunks(store, chunked, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli = cli_for(store.backend, store.env)
    cli.ok("apply", str(_write(tmp_path / "setup.jsonl", _setup())))
    rows = [_hire("a"), _hire("x", department_id="nowhere"), _hire("b"),
            _late("x", 10), _late("x", 30), _late("a", 10)]
    run = cli("apply", str(_write(tmp_path / "bad.jsonl", rows)))
    assert run.code == 2, run.err
    assert "line 2: department_id" in run.err
    assert "unknown employee" not in run.err, run.err


def test_a_key_used_twice_across_chunks_is_named_with_its_first_line(
        store, chunked, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli = cli_for(store.backend, store.env)
    cli.ok("apply", str(_write(tmp_path / "setup.jsonl", _setup())))
    rows = [_hire("a"), {**_late("a", 10), "idempotency_key": "k"}, _hire("b"), _hire("c"),
            {**_late("a", 10), "idempotency_key": "k"}]
    run = cli("apply", str(_write(tmp_path / "twice.jsonl", rows)))
    assert run.code == 2, run.err
    assert "line 5: idempotency_key: the same key as line 2" in run.err


def test_a_file_that_is_not_utf8_names_its_byte_in_a_later_chunk(
        sqlite_env, chunked, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli = cli_for("sqlite", sqlite_env)
    cli.ok("apply", str(_write(tmp_path / "setup.jsonl", _setup())))
    path = _write(tmp_path / "gbk.jsonl", [_hire("a"), _hire("b"), _hire("c"), _hire("d")])
    good = path.read_bytes()
    line = json.dumps(_hire("张"), ensure_ascii=False).encode("gbk") + b"\n"
    path.write_bytes(good + line)
    run = cli("apply", str(path))
    assert run.code == 2, run.err
    assert f"byte {len(good) + line.index('张'.encode('gbk'))}:" in run.err, run.err
    assert "not UTF-8" in run.err
    assert cli.event_count() == 2


def test_a_long_import_is_chunked_and_a_bad_row_anywhere_writes_nothing(
        store, chunked, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli = cli_for(store.backend, store.env)
    cli.ok("apply", str(_write(tmp_path / "setup.jsonl",
                               [*_setup(), _hire("E1"), _hire("E2")])))
    before = _events(cli)
    header = "期间,工号,类别,项目,次数,分钟,原因\n"
    lines = [f"2026-Q1,E{1 + n % 2},deduction,late,1,{10 + n},迟到\n" for n in range(8)]
    bad = tmp_path / "bad.csv"
    bad.write_text(header + "".join(lines[:7]) + "2026-Q1,E9,deduction,late,1,10,迟到\n",
                   encoding="utf-8")
    run = cli("import", "entries", str(bad))
    assert run.code == 2, run.err
    assert "row 9" in run.err, run.err
    assert "unknown employee 'E9'" in run.err, run.err
    assert _events(cli) == before
    good = tmp_path / "good.csv"
    good.write_text(header + "".join(lines), encoding="utf-8")
    assert "8" in cli.ok("import", "entries", str(good)).out
    assert len(_events(cli)) == len(before) + 8
    again = cli.ok("import", "entries", str(good)).out  # content keys: recorded once
    assert len(_events(cli)) == len(before) + 8, again
