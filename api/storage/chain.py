"""The hash chain's table (`jixiao_chain`, one link per notification id) and its catch-up,
on SQLite and PostgreSQL, in the same database as the events.

The catch-up works like the statements view's: it reads the notification log after its
tracked position, extends the chain, and writes the new links and the new position in
one transaction, guarded by the old position, so a racing catch-up rolls back instead of
chaining anything twice. The table is written through the ledger's own eventsourcing
datastore (its connection pool), so it needs no connection of its own.

Used through the session (`api/storage/session.py`) by the use cases: verification, a
period's close (the head it records) and every write (chained at once).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from itertools import takewhile
from typing import TYPE_CHECKING, Any
from uuid import UUID

from api.storage.busy import sqlite_busy
from api.storage.close_index import make_postgres_index, make_sqlite_index
from domain.errors import ConflictError, DomainError
from domain.stored_ids import stored_id
from domain.stored_reader import Row, select_rows, store_kind
from projections.chain_links import (
    CLOSE_TOPIC_STORED,
    GENESIS,
    ChainLink,
    StoredRecord,
    extend_chain,
    shown_id,
)

if TYPE_CHECKING:
    from domain.application import Ledger
    from projections.audit import ChainReport, Finding

CHAIN_NAME = "events"
PAGE_SIZE = 2000


class ChainStore(ABC):
    @abstractmethod
    def tracking(self) -> tuple[int, str]:
        """(last notification id chained, its link); (0, GENESIS) when empty."""

    @abstractmethod
    def links(self, after: int = 0, limit: int = PAGE_SIZE) -> list[ChainLink]: ...

    @abstractmethod
    def link_at_or_before(self, position: int) -> str: ...

    def link_row_at_or_before(self, position: int) -> ChainLink | None:
        """The chain row at or before a position (one short read, not a walk)."""
        exact = self.links(after=position - 1, limit=1)
        if exact and exact[0].position == position:
            return exact[0]
        if self.link_at_or_before(position) == GENESIS:
            return None
        before = self.links(after=max(0, position - PAGE_SIZE), limit=PAGE_SIZE)
        return next((k for k in reversed(before) if k.position <= position), None)

    @abstractmethod
    def save(self, links: Sequence[ChainLink], expected: int) -> None:
        """Insert links and move the tracking row from `expected` to the last link, in one
        transaction; ConflictError if another catch-up moved it first."""

    def all_links(self) -> Iterator[ChainLink]:
        after = 0
        while True:
            page = self.links(after)
            yield from page
            if len(page) < PAGE_SIZE:
                return
            after = page[-1].position


@contextmanager
def _write_transaction(datastore: Any) -> Iterator[Any]:
    """A SQLite transaction holding the write lock from its BEGIN. A deferred one (what
    eventsourcing begins) that reads first and then writes fails at once with "database
    is locked" if another connection wrote in between, as two opens at once do; this
    one waits for the lock within the busy timeout instead."""
    with datastore.get_connection(commit=True) as connection:
        cursor = connection.cursor()
        try:
            cursor.execute("BEGIN IMMEDIATE")
        except Exception as error:
            raise sqlite_busy(error) or error from error
        try:
            yield cursor
        except BaseException:
            connection.rollback()
            raise
        connection.commit()


class SQLiteChainStore(ChainStore):
    def __init__(self, datastore: Any, events: str | None = None) -> None:
        """`events`: the events table to give the close events' index
        (api/storage/close_index.py), None to make none."""
        self._db = datastore
        with _write_transaction(self._db) as cursor:
            if events is not None:
                make_sqlite_index(cursor, events)
            cursor.execute(
                "CREATE TABLE IF NOT EXISTS jixiao_chain (position INTEGER PRIMARY KEY, "
                "originator_id TEXT NOT NULL, originator_version INTEGER NOT NULL, "
                "topic TEXT NOT NULL, link TEXT NOT NULL)")
            cursor.execute(
                "CREATE TABLE IF NOT EXISTS jixiao_chain_tracking (chain TEXT PRIMARY KEY, "
                "position INTEGER NOT NULL, head TEXT NOT NULL)")
            # Only for a new chain: a tracking row lost from a chain that has links is
            # damage to report, not a fresh start.
            cursor.execute("INSERT OR IGNORE INTO jixiao_chain_tracking SELECT ?, 0, ? "
                           "WHERE NOT EXISTS (SELECT 1 FROM jixiao_chain)",
                           (CHAIN_NAME, GENESIS))

    def tracking(self) -> tuple[int, str]:
        with self._db.transaction(commit=False) as cursor:
            cursor.execute("SELECT position, head FROM jixiao_chain_tracking WHERE chain = ?",
                           (CHAIN_NAME,))
            row = cursor.fetchone()
        return _tracking(None if row is None else (row[0], row[1]))

    def links(self, after: int = 0, limit: int = PAGE_SIZE) -> list[ChainLink]:
        with self._db.transaction(commit=False) as cursor:
            cursor.execute(
                "SELECT position, originator_id, originator_version, topic, link "
                "FROM jixiao_chain WHERE position > ? ORDER BY position LIMIT ?", (after, limit))
            return [_link(*row) for row in cursor.fetchall()]

    def link_at_or_before(self, position: int) -> str:
        with self._db.transaction(commit=False) as cursor:
            cursor.execute("SELECT link FROM jixiao_chain WHERE position <= ? "
                           "ORDER BY position DESC LIMIT 1", (position,))
            row = cursor.fetchone()
        return str(row[0]) if row else GENESIS

    def save(self, links: Sequence[ChainLink], expected: int) -> None:
        with self._db.transaction(commit=True) as cursor:
            cursor.execute(
                "UPDATE jixiao_chain_tracking SET position = ?, head = ? "
                "WHERE chain = ? AND position = ?",
                (links[-1].position, links[-1].link, CHAIN_NAME, expected))
            if cursor.sqlite_cursor.rowcount != 1:
                raise ConflictError("the chain was extended by another process; verify again")
            cursor.executemany(
                "INSERT INTO jixiao_chain VALUES (?, ?, ?, ?, ?)",
                [(k.position, str(k.originator_id), k.originator_version, k.topic, k.link)
                 for k in links])


def _pool_errors(datastore: Any) -> tuple[type[Exception], ...]:
    """The error eventsourcing's pool wraps psycopg's in (a timeout its cause); none for a
    reading session's plain connection, which tells a timeout as `BusyError` itself
    (api/storage/plain_store.py) and imports nothing of eventsourcing."""
    if getattr(datastore, "store_kind", None) is not None:
        return ()
    from eventsourcing.persistence import OperationalError  # noqa: PLC0415 - see above

    return (OperationalError,)


class PostgresChainStore(ChainStore):
    def __init__(self, datastore: Any, *, create: bool = True,
                 events: str | None = None) -> None:
        """`create`: make the tables (when missing) and a new chain's tracking row; a
        session that only reads opens them as they are (`open_chain_to_read`).
        `events`: as SQLiteChainStore's."""
        from psycopg import sql  # noqa: PLC0415 - PostgreSQL only; a SQLite verb should not import it

        from api.storage.postgres_options import busy_error, pool_where  # noqa: PLC0415 - PostgreSQL only

        self._db = datastore
        schema = datastore.schema
        self._chain = sql.Identifier(schema, "jixiao_chain")
        self._tracking = sql.Identifier(schema, "jixiao_chain_tracking")
        if not create:
            return
        try:
            self._create_tables(schema, events)
        except _pool_errors(datastore) as error:
            raise busy_error(error, pool_where(datastore)) from error

    def _create_tables(self, schema: str, events: str | None) -> None:
        from psycopg import sql  # noqa: PLC0415 - PostgreSQL only

        from api.storage.pg_schema import lock_schema_ddl, tables_exist  # noqa: PLC0415 - PostgreSQL only

        with self._db.transaction(commit=True) as cursor:
            # Both there (made by the tables' owner, or an earlier open): no DDL, which a
            # role granted only reads and writes on them may not run (pg_schema.py).
            if not tables_exist(cursor, self._chain.as_string(cursor),
                                self._tracking.as_string(cursor)):
                lock_schema_ddl(cursor, schema)  # one open's DDL at a time (pg_schema.py)
                cursor.execute(sql.SQL(
                    "CREATE TABLE IF NOT EXISTS {} (position BIGINT PRIMARY KEY, "
                    "originator_id TEXT NOT NULL, originator_version BIGINT NOT NULL, "
                    "topic TEXT NOT NULL, link TEXT NOT NULL)").format(self._chain))
                cursor.execute(sql.SQL(
                    "CREATE TABLE IF NOT EXISTS {} (chain TEXT PRIMARY KEY, "
                    "position BIGINT NOT NULL, head TEXT NOT NULL)").format(self._tracking))
            cursor.execute(sql.SQL(
                "INSERT INTO {} SELECT %s, 0, %s WHERE NOT EXISTS (SELECT 1 FROM {}) "
                "ON CONFLICT (chain) DO NOTHING").format(self._tracking, self._chain),
                (CHAIN_NAME, GENESIS))
            if events is not None:
                make_postgres_index(cursor, schema, events)

    def _q(self, text: str) -> Any:
        from psycopg import sql  # noqa: PLC0415 - PostgreSQL only

        return sql.SQL(text).format(chain=self._chain, tracking=self._tracking)

    def tracking(self) -> tuple[int, str]:
        with self._db.transaction(commit=False) as cursor:
            cursor.execute(self._q("SELECT position, head FROM {tracking} WHERE chain = %s"),
                           (CHAIN_NAME,))
            row = cursor.fetchone()
        return _tracking(None if row is None else (row["position"], row["head"]))

    def links(self, after: int = 0, limit: int = PAGE_SIZE) -> list[ChainLink]:
        with self._db.transaction(commit=False) as cursor:
            cursor.execute(self._q(
                "SELECT position, originator_id, originator_version, topic, link FROM {chain} "
                "WHERE position > %s ORDER BY position LIMIT %s"), (after, limit))
            return [_link(r["position"], r["originator_id"], r["originator_version"],
                          r["topic"], r["link"]) for r in cursor.fetchall()]

    def link_at_or_before(self, position: int) -> str:
        with self._db.transaction(commit=False) as cursor:
            cursor.execute(self._q("SELECT link FROM {chain} WHERE position <= %s "
                                   "ORDER BY position DESC LIMIT 1"), (position,))
            row = cursor.fetchone()
        return str(row["link"]) if row else GENESIS

    def save(self, links: Sequence[ChainLink], expected: int) -> None:
        with self._db.transaction(commit=True) as cursor:
            cursor.execute(self._q(
                "UPDATE {tracking} SET position = %s, head = %s "
                "WHERE chain = %s AND position = %s"),
                (links[-1].position, links[-1].link, CHAIN_NAME, expected))
            if cursor.rowcount != 1:
                raise ConflictError("the chain was extended by another process; verify again")
            # One COPY, not an INSERT per link: executemany sent a statement per row. A
            # position already chained fails it as the INSERT did (the primary key).
            with cursor.copy(self._q(
                    "COPY {chain} (position, originator_id, originator_version, topic, link) "
                    "FROM STDIN")) as copy:
                write_row = copy.write_row
                for k in links:
                    write_row((k.position, str(k.originator_id), k.originator_version,
                               k.topic, k.link))


