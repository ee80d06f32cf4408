"""Contract: the direct stored-event reader (domain/stored_reader.py) gives what
eventsourcing's own `select_notifications` and the mapper give, row for row, on SQLite and
PostgreSQL, both with the product's recorders (`open_ledger`) and with eventsourcing's
defaults (`Ledger(env)`); an entry that no longer reads is still one InvalidEntry; and an
id's text becomes the UUID that `UUID(text)` makes, or the same refusal."""

from __future__ import annotations

import json
from uuid import UUID

import pytest
from builders import GOLDEN, unchecked_score
from eventsourcing.persistence import StoredEvent
from hypothesis import given
from hypothesis import strategies as st

from api.storage.session import open_ledger
from domain.application import Ledger, read_stored
from domain.envelope import InvalidEntry
from domain.stored_ids import stored_id
from domain.stored_reader import decode_rows, select_rows

# The first commands of the first worked example: a scheme, departments, people, scores.
ROWS = [json.loads(line) for line in
        (GOLDEN / "example-1" / "commands.jsonl").read_text().splitlines()
        if line.strip() and not line.startswith("#")][:8]


def _fill(ledger: Ledger) -> UUID:
    """Valid events, and one a past version stored unchecked (a score of 1e5000)."""
    commands = ledger.parse_commands([(f"row {n}", row) for n, row in enumerate(ROWS, 1)])
    assert len(ledger.record(commands, "contract").recorded) == len(ROWS)
    bad = unchecked_score()
    ledger.recorder.insert_events([ledger.mapper.to_stored_event(bad)])
    return bad.originator_id


@pytest.mark.parametrize("opener", [open_ledger, Ledger], ids=["product", "defaults"])
def test_rows_and_events_are_those_eventsourcing_and_the_mapper_give(store, opener) -> None:  # type: ignore[no-untyped-def]
    ledger = opener(store.env)
    try:
        bad_id = _fill(ledger)
        notifications = ledger.recorder.select_notifications(start=1, limit=100)
        rows = select_rows(ledger.recorder, 1, 100)
        assert [(n.id, n.originator_id, n.originator_version, n.topic, bytes(n.state))
                for n in notifications] == rows
        assert all(type(row[1]) is UUID for row in rows)
        # Pages and topic filters select as eventsourcing does.
        assert select_rows(ledger.recorder, rows[1][0], 2) == rows[1:3]
        topic = rows[2][3]
        assert select_rows(ledger.recorder, 1, 100, [topic]) == [
            row for row in rows if row[3] == topic]

        decoded = decode_rows(ledger.mapper, rows, read_stored)
        expected = [(n.id, read_stored(ledger.mapper, n)) for n in notifications]
        assert decoded == expected
        invalid = [event for _, event in decoded if isinstance(event, InvalidEntry)]
        assert [event.originator_id for event in invalid] == [bad_id]
        facts = ledger.facts()
        assert list(facts.invalid) == [bad_id]
        assert len(facts.live) == len(ROWS)
    finally:
        ledger.close()


def _spellings(value: UUID) -> list[str]:
    return [value.hex, str(value), str(value).upper(), value.hex.upper(), f"{{{value}}}",
            f"urn:uuid:{value}"]


@given(st.uuids())
def test_an_id_s_text_reads_as_the_uuid_uuid_makes(value: UUID) -> None:
    for text in _spellings(value):
        read = stored_id(text)
        assert type(read) is UUID
        assert (read, read.int, hash(read), str(read), read.is_safe) == (
            UUID(text), value.int, hash(value), str(value), UUID(text).is_safe)
    assert stored_id(value) is value


@pytest.mark.parametrize("text", [
    "0x" + "1" * 30, " " + "a" * 31, "+" + "a" * 31, "1_" + "a" * 30, "g" * 32,
    "٣" * 32, "a" * 31, "a" * 33, "", "-" * 36, "12345678-1234-1234-1234-1234567890ab ",
    "a" * 16 + "-" + "b" * 16, "a-" * 32, "{" + "a" * 32 + "}", "-" + "a" * 32 + "-",
])
def test_an_odd_id_reads_or_is_refused_as_uuid_does_it(text: str) -> None:
    """Refused: kept as its text, which each reader names (domain/stored_ids.py)."""
    try:
        expected: object = UUID(text)
    except ValueError:
        expected = text
    assert stored_id(text) == expected


