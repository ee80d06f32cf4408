"""The stored snapshot of the fold on SQLite (api/storage/facts_snapshot.py): its MAC
covers every part of the row; a busy store is a quick miss, not a wait; a store in memory
keeps none. (The contract tests run the rest on both backends.)"""

from __future__ import annotations

import secrets
import shutil
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from builders import snapshot_key_file

from api.i18n import use_language
from api.i18n.findings import warning_text
from api.storage.facts_snapshot import (
    BUSY_TIMEOUT_S,
    CACHE_KIB,
    _store_uncompressed,
    _writable,
    mac_of,
)
from api.storage.session import Session
from api.storage.snapshot_key import SNAPSHOT_KEY_ENV

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "old_ledger" / "example-1"


def test_the_mac_covers_every_part_of_the_row() -> None:
    key, parts = secrets.token_bytes(32), ("code", 7, "ab" * 32, b"body")
    mac = mac_of(key, *parts)
    assert mac == mac_of(key, *parts)
    others = [("code2", 7, "ab" * 32, b"body"), ("code", 8, "ab" * 32, b"body"),
              ("code", 7, "ac" * 32, b"body"), ("code", 7, "ab" * 32, b"bodY"),
              ("code7", 7, "ab" * 32, b"body")]  # a part's bytes moved to another
    assert all(mac_of(key, *other) != mac for other in others)
    assert mac_of(secrets.token_bytes(32), *parts) != mac


def _keyed_store(tmp_path: Path) -> dict[str, str]:
    shutil.copyfile(FIXTURE / "ledger.db", tmp_path / "ledger.db")
    key = snapshot_key_file(tmp_path / "snapshot.key")
    return {"PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": str(tmp_path / "ledger.db"), SNAPSHOT_KEY_ENV: str(key)}


def test_a_busy_store_is_a_quick_miss(tmp_path: Path) -> None:
    env = _keyed_store(tmp_path)
    with Session(env) as first:  # chains the events, and writes the snapshot
        first.ledger.facts()
    with sqlite3.connect(env["SQLITE_DBNAME"]) as db:  # another version's: to be replaced
        db.execute("UPDATE jixiao_facts_snapshots SET code = 'another version'")
    session = Session(env)
    try:
        assert session.ledger.facts().events
        assert session.chain is not None  # open (its opening waits as any writer does)
        other = sqlite3.connect(env["SQLITE_DBNAME"], isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another writer holds the store
        started = time.monotonic()
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            session._head.keep()
        assert time.monotonic() - started < BUSY_TIMEOUT_S + 1
        other.execute("ROLLBACK")
        other.close()
    finally:
        session.close()  # the store free again: the snapshot is written now
    with Session(env) as again:
        row = again._head._row()
        assert row is not None
        assert row[2] != "another version"


def test_a_store_in_memory_keeps_none(tmp_path: Path) -> None:
    env = {**_keyed_store(tmp_path), "SQLITE_DBNAME": ":memory:"}
    with Session(env) as session:
        assert session._head.key() is None  # neither read nor written


def test_a_key_others_may_read_is_named_in_the_readers_language(tmp_path: Path) -> None:
    # Kept in English (a server's session serves every language), worded where shown:
    # Chinese by default, English under --lang en, never both at once.
    env = _keyed_store(tmp_path)
    Path(env[SNAPSHOT_KEY_ENV]).chmod(0o644)
    with Session(env) as session:
        assert session.ledger.facts().events
        assert session._head.key() is None
        [warning] = [w for w in session.integrity_warnings if "snapshot key" in w]
    with use_language("zh_CN"):
        chinese = warning_text(warning)
    with use_language("en"):
        english = warning_text(warning)
    assert chinese.startswith("事实快照密钥不可用，已从全部事件计算：")
    assert chinese.endswith("：其他用户可读或可写（权限 644），请 chmod 600")
    assert english.startswith("the facts snapshot key is not usable; computed from every "
                              "event: ")
    assert english.endswith(": readable or writable by others (mode 644): chmod 600 it")
    assert "chmod 600 it" not in chinese
    assert "快照" not in english


def test_the_snapshot_s_connection_keeps_a_small_page_cache(tmp_path: Path) -> None:
    """A body is read once into its bytes: SQLite's default 2 MiB cache only took fresh
    pages. Written and read with the small one, the snapshot serves as before."""
    env = _keyed_store(tmp_path)
    with Session(env) as first:
        first.ledger.facts()
    with Session(env) as session:
        assert session._head._row() is not None
        db = session._head._db()
        assert db.execute("PRAGMA cache_size").fetchone()[0] == -CACHE_KIB
        assert session.ledger.facts().events
        assert not session.integrity_warnings


class _RefusingAlter:
    """A PostgreSQL connection whose ALTER of the snapshots' table fails (its lock not
    had in time, say): the body's storage is still the default (`x`, compressed)."""

    def __init__(self, *, owner: bool = True) -> None:
        self.statements: list[str] = []
        self.owner = owner

    def execute(self, sql: str, *values: object) -> _RefusingAlter:
        self.statements.append(sql)
        if sql.startswith("ALTER TABLE"):
            raise PermissionError("must be owner of table jixiao_facts_snapshots")
        return self

    def fetchone(self) -> tuple[bool, None, bool, bool, bool]:
        # `_writable`'s row: made, (may create), may write, stored external, owned
        return (True, None, True, False, self.owner)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self.statements.append("BEGIN")
        try:
            yield
        except BaseException:
            self.statements.append("ROLLBACK")
            raise
        self.statements.append("COMMIT")


def test_a_storage_it_could_not_set_is_left_and_the_write_goes_on() -> None:
    db = _RefusingAlter()
    assert _writable(db) == (True, False)
    _store_uncompressed(db, stored=False)  # no error: only a speed-up
    assert [s.split()[0] for s in db.statements] == ["SELECT", "BEGIN", "SET", "ALTER",
                                                     "ROLLBACK"]
    assert f"lock_timeout = {int(BUSY_TIMEOUT_S * 1000)}" in db.statements[2]


def test_a_role_that_does_not_own_the_table_asks_no_alter() -> None:
    db = _RefusingAlter(owner=False)
    assert _writable(db) == (True, True)
    _store_uncompressed(db, stored=True)
    assert [s.split()[0] for s in db.statements] == ["SELECT"]


class _Found:
    """A connection answering `_writable`'s one question with `row`."""

    def __init__(self, row: tuple[object, ...]) -> None:
        self.row = row
        self.statements: list[str] = []

    def execute(self, sql: str, *values: object) -> _Found:
        self.statements.append(sql)
        return self

    def fetchone(self) -> tuple[object, ...]:
        return self.row


@pytest.mark.parametrize(("row", "writable"), [
    ((False, True, None, None, None), (False, False)),  # not made, may make it
    ((False, False, None, None, None), None),  # not made, may not (no CREATE)
    ((False, None, None, None, None), None),  # no schema on the search path
    ((True, None, False, False, False), None),  # made after the role's grant
    ((True, None, True, True, True), (True, True)),  # made, stored uncompressed
], ids=["may-make", "may-not-make", "no-schema", "not-granted", "ready"])
def test_a_role_writes_the_snapshot_only_where_it_may(
        row: tuple[object, ...], writable: tuple[bool, bool] | None) -> None:
    db = _Found(row)
    assert _writable(db) == writable
    assert len(db.statements) == 1  # one round trip, whatever the answer
