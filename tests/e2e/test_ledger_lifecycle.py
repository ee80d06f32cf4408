"""A ledger's life outside its events (issue 14, items 5, 9 and 10), on SQLite and
PostgreSQL: no silent empty ledger, `jixiao init` and its time zone, an old statements
table rebuilt, and backup and restore each checked against a signed receipt."""

from __future__ import annotations

import json
import os
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
from builders import GOLDEN, Cli, cli_for
from psycopg import sql

from api.storage import new_ledger
from api.storage.session import Session, postgres_connect_args


def _events(cli: Cli) -> list[dict[str, Any]]:
    return [json.loads(line) for line in cli.ok("events", "--json").out.splitlines()]


def test_a_read_of_a_store_without_a_ledger_fails_and_creates_nothing(store) -> None:  # type: ignore[no-untyped-def]
    cli = cli_for(store.backend, store.env)
    for verb in (("payout", "--period", "2026-Q1"), ("verify",), ("events",),
                 ("reconcile", "--period", "2026-Q1")):
        run = cli(*verb)
        assert run.code == 3, (verb, run.err)
        assert "no ledger at" in run.err
    if store.backend == "sqlite":
        assert not Path(store.env["SQLITE_DBNAME"]).exists()
    else:
        with psycopg.connect(**postgres_connect_args(store.env), autocommit=True) as db:
            tables = db.execute("SELECT count(*) FROM information_schema.tables WHERE "
                                "table_schema = %s", (store.env["POSTGRES_SCHEMA"],))
            assert tables.fetchone() == (0,)


def test_apply_creates_a_missing_ledger_and_says_so(store) -> None:  # type: ignore[no-untyped-def]
    cli = cli_for(store.backend, store.env)
    run = cli.ok("apply", str(GOLDEN / "example-1" / "commands.jsonl"))
    assert "created a new one" in run.err
    run = cli.ok("apply", str(GOLDEN / "example-1" / "commands.jsonl"))  # a retry
    assert "created" not in run.err


def test_the_language_typed_before_the_verb_leaves_it_the_verb(store) -> None:  # type: ignore[no-untyped-def]
    """`--lang en apply …` is an apply (it read "en" as the verb, and refused to create)."""
    cli = cli_for(store.backend, store.env)
    run = cli.ok("--lang", "en", "apply", str(GOLDEN / "example-1" / "commands.jsonl"))
    assert "created a new one" in run.err


def test_init_records_its_settings_and_times_without_a_zone_are_read_in_it(store) -> None:  # type: ignore[no-untyped-def]
    cli = cli_for(store.backend, store.env)
    run = cli.ok("init", "--organisation", "兴和县医院")
    assert "Asia/Shanghai" in run.out
    assert cli("init").code == 4  # never over an existing ledger
    cli.ok("apply", str(GOLDEN / "example-1" / "commands.jsonl"))
    [settings] = [e for e in _events(cli) if e["type"] == "LedgerConfigured"]
    assert (settings["organisation"], settings["time_zone"]) == ("兴和县医院", "Asia/Shanghai")
    last = max(datetime.fromisoformat(e["recorded_at"]) for e in _events(cli))
    # One minute after the last event, written as a UTC wall clock but without a zone:
    # in Shanghai that is eight hours earlier, before anything was recorded.
    typed = (last + timedelta(minutes=1)).replace(tzinfo=None).isoformat(timespec="seconds")
    assert cli("payout", "--period", "2026-Q1", "--as-of", typed).code == 5
    assert cli("payout", "--period", "2026-Q1", "--as-of", typed + "+00:00").code == 0
    assert cli("payout", "--period", "2026-Q1", "--as-of",
               (last + timedelta(hours=8, minutes=1)).replace(tzinfo=None).isoformat()).code == 0