TRACKING_DAMAGED = ("the hash chain's tracking row (jixiao_chain_tracking) "
                    "is damaged: {reason}. The events are untouched; restore the row from a "
                    "backup or compare with a signed receipt (`jixiao verify --expect`).")
TRACKING_MISSING = "it is missing"
TRACKING_POSITION = "its position {position} is not a count"
TRACKING_HEAD = "its head {head} is not a SHA-256"
UNCHAINABLE = ("the stored event at position {position} has an id that is not a UUID "
               "({id}): no chain link is made of it, so nothing after it is chained. The "
               "database was edited; restore the row from a backup (`jixiao verify` names "
               "it).")


def _tracking(row: tuple[Any, Any] | None) -> tuple[int, str]:
    """The tracking row, checked: a damaged one is a clear error, never a traceback."""
    if row is None:
        raise ChainDamagedError(TRACKING_DAMAGED.format(reason=TRACKING_MISSING))
    position, head = row
    if isinstance(position, bool) or not isinstance(position, int) or position < 0:
        raise ChainDamagedError(TRACKING_DAMAGED.format(
            reason=TRACKING_POSITION.format(position=repr(position))))
    if not isinstance(head, str) or len(head) != 64 or set(head) - set("0123456789abcdef"):
        raise ChainDamagedError(TRACKING_DAMAGED.format(
            reason=TRACKING_HEAD.format(head=repr(str(head)[:70]))))
    return position, head


