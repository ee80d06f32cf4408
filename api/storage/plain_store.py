"""The ledger of a session that only reads (a what-if, `jixiao payout --with`), over one
plain sqlite3 connection: no eventsourcing Application, so a read-only process imports
none of eventsourcing (its persistence and domain modules were ≈14 ms of CPU of a
what-if's start, beside constructing the Application).

It reads as the Application's ledger reads (domain/ledger_reads.py: the same pages,
statements, decoder and fold, `domain/stored_reader.py`'s SQL on eventsourcing's own
table), and gives the chain and the snapshots (api/storage/chain.py, snapshots.py) the
part of eventsourcing's SQLite datastore they use: `transaction` and `get_connection`
with a cursor that has its `sqlite_cursor`. It writes no event: a session that records
opens the Application (api/storage/session.py `open_ledger`). PostgreSQL keeps the
Application's ledger (its psycopg import dwarfs eventsourcing's)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from uuid import UUID

from domain.ledger_reads import LedgerReads, StoredEventDecoder
from domain.written import Written

# eventsourcing's SQLite application recorder's table (SQLiteApplicationRecorder's default).
EVENTS_TABLE = "stored_events"
# As eventsourcing's SQLite datastore waits for a lock (SQLITE3_DEFAULT_LOCK_TIMEOUT).
LOCK_TIMEOUT_S = 5


class PlainCursor:
    """A sqlite3 cursor as eventsourcing's `SQLiteCursor` wraps it."""

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self.sqlite_cursor = cursor

    def execute(self, *args: Any) -> None:
        self.sqlite_cursor.execute(*args)

    def executemany(self, *args: Any) -> None:
        self.sqlite_cursor.executemany(*args)

    def fetchall(self) -> Any:
        return self.sqlite_cursor.fetchall()

    def fetchone(self) -> Any:
        return self.sqlite_cursor.fetchone()


class PlainConnection:
    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    def cursor(self) -> PlainCursor:
        return PlainCursor(self._connection.cursor())

    def commit(self) -> None:
        self._connection.commit()

    def rollback(self) -> None:
        self._connection.rollback()


class PlainSQLiteStore:
    """One connection, opened as eventsourcing's SQLite pool opens its own (autocommit,
    an explicit BEGIN a transaction, rows as sqlite3.Row); the file is in WAL mode
    already (`ensure_wal`, before any open)."""

    store_kind = "sqlite"  # domain/stored_reader.py's `store_kind`
    originator_id_type = "uuid"

    def __init__(self, path: str) -> None:
        self._sqlite = sqlite3.connect(path, uri=True, check_same_thread=False,
                                       isolation_level=None, timeout=LOCK_TIMEOUT_S)
        self._sqlite.row_factory = sqlite3.Row
        self._connection = PlainConnection(self._sqlite)

    def has_table(self, name: str) -> bool:
        return self._sqlite.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                                    "AND name = ?", (name,)).fetchone() is not None

    @contextmanager
    def transaction(self, *, commit: bool) -> Iterator[PlainCursor]:
        """As eventsourcing's: BEGIN, then commit (`commit`) or roll back; rolled back on
        any error."""
        cursor = self._connection.cursor()
        try:
            cursor.execute("BEGIN")
            try:
                yield cursor
            except BaseException:
                self._sqlite.rollback()
                raise
            if commit:
                self._sqlite.commit()
            else:
                self._sqlite.rollback()
        finally:
            cursor.sqlite_cursor.close()

    @contextmanager
    def get_connection(self, *, commit: bool) -> Iterator[PlainConnection]:
        yield self._connection

    def close(self) -> None:
        self._sqlite.close()


class PlainSQLiteRecorder:
    """What the readers ask of eventsourcing's SQLite application recorder."""

    events_table_name = EVENTS_TABLE

    def __init__(self, datastore: PlainSQLiteStore) -> None:
        self.datastore = datastore

    def max_notification_id(self) -> int | None:
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(f"SELECT MAX(rowid) FROM {EVENTS_TABLE}")  # noqa: S608 - ours
            found: int | None = cursor.fetchone()[0]
        return found

    def select_events(self, originator_id: UUID | str, *, limit: int) -> list[Any]:
        """The stored rows of an id (the snapshots ask only whether there are any)."""
        key = originator_id.hex if isinstance(originator_id, UUID) else originator_id
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(f"SELECT * FROM {EVENTS_TABLE} WHERE originator_id = ? "  # noqa: S608
                           "ORDER BY originator_version LIMIT ?", (key, limit))
            return list(cursor.fetchall())


class ReadLedger(LedgerReads):
    """The ledger's reads over `PlainSQLiteRecorder`: folds, checks and previews as the
    Application's ledger does, and records nothing."""

    def __init__(self, recorder: PlainSQLiteRecorder) -> None:
        self.recorder = recorder
        self.mapper = StoredEventDecoder()
        self.init_reads()

    def take_written(self) -> Written | None:
        return None  # it writes nothing: the chain's catch-up reads the store

    def close(self) -> None:
        self.recorder.datastore.close()


def read_ledger(path: str) -> ReadLedger | None:
    """A reading ledger over the SQLite file at `path`, or None when the file holds no
    ledger's table yet (the Application creates it)."""
    store = PlainSQLiteStore(path)
    if not store.has_table(EVENTS_TABLE):
        store.close()
        return None
    return ReadLedger(PlainSQLiteRecorder(store))
