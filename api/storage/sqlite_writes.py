"""Bulk writes on SQLite: one executemany per batch instead of one round trip per event.

eventsourcing 9.5.6's SQLite application recorder inserts a batch one `execute` at a time
to read each row's `lastrowid` (its notification id). Here the batch goes in one
`executemany`, inside the same one transaction as before: a batch is still written whole
or not at all, a duplicate (originator id, version) still fails the whole batch with
`IntegrityError`, and the notification ids still follow the batch's order.

The ids without a `lastrowid` per row: SQLite numbers a new row one past the largest rowid
(the events table has no AUTOINCREMENT), and a transaction that has written holds the
database's only write lock until it commits, so the batch's rows are the last
`len(batch)` rowids once it is in. No psycopg here: the SQLite CLI does not import it.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import pairwise
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor

if TYPE_CHECKING:
    from domain.stored_encoding import StoredRow

SQLITE_RECORDER_TOPIC = f"{__name__}:BulkSQLiteRecorder"

# The page cache of a chunked batch's write (KiB; SQLite's default is 2,000). Its rows go
# to random places of the primary key's index (random ids): once the index outgrows the
# cache, nearly every insert reads an index page back and spills another to the WAL. At
# 200,000 rows (a 9 MiB index) that made 47 times the page reads of 20,000 rows and the
# insert's CPU 16 times. 6 MiB took as much off as 8 MiB (both ~0.5 s at 200,000 rows)
# for 1 MiB of peak RSS, not 2-4. A fixed bound, given back after the write.
BULK_CACHE_KIB = 6144


class BulkSQLiteRecorder(SQLiteApplicationRecorder):
    """eventsourcing's SQLite application recorder with one executemany per batch."""

    def _insert_events(self, c: SQLiteCursor, stored_events: Sequence[StoredEvent],
                       **_: Any) -> Sequence[int] | None:
        return self._insert_rows(c, [(s.originator_id, s.originator_version, s.topic,
                                      s.state) for s in stored_events])

    def insert_rows(self, rows: Sequence[StoredRow]) -> Sequence[int]:
        """`insert_events` for rows built as tuples (domain/stored_encoding.py): no
        StoredEvent per row."""
        with self.datastore.transaction(commit=True) as c:
            return self._insert_rows(c, rows)

    def _insert_rows(self, c: SQLiteCursor, rows: Sequence[StoredRow]) -> range:
        if not rows:
            return range(0)
        # An id as its 32 hex digits, as UUID.hex writes it: its 16 bytes' hex, as
        # '%032x' of the 128-bit int would be but ≈2.5 times faster (≈2 ms a hospital).
        # The body as a bytearray: the same BLOB, but sqlite3 binds a bytearray as it is
        # and first asks a bytes value for `__adapt__` and `__conform__` (two failed
        # look-ups, each a formatted AttributeError: ≈2–4 ms of a hospital's inserts).
        # The copies live for one executemany: a chunk's bodies twice (≈9 MB at 18.5k).
        c.executemany(self.insert_events_statement, [
            (originator_id.int.to_bytes(16).hex() if type(originator_id) is UUID
             else originator_id,
             version, topic, bytearray(state))
            for originator_id, version, topic, state in rows])
        c.execute(self.select_max_notification_id_statement)
        last = int(c.fetchone()[0])
        return range(last - len(rows) + 1, last + 1)

    def insert_event_chunks(self, chunks: Iterable[Sequence[StoredEvent]]) -> Sequence[int]:
        return self.insert_row_chunks(
            [(s.originator_id, s.originator_version, s.topic, s.state) for s in chunk]
            for chunk in chunks)

    def insert_row_chunks(self, chunks: Iterable[Sequence[StoredRow]]) -> Sequence[int]:
        """A batch too large to hold (domain/chunked_writes.py), chunk by chunk, in one
        transaction: all its rows or none. The ids as one range (they follow each other
        under the write lock), else an array: a list of 200,000 ints was 7 MiB of an
        import's peak."""
        spans: list[range] = []
        with (self.datastore.get_connection(commit=True) as connection,
              _bulk_cache(connection), connection.transaction(commit=True) as c):
            for chunk in chunks:
                spans.append(self._insert_rows(c, chunk))
        return _joined(spans)


@contextmanager
def _bulk_cache(connection: Any) -> Iterator[None]:
    """The connection's page cache at BULK_CACHE_KIB for a write, then as it was (which
    frees the pages beyond it)."""
    cursor = connection.cursor().sqlite_cursor
    try:
        before = int(cursor.execute("PRAGMA cache_size").fetchone()[0])
        if before >= 0 or -before >= BULK_CACHE_KIB:  # in pages, or as large already
            yield
            return
        cursor.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
        try:
            yield
        finally:
            cursor.execute(f"PRAGMA cache_size = {before}")
    finally:
        cursor.close()


def _joined(spans: list[range]) -> Sequence[int]:
    """Consecutive ranges as one; any gap (no recorder of ours makes one) as an array."""
    spans = [span for span in spans if span]
    if not spans:
        return range(0)
    if all(a.stop == b.start for a, b in pairwise(spans)):
        return range(spans[0].start, spans[-1].stop)
    ids = array("q")
    for span in spans:
        ids.extend(span)
    return ids