class ChainDamagedError(DomainError):
    code = "chain_damaged"


class UnchainableRecord(ChainDamagedError):
    """A stored event whose id is no UUID, after the chained position: no link is made of
    it (projections/chain_links.py `chain_link`), so the chain stops before it. A write
    goes on (`chain_up_quietly`); `verify` names the record; a close is refused."""

    def __init__(self, record: StoredRecord) -> None:
        self.record = record
        super().__init__(UNCHAINABLE.format(position=record.position,
                                            id=repr(shown_id(record.originator_id))))


def _chainable(head: str, page: list[StoredRecord]) -> list[ChainLink]:
    """`extend_chain(head, page)`, or the links of the records before the first whose id
    is no UUID (checked only when the page's chaining failed)."""
    try:
        return list(extend_chain(head, page))
    except ValueError:
        before = list(takewhile(lambda record: type(record.originator_id) is UUID, page))
        if len(before) == len(page):
            raise
        return list(extend_chain(head, before))


def _link(position: Any, originator_id: Any, version: Any, topic: Any, link: Any) -> ChainLink:
    # A chain row's id is not hashed (its link is what is compared); an edited one is
    # kept as its text, as a stored event's is (below), rather than stop the walk.
    return ChainLink(int(position), stored_id(originator_id), int(version), str(topic),
                     str(link))


