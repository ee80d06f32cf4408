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
Their count is checked, so a store numbered otherwise fails loudly instead of
misnumbering the fold.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from eventsourcing.persistence import OperationalError, ProgrammingError, StoredEvent
from psycopg.sql import SQL, Identifier

from api.storage.postgres_limits import ChunkedPostgresRecorder, busy_error
from domain.stored_encoding import StoredRow

COPY_FROM_ROWS = 200  # below this the INSERT's one round trip costs less than COPY's


class CopyPostgresRecorder(ChunkedPostgresRecorder):
    """The chunked recorder, writing a batch of `COPY_FROM_ROWS` or more with COPY."""

    def _insert_in_chunks(self, stored_events: Sequence[StoredEvent]) -> list[int]:
        if len(stored_events) < COPY_FROM_ROWS:
            return super()._insert_in_chunks(stored_events)
        return self._copy([[(s.originator_id, s.originator_version, s.topic, s.state)
                            for s in stored_events]])

    def insert_rows(self, rows: Sequence[StoredRow]) -> list[int]:
        """`insert_events` for rows built as tuples (domain/stored_encoding.py): a large
        batch goes into COPY as it is, with no StoredEvent per row."""
        if len(rows) < COPY_FROM_ROWS:
            return list(self.insert_events([StoredEvent(*row) for row in rows]) or ())
        return self.insert_row_chunks([rows])

    def insert_event_chunks(self, chunks: Iterable[Sequence[StoredEvent]]) -> list[int]:
        return self.insert_row_chunks(
            [(s.originator_id, s.originator_version, s.topic, s.state) for s in chunk]
            for chunk in chunks)

    def insert_row_chunks(self, chunks: Iterable[Sequence[StoredRow]]) -> list[int]:
        """A batch too large to hold (domain/chunked_writes.py), streamed into one COPY in
        one transaction: all its rows or none."""
        try:
            return self._copy(chunks)
        except OperationalError as error:
            raise busy_error(error) from error

    def _copy(self, chunks: Iterable[Sequence[StoredRow]]) -> list[int]:
        table = SQL("{0}.{1}").format(Identifier(self.datastore.schema),
                                      Identifier(self.events_table_name))
        count = 0
        with self.datastore.get_connection() as conn, conn.transaction(), \
                conn.cursor() as curs:
            curs.execute(self.lock_table_statements[-1])  # before reading the largest id
            curs.execute(SQL("NOTIFY {0}").format(Identifier(self.channel_name)))
            curs.execute(self.max_notification_id_statement)
            before = _first_value(curs.fetchone()) or 0
            with curs.copy(SQL("COPY {0} (originator_id, originator_version, topic, state) "
                               "FROM STDIN (FORMAT BINARY)").format(table)) as copy:
                copy.set_types([self.datastore.originator_id_type, "int8", "text", "bytea"])
                write_row = copy.write_row
                for chunk in chunks:
                    for row in chunk:
                        write_row(row)
                    count += len(chunk)
            ids = _ids_after(curs, table, before, count)
            if len(ids) != count:
                raise ProgrammingError(f"COPY wrote {count} rows but {len(ids)} "
                                       f"notification ids follow {before}")
        return ids


def _ids_after(curs: Any, table: Any, before: int, count: int) -> list[int]:
    """The notification ids after `before`, in order: from their count and bounds when
    they run without a gap (always, under the lock: a batch's 5,000 rows were fetched
    one by one into dicts before), else each one read."""
    curs.execute(SQL("SELECT count(*) AS n, min(notification_id) AS low, "
                     "max(notification_id) AS high FROM {0} WHERE notification_id > %s"
                     ).format(table), (before,))
    row = curs.fetchone()
    found, low, high = (row["n"], row["low"], row["high"]) if isinstance(row, dict) else row
    if found == count and (count == 0 or high - low + 1 == count):
        return list(range(low, high + 1)) if count else []
    curs.execute(SQL("SELECT notification_id FROM {0} WHERE notification_id > %s "
                     "ORDER BY notification_id").format(table), (before,))
    return [_first_value(row) for row in curs.fetchall()]


def _first_value(row: Any) -> Any:
    """The first column of a row (eventsourcing's cursors return dicts)."""
    if row is None:
        return None
    return next(iter(row.values())) if isinstance(row, dict) else row[0]
