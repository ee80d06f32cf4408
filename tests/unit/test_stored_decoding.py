"""The fast reader of stored events (domain/stored_decoding.py) against pydantic, for every
event type of the registry: a valid stored body reads as the very event pydantic builds
(values, their types, field order, fields set), and a damaged one reads as the same
InvalidEntry, with the same wording, as the pydantic path gives.

The cases are drawn from the registry itself: each field's values come from a strategy
built from its type (its validators, bounds, literals and patterns), not from a list."""

from __future__ import annotations

import json
import typing
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal
from uuid import UUID, uuid4

import annotated_types
import pytest
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import get_topic
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from pydantic.fields import FieldInfo
from test_event_codec import assert_identical

from domain import money, strict_input
from domain.application import PydanticMapper, read_stored
from domain.envelope import InvalidEntry, LedgerEvent
from domain.events import EVENT_CLASSES
from domain.grading import grading_period_text
from domain.periods import period_text
from domain.stored_decoding import NotFast, stored_decoder

FAST_TYPES = [cls for cls in EVENT_CLASSES.values() if stored_decoder(cls) is not None]
# Free-form documents are read fast too (a scheme, an appeal decision); the settings are
# left to pydantic (their validators).
SLOW_OK = {"LedgerConfigured"}

# What each of the ledger's own field validators takes, as a strategy of valid input.
_DAYS = st.dates(date(2000, 1, 1), date(2099, 12, 31)).map(date.isoformat)
_BY_VALIDATOR: dict[Any, st.SearchStrategy[Any]] = {
    period_text: st.builds(lambda y, q: f"{y}-Q{q}", st.integers(2000, 2099),
                           st.integers(1, 4)),
    grading_period_text: st.sampled_from(["2025-Q1", "2026", "2026-03", " 2025-q2 "]),
    strict_input.to_day: _DAYS,
    strict_input.to_history_day: st.dates(date(1900, 1, 1), date(2099, 12, 31)).map(
        date.isoformat),
    strict_input.to_window_edge: _DAYS,
    money.quantity_field: st.decimals(-10**6, 10**6, allow_nan=False,
                                      allow_infinity=False).map(str),
    money.points_field: st.decimals(-999, 999, allow_nan=False,
                                    allow_infinity=False).map(str),
    money.cny_field: st.decimals(-10**6, 10**6, places=2).map(str),
    money.to_cny: st.decimals(-10**6, 10**6, places=2).map(str),
}
# Any JSON value: big integers and floats too, which both JSON readers must read alike.
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-10**30, 10**30)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                max_size=3),
    max_leaves=8)
_CODE = st.from_regex(r"[A-Za-z0-9\u4e00-\u9fff][\w.\-]{0,6}", fullmatch=True)


def _integers(bounds: dict[str, Any]) -> st.SearchStrategy[int]:
    return st.integers(getattr(bounds.get("Ge"), "ge", -5), getattr(bounds.get("Le"), "le", 3000))


def _flatten(annotation: Any, metadata: list[Any]) -> tuple[Any, list[Any]]:
    while typing.get_origin(annotation) is Annotated:
        annotation, *more = typing.get_args(annotation)
        metadata = [*more, *metadata]
    flat: list[Any] = []
    for item in metadata:
        flat.extend(item.metadata if isinstance(item, FieldInfo) else [item])
    return annotation, flat


def values_for(annotation: Any, metadata: list[Any]) -> st.SearchStrategy[Any]:
    """Valid input for a field of this type (JSON-shaped: text for decimals and dates)."""
    annotation, metadata = _flatten(annotation, metadata)
    bounds = {type(m).__name__: m for m in metadata}
    for item in metadata:
        function = getattr(item, "func", None)
        if type(item).__name__ == "BeforeValidator" and function is strict_input.to_integer:
            return _integers(bounds)
        if type(item).__name__ == "BeforeValidator" and function in _BY_VALIDATOR:
            return _BY_VALIDATOR[function]
        if type(item).__name__ == "BeforeValidator" and function.__name__ == "_nfkc":
            return _CODE
    if annotation is Any:
        return _JSON  # a free-form value, as a document holds one
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, type(int | None)):
        return st.one_of(*(values_for(arg, metadata) for arg in typing.get_args(annotation)))
    if annotation is type(None):
        return st.none()
    if origin is Literal:
        return st.sampled_from(typing.get_args(annotation))
    if annotation is str:
        pattern = next((m.pattern for m in metadata if getattr(m, "pattern", None)), None)
        low = getattr(bounds.get("MinLen"), "min_length", 0)
        high = getattr(bounds.get("MaxLen"), "max_length", 10**4 if pattern else 30)
        if pattern is not None:
            return st.from_regex(pattern, fullmatch=True).filter(lambda s: low <= len(s) <= high)
        return st.text(min_size=low, max_size=min(high, 30))
    if annotation is int:
        return _integers(bounds)
    if annotation is bool:
        return st.booleans()
    if annotation is UUID:
        return st.uuids().map(str)
    if annotation is datetime:
        # hypothesis bounds are naive; the drawn instants carry UTC.
        return st.datetimes(datetime(2000, 1, 1), datetime(2099, 1, 1),  # noqa: DTZ001
                            timezones=st.just(UTC)).map(lambda d: d.isoformat())
    args = typing.get_args(annotation)
    high = next((m.max_length for m in metadata if isinstance(m, annotated_types.MaxLen)), 3)
    if origin is tuple:
        return st.lists(values_for(args[0], []), max_size=min(high, 3)).map(tuple)
    if origin is dict:
        return st.dictionaries(values_for(args[0], []), values_for(args[1], []), max_size=3)
    raise AssertionError(f"no strategy for {annotation!r}: teach this test the new type")