def open_chain(ledger: Ledger) -> ChainStore:
    """The chain table in the ledger's own database; on PostgreSQL, for a ledger that
    refuses writes (api/storage/read_only.py), `open_chain_to_read`'s."""
    recorder = ledger.recorder
    datastore = recorder.datastore  # type: ignore[attr-defined]
    refuses_writes = getattr(recorder, "refuses_writes", False)
    if store_kind(recorder) == "postgres":
        # Asked of the ledger, not of its caller: every opener (the session's, a
        # snapshot's check of its chain head) then reads the chain as it is. A read-only
        # session's opener that made the tables sent the tracking row's INSERT, which its
        # READ ONLY transaction refused with a traceback.
        if refuses_writes:
            return open_chain_to_read(ledger)
        return PostgresChainStore(datastore, events=str(recorder.events_table_name))  # type: ignore[attr-defined]
    # A read-only file's copy makes no index: it would go with the copy, built by the
    # very scan it saves (api/storage/close_index.py).
    events = None if refuses_writes else str(recorder.events_table_name)  # type: ignore[attr-defined]
    return SQLiteChainStore(datastore, events)


class ChainInMemory(ChainStore):
    """The stored chain (None: none is stored yet), extended in memory: a session that
    may not write (a PostgreSQL role granted only reads, api/storage/read_only.py)
    chains the events after the stored tracking position for itself, as the writer's
    catch-up would, and the walk and the closes' checks read both; nothing is written."""

    def __init__(self, stored: ChainStore | None, unreadable: str | None = None) -> None:
        """`unreadable`: the chain's tables, when they are there and its role may not read
        them (then `stored` is None, and every event is chained here again)."""
        self._stored = stored
        self._added: list[ChainLink] = []
        self.unreadable = unreadable

    @property
    def holds_nothing_stored(self) -> bool:
        """Whether no stored chain backs it: its links are only those chained here."""
        return self._stored is None

    def tracking(self) -> tuple[int, str]:
        stored = None if self._stored is None else self._stored.tracking()
        if self._added and (stored is None or stored[0] < self._added[-1].position):
            return self._added[-1].position, self._added[-1].link
        # The owner's catch-up has stored past this session's links: read from the store
        # again, so a long-running reader (`jixiao serve`) holds the owner's lag in
        # memory, not a link for every event written since it started.
        self._added = []
        return (0, GENESIS) if stored is None else stored

    def links(self, after: int = 0, limit: int = PAGE_SIZE) -> list[ChainLink]:
        stored = [] if self._stored is None else self._stored.links(after, limit)
        if self._added:  # links a writer stored since are this session's own, here
            stored = [k for k in stored if k.position < self._added[0].position]
        added = [k for k in self._added if k.position > after][:limit]
        return [*stored, *added][:limit]

    def link_at_or_before(self, position: int) -> str:
        added = [k for k in self._added if k.position <= position]
        if added:
            return added[-1].link
        return GENESIS if self._stored is None else self._stored.link_at_or_before(position)

    def save(self, links: Sequence[ChainLink], expected: int) -> None:
        from eventsourcing.persistence import IntegrityError  # noqa: PLC0415 - as catch_up_chain

        # The stored links before the stored tracking row: an owner commits both at once,
        # so links seen first and the row still at `expected` after are damage, not the
        # owner's catch-up landing between the two reads (a conflict: verify again).
        ahead = not self._added and self._stored is not None and \
            bool(self._stored.links(expected, 1))
        if self.tracking()[0] != expected:
            raise ConflictError("the chain was extended by another process; verify again")
        if ahead:
            # A stored link after the tracked position: the writer's insert would hit it,
            # and catch_up_chain tells that as the tracking row damaged.
            raise IntegrityError
        self._added.extend(links)


