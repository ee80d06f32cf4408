"""Snapshots of closed years on each database, beside the events: SQLite (the events'
file) and PostgreSQL (the events' schema). What a snapshot holds and how a fold starts
from one is `projections.snapshots`.

A row is a `StoredStatement` (key, status, body, SHA-256 of the body, position): checked
as a statement row is (`StoredStatement.problem`), and never trusted when it fails; the
fold then reads every event, and the failure is named."""

from __future__ import annotations

import sqlite3
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from itertools import takewhile
from typing import TYPE_CHECKING, Any
from uuid import UUID

from api.storage.chain import (
    ChainStore,
    catch_up_chain,
    chain_head_at,
    check_close,
    open_chain,
    stored_records,
)
from domain.errors import DomainError
from domain.events import LedgerEvent
from domain.facts import Facts
from domain.ledger_reads import read_stored
from domain.stored_event import StoredBody
from projections.chain_links import GENESIS, StoredRecord, chain_link
from projections.snapshots import (
    NotASnapshot,
    Snapshot,
    StoredNotHeld,
    fold_from,
    read_snapshot,
    snapshot_row,
)
from projections.views import StoredStatement

if TYPE_CHECKING:
    from domain.application import Ledger

SNAPSHOTS_TABLE = (
    "CREATE TABLE IF NOT EXISTS jixiao_snapshots (period TEXT PRIMARY KEY, "
    "status TEXT NOT NULL, body TEXT NOT NULL, sha256 TEXT NOT NULL, "
    "position BIGINT NOT NULL)")
COLUMNS = "period, status, body, sha256, position"
BODY_PIECE = 1 << 18  # characters of a snapshot body read at once on PostgreSQL


class SnapshotsNotWritable(Exception):
    """This role may not make the snapshots' table, or write the one there (PostgreSQL:
    a role granted reads and writes only, or a table another role made): asked, so no
    statement that must fail is sent."""


class SnapshotStore(ABC):
    """Both drivers' connections answer `execute`; only the parameter mark differs."""

    _db: Any
    _mark = "?"

    def rows(self) -> list[StoredStatement]:
        """Every stored snapshot, newest (highest position) first."""
        return [StoredStatement(*row) for row in self._db.execute(
            f"SELECT {COLUMNS} FROM jixiao_snapshots ORDER BY position DESC")]  # noqa: S608

    def newest_first(self) -> Iterator[StoredStatement]:
        """As `rows`, each body read only when the one before did not serve: a store keeps
        every year's snapshot, and holding all their bodies at once set the session's
        peak, which the process then kept."""
        keys = [key for key, in self._db.execute(
            "SELECT period FROM jixiao_snapshots ORDER BY position DESC")]
        for key in keys:
            found = self._read(key)
            if found is not None:
                yield found

    def _read(self, key: str) -> StoredStatement | None:
        found = self._db.execute(
            f"SELECT {COLUMNS} FROM jixiao_snapshots WHERE period = {self._mark}",  # noqa: S608
            (key,)).fetchone()
        return None if found is None else StoredStatement(*found)

    def save(self, row: StoredStatement) -> None:
        marks = ",".join([self._mark] * 5)
        self._db.execute(
            f"INSERT INTO jixiao_snapshots ({COLUMNS}) VALUES ({marks}) "  # noqa: S608
            "ON CONFLICT (period) DO UPDATE SET status=excluded.status, body=excluded.body, "
            "sha256=excluded.sha256, position=excluded.position",
            (row.period, row.status, row.body, row.sha256, row.position))

    @abstractmethod
    def exists(self) -> bool:
        """Whether the table is there (a store opened with `create=False`)."""

    def close(self) -> None:
        self._db.close()


class SQLiteSnapshots(SnapshotStore):
    def __init__(self, path: str, create: bool = True) -> None:
        self._db = sqlite3.connect(path, timeout=30, isolation_level=None,
                                   uri=path.startswith("file:"))
        # A body is read once per fold: a page cache of the default 2 MiB would only keep
        # its pages for the session's life, as much memory again as a year's roster.
        self._db.execute("PRAGMA cache_size = -64")
        if create:
            self._db.execute(SNAPSHOTS_TABLE)

    def exists(self) -> bool:
        return self._db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
                                "name = 'jixiao_snapshots'").fetchone() is not None



