"""Bulk writes on PostgreSQL: a large batch in one binary COPY.

eventsourcing 9.5.6 sends a batch as an array of composite values that psycopg builds row
by row (`ChunkedPostgresRecorder` does the same in chunks). A batch of `COPY_FROM_ROWS`
or more goes here in one `COPY … FROM STDIN (FORMAT BINARY)` instead, inside the same
one transaction, after the same EXCLUSIVE table lock: a batch is still written whole or
not at all, a duplicate (originator id, version) still fails it with `IntegrityError`,
and the notification ids still follow the batch's order.

The ids without RETURNING (COPY has none): the lock is taken before the largest id is
read and held until commit, and only inserts draw from the events table's sequence, so
the rows this transaction added are exactly those numbered after it, in the order sent.
Their count and bounds are checked, so a store numbered otherwise fails loudly instead
of misnumbering the fold.

The server's side of a COPY (parsing, the heap, two indexes) takes as long as a raw
COPY, about a quarter of the ledger's whole write. So `stream_rows` takes the rows as
the ledger encodes them, chunk by chunk (psycopg hands each 32 KiB to the socket as it
fills), and calls `during` with the ids the rows should get once they are all handed
over, while the server is still taking them in: the ledger folds its own events then
(domain/application.py, `Ledger.save`) instead of after the commit. psycopg's queued
writer (a thread) measured slower here: the GIL handover costs more than it overlaps.
The lock, the notification and the reads of the largest id and of the sequence go in one
round trip.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from eventsourcing.persistence import OperationalError, ProgrammingError, StoredEvent
from psycopg.sql import SQL, Identifier, Literal

from api.storage.postgres_limits import ChunkedPostgresRecorder
from api.storage.postgres_options import busy_error, pool_where
from domain.stored_encoding import StoredRow

COPY_FROM_ROWS = 200  # below this the INSERT's one round trip costs less than COPY's


class CopyPostgresRecorder(ChunkedPostgresRecorder):
    """The chunked recorder, writing a batch of `COPY_FROM_ROWS` or more with COPY."""

    copy_from_rows = COPY_FROM_ROWS  # from this many rows on, `stream_rows` (the ledger)

    def _insert_in_chunks(self, stored_events: Sequence[StoredEvent]) -> list[int]:
        if len(stored_events) < COPY_FROM_ROWS:
            return super()._insert_in_chunks(stored_events)
        return list(self._copy([[(s.originator_id, s.originator_version, s.topic, s.state)
                                 for s in stored_events]]))

    def insert_rows(self, rows: Sequence[StoredRow]) -> Sequence[int]:
        """`insert_events` for rows built as tuples (domain/stored_encoding.py): a large
        batch goes into COPY as it is, with no StoredEvent per row."""
        if len(rows) < COPY_FROM_ROWS:
            return list(self.insert_events([StoredEvent(*row) for row in rows]) or ())
        return self.insert_row_chunks([rows])

    def insert_event_chunks(self, chunks: Iterable[Sequence[StoredEvent]]) -> Sequence[int]:
        return self.insert_row_chunks(
            [(s.originator_id, s.originator_version, s.topic, s.state) for s in chunk]
            for chunk in chunks)

    def insert_row_chunks(self, chunks: Iterable[Sequence[StoredRow]]) -> Sequence[int]:
        """A batch too large to hold (domain/chunked_writes.py), streamed into one COPY in
        one transaction: all its rows or none."""
        return self.stream_rows(chunks)

    def stream_rows(self, chunks: Iterable[Sequence[StoredRow]],
                    during: Callable[[int, int], None] | None = None) -> Sequence[int]:
        """The rows of `chunks`, taken as they come, in one COPY in one transaction: all
        or none. The server takes each chunk in while the next is made. `during(before,
        first)`, once every row is handed over and before the server has taken them all:
        the largest id before the batch and the id the first row is expected to get (the
        ids returned are what counts); if it raises, nothing is written."""
        try:
            return self._copy(chunks, during)
        except OperationalError as error:
            raise busy_error(error, pool_where(self.datastore)) from error

    def _copy(self, chunks: Iterable[Sequence[StoredRow]],
              during: Callable[[int, int], None] | None = None) -> Sequence[int]:
        datastore = self.datastore
        table = SQL("{0}.{1}").format(Identifier(datastore.schema),
                                      Identifier(self.events_table_name))
        count = 0
        with datastore.get_connection() as conn, conn.transaction(), conn.cursor() as curs:
            # One round trip: the lock (the session's lock_timeout applies), the
            # notification, then the largest id and the sequence's last value read under
            # the lock (no parameters, so one simple query may hold all three).
            curs.execute(SQL("{lock}; NOTIFY {channel}; SELECT (SELECT max(notification_id) "
                             "FROM {table}) AS before, pg_sequence_last_value("
                             "pg_get_serial_sequence({name}, 'notification_id')) AS last")
                         .format(lock=self.lock_table_statements[-1],
                                 channel=Identifier(self.channel_name), table=table,
                                 name=Literal(table.as_string(conn))))
            while curs.nextset():
                pass
            before, last = _values(curs.fetchone())
            before = before or 0
            with curs.copy(SQL("COPY {0} (originator_id, originator_version, topic, state) "
                               "FROM STDIN (FORMAT BINARY)").format(table)) as copy:
                copy.set_types([datastore.originator_id_type, "int8", "text", "bytea"])
                write_row = copy.write_row
                for chunk in chunks:
                    for row in chunk:
                        write_row(row)
                    count += len(chunk)
                if during is not None and count:
                    during(before, (last or 0) + 1)
            if curs.rowcount not in (count, -1):
                raise ProgrammingError(f"COPY wrote {curs.rowcount} rows, not {count}")
            ids = _ids_after(curs, table, before, count)
        return ids


def _ids_after(curs: Any, table: Any, before: int, count: int) -> Sequence[int]:
    """The notification ids after `before`, in order. Under the lock the rows after
    `before` are exactly the batch's `count` rows, each id unique (an index), so its
    bounds tell whether they run without a gap (always, the sequence drawn by nobody
    else) without counting them; else each one is read. A batch's 5,000 rows were
    fetched one by one into dicts before, then counted."""
    if count == 0:
        return range(0)
    curs.execute(SQL("SELECT min(notification_id) AS low, max(notification_id) AS high "
                     "FROM {0} WHERE notification_id > %s").format(table), (before,))
    low, high = _values(curs.fetchone())
    if low is not None and high - low + 1 == count:
        return range(low, high + 1)
    curs.execute(SQL("SELECT notification_id FROM {0} WHERE notification_id > %s "
                     "ORDER BY notification_id").format(table), (before,))
    ids = [_values(row)[0] for row in curs.fetchall()]
    if len(ids) != count:
        raise ProgrammingError(f"COPY wrote {count} rows but {len(ids)} "
                               f"notification ids follow {before}")
    return ids


def _values(row: Any) -> tuple[Any, ...]:
    """A row's values (eventsourcing's cursors return dicts)."""
    if row is None:
        return (None,)
    return tuple(row.values()) if isinstance(row, dict) else tuple(row)