def open_chain_to_read(ledger: Ledger) -> ChainStore:
    """The chain as `open_chain`, for a session on PostgreSQL that may not write: its
    tables read where they are, never made, and new links kept in memory."""
    from api.storage.pg_schema import tables_exist, tables_readable  # noqa: PLC0415 - PostgreSQL only

    datastore = ledger.recorder.datastore  # type: ignore[attr-defined]
    store = PostgresChainStore(datastore, create=False)
    with datastore.transaction(commit=False) as cursor:
        names = store._chain.as_string(cursor), store._tracking.as_string(cursor)
        present = tables_readable(cursor, *names)
        if present:
            return ChainInMemory(store)
        # There, but not this role's to read (granted before they were made, or left out):
        # said, as each verb then chains every event again (seconds on a hospital).
        there = tables_exist(cursor, *names)
    return ChainInMemory(None, ", ".join(names) if there else None)


# ---------------------------------------------------------------------------- reading


def stored_records(
    ledger: Ledger, after: int = 0, topics: Sequence[str] = (), limit: int = PAGE_SIZE,
    seen: Callable[[list[Row]], None] | None = None,
) -> Iterator[StoredRecord]:
    """The stored events as bytes, in notification order, `limit` at a time. `seen` is
    given each page of rows before its records (as `Ledger.read_pages`' is: `verify`
    folds them, api/storage/snapshot_check.py)."""
    start = after + 1
    while True:
        # Plain rows (domain/stored_reader.py): no Notification object, and one UUID, per
        # row; building those was most of a chain walk.
        page = select_rows(ledger.recorder, start, limit, topics)
        if seen is not None:
            seen(page)
        yield from records_of(page)
        if len(page) < limit:
            return
        start = page[-1][0] + 1


def records_of(rows: Sequence[Row]) -> list[StoredRecord]:
    """Stored rows as the chain reads them."""
    # The reader's ids are UUIDs already (text from a store with text ids, or an edited
    # id that is no UUID: kept as its text, which `chain_link` refuses to hash, so the
    # walk names that record as altered and goes on).
    return [StoredRecord(position, originator_id if type(originator_id) is UUID
                         else stored_id(originator_id), version, topic,
                         state if isinstance(state, bytes) else str(state).encode())
            for position, originator_id, version, topic, state in rows]


def catch_up_chain(ledger: Ledger, store: ChainStore) -> int:
    """Chain every event after the tracked position; returns how many were chained. The
    rows the ledger has just written, when they start right after the chain, are taken
    from the ledger instead of being read back from the store."""
    # eventsourcing's errors with a write: a read need not import eventsourcing.
    from eventsourcing.persistence import IntegrityError  # noqa: PLC0415

    position, head = store.tracking()
    chained = 0
    pages = _written_pages(ledger, position)
    while True:
        page = next(pages, None) or list(_take(stored_records(ledger, after=position),
                                               PAGE_SIZE))
        if not page:
            return chained
        links = _chainable(head, page)
        if not links:
            raise UnchainableRecord(page[0])
        try:
            store.save(links, expected=position)
        except IntegrityError:
            raise ChainDamagedError(TRACKING_DAMAGED.format(
                reason=f"its position {position} is behind the chain's own rows")) from None
        position, head = links[-1].position, links[-1].link
        chained += len(links)


def _written_pages(ledger: Ledger, position: int) -> Iterator[list[StoredRecord]]:
    """The ledger's last write as pages of records, if it follows `position`."""
    written = ledger.take_written()
    if written is None:
        return
    try:
        if written.first != position + 1:
            return
        number = written.first
        for rows in written.pages():
            for start in range(0, len(rows), PAGE_SIZE):
                page = rows[start:start + PAGE_SIZE]
                yield [StoredRecord(number + offset, _uuid(originator_id), version, topic,
                                    state)
                       for offset, (originator_id, version, topic, state) in enumerate(page)]
                number += len(page)
    finally:
        written.close()


