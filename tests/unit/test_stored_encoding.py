"""The stored bytes of an event are the canonical JSON they have always been, whichever
encoder writes them (domain/stored_encoding.py): old ledgers read and hash the same."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

from hypothesis import given
from hypothesis import strategies as st

from domain.application import PydanticMapper
from domain.events import EVENT_CLASSES, SchemeAdopted, ScoreRecorded
from domain.stored_encoding import canonical_bytes, direct_dump, encoder_for, stored_state
from tests.unit.test_event_codec import COMMANDS, validated_event

EXCLUDED = {"originator_id", "originator_version"}


def test_every_fixture_event_is_stored_as_the_canonical_json() -> None:
    mapper = PydanticMapper()
    kinds = set()
    for command in COMMANDS:
        event = validated_event(command, uuid4())
        state = event.model_dump(mode="json", exclude=EXCLUDED)
        assert mapper.to_stored_event(event).state == canonical_bytes(state)
        # The rows our recorders insert (a batch's bulk path) hold the same bytes.
        assert mapper.to_stored_rows([event, event]) == [
            (event.originator_id, event.originator_version, mapper.to_stored_event(event).topic,
             canonical_bytes(state))] * 2
        kinds.add(type(event))
    assert len(kinds) >= 20


@given(st.dictionaries(st.text(), st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner), max_leaves=20)))
def test_the_fast_encoder_writes_what_json_writes(data: dict[str, Any]) -> None:
    fast = encoder_for(EVENT_CLASSES["ScoreRecorded"])
    try:
        expected = canonical_bytes(data)
    except UnicodeEncodeError:  # a lone surrogate: neither can store it
        return
    assert fast(data) == expected


def test_a_type_that_can_hold_a_float_keeps_the_json_encoder() -> None:
    assert encoder_for(SchemeAdopted) is canonical_bytes
    assert encoder_for(EVENT_CLASSES["ScoreRecorded"]) is not canonical_bytes
    document = {"weights": {"b": 1e16, "a": Decimal("0.5").__float__()}}
    assert encoder_for(SchemeAdopted)(document) == canonical_bytes(document)


@given(points=st.decimals(min_value=0, max_value=999_999, allow_nan=False, places=4),
       recorded_at=st.datetimes(timezones=st.sampled_from(
           [UTC, timezone(timedelta(hours=8)), timezone(timedelta(hours=-3, minutes=-30))])),
       supersedes=st.none() | st.uuids())
def test_an_event_written_from_its_field_values_is_its_json_dump(
        points: Decimal, recorded_at: datetime, supersedes: UUID | None) -> None:
    # The direct path (no pydantic dump) must write what the dump writes, for any
    # Decimal, any offset and any microsecond: these bytes are hashed into the chain.
    event = ScoreRecorded(
        originator_id=uuid4(), recorded_at=recorded_at, actor="clerk", period="2026-Q1",
        employee_id="e1", item="quality", points=points, supersedes=supersedes,
        reason="fix" if supersedes else None)
    assert direct_dump(type(event))
    state = event.model_dump(mode="json", exclude=EXCLUDED)
    assert stored_state(event, 1) == canonical_bytes(state)
    # The mapper's per-type writer (state_writer) too: it is what the ledger stores.
    assert PydanticMapper().to_stored_event(event).state == canonical_bytes(state)