def test_a_new_ledger_needs_a_second_person_to_close_unless_told_otherwise(store) -> None:  # type: ignore[no-untyped-def]
    cli = cli_for(store.backend, store.env)
    run = cli.ok("init")
    assert "a second person approves each close" in run.out
    cli.ok("apply", str(GOLDEN / "example-1" / "commands.jsonl"))
    run = cli.ok("close", "--period", "2026-Q1")
    assert "PeriodClosed" not in [e["type"] for e in _events(cli)]  # only prepared
    assert "ClosePrepared" in [e["type"] for e in _events(cli)]
    assert cli("close", "--period", "2026-Q1", "--approve").code == 1  # the same person
    approver = Cli({**cli.environ, "JIXIAO_ACTOR": "second"})
    approver.ok("close", "--period", "2026-Q1", "--approve")
    closed = [e for e in _events(cli) if e["type"] == "PeriodClosed"]
    assert [e["period"] for e in closed] == ["2026-Q1"]


def test_a_one_person_office_opts_out_and_the_ledger_says_so(tmp_path: Path) -> None:
    cli = Cli({"JIXIAO_DB": str(tmp_path / "one.db"), "JIXIAO_ACTOR": "test"})
    assert "one person closes a period" in cli.ok("init", "--one-person-close").out
    [setting] = [e for e in _events(cli) if e["type"] == "CloseApprovalSet"]
    assert setting["required"] is False
    cli.ok("apply", str(GOLDEN / "example-1" / "commands.jsonl"))
    cli.ok("close", "--period", "2026-Q1")
    assert [e["type"] for e in _events(cli)][-1] == "PeriodClosed"