def _uuid(originator_id: UUID | str) -> UUID:
    return originator_id if type(originator_id) is UUID else UUID(str(originator_id))


def _take(records: Iterator[StoredRecord], count: int) -> Iterator[StoredRecord]:
    for number, record in enumerate(records):
        if number >= count:
            return
        yield record


def chain_head_at(ledger: Ledger, store: ChainStore, position: int) -> str:
    """The chain's link at a notification position (after chaining up to it): what a
    period close records, so a later rewrite of the log before it shows."""
    catch_up_chain(ledger, store)
    return store.link_at_or_before(position)


def verify(ledger: Ledger, store: ChainStore,
           records: Iterator[StoredRecord] | None = None) -> ChainReport:
    """Chain what is new, then recompute every link from the stored bytes and compare.

    Writers may go on meanwhile: the walk judges the events and links up to the tracked
    position read once here (events are only ever appended after it), so it sees one
    consistent snapshot; another process chaining at the same moment is not an error.
    `records`: the stored records to walk, when not `stored_records(ledger)` itself
    (`verify` folds the rows it reads for the snapshot check: snapshot_check.py)."""
    # The walk and its findings (projections/audit.py): for `verify`, not every session.
    from projections.audit import (  # noqa: PLC0415
        ChainReport,
        check_anchors,
        close_anchors,
        unchained_finding,
        verify_chain,
    )

    unchained: list[Finding] = []
    try:
        catch_up_chain(ledger, store)
    except ConflictError:
        pass  # the racing process chained them; the walk below judges its links
    except UnchainableRecord as error:  # the walk stops before it: named on its own
        unchained.append(unchained_finding(error.record))
    position, head = store.tracking()
    links = takewhile(lambda link: link.position <= position, store.all_links())
    # One read of the log: the walk notes the closes it passes; only closes written after
    # its position (by a writer racing this check) are read on their own.
    closes: list[StoredRecord] = []
    walked = stored_records(ledger) if records is None else records
    report = verify_chain(_noting_closes(walked, position, closes), links, position, head)
    closes += stored_records(ledger, after=position, topics=[CLOSE_TOPIC_STORED])
    anchors = [*check_anchors(close_anchors(closes), store.link_at_or_before), *unchained]
    if not anchors:
        return report
    last = report.chained_upto + 1  # findings about the whole chain come after the events
    findings = sorted([*report.findings, *anchors],
                      key=lambda f: (last if f.position is None else f.position, f.kind))
    return ChainReport(report.chained_upto, report.head, report.events, report.links,
                       tuple(findings))


def _noting_closes(records: Iterator[StoredRecord], upto: int,
                   closes: list[StoredRecord]) -> Iterator[StoredRecord]:
    """The records unchanged, each period close up to `upto` also added to `closes`."""
    for record in records:
        if record.topic == CLOSE_TOPIC_STORED and record.position <= upto:
            closes.append(record)
        yield record


def check_close(ledger: Ledger, store: ChainStore, position: int, chain_head: str,
                recorded: str = "recorded at the close") -> str | None:
    """Why the chain no longer holds the head a close recorded at `position`, or None.

    Reads the one link there and recomputes it from the link before it and the stored
    event's bytes: an edited chain row or event at the close shows, without walking the
    whole chain (`verify` does that)."""
    row = store.link_row_at_or_before(position)
    stored = row.link if row else GENESIS
    if stored != chain_head:
        return (f"the chain at position {position} is {stored[:12]}…, not the head "
                f"{chain_head[:12]}… {recorded}")
    if row is None:
        return None
    record = next(stored_records(ledger, after=row.position - 1, limit=1), None)
    if record is None or record.position != row.position:
        return f"the event at position {row.position} is missing"
    previous = store.link_at_or_before(row.position - 1)
    try:
        holds = extend_chain(previous, [record])[0].link == row.link
    except ValueError:  # its id is no UUID: no link is made of it (chain_links.chain_link)
        holds = False
    if not holds:
        return f"the event at position {row.position} no longer hashes to its chain link"
    return None
