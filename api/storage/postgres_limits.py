"""Bounded writes on PostgreSQL: no batch may hang, and no writer may wait forever.

eventsourcing 9.5.6 writes a batch as one `INSERT … SELECT unnest(%s) RETURNING` inside
a psycopg pipeline. With 16,000 rows and more, the pipeline stalls (both ends blocked on
full buffers) while the transaction holds the EXCLUSIVE lock on the events table, so
every other writer queues behind it for ever (issue 14, item 4). Here the same batch is
written without a pipeline, in chunks, in one transaction: all or nothing as before, the
notification ids still in commit order. Every pooled connection carries a lock timeout
and a statement timeout, and a writer that cannot get the lock in time is told to retry.
"""

from __future__ import annotations

import contextlib
import weakref
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import psycopg
from eventsourcing.persistence import OperationalError, ProgrammingError, StoredEvent
from eventsourcing.postgres import PostgresAggregateRecorder, PostgresApplicationRecorder
from psycopg.sql import SQL, Identifier
from psycopg_pool import PoolClosed

from api.storage.pg_schema import lock_schema_ddl
from api.storage.postgres_options import (
    LOCK_TIMEOUT_S_DEFAULT,
    busy_error,
    pool_error,
    pool_where,
    session_options,
    told_getconn,
)
from api.storage.store_env import (
    STATEMENT_TIMEOUT_S_DEFAULT,
    connect_timeout_s,
    keepalive_args,
    postgres_connect_args,
)
from domain.application import APPLICATION_NAME, Ledger
from domain.errors import MissingGrantError, StoreUnavailableError

CHUNK_ROWS = 1000  # rows per INSERT statement of a batch
# A large batch goes in one COPY (api/storage/postgres_copy.py), a small one as below.
RECORDER_TOPIC = "api.storage.postgres_copy:CopyPostgresRecorder"
INSUFFICIENT_PRIVILEGE = "42501"  # PostgreSQL's SQLSTATE for "permission denied"
NO_DDL = ("the database role {role} may not make or replace the ledger's tables in the "
          "schema {schema} ({reason}): set CREATE_TABLE=no in its environment, the tables "
          "made by their owner first (docs/deploy.md); nothing was written")


def bounded_env(env: Mapping[str, str]) -> dict[str, str]:
    """The store's environment with the timeouts' defaults and the chunked recorder."""
    bounded = dict(env)
    bounded.setdefault("POSTGRES_LOCK_TIMEOUT", LOCK_TIMEOUT_S_DEFAULT)
    bounded.setdefault("POSTGRES_STATEMENT_TIMEOUT", STATEMENT_TIMEOUT_S_DEFAULT)
    # eventsourcing's pool waits this long for a connection (its default 30 s): a request
    # to a server that is down answers in seconds, not after half a minute.
    bounded["POSTGRES_CONNECT_TIMEOUT"] = connect_timeout_s(env)
    bounded["APPLICATION_RECORDER_TOPIC"] = RECORDER_TOPIC
    return bounded


class PostgresLedger(Ledger):
    """The ledger on PostgreSQL, with both timeouts set on every pooled connection.
    The pool opens its connections only after the factory is built, so setting its
    connection arguments here reaches all of them, including the table creation's."""

    name = APPLICATION_NAME  # eventsourcing would name the tables after this subclass

    def __init__(self, env: Mapping[str, str]) -> None:
        try:
            # Creating the tables (if not there) waits for the events table's lock too.
            super().__init__(bounded_env(env))
        except ProgrammingError as error:
            self._close_factory()
            if getattr(error.__cause__, "sqlstate", None) != INSUFFICIENT_PRIVILEGE:
                raise
            # eventsourcing makes its tables, IF NOT EXISTS, and replaces its insert
            # function at every open: a role that is not their owner is refused both,
            # with psycopg's traceback, unless CREATE_TABLE=no (docs/deploy.md).
            raise MissingGrantError(NO_DDL.format(
                role=env.get("POSTGRES_USER", ""), schema=env.get("POSTGRES_SCHEMA") or "public",
                reason=str(error).splitlines()[0])) from error
        except (OperationalError, StoreUnavailableError) as error:
            self._close_factory()
            if isinstance(error, StoreUnavailableError):
                raise  # told by the pool (`told_getconn`)
            raise pool_error(error, postgres_connect_args(env)) from error

    def _close_factory(self) -> None:
        # The pool was made before its first connection failed: closed now, in this
        # thread. Left to the garbage collector, it is closed in whichever thread the
        # collector runs, one of its own among them, which cannot join itself.
        factory = self.__dict__.get("factory")
        if factory is not None:
            factory.close()

    def construct_factory(self, env: Any) -> Any:
        factory: Any = super().construct_factory(env)
        # The factory eventsourcing made from this env is its PostgreSQL one; its declared
        # type is the generic factory, which names no datastore.
        kwargs = factory.datastore.pool.kwargs
        kwargs["options"] = session_options(env)
        # Each login too: libpq's own default waits for the network (minutes for a host
        # that drops the packets), and the pool's threads would keep trying behind it.
        kwargs["connect_timeout"] = connect_timeout_s(env)
        # And TCP keepalive: a query on an open connection to a host that went silent is
        # cut off in seconds, not after the kernel's minutes (api/storage/store_env.py).
        kwargs.update(keepalive_args(env))
        pool = factory.datastore.pool
        pool.getconn = told_getconn(_weak_getconn(pool), postgres_connect_args(env),
                                    pool.timeout)
        return factory


