"""The SQLite recorder stores a row's UUID id as the 32 hex digits eventsourcing has always
written (`UUID.hex`), whatever the id, and a text id as it is (api/storage/sqlite_writes.py)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from uuid import UUID, uuid4

from api.storage.session import open_ledger


def test_row_ids_are_stored_as_uuid_hex(tmp_path: Path) -> None:
    path = tmp_path / "ids.db"
    ids = [UUID(int=0), UUID(int=5), UUID(int=2**128 - 1), uuid4(), uuid4()]
    text = uuid4().hex
    ledger = open_ledger({"PERSISTENCE_MODULE": "eventsourcing.sqlite",
                          "SQLITE_DBNAME": str(path)})
    try:
        positions = ledger.recorder.insert_rows(
            [*[(i, 1, "tests:Nothing", b"{}") for i in ids], (text, 1, "tests:Nothing", b"{}")])
        assert list(positions) == list(range(1, len(ids) + 2))
    finally:
        ledger.close()
    with sqlite3.connect(path) as db:
        stored = [row[0] for row in db.execute(
            "SELECT originator_id FROM stored_events ORDER BY rowid")]
    assert stored == [*[i.hex for i in ids], text]
