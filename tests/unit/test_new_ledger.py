"""The private file a new SQLite ledger is built in, and its link into place (api/storage/
new_ledger.py), where the CLI cannot reach: a -wal still beside the private file when it
is linked (a connection the verb left open) holds writes that the ledger's path would
not read."""

from __future__ import annotations

import errno
import os
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from api.storage import new_ledger as new_ledger_module
from api.storage.new_ledger import NEW_LEDGER_KEY, new_ledger
from api.storage.session import ledger_location


def _env(path: Path) -> dict[str, str]:
    return {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(path)}


def _names(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def test_writes_still_in_a_wal_beside_the_private_file_are_in_the_placed_ledger(
        tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    made = new_ledger(_env(path))
    assert made is not None
    env = made.env(_env(path))
    assert (env[NEW_LEDGER_KEY], ledger_location(env)) == (str(path), str(path))
    assert Path(env["SQLITE_DBNAME"]).name.startswith(".new.db.new-")
    left_open = sqlite3.connect(made.private, isolation_level=None)
    try:
        left_open.execute("PRAGMA journal_mode=WAL")
        left_open.execute("CREATE TABLE t (x)")
        left_open.execute("INSERT INTO t VALUES (1)")
        assert Path(f"{made.private}-wal").stat().st_size > 0
        made.place()
    finally:
        left_open.close()
    assert _names(tmp_path) == ["new.db"]
    with closing(sqlite3.connect(path)) as db:
        assert db.execute("SELECT x FROM t").fetchall() == [(1,)]


def test_a_private_file_still_being_read_is_not_placed(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    made = new_ledger(_env(path))
    assert made is not None
    with closing(sqlite3.connect(made.private, isolation_level=None)) as writer, \
            closing(sqlite3.connect(made.private, isolation_level=None)) as reader:
        writer.execute("PRAGMA journal_mode=WAL")
        writer.execute("CREATE TABLE t (x)")
        reader.execute("BEGIN")
        reader.execute("SELECT * FROM t").fetchall()  # holds its snapshot of the WAL
        writer.execute("INSERT INTO t VALUES (1)")
        with pytest.raises(RuntimeError, match="still open"):
            made.place()
    assert _names(tmp_path) == []


@pytest.mark.parametrize("name", [":memory:", "file:x?mode=memory&cache=shared"])
def test_a_store_with_no_file_of_its_name_is_made_as_before(name: str) -> None:
    assert new_ledger({"PERSISTENCE_MODULE": "eventsourcing.sqlite",
                       "SQLITE_DBNAME": name}) is None


def test_a_missing_folder_is_left_to_the_opener_to_say(tmp_path: Path) -> None:
    assert new_ledger(_env(tmp_path / "no-such-folder" / "new.db")) is None
    assert _names(tmp_path) == []


def test_a_probe_link_that_fails_otherwise_leaves_no_private_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The probe link refused for another reason than a file system without hard links
    (an I/O error, a full disk, a quota): the private file was left behind, hidden, and
    the error came out as a traceback. Now it is removed and the ledger is made at its
    path as before, where SQLite says what is wrong naming the path."""
    def refused(source: object, target: object) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(new_ledger_module.os, "link", refused)
    assert new_ledger(_env(tmp_path / "new.db")) is None
    assert _names(tmp_path) == []
