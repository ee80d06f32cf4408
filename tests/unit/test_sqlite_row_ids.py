"""The SQLite recorder stores a row's UUID id as the 32 hex digits eventsourcing has always
written (`UUID.hex`), whatever the id, and a text id as it is, and a body as the same BLOB
(api/storage/sqlite_writes.py)."""

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


def test_row_bodies_are_stored_as_the_same_blob(tmp_path: Path) -> None:
    # The recorder binds each body as a bytearray (sqlite_writes.py): the column must
    # still hold the very bytes, as a BLOB, and read back as bytes.
    path = tmp_path / "bodies.db"
    bodies = [b"{}", b'{"a":"\xe4\xb8\xad"}', bytes(range(256)), b""]
    ledger = open_ledger({"PERSISTENCE_MODULE": "eventsourcing.sqlite",
                          "SQLITE_DBNAME": str(path)})
    try:
        ledger.recorder.insert_rows([(uuid4(), 1, "tests:Nothing", body) for body in bodies])
    finally:
        ledger.close()
    with sqlite3.connect(path) as db:
        stored = list(db.execute("SELECT state, typeof(state) FROM stored_events ORDER BY rowid"))
    assert stored == [(body, "blob") for body in bodies]
    assert all(type(state) is bytes for state, _ in stored)
