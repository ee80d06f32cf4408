"""Contract: a stored row whose originator id was edited to text that is no UUID is one
InvalidEntry for every reader (the rows, their decoding, the fold and its pages), filed
under a placeholder id that is not the stored one; `verify` names the record and never
hashes its text into a link. On PostgreSQL the column is typed `uuid`: the edit itself is
refused, which is asserted instead. Before, every reader stopped with `ValueError: badly
formed hexadecimal UUID string` (`jixiao payout` and `jixiao verify` printed a traceback)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import psycopg
import pytest
from builders import sql_on_store, unchecked_score
from eventsourcing.persistence import DataError

from api.storage.chain import catch_up_chain, open_chain, verify
from api.storage.session import open_ledger
from domain.application import Ledger, read_stored
from domain.envelope import InvalidEntry
from domain.stored_ids import placeholder_id
from domain.stored_reader import decode_rows, select_rows
from tests.contract.test_stored_reader import ROWS, _fill

# Text that is no UUID: plain words, 32 letters that are not hex (the readers' inline
# parse takes those as far as int(…, 16)), a UUID with one more digit, and an escape
# sequence that would rewrite a terminal line if printed as it is; and one longer than
# any finding or message repeats (each cuts it at 100 characters).
EDITED = ["not-a-uuid", "x" * 300, "z" * 32, "0" * 33, "\x1b[2K\rok"]


def _edit_ids(ledger: Ledger, ids: list[str], after: int = 0, skip: int = 1) -> list[int]:
    """The rows after the first `skip` rows past position `after` given the ids `ids`,
    one each, in the database; their positions."""
    rows = select_rows(ledger.recorder, after + 1, 100)[skip:skip + len(ids)]
    for (position, *_), text in zip(rows, ids, strict=True):
        sql_on_store(ledger.recorder, "UPDATE {events} SET originator_id=? WHERE {id}=?",
                     text, position)
    return [position for position, *_ in rows]


def test_an_id_that_is_no_uuid_is_one_invalid_entry_for_every_reader(store) -> None:  # type: ignore[no-untyped-def]
    ledger = open_ledger(store.env)
    try:
        bad_id = _fill(ledger)
        if store.backend == "postgres":
            with pytest.raises(DataError) as refused:
                _edit_ids(ledger, EDITED[:1])
            assert isinstance(refused.value.__cause__, psycopg.errors.InvalidTextRepresentation)
            assert all(type(row[1]) is not str for row in select_rows(ledger.recorder, 1, 100))
            return
        positions = _edit_ids(ledger, EDITED)
        rows = select_rows(ledger.recorder, 1, 100)
        assert [row[1] for row in rows if row[0] in positions] == EDITED
        decoded = [event for _, event in decode_rows(ledger.mapper, rows, read_stored)]
        invalid = {event.originator_id: event for event in decoded
                   if isinstance(event, InvalidEntry)}
        placeholders = [placeholder_id(p) for p in positions]
        assert set(invalid) == {bad_id, *placeholders}
        for position, text, placeholder in zip(positions, EDITED, placeholders, strict=True):
            entry = invalid[placeholder]
            assert str(placeholder).endswith(f"{position:012d}")
            assert [(p.code, dict(p.context)) for p in entry.problems] == [
                ("unreadable_id", {"id": repr(text[:100]), "position": str(position)})]
            assert entry.problem == f"stored id {text[:100]!r} is not a UUID (position {position})"
            assert entry.actor == "contract"  # from the body, as for any invalid entry
        assert "\x1b" not in "".join(e.problem for e in invalid.values())
        fresh = open_ledger(store.env)  # this one folded the rows before they were edited
        try:
            facts = fresh.facts()
        finally:
            fresh.close()
        assert set(facts.invalid) == {bad_id, *placeholders}
        assert len(facts.live) == len(ROWS) - len(EDITED)
        paged = [event for page in ledger.read_pages(0, 3) for _, event in page]
        assert paged == decoded
    finally:
        ledger.close()


def test_verify_names_an_edited_id_and_hashes_no_link_of_its_text(store) -> None:  # type: ignore[no-untyped-def]
    """Chained, then edited: an altered record whose reason says its id is no UUID. Edited
    before it was chained: the chain stops before it and `verify` names it all the same."""
    ledger = open_ledger(store.env)
    try:
        _fill(ledger)
        chain = open_chain(ledger)
        catch_up_chain(ledger, chain)
        assert verify(ledger, chain).ok
        if store.backend == "postgres":
            with pytest.raises(DataError) as refused:
                _edit_ids(ledger, EDITED[:1])
            assert isinstance(refused.value.__cause__, psycopg.errors.InvalidTextRepresentation)
            assert verify(ledger, chain).ok
            _edit_chain_row(ledger)
            verify(ledger, chain)  # the chain's own id column is text there: read, no stop
            return
        positions = _edit_ids(ledger, EDITED[:2])
        report = verify(ledger, chain)
        assert not report.ok
        assert [(f.kind, f.reason, f.position, f.event_id) for f in report.findings] == [
            ("altered", "unreadable_id", p, text[:100])
            for p, text in zip(positions, EDITED[:2], strict=True)]
        _more_scores(ledger, 4)  # rows after the chain's position, the third one edited
        [later] = _edit_ids(ledger, ["edited-later"], after=chain.tracking()[0], skip=2)
        report = verify(ledger, chain)
        assert chain.tracking()[0] == later - 1  # chained up to the edited row, not past it
        assert [(f.kind, f.reason, f.position) for f in report.findings] == [
            *(("altered", "unreadable_id", p) for p in positions),
            ("altered", "unchained_id", later)]
        _edit_chain_row(ledger)
        assert verify(ledger, chain).findings == report.findings
        fresh = open_ledger(store.env)
        try:
            assert placeholder_id(later) in fresh.facts().invalid
        finally:
            fresh.close()
    finally:
        ledger.close()


def _edit_chain_row(ledger: Ledger) -> None:
    """A chain row's id (a text column on both backends) set to text that is no UUID."""
    sql_on_store(ledger.recorder, "UPDATE {chain} SET originator_id='not-a-uuid' WHERE position=2")


def _more_scores(ledger: Ledger, count: int) -> None:
    """Valid scores stored straight through the recorder (not chained by a write)."""
    scores = [unchecked_score(recorded_at=datetime(2026, 4, 3, tzinfo=UTC), actor="later",
                              points=Decimal(n)) for n in range(count)]
    ledger.recorder.insert_events([ledger.mapper.to_stored_event(s) for s in scores])
