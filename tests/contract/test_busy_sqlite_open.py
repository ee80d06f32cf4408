"""A SQLite store held by another writer for longer than the busy timeout: the command
that needs to write at open (the chain's catch-up) reports "busy, retry" (exit 6) and
writes nothing, instead of a raw "database is locked"."""

from __future__ import annotations

import sqlite3
from pathlib import Path

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