class PostgresSnapshots(SnapshotStore):
    """`env` gives the lock and statement timeouts of the events' pool (as the view's)."""

    _mark = "%s"

    def __init__(self, connect_args: Mapping[str, str], schema: str | None,
                 env: Mapping[str, str] | None = None, create: bool = True,
                 connection: Any = None) -> None:
        """`connection`: one of the store's, in autocommit with the schema on its search
        path and the pool's timeouts (the statements view's), read on instead of a login
        of its own, and left open."""
        from api.storage.postgres_options import store_connection  # noqa: PLC0415 - PostgreSQL only

        self._borrowed = connection is not None
        self._db = (store_connection(connect_args, schema, env) if connection is None
                    else connection)
        try:
            if create and not self._writable():
                self._db.execute(SNAPSHOTS_TABLE)
        except BaseException:
            self.close()  # a role refused the table: its login is not left open
            raise

    def _writable(self) -> bool:
        """Whether the table is there for this role to write; when it is not there, that
        this role may make it. Asked first, in the one query that looked for the table:
        `CREATE … IF NOT EXISTS` needs CREATE on the schema (pg_schema.py), and a close
        by a role without it sent the CREATE, was refused, and the server logged an
        ERROR at every close that completed a year; a table there that is not this
        role's to write (another role made it) was refused at its first SELECT."""
        made, may_create, may_write = self._db.execute(
            "SELECT r.oid IS NOT NULL, has_schema_privilege(current_schema(), 'CREATE'), "
            "has_table_privilege(r.oid, 'SELECT') AND has_table_privilege(r.oid, 'INSERT') "
            "AND has_table_privilege(r.oid, 'UPDATE') "
            "FROM (SELECT to_regclass('jixiao_snapshots') AS oid) AS r").fetchone()
        if (made and not may_write) or (not made and not may_create):
            raise SnapshotsNotWritable
        return bool(made)

    def exists(self) -> bool:
        """There for this role to read: a table the owner made after the role's grant
        (at the first close that completes a year) is read as missing, and the fold reads
        every event, with the same answers; its SELECT was psycopg's traceback. Asked in
        the one query that looked for the table."""
        row = self._db.execute("SELECT has_table_privilege(to_regclass('jixiao_snapshots'), "
                               "'SELECT')").fetchone()
        return row is not None and bool(row[0])

    def close(self) -> None:
        if not self._borrowed:
            self._db.close()

    def _read(self, key: str) -> StoredStatement | None:
        """The row with its body read a piece at a time: libpq keeps a connection's input
        buffer as large as the largest message it received, for the connection's life, and
        a body grows with every sealed year (2 MB at four), so one message of it was a
        session's memory growing with history (the 1.06x of a five-year ledger)."""
        head = self._db.execute(
            "SELECT period, status, sha256, position, length(body) FROM jixiao_snapshots "
            "WHERE period = %s", (key,)).fetchone()
        if head is None:
            return None
        period, status, sha256, position, length = head
        pieces = []
        for start in range(1, length + 1, BODY_PIECE):
            piece = self._db.execute(
                "SELECT substr(body, %s, %s), sha256 FROM jixiao_snapshots WHERE period = %s",
                (start, BODY_PIECE, key)).fetchone()
            if piece is None or piece[1] != sha256:  # replaced meanwhile: read it whole
                return super()._read(key)
            pieces.append(piece[0])
        return StoredStatement(period, status, "".join(pieces), sha256, position)



def open_snapshots(env: Mapping[str, str], create: bool = True,
                   connection: Callable[[], Any] | None = None) -> SnapshotStore:
    """`connection`: on PostgreSQL, gives a connection of the store's to read on (see
    `PostgresSnapshots`) instead of a login of the snapshots' own."""
    if env.get("PERSISTENCE_MODULE") == "eventsourcing.postgres":
        from api.storage.store_env import postgres_connect_args  # noqa: PLC0415 - PostgreSQL only

        return PostgresSnapshots(postgres_connect_args(env), env.get("POSTGRES_SCHEMA"), env,
                                 create, None if connection is None else connection())
    return SQLiteSnapshots(env["SQLITE_DBNAME"], create)


def existing_snapshots(env: Mapping[str, str],
                       connection: Callable[[], Any] | None = None) -> SnapshotStore | None:
    """The store's snapshots, or None when it has never kept one: a read creates no table
    (a stored ledger's file stays as it was)."""
    store = open_snapshots(env, create=False, connection=connection)
    if store.exists():
        return store
    store.close()
    return None


# ------------------------------------------------------------------ taking and folding