def _weak_getconn(pool: Any) -> Callable[..., Any]:
    """`pool.getconn` holding the pool weakly: set on the pool itself, the bound method
    made a cycle, and the server's `settle()` freezes what is alive (gc.freeze), so the
    pool of every session it dropped stayed in memory for the process's life."""
    method = weakref.WeakMethod(pool.getconn)

    def getconn(timeout: float | None = None) -> Any:
        bound = method()
        if bound is None:
            raise PoolClosed("the pool was closed")
        return bound(timeout)

    return getconn


class ChunkedPostgresRecorder(PostgresApplicationRecorder):
    """eventsourcing's application recorder, writing a batch in chunks without a
    pipeline; a lock or statement timeout becomes `BusyError` instead of a retry loop.
    Its tables, type and function are created under the schema's DDL lock."""

    def create_table(self) -> None:
        # eventsourcing creates the type in transactions of its own, then the rest without
        # a lock; two opens at once then fail one ("tuple concurrently updated" from its
        # CREATE OR REPLACE FUNCTION, run on every open). Here all of it is one
        # transaction behind the lock (api/storage/pg_schema.py).
        with self.datastore.transaction(commit=True) as curs:
            lock_schema_ddl(curs, self.datastore.schema)
            for statement in self.sql_create_statements:
                if "CREATE TYPE" in statement.as_string() and not self._type_exists(curs):
                    # No IF NOT EXISTS for types. Behind the lock the check above holds;
                    # the savepoint covers a creator that takes no lock (an older jixiao).
                    with contextlib.suppress(psycopg.errors.DuplicateObject), \
                            curs.connection.transaction():
                        curs.execute(statement, prepare=False)
            self._create_table(curs)
        self.datastore.register_type_adapters()

    def _type_exists(self, curs: Any) -> bool:
        name = Identifier(self.datastore.schema, self.stored_event_type_name).as_string(curs)
        # eventsourcing's cursors return rows as dicts.
        row = curs.execute("SELECT to_regtype(%s) IS NOT NULL AS present", (name,)).fetchone()
        return bool(row["present"])

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        if not stored_events:
            return []
        try:
            return self._insert_in_chunks(stored_events)
        except OperationalError as error:
            raise busy_error(error, pool_where(self.datastore)) from error

    def _insert_in_chunks(self, stored_events: Sequence[StoredEvent]) -> list[int]:
        ids: list[int] = []
        with self.datastore.get_connection() as conn, conn.transaction(), \
                conn.cursor() as curs:
            # The session's lock_timeout applies; eventsourcing's own statement would
            # set it to POSTGRES_LOCK_TIMEOUT again, in whole seconds.
            curs.execute(self.lock_table_statements[-1])
            curs.execute(SQL("NOTIFY {0}").format(psycopg.sql.Identifier(self.channel_name)))
            for start in range(0, len(stored_events), CHUNK_ROWS):
                chunk = stored_events[start:start + CHUNK_ROWS]
                PostgresAggregateRecorder._insert_stored_events(self, curs, chunk)
                ids += self._fetch_ids_after_insert_events(curs, chunk) or []
        return ids