@st.composite
def stored_events(draw: st.DrawFn, cls: type[LedgerEvent]) -> StoredEvent:
    """A valid event of `cls`, stored: its fields drawn from their types, kept when
    pydantic accepts them as a stored event."""
    values = {"originator_id": uuid4()}
    for name, info in cls.model_fields.items():
        if name in ("originator_id", "originator_version"):
            continue
        if not info.is_required() and draw(st.booleans()):
            continue  # left to its default
        values[name] = draw(values_for(info.annotation, list(info.metadata)))
    try:
        event = cls.model_validate(values, context=strict_input.STORED_CONTEXT)
    except ValidationError:
        assume(False)
    return FAST.to_stored_event(event)


class _PydanticOnly(dict[str, Any]):
    def get(self, key: str, default: Any = None) -> Any:
        return None


def pydantic_mapper() -> PydanticMapper:
    """The mapper as it read before the fast reader: pydantic for every stored body."""
    mapper = PydanticMapper()
    mapper._fast = _PydanticOnly()
    return mapper


FAST, SLOW = PydanticMapper(), pydantic_mapper()


def assert_same_reading(fast: LedgerEvent, slow: LedgerEvent) -> None:
    if isinstance(slow, InvalidEntry):
        assert isinstance(fast, InvalidEntry), fast
        assert (fast.stored_type, fast.problem, fast.originator_id, fast.recorded_at,
                fast.actor) == (slow.stored_type, slow.problem, slow.originator_id,
                                slow.recorded_at, slow.actor)
    else:
        assert_identical(fast, slow)


_SETTINGS = settings(max_examples=12, deadline=None, database=None,
                     suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])


def test_every_event_type_but_the_free_form_ones_has_a_fast_reader() -> None:
    assert {name for name, cls in EVENT_CLASSES.items()
            if stored_decoder(cls) is None} == SLOW_OK


@pytest.mark.parametrize("cls", FAST_TYPES, ids=lambda cls: cls.__name__)
@_SETTINGS
@given(data=st.data())
def test_a_valid_stored_event_reads_as_pydantic_reads_it(cls: type[LedgerEvent],
                                                          data: st.DataObject) -> None:
    stored = data.draw(stored_events(cls))
    decoder = stored_decoder(cls)
    assert decoder is not None
    # Twice: the second reading comes from the memo of each field's values.
    for _ in range(2):
        fast = decoder.decode(stored.state, stored.originator_id, stored.originator_version)
        assert_identical(fast, SLOW.to_domain_event(stored))
    assert FAST.to_stored_event(fast).state == stored.state


# Values a damaged or older body may hold in any field: every field gets each of these.
HOSTILE: list[Any] = [
    None, True, 0, -1, 1, 10**20, 1.5, "", "x", "E 1", "E1\n", "１２", "Ｅ0001", "x" * 501,
    "1E+5000", "-1E+5000", "1E-7", "-0.00", "12.345", "NaN", "Infinity", "-1", "0", "1.0",
    "2026-02-30", "2026-13-01", "20260101", "1899-12-31", "2100-01-01", "2026-Q5",
    "2026-05-01T08:30:00Z", "2026-05-01 08:30:00", "00000000-0000-0000-0000-000000000000",
    "{00000000-0000-0000-0000-000000000000}", "a" * 64, "A" * 64, [], [1], ["2026-01-01"],
    {}, {"sick": "1"}, {"x": 1},
]


@pytest.mark.parametrize("cls", FAST_TYPES, ids=lambda cls: cls.__name__)
@settings(_SETTINGS, max_examples=3)
@given(data=st.data())
def test_a_damaged_stored_event_reads_as_pydantic_reads_it(cls: type[LedgerEvent],
                                                            data: st.DataObject) -> None:
    stored = data.draw(stored_events(cls))
    body = json.loads(stored.state)
    drawn = data.draw(st.lists(st.one_of(st.text(max_size=6), st.integers(),
                                         st.floats(allow_nan=False)), max_size=3))
    damaged = [{key: value for key, value in body.items() if key != name} for name in body]
    damaged += [{**body, name: value} for name in [*body, "unknown_field"]
                for value in [*HOSTILE, *drawn]]
    for changed in damaged:
        row = StoredEvent(stored.originator_id, 1, stored.topic,
                          json.dumps(changed, sort_keys=True, separators=(",", ":")).encode())
        assert_same_reading(read_stored(FAST, row), read_stored(SLOW, row))


def test_one_bad_value_is_an_invalid_entry_with_pydantic_s_wording() -> None:
    cls = EVENT_CLASSES["ScoreRecorded"]
    state = (b'{"actor":"old","employee_id":"E1","evidence_ref":null,"idempotency_key":null,'
             b'"item":"quantity","period":"2026-Q1","points":"1E+5000","reason":null,'
             b'"recorded_at":"2026-04-02T00:00:00Z","rule_ref":null,"supersedes":null}')
    stored = StoredEvent(uuid4(), 1, get_topic(cls), state)
    decoder = stored_decoder(cls)
    assert decoder is not None
    with pytest.raises(NotFast):
        decoder.decode(state, stored.originator_id, 1)
    entry = read_stored(FAST, stored)
    assert isinstance(entry, InvalidEntry)
    assert entry.problem.startswith("points: must be less than")
    assert_same_reading(entry, read_stored(SLOW, stored))
    # The same value, in range, reads fast afterwards: nothing bad was remembered.
    good = state.replace(b"1E+5000", b"12.5")
    event = decoder.decode(good, stored.originator_id, 1)
    assert event.points == Decimal("12.5")  # type: ignore[attr-defined]
