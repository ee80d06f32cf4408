"""Which SQLite ledgers are read without writing, and by which URI (api/storage/
read_only.py); and the refusals of a path that opens no ledger (api/storage/busy.py).
The suite runs as root, whom `os.access` never refuses: a file or folder without any
write bit is read-only for root too; one that only this user may not write is stood in
for by `writable`'s answer."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from api.storage import read_only as module
from api.storage.busy import sqlite_unopenable
from api.storage.read_only import (
    READ_ONLY_SETTING,
    ReadOnlyCopy,
    read_only,
    read_only_ledger,
    read_uri,
)
from domain.errors import InvalidRequestError, ReadOnlyStoreError


def _env(path: Path, **more: str) -> dict[str, str]:
    return {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(path), **more}


def _wal_ledger(path: Path) -> Path:
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE stored_events (originator_id TEXT, originator_version "
                   "INTEGER, topic TEXT, state BLOB, PRIMARY KEY (originator_id, "
                   "originator_version))")
    db.close()
    return path


def test_only_an_existing_file_that_may_not_be_written_is_read_only(tmp_path: Path,
                                                                    monkeypatch) -> None:  # type: ignore[no-untyped-def]
    path = _wal_ledger(tmp_path / "ledger.db")
    assert not read_only(_env(path))
    assert read_only(_env(path, **{READ_ONLY_SETTING: "1"}))
    assert not read_only(_env(path, **{READ_ONLY_SETTING: "0"}))
    assert not read_only(_env(tmp_path / "missing.db", **{READ_ONLY_SETTING: "1"}))
    assert not read_only(_env(tmp_path, **{READ_ONLY_SETTING: "1"}))  # a folder
    assert not read_only({"PERSISTENCE_MODULE": "eventsourcing.postgres"})
    path.chmod(0o444)  # nobody may write it: root neither
    assert read_only(_env(path))
    path.chmod(0o200)  # its owner may
    assert not read_only(_env(path))
    tmp_path.chmod(0o555)  # nor may anyone make a journal beside it
    try:
        assert read_only(_env(path))
    finally:
        tmp_path.chmod(0o755)
    monkeypatch.setattr(module, "writable", lambda _: False)
    assert read_only(_env(path))


def test_a_read_only_folder_without_shm_opens_the_file_immutable_only_without_frames(
        tmp_path: Path) -> None:
    path = _wal_ledger(tmp_path / "ledger.db")
    uri = path.resolve().as_uri()
    assert read_uri(path, folder_writable=True) == f"{uri}?mode=ro"
    assert read_uri(path, folder_writable=False) == f"{uri}?mode=ro&immutable=1"
    Path(f"{path}-wal").write_bytes(b"")  # an empty WAL holds nothing the file lacks
    assert read_uri(path, folder_writable=False) == f"{uri}?mode=ro&immutable=1"
    Path(f"{path}-shm").write_bytes(b"")  # SQLite reads beside a -shm that is there
    assert read_uri(path, folder_writable=False) == f"{uri}?mode=ro"
    Path(f"{path}-shm").unlink()
    Path(f"{path}-wal").write_bytes(b"frames")
    with pytest.raises(InvalidRequestError, match="its -wal file holds writes"):
        read_uri(path, folder_writable=False)
    Path(f"{path}-wal").unlink()
    Path(f"{path}-journal").write_bytes(b"a hot journal")  # never read past: plain mode=ro
    assert read_uri(path, folder_writable=False) == f"{uri}?mode=ro"


def test_the_copy_reads_the_ledger_and_refuses_writes_leaving_the_file_as_it_was(
        tmp_path: Path) -> None:
    path = _wal_ledger(tmp_path / "ledger.db")
    before = path.read_bytes()
    copy = ReadOnlyCopy(_env(path, **{READ_ONLY_SETTING: "1"}))
    try:
        ledger = read_only_ledger(copy.env)
        assert ledger is not None
        assert ledger.max_position() == 0
        for write in (ledger.record, ledger.save, ledger.recorder.insert_events):
            with pytest.raises(ReadOnlyStoreError, match=f"the ledger {path} is read-only"):
                write([])
        ledger.close()
    finally:
        copy.close()
    assert path.read_bytes() == before
    assert read_only_ledger(_env(path)) is None  # a writable ledger's env names no copy


def test_a_path_that_opens_no_ledger_is_bad_input_not_busy(tmp_path: Path) -> None:
    unopenable = sqlite_unopenable(sqlite3.OperationalError("unable to open database file"),
                                   str(tmp_path))
    assert type(unopenable) is InvalidRequestError
    garbage = sqlite_unopenable(sqlite3.DatabaseError("file is not a database"), "x.txt")
    assert type(garbage) is InvalidRequestError
    refused = sqlite_unopenable(
        sqlite3.OperationalError("attempt to write a readonly database"), "a.db")
    assert type(refused) is ReadOnlyStoreError
    assert sqlite_unopenable(sqlite3.OperationalError("database is locked"), "a.db") is None


@pytest.mark.parametrize("journal", ["wal", "delete"])
def test_a_ledger_in_a_folder_that_may_not_be_written_is_read_immutable_leaving_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, journal: str) -> None:
    path = _wal_ledger(tmp_path / "ledger.db")
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO stored_events VALUES ('a', 1, 'topic', x'00')")
    db.close()
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA journal_mode={journal}")
    db.close()
    assert sorted(tmp_path.iterdir()) == [path]  # checkpointed: the file alone holds it
    before = path.read_bytes()
    # No write permission anywhere (as for another user: root is never refused).
    monkeypatch.setattr(module.os, "access", lambda _path, mode: mode != module.os.W_OK)
    assert read_only(_env(path))
    copy = ReadOnlyCopy(_env(path))
    try:
        ledger = read_only_ledger(copy.env)
        assert ledger is not None
        assert ledger.max_position() == 1
        ledger.close()
    finally:
        copy.close()
    assert sorted(tmp_path.iterdir()) == [path]  # no -shm, no -wal made beside it
    assert path.read_bytes() == before


@pytest.mark.parametrize("journal", ["DELETE", "WAL"])
def test_a_kept_copy_is_not_reused_after_a_write_within_the_clock_s_resolution(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, journal: str) -> None:
    """A write that leaves the file's size and modification time as they were (another
    process's, within the file system's timestamp tick; an SQLite file grows by whole
    pages, and a restarted -wal keeps its size) makes a kept copy stale: it answered the
    next session with the ledger as it was before the write."""
    monkeypatch.setattr(module, "_KEPT", [])
    path = tmp_path / "ledger.db"
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA journal_mode={journal}")
        db.execute("CREATE TABLE t (x INTEGER)")
        db.execute("INSERT INTO t VALUES (1)")
    writer = sqlite3.connect(path)  # held open: its -wal stays beside the file
    writer.execute("PRAGMA wal_checkpoint(PASSIVE)")  # the next write restarts the -wal
    env = _env(path, **{READ_ONLY_SETTING: "1"})
    copy = module.copy_of(env)
    copy.close()  # kept
    before = {p: p.stat() for p in (path, Path(f"{path}-wal")) if p.exists()}
    writer.execute("UPDATE t SET x = 2")
    writer.commit()
    for file, status in before.items():
        assert file.stat().st_size == status.st_size
        os.utime(file, ns=(status.st_atime_ns, status.st_mtime_ns))  # the same tick
    again = module.copy_of(env)
    try:
        assert sqlite3.connect(again.env["SQLITE_DBNAME"], uri=True).execute(
            "SELECT x FROM t").fetchone() == (2,)
    finally:
        again.holder.close()
        writer.close()
