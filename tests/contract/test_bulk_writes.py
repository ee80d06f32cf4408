"""The ledger's recorders write a batch in one statement (executemany on SQLite, COPY on
PostgreSQL) and still hand back each event's notification id in the batch's order; a
duplicate anywhere fails the whole batch and writes nothing (issue 18, target 2)."""

from __future__ import annotations

from uuid import uuid4

import pytest
from eventsourcing.persistence import IntegrityError, StoredEvent

from api.storage.postgres_copy import COPY_FROM_ROWS
from api.storage.session import Session
from api.storage.sqlite_writes import BULK_CACHE_KIB, BulkSQLiteRecorder


def _stored(count: int) -> list[StoredEvent]:
    return [StoredEvent(originator_id=uuid4(), originator_version=1,
                        topic="tests:Nothing", state=b'{"n":%d}' % n) for n in range(count)]


def _rows(batch: list[StoredEvent]) -> list[tuple[object, int, str, bytes]]:
    """The batch as the tuples the ledger inserts (domain/stored_encoding.py)."""
    return [(s.originator_id, s.originator_version, s.topic, s.state) for s in batch]


@pytest.mark.parametrize("as_rows", [False, True])
@pytest.mark.parametrize("count", [1, COPY_FROM_ROWS - 1, COPY_FROM_ROWS, 3 * COPY_FROM_ROWS])
def test_a_batch_gets_its_ids_in_order(store, count, as_rows) -> None:  # type: ignore[no-untyped-def]
    with Session(store.env) as session:
        recorder = session.ledger.recorder
        recorder.insert_events(_stored(2))
        batch = _stored(count)
        ids = recorder.insert_rows(_rows(batch)) if as_rows else recorder.insert_events(batch)
        assert list(ids) == list(range(3, 3 + count))
        stored = recorder.select_notifications(start=3, limit=count + 10)
        assert [(n.id, n.originator_id, n.state) for n in stored] == [
            (i, s.originator_id, s.state) for i, s in zip(ids, batch, strict=True)]


def test_a_chunked_batch_is_one_transaction_with_ids_in_order(store) -> None:  # type: ignore[no-untyped-def]
    with Session(store.env) as session:
        recorder = session.ledger.recorder
        chunks = [_stored(COPY_FROM_ROWS + 7), _stored(3), _stored(0), _stored(40)]
        ids = recorder.insert_event_chunks(iter(chunks))
        flat = [s for chunk in chunks for s in chunk]
        assert list(ids) == list(range(1, len(flat) + 1))
        stored = recorder.select_notifications(start=1, limit=len(flat) + 10)
        assert [n.originator_id for n in stored] == [s.originator_id for s in flat]


@pytest.mark.parametrize("how", ["events", "chunks", "rows", "row chunks"])
def test_a_duplicate_anywhere_fails_the_whole_batch(store, how) -> None:  # type: ignore[no-untyped-def]
    with Session(store.env) as session:
        recorder = session.ledger.recorder
        first = _stored(5)
        recorder.insert_events(first)
        batch = [*_stored(COPY_FROM_ROWS), first[3], *_stored(3)]
        write = {"events": lambda: recorder.insert_events(batch),
                 "chunks": lambda: recorder.insert_event_chunks(iter([batch[:10], batch[10:]])),
                 "rows": lambda: recorder.insert_rows(_rows(batch)),
                 "row chunks": lambda: recorder.insert_row_chunks(
                     iter([_rows(batch[:10]), _rows(batch[10:])]))}[how]
        with pytest.raises(IntegrityError):
            write()
        assert recorder.max_notification_id() == 5
        later = _stored(1)
        recorder.insert_events(later)  # PostgreSQL's sequence keeps its gap; order holds
        stored = recorder.select_notifications(start=1, limit=100)
        assert [n.originator_id for n in stored] == [
            s.originator_id for s in (*first, *later)]


def test_sqlite_writes_a_chunked_batch_with_a_larger_cache_given_back(  # type: ignore[no-untyped-def]
        sqlite_env, monkeypatch) -> None:
    """A chunked batch's random ids land all over the primary key's index: its write
    takes the connection's page cache to BULK_CACHE_KIB, then back; its ids are one
    range, not an array of 8 bytes a row."""
    caches: list[int] = []
    insert = BulkSQLiteRecorder._insert_rows

    def spied(self, c, rows):  # type: ignore[no-untyped-def]
        caches.append(c.sqlite_cursor.connection.execute("PRAGMA cache_size").fetchone()[0])
        return insert(self, c, rows)

    monkeypatch.setattr(BulkSQLiteRecorder, "_insert_rows", spied)
    with Session(sqlite_env) as session:
        recorder = session.ledger.recorder
        ids = recorder.insert_row_chunks(_rows(_stored(COPY_FROM_ROWS + n)) for n in range(3))
        with recorder.datastore.get_connection(commit=True) as connection:
            after = connection.cursor().sqlite_cursor.execute("PRAGMA cache_size").fetchone()
        recorder.insert_rows(_rows(_stored(2)))
    assert caches == [-BULK_CACHE_KIB] * 3 + [-2000]
    assert after[0] == -2000
    assert ids == range(1, 3 * COPY_FROM_ROWS + 4)