def take_snapshot(ledger: Ledger, store: SnapshotStore) -> StoredStatement | None:
    """Snapshot the ledger's sealable years as they stand now; None when none seals, or
    when the rows it copies do not hash to the chain's head it records."""
    facts = ledger.facts()
    head = chain_head_at(ledger, open_chain(ledger), facts.last_position)
    records = _Hashed(takewhile(lambda record: record.position <= facts.last_position,
                                stored_records(ledger)))
    row = snapshot_row(facts, records, head)
    # A served snapshot's check reads one link (`_chain_problem`), not its resident rows:
    # rows copied while edited (a body, or an id that is no UUID) and put back after
    # would serve as edited, under a chain that verifies. So they must be the chained ones.
    if row is None or records.head != head:
        return None
    store.save(row)
    return row


class _Hashed:
    """The records as given, and the chain's link over them from GENESIS (`head`), or
    None once one is no link (an id that is no UUID)."""

    def __init__(self, records: Iterator[StoredRecord]) -> None:
        self._records = records
        self.head: str | None = GENESIS

    def __iter__(self) -> Iterator[StoredRecord]:
        for record in self._records:
            if self.head is not None:
                try:
                    self.head = chain_link(self.head, record)
                except ValueError:
                    self.head = None
            yield record


def snapshot_problem(row: StoredStatement, max_position: int) -> str | None:
    """Why a stored snapshot cannot be trusted (its body does not hash to its stored
    SHA-256, or it claims a position the store does not reach), or None."""
    problem = row.problem(max_position)
    if problem is None:
        return None
    return f"snapshot {problem.removeprefix('statement row ')}"


def facts_from_snapshot(ledger: Ledger, store: SnapshotStore, cutoff: datetime | None = None,
                        problems: list[str] | None = None,
                        chain: Callable[[], ChainStore] | None = None) -> Facts | None:
    """The facts from the newest snapshot that can serve, or None (fold every event).

    A snapshot serves when it passes its checks, was taken no later than `cutoff` (every
    event it covers was known by then), and no event after it changes a sealed year.
    Failed checks are appended to `problems`. `chain`: the session's chain (else the
    ledger's is opened for the check)."""
    max_position = ledger.max_position()
    for row in store.newest_first():
        problem = snapshot_problem(row, max_position)
        if problem is None:
            try:
                snapshot = read_snapshot(row, lambda position: _refold(ledger, position),
                                         StoredNotHeld(lambda i: _stored(ledger, i)))
            except (ValueError, KeyError, TypeError) as error:
                problem = f"snapshot {row.period}: not a snapshot ({error})"
            else:
                problem = _chain_problem(ledger, row.period, snapshot,
                                         open_chain(ledger) if chain is None else chain())
        if problem is not None:
            if problems is not None:
                problems.append(problem)
            continue
        if cutoff is not None and (snapshot.seal.taken_at is None
                                   or snapshot.seal.taken_at > cutoff):
            continue
        try:  # its resident events are read as they are folded
            facts = fold_from(snapshot, lambda record: _decode(ledger, record),
                              ledger.read(after=snapshot.seal.position, cutoff=cutoff))
        except NotASnapshot as error:
            if problems is not None:
                problems.append(f"snapshot {row.period}: not a snapshot ({error})")
            continue
        if facts is not None:
            return facts
    return None


def _chain_problem(ledger: Ledger, key: str, snapshot: Snapshot,
                   chain: ChainStore) -> str | None:
    """As for a close: the chain at the snapshot's position must still be the head it
    recorded (one link read and recomputed, not a walk), else the events it copied or
    dropped may have been rewritten since."""
    if snapshot.chain_head is None:
        return f"snapshot {key}: records no chain head"
    if getattr(chain, "holds_nothing_stored", False):
        # A role that may not read the chain's table (chain.py `ChainInMemory`): no link
        # to read, so the events are chained here first. Read as none, the chain said
        # the snapshot failed its check, a false warning of tampering.
        try:
            catch_up_chain(ledger, chain)
        except DomainError as error:
            return f"snapshot {key}: {error}"
    problem = check_close(ledger, chain, snapshot.seal.position, snapshot.chain_head)
    return None if problem is None else f"snapshot {key}: {problem}"


def _stored(ledger: Ledger, event_id: UUID) -> bool:
    """Whether the store holds an event of this id (one look-up of its primary key)."""
    return bool(ledger.recorder.select_events(event_id, limit=1))


def _decode(ledger: Ledger, record: StoredRecord) -> LedgerEvent:
    return read_stored(ledger.mapper, StoredBody(
        originator_id=record.originator_id, originator_version=record.originator_version,
        topic=record.topic, state=record.state))


def _refold(ledger: Ledger, position: int) -> Facts:
    return Facts.fold(takewhile(lambda item: item[0] <= position, ledger.read()))
