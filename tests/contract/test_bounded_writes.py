"""Issue 14, item 4: on PostgreSQL a large batch is written (no psycopg pipeline stall),
and a writer that cannot get the events table's lock is told to retry, never left
waiting."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import psycopg
from builders import cli_for
from psycopg import sql

from api.storage.session import Session

BATCH_ROWS = 20_000


def _write_rows(path: Path, rows: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                    encoding="utf-8")
    return path


def _hires(prefix: str, count: int) -> list[dict[str, str]]:
    return [{"type": "hire_employee", "employee_id": f"{prefix}{n:05d}", "name": f"P{n}",
             "department_id": "internal", "title_grade": "associate_senior",
             "post": "clinical_director", "hired_on": "2020-01-01"} for n in range(count)]


def _department() -> list[dict[str, str]]:
    return [{"type": "adopt_scheme", "scheme": "xinghe-county-hospital"},
            {"type": "define_department", "department_id": "internal", "name": "内科",
             "kind": "clinical", "risk_coefficient": "1", "effective_on": "2026-01-01"}]


def _events_table(env: dict[str, str]) -> sql.Composed:
    return sql.SQL("{}.{}").format(sql.Identifier(env["POSTGRES_SCHEMA"]),
                                   sql.Identifier("jixiao_events"))


def _connect(env: dict[str, str]) -> psycopg.Connection[tuple[object, ...]]:
    return psycopg.connect(dbname=env["POSTGRES_DBNAME"], host=env["POSTGRES_HOST"],
                           port=env["POSTGRES_PORT"], user=env["POSTGRES_USER"],
                           password=env["POSTGRES_PASSWORD"])


def test_a_twenty_thousand_row_apply_completes_and_a_rival_writer_is_not_left_hanging(
        pg_env: dict[str, str], tmp_path: Path) -> None:
    cli = cli_for("postgres", pg_env)
    cli.ok("apply", str(_write_rows(tmp_path / "setup.jsonl", _department())))
    big = _write_rows(tmp_path / "big.jsonl", _hires("e", BATCH_ROWS))
    small = _write_rows(tmp_path / "small.jsonl", _hires("rival", 1))
    results: dict[str, tuple[int, str, float]] = {}

    def apply(name: str, path: Path) -> None:
        started = time.monotonic()
        run = cli("apply", str(path))
        results[name] = (run.code, run.err, time.monotonic() - started)

    big_writer = threading.Thread(target=apply, args=("big", big), daemon=True)
    big_writer.start()
    time.sleep(1.0)
    rival = threading.Thread(target=apply, args=("rival", small), daemon=True)
    rival.start()
    big_writer.join(timeout=420)
    rival.join(timeout=120)
    assert not big_writer.is_alive(), "the 20,000-row apply hung"
    assert not rival.is_alive(), "the second writer hung"
    code, err, _ = results["big"]
    assert code == 0, err
    rival_code, rival_err, _ = results["rival"]
    # It either waited for the lock within the timeout, or it was told to retry.
    assert rival_code in (0, 6), rival_err
    if rival_code == 6:
        assert "retry" in rival_err or "again" in rival_err
    assert cli.event_count() == BATCH_ROWS + 2 + (1 if rival_code == 0 else 0)


def test_a_writer_that_cannot_get_the_lock_is_told_to_retry(
        pg_env: dict[str, str], tmp_path: Path) -> None:
    cli = cli_for("postgres", {**pg_env, "POSTGRES_LOCK_TIMEOUT": "1"})
    cli.ok("apply", str(_write_rows(tmp_path / "setup.jsonl", _department())))
    small = _write_rows(tmp_path / "small.jsonl", _hires("late", 1))
    with _connect(pg_env) as holder:
        holder.execute(sql.SQL("LOCK TABLE {} IN EXCLUSIVE MODE").format(
            _events_table(pg_env)))
        started = time.monotonic()
        run = cli("apply", str(small))
        waited_s = time.monotonic() - started
        holder.rollback()
    assert run.code == 6, run.err
    assert "重试" in run.err
    assert "run the command again" in run.err
    assert waited_s < 15
    assert cli.event_count() == 2  # nothing of the refused batch was written
    cli.ok("apply", str(small))  # and once the lock is free, the retry goes through
    assert cli.event_count() == 3


def test_the_statements_view_takes_the_same_timeouts_and_says_busy(
        pg_env: dict[str, str], tmp_path: Path) -> None:
    """The view's own connection carries POSTGRES_LOCK_TIMEOUT and
    POSTGRES_STATEMENT_TIMEOUT too: a catch-up behind someone holding the view's
    tracking row is told to retry within the lock timeout, not left waiting."""
    env = {**pg_env, "POSTGRES_LOCK_TIMEOUT": "1", "POSTGRES_STATEMENT_TIMEOUT": "7"}
    cli = cli_for("postgres", env)
    cli.ok("apply", str(_write_rows(tmp_path / "setup.jsonl", _department())))
    with Session(env) as session:
        shown = {name: session.view._db.execute(  # type: ignore[attr-defined]
            sql.SQL("SHOW {}").format(sql.Identifier(name))).fetchone()
            for name in ("lock_timeout", "statement_timeout")}
    assert shown == {"lock_timeout": ("1s",), "statement_timeout": ("7s",)}
    cli.ok("apply", str(_write_rows(tmp_path / "hires.jsonl", _hires("v", 2))))
    tracking = sql.SQL("{}.{}").format(sql.Identifier(env["POSTGRES_SCHEMA"]),
                                       sql.Identifier("jixiao_view_tracking"))
    with _connect(env) as holder, holder.transaction():
        holder.execute(sql.SQL("SELECT * FROM {} FOR UPDATE").format(tracking))
        # Released after 10 s: without the timeout the read would wait until then.
        release = threading.Timer(10, holder.cancel)
        release.start()
        started = time.monotonic()
        run = cli("verify")
        waited = time.monotonic() - started
        release.cancel()
    assert run.code == 6, run.err
    assert "again" in run.err
    assert waited < 8, run.err
