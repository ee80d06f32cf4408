"""A SQLite store held by another writer for longer than the busy timeout: the command
that needs to write at open (the chain's catch-up) reports "busy, retry" (exit 6) and
writes nothing, instead of a raw "database is locked"."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest

from api.storage.session import Session
from tests.builders import Cli


def test_a_store_held_by_another_writer_is_busy_not_a_crash(tmp_path: Path) -> None:
    db = tmp_path / "ledger.db"
    cli = Cli({"JIXIAO_DB": str(db), "JIXIAO_ACTOR": "test"})
    cli.ok("init", "--one-person-close")
    events_before = cli.event_count()
    holder = sqlite3.connect(db, timeout=0)
    holder.execute("BEGIN IMMEDIATE")  # another process writing, and not letting go
    try:
        run = cli("verify")
    finally:
        holder.rollback()
        holder.close()
    assert run.code == 6, run.err
    assert "Another writer holds the ledger" in run.err
    assert cli.event_count() == events_before


def test_opening_a_new_store_waits_for_a_lock_held_at_the_wal_switch(tmp_path: Path) -> None:
    """SQLite refuses `PRAGMA journal_mode=WAL` at once, without its busy handler, while
    another connection holds a lock: a second process opening the same new store at that
    moment failed its open. The open now waits for the lock like any other write."""
    db = tmp_path / "ledger.db"
    holder = sqlite3.connect(db, timeout=0, isolation_level=None, check_same_thread=False)
    holder.execute("CREATE TABLE other_writer (x)")  # a file still in rollback-journal mode
    holder.execute("BEGIN IMMEDIATE")
    plain = sqlite3.connect(db, timeout=5, isolation_level=None)
    try:
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            plain.execute("PRAGMA journal_mode=WAL")  # what eventsourcing does at open
    finally:
        plain.close()
    release = threading.Timer(0.5, holder.rollback)
    release.start()
    try:
        started = time.monotonic()
        with Session({"PERSISTENCE_MODULE": "eventsourcing.sqlite",
                      "SQLITE_DBNAME": str(db)}) as session:
            assert session.ledger.max_position() == 0
        assert time.monotonic() - started >= 0.4  # it waited for the holder, then opened
    finally:
        release.join()
        holder.close()
    with sqlite3.connect(db) as check:
        assert check.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