def test_a_stored_event_that_is_not_bytes_goes_the_mapper_s_way(sqlite_env) -> None:  # type: ignore[no-untyped-def]
    ledger = open_ledger(sqlite_env)
    try:
        _fill(ledger)
        position, originator_id, version, topic, state = select_rows(ledger.recorder, 1, 1)[0]
        as_text = (position, originator_id, version, topic, state.decode())
        expected = read_stored(ledger.mapper, StoredEvent(
            originator_id=originator_id, originator_version=version, topic=topic,
            state=state.decode()))  # type: ignore[arg-type]
        assert decode_rows(ledger.mapper, [as_text], read_stored) == [(position, expected)]  # type: ignore[list-item]
    finally:
        ledger.close()


def test_pages_read_as_the_rows_decode(store) -> None:  # type: ignore[no-untyped-def]
    """`Ledger.read_pages` (`read_page`, one pass on SQLite) gives what `decode_rows` gives
    for `select_rows`, an InvalidEntry included, in pages of any size."""
    ledger = open_ledger(store.env)
    try:
        bad_id = _fill(ledger)
        expected = decode_rows(ledger.mapper, select_rows(ledger.recorder, 1, 100), read_stored)
        for size in (1, 3, 100):
            pages = list(ledger.read_pages(page_size=size))
            assert [pair for page in pages for pair in page] == expected
            assert all(len(page) == size for page in pages[:-1])
        assert [event.originator_id for _, event in expected
                if isinstance(event, InvalidEntry)] == [bad_id]
    finally:
        ledger.close()


@pytest.mark.parametrize("spelling", [str.upper, lambda text: str(UUID(text)),
                                      lambda text: "{" + str(UUID(text)) + "}"])
def test_an_id_stored_in_another_spelling_reads_as_select_rows_reads_it(  # type: ignore[no-untyped-def]
        sqlite_env, spelling) -> None:
    """SQLite's check of an id's text (32 lower-case hex digits) passes the others to
    `stored_id`, as `select_rows` does."""
    ledger = open_ledger(sqlite_env)
    try:
        _fill(ledger)
        with ledger.recorder.datastore.transaction(commit=True) as cursor:
            cursor.execute("SELECT originator_id FROM stored_events WHERE rowid=2")
            text = cursor.fetchone()[0]
            cursor.execute("UPDATE stored_events SET originator_id=? WHERE rowid=2",
                           (spelling(text),))
        expected = decode_rows(ledger.mapper, select_rows(ledger.recorder, 1, 100), read_stored)
        assert expected[1][1].originator_id == UUID(text)
        assert [pair for page in ledger.read_pages() for pair in page] == expected
    finally:
        ledger.close()


def test_an_id_that_is_no_uuid_reads_alike_in_the_rows_and_the_pages(sqlite_env) -> None:  # type: ignore[no-untyped-def]
    """Once refused by both with int()'s ValueError (a traceback for every reader); now
    the row keeps the text and both readers make it one InvalidEntry
    (tests/contract/test_stored_ids.py)."""
    ledger = open_ledger(sqlite_env)
    try:
        _fill(ledger)
        with ledger.recorder.datastore.transaction(commit=True) as cursor:
            cursor.execute("UPDATE stored_events SET originator_id=? WHERE rowid=2",
                           ("g" * 32,))
        selected = select_rows(ledger.recorder, 1, 100)
        assert selected[1][1] == "g" * 32
        decoded = decode_rows(ledger.mapper, selected, read_stored)
        assert isinstance(decoded[1][1], InvalidEntry)
        assert [pair for page in ledger.read_pages() for pair in page] == decoded
    finally:
        ledger.close()
