"""The ledger of a session that only reads (a what-if, `jixiao payout --with`), over one
plain connection (sqlite3, or on PostgreSQL the session's one psycopg connection, its
view's too): no eventsourcing Application, so a read-only process imports none of
eventsourcing (its persistence and domain modules were ≈14 ms of CPU of a what-if's
start, beside constructing the Application; on PostgreSQL its pool and its threads).

It reads as the Application's ledger reads (domain/ledger_reads.py: the same pages,
statements, decoder and fold, `domain/stored_reader.py`'s SQL on eventsourcing's own
table), and gives the chain and the snapshots (api/storage/chain.py, snapshots.py) the
part of eventsourcing's SQLite datastore they use: `transaction` and `get_connection`
with a cursor that has its `sqlite_cursor` (on PostgreSQL, rows as dicts). It writes no
event: a session that records opens the Application (api/storage/session.py
`open_ledger`)."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any
from uuid import UUID

from domain.ledger_reads import APPLICATION_NAME, LedgerReads, StoredEventDecoder
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

    def __init__(self, path: str, timeout: int = LOCK_TIMEOUT_S) -> None:
        self._sqlite = sqlite3.connect(path, uri=True, check_same_thread=False,
                                       isolation_level=None, timeout=timeout)
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


class PlainPostgresStore:
    """A reading session's one PostgreSQL connection (api/storage/session.py
    `found_for_reading`: autocommit, the schema on its search path, the pool's timeouts),
    which its statements view owns and closes."""

    store_kind = "postgres"  # domain/stored_reader.py's `store_kind`
    originator_id_type = "uuid"

    def __init__(self, connection: Any, schema: str) -> None:
        self._connection = connection
        self.schema = schema

    @contextmanager
    def get_connection(self, *, commit: bool = False) -> Iterator[Any]:
        """A lock or statement timeout as `BusyError`, as the chain and the view tell one
        from eventsourcing's pool (which wraps psycopg's error); the connection lost as
        `StoreUnavailableError` (`told_on`). Not retried on a new connection: the view
        reads on this one too, and a reader that moved alone would read beside a view that
        cannot follow."""
        from api.storage.postgres_options import told_on  # noqa: PLC0415 - PostgreSQL only

        with told_on(self._connection):
            yield self._connection

    @contextmanager
    def transaction(self, *, commit: bool = False) -> Iterator[Any]:
        """As eventsourcing's: one transaction (rolled back unless `commit`), a cursor with
        rows as dicts, as its pool's connections give them; errors as `get_connection`."""
        from psycopg.rows import dict_row  # noqa: PLC0415 - PostgreSQL only

        from api.storage.postgres_options import told_on  # noqa: PLC0415 - PostgreSQL only

        connection = self._connection
        with told_on(connection), connection.transaction(force_rollback=not commit), \
                connection.cursor(row_factory=dict_row) as cursor:
            yield cursor

    def close(self) -> None:
        """Nothing: the connection is the view's, closed with it."""


class PlainPostgresRecorder:
    """What the readers ask of eventsourcing's PostgreSQL application recorder."""

    events_table_name = f"{APPLICATION_NAME}_events"  # eventsourcing's name on PostgreSQL

    def __init__(self, datastore: PlainPostgresStore) -> None:
        self.datastore = datastore

    def _table(self) -> Any:
        from psycopg.sql import Identifier  # noqa: PLC0415 - PostgreSQL only

        return Identifier(self.datastore.schema, self.events_table_name)

    def max_notification_id(self) -> int | None:
        """One statement, one round trip: on the session's autocommit connection it is a
        transaction of its own, as eventsourcing's BEGIN, SELECT and ROLLBACK made it in
        three (asked 17 times by a what-if: 1.65 -> 0.47 ms)."""
        from psycopg.sql import SQL  # noqa: PLC0415 - PostgreSQL only

        with self.datastore.get_connection() as connection:
            found: int | None = connection.execute(SQL(
                "SELECT MAX(notification_id) FROM {}").format(self._table())).fetchone()[0]
        return found

    def select_events(self, originator_id: UUID | str, *, limit: int) -> list[Any]:
        """The stored rows of an id (the snapshots ask only whether there are any)."""
        from psycopg.sql import SQL  # noqa: PLC0415 - PostgreSQL only

        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(SQL("SELECT originator_id, originator_version, topic, state "
                               "FROM {} WHERE originator_id = %s ORDER BY originator_version "
                               "LIMIT %s").format(self._table()), (originator_id, limit))
            return list(cursor.fetchall())


class ReadLedger(LedgerReads):
    """The ledger's reads over a plain recorder: folds, checks and previews as the
    Application's ledger does, and records nothing."""

    def __init__(self, recorder: PlainSQLiteRecorder | PlainPostgresRecorder) -> None:
        self.recorder = recorder
        self.mapper = StoredEventDecoder()
        self.init_reads()

    def take_written(self) -> Written | None:
        return None  # it writes nothing: the chain's catch-up reads the store

    def close(self) -> None:
        self.recorder.datastore.close()


def read_ledger(path: str, timeout: int = LOCK_TIMEOUT_S) -> ReadLedger | None:
    """A reading ledger over the SQLite file at `path`, or None when the file holds no
    ledger's table yet (the Application creates it). `timeout`: `lock_timeout_s`'s."""
    store = PlainSQLiteStore(path, timeout)
    if not store.has_table(EVENTS_TABLE):
        store.close()
        return None
    return ReadLedger(PlainSQLiteRecorder(store))


def lock_timeout_s(env: Mapping[str, str]) -> int | None:
    """How long the Application's SQLite datastore would wait for a lock: its
    SQLITE_LOCK_TIMEOUT, which eventsourcing reads, as every setting, from the process's
    environment under `env` (Application.construct_env), under the ledger's name first
    ("JIXIAO_…"). None when that environment sets what a plain reader does not read as
    the Application would (another file or module under the ledger's name, a timeout that
    is no whole number, which eventsourcing refuses in its own words): the Application
    then opens the ledger as it always did."""
    settings = {**os.environ, **env}
    prefix = f"{APPLICATION_NAME.upper()}_"
    if any(prefix + key in settings for key in (
            "PERSISTENCE_MODULE", "SQLITE_DBNAME", "APPLICATION_RECORDER_TOPIC")):
        return None
    named = settings.get(prefix + "SQLITE_LOCK_TIMEOUT")
    text = (settings.get("SQLITE_LOCK_TIMEOUT") if named is None else named) or ""
    text = text.strip()
    if not text:
        return LOCK_TIMEOUT_S
    if not text.isdecimal():
        return None
    return int(text) or LOCK_TIMEOUT_S  # as eventsourcing: 0 is its default


def postgres_read_ledger(connection: Any, schema: str | None) -> ReadLedger:
    """A reading ledger on the PostgreSQL connection a reading session keeps (its view's),
    of the ledger in `schema` (found there: `found_for_reading`)."""
    return ReadLedger(PlainPostgresRecorder(PlainPostgresStore(connection, schema or "public")))