def test_init_refuses_an_unknown_time_zone(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    run = Cli({"JIXIAO_ACTOR": "test"})("init", "--db", str(path), "--time-zone", "Mars/Base")
    assert run.code == 2
    assert "Mars/Base" in run.err
    assert not path.exists()


def test_init_refused_half_way_leaves_no_ledger_behind(tmp_path: Path) -> None:
    """The settings' own check refused the organisation after the store was opened: an
    empty ledger was left at the path, which every later verb took for one."""
    path = tmp_path / "new.db"
    run = Cli({"JIXIAO_ACTOR": "test"}, lang="en")(
        "init", "--db", str(path), "--organisation", "院" * 501)
    assert run.code == 2, run.err
    assert "organisation" in run.err
    assert "nothing was written" in run.err
    assert sorted(p.name for p in tmp_path.iterdir()) == []
    again = Cli({"JIXIAO_ACTOR": "test"}, lang="en")("events", "--db", str(path))
    assert again.code == 3
    assert f"no ledger at {path}" in again.err


def test_init_never_writes_its_settings_into_a_ledger_made_meanwhile(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`apply` made a ledger at the path after init found none there: init's settings
    went into that ledger, as if the organisation had configured it. Now init is refused
    and that ledger is kept as it was."""
    path = tmp_path / "new.db"
    link = os.link
    theirs = Cli({"JIXIAO_DB": str(path), "JIXIAO_ACTOR": "other"})

    def made_meanwhile(source: Any, target: Any) -> None:
        if Path(target) == path and not path.exists():  # just before init's link
            monkeypatch.setattr(new_ledger.os, "link", link)  # the other's own link
            theirs.ok("apply", str(GOLDEN / "example-1" / "commands.jsonl"))
        link(source, target)

    monkeypatch.setattr(new_ledger.os, "link", made_meanwhile)
    run = Cli({"JIXIAO_ACTOR": "test"}, lang="en")(
        "init", "--db", str(path), "--organisation", "兴和县医院")
    assert run.code == 4, run.err
    assert f"another process made a ledger at {path}" in run.err
    assert "ledger created" not in run.out
    monkeypatch.undo()
    types = [event["type"] for event in _events(theirs)]
    assert len(types) == 20
    assert "LedgerConfigured" not in types
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.db"]


def test_init_says_once_that_it_made_the_ledger(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    run = Cli({"JIXIAO_ACTOR": "test"}, lang="en")("init", "--db", str(path))
    assert run.code == 0, run.err
    assert run.out.startswith(f"ledger created at {path}")
    assert "created a new one" not in run.err  # the session's own notice, said by init
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.db"]


def test_a_statements_table_from_an_older_version_is_rebuilt(store) -> None:  # type: ignore[no-untyped-def]
    cli = cli_for(store.backend, store.env)
    cli.ok("apply", str(GOLDEN / "example-1" / "commands.jsonl"))
    honest = cli.payout("2026-Q1")
    old = ("CREATE TABLE {} (period TEXT PRIMARY KEY, status TEXT NOT NULL, "
           "body TEXT NOT NULL, sha256 TEXT NOT NULL)")
    if store.backend == "sqlite":
        with sqlite3.connect(store.env["SQLITE_DBNAME"]) as db:
            db.execute("DROP TABLE jixiao_statements")
            db.execute(old.format("jixiao_statements"))
            db.execute("INSERT INTO jixiao_statements VALUES ('2026-Q1', 'ok', '{}', 'x')")
        db.close()
    else:
        table = sql.Identifier(store.env["POSTGRES_SCHEMA"], "jixiao_statements")
        with psycopg.connect(**postgres_connect_args(store.env), autocommit=True) as db:
            db.execute(sql.SQL("DROP TABLE {}").format(table))
            db.execute(sql.SQL(old).format(table))
            db.execute(sql.SQL("INSERT INTO {} VALUES ('2026-Q1', 'ok', '{{}}', 'x')")
                       .format(table))
    run = cli.ok("payout", "--period", "2026-Q1", "--json")
    assert run.json() == honest
    assert run.err == ""
    assert cli.ok("verify").out.startswith("chain intact")
    with Session(store.env) as session:
        row = session.view.get("2026-Q1")
        assert row is not None
        assert row.position == session.ledger.max_position()


# ------------------------------------------------------------------ backup and restore


def _closed(tmp_path: Path) -> tuple[Cli, str, Path]:
    """A SQLite ledger with two closed quarters, a receipt from the second close."""
    db = tmp_path / "ledger.db"
    cli = Cli({"JIXIAO_DB": str(db), "JIXIAO_ACTOR": "test"})
    cli.ok("keys", "new", "--output", str(tmp_path / "keys"))
    signing = Cli({**cli.environ, "JIXIAO_SIGNING_KEY": str(tmp_path / "keys" /
                                                            "jixiao-signing.pem")})
    signing.ok("init", "--one-person-close")  # each close here is one step
    signing.ok("apply", str(GOLDEN / "example-3" / "commands.jsonl"))
    signing.ok("close", "--period", "2026-Q1")
    signing.ok("close", "--period", "2026-Q2")
    [receipt] = (tmp_path / "keys").glob("receipt-2026-Q2-*.json")
    return cli, str(tmp_path / "keys" / "jixiao-signing.pub.pem"), receipt


def test_backup_then_restore_verifies_and_recomputes_every_closed_statement(
        tmp_path: Path) -> None:
    cli, public, receipt = _closed(tmp_path)
    closes = {e["period"]: e["statement_sha256"] for e in _events(cli)
              if e["type"] == "PeriodClosed"}
    backup = tmp_path / "backup.db"
    run = cli.ok("backup", "--output", str(backup), "--expect", str(receipt),
                 "--public-key", public)
    assert "matches the signed receipt" in run.out
    restored = tmp_path / "restored.db"
    run = Cli({"JIXIAO_ACTOR": "test"}).ok(
        "restore", str(backup), "--db", str(restored), "--expect", str(receipt),
        "--public-key", public, "--json")
    report = run.json()
    assert report["ok"] is True
    assert report["chain"]["ok"] is True
    assert {c["period"]: c["recomputed_sha256"] for c in report["closed"]} == closes
    assert len(closes) == 2
    copy = Cli({"JIXIAO_DB": str(restored), "JIXIAO_ACTOR": "test"})
    assert copy.payout("2026-Q2") == cli.payout("2026-Q2")


def test_restore_never_overwrites_and_refuses_what_is_not_a_backup(tmp_path: Path) -> None:
    cli, _, _ = _closed(tmp_path)
    backup = tmp_path / "backup.db"
    cli.ok("backup", "--output", str(backup))
    assert cli("backup", "--output", str(backup)).code == 4
    run = Cli({"JIXIAO_ACTOR": "test"})("restore", str(backup), "--db",
                                         str(tmp_path / "ledger.db"))
    assert run.code == 4
    assert "exists already" in run.err
    text = tmp_path / "notes.txt"
    text.write_text("hello", encoding="utf-8")
    run = Cli({"JIXIAO_ACTOR": "test"})("restore", str(text), "--db", str(tmp_path / "n.db"))
    assert run.code == 2
    assert "not a SQLite ledger backup" in run.err


def test_restore_refuses_a_damaged_file_and_another_programs_database(
        tmp_path: Path) -> None:
    """A file with SQLite's header and unreadable pages was sqlite3's traceback (exit 1);
    another program's database was restored as a ledger of 0 events, "chain intact",
    with its own tables beside ours. Both are refused naming the file, nothing made."""
    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\x10\x00\x01\x01" + b"x" * 4000)
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE notes (body TEXT)")
        db.execute("INSERT INTO notes VALUES ('hello')")
    db.close()
    for backup in (damaged, other):
        target = tmp_path / f"from-{backup.stem}" / "ledger.db"
        target.parent.mkdir()
        for lang, words in ((None, "不是 SQLite 账本备份"), ("en", "not a SQLite ledger backup")):
            run = Cli({"JIXIAO_ACTOR": "test"}, lang=lang)("restore", str(backup), "--db",
                                                          str(target))
            assert run.code == 2, run.err
            assert words in run.err
            assert str(backup) in run.err
            assert "Traceback" not in run.err
            assert list(target.parent.iterdir()) == []


def test_a_tampered_backup_fails_its_check_on_restore(tmp_path: Path) -> None:
    cli, public, receipt = _closed(tmp_path)
    backup = tmp_path / "backup.db"
    cli.ok("backup", "--output", str(backup))
    with sqlite3.connect(backup) as db:
        db.execute("DELETE FROM jixiao_chain_tracking")
        db.execute("DELETE FROM jixiao_chain")
        db.execute("DELETE FROM stored_events WHERE rowid = (SELECT max(rowid) FROM "
                   "stored_events)")
    db.close()
    run = Cli({"JIXIAO_ACTOR": "test"})("restore", str(backup), "--db",
                                         str(tmp_path / "restored.db"), "--expect",
                                         str(receipt), "--public-key", public)
    assert run.code == 1, run.err
    assert "receipt:" in run.out


def test_a_postgres_backup_points_to_pg_dump(pg_env) -> None:  # type: ignore[no-untyped-def]
    cli = cli_for("postgres", pg_env)
    cli.ok("init")
    run = cli("backup", "--output", "/tmp/never-written.db")
    assert run.code == 2
    assert "pg_dump" in run.err
    assert not Path("/tmp/never-written.db").exists()


def test_a_closed_statement_unlike_its_close_reads_in_the_readers_language(
        tmp_path: Path) -> None:
    """The three hashes of a closed period that does not recompute, worded by the CLI
    (Chinese by default); --json keeps them as data."""
    cli, _, _ = _closed(tmp_path)
    backup = tmp_path / "backup.db"
    cli.ok("backup", "--output", str(backup))
    with sqlite3.connect(backup) as db:  # an edited row: the copy serves another body
        db.execute("UPDATE jixiao_statements SET body = replace(body, '\"notes\":[', "
                   "'\"notes\":[\"paid in full\",') WHERE period = '2026-Q1'")
    db.close()
    run = Cli({"JIXIAO_ACTOR": "test"}, lang=None)("restore", str(backup), "--db",
                                                  str(tmp_path / "restored.db"))
    assert run.code == 1, run.err
    [line] = [line for line in run.out.splitlines() if line.startswith("  2026-Q1")]
    assert line.startswith("  2026-Q1: 不一致：重新计算为 "), line
    assert "served" not in line
    assert "recorded" not in line
