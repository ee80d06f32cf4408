"""Contract: a stored row whose topic was edited to name no event type of ours is one
InvalidEntry, on SQLite and PostgreSQL, by every reader (the fold, its pages, and the
rows decoded one by one), and a topic naming a module outside `domain` is never imported.
Before, every reader stopped with eventsourcing's TopicError (`jixiao payout` printed a
traceback), and a topic such as `antigravity:x` was imported by the first read."""

from __future__ import annotations

import sys
from uuid import UUID, uuid4

import pytest
from eventsourcing.persistence import StoredEvent

from api.storage.session import open_ledger
from domain.application import read_stored
from domain.envelope import InvalidEntry
from domain.stored_reader import decode_rows, select_rows
from domain.stored_topics import UnknownStoredType, stored_class, stored_type_name
from tests.contract.test_stored_reader import ROWS, _fill

# Named by the edited rows: an event type that does not exist, a class of ours that is
# not an event, a module of ours that does not exist, and a standard module this process
# has no reason to import (it must still not be imported after the reads).
UNIMPORTED = "xdrlib" if "xdrlib" not in sys.modules else "nntplib"
TOPICS = ["domain.events:Evil", "domain.errors:ConflictError", "domain.nothing:Here",
          f"{UNIMPORTED}:Packer", "no-colon-at-all", "domain.events:ScoreRecorded.x"]


def _edited(ledger, topics: list[str]) -> list[UUID]:  # type: ignore[no-untyped-def]
    ids = [uuid4() for _ in topics]
    state = b'{"recorded_at": "2026-04-02T00:00:00+00:00", "actor": "someone"}'
    ledger.recorder.insert_events([StoredEvent(originator_id=event_id, originator_version=1,
                                               topic=topic, state=state)
                                   for event_id, topic in zip(ids, topics, strict=True)])
    return ids


def test_an_edited_topic_is_one_invalid_entry_for_every_reader(store) -> None:  # type: ignore[no-untyped-def]
    ledger = open_ledger(store.env)
    try:
        bad_id = _fill(ledger)
        edited = _edited(ledger, TOPICS)
        rows = select_rows(ledger.recorder, 1, 100)
        decoded = [event for _, event in decode_rows(ledger.mapper, rows, read_stored)]
        invalid = {event.originator_id: event for event in decoded
                   if isinstance(event, InvalidEntry)}
        assert set(invalid) == {bad_id, *edited}
        assert [invalid[i].stored_type for i in edited] == [
            stored_type_name(topic) for topic in TOPICS]
        assert all(invalid[i].actor == "someone" for i in edited)
        facts = ledger.facts()
        assert set(facts.invalid) == {bad_id, *edited}
        assert len(facts.live) == len(ROWS)
        paged = [event for page in ledger.read_pages(0, 3) for _, event in page]
        assert paged == decoded
        assert UNIMPORTED not in sys.modules
    finally:
        ledger.close()


@pytest.mark.parametrize("topic", TOPICS)
def test_a_topic_that_names_no_event_type_is_refused(topic: str) -> None:
    with pytest.raises(UnknownStoredType):
        stored_class(topic)
    assert UNIMPORTED not in sys.modules


def test_every_stored_topic_of_the_example_still_resolves(sqlite_env) -> None:  # type: ignore[no-untyped-def]
    ledger = open_ledger(sqlite_env)
    try:
        _fill(ledger)
        for _, _, _, topic, _ in select_rows(ledger.recorder, 1, 100):
            assert stored_class(topic).__name__ == stored_type_name(topic)
    finally:
        ledger.close()
