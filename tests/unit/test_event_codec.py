"""The fast paths of the write and read sides give exactly what full pydantic validation
gives: the same event (values, their types, field order, fields set) and the same bytes."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4, uuid5

import pytest
import yaml
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import get_topic
from pydantic import ValidationError

import domain.events
from domain.application import (
    IDEMPOTENCY_NAMESPACE,
    Ledger,
    PydanticMapper,
    idempotency_id,
)
from domain.events import AttendanceRecorded, LedgerEvent, ScoreBody
from domain.shipped_schemes import load_shipped_scheme, shipped_scheme_loader, shipped_scheme_names

TESTS = Path(__file__).resolve().parents[1]
RECORDED_AT = datetime(2026, 5, 1, 8, 30, tzinfo=UTC)


def fixture_commands() -> list[Any]:
    """Every command the test fixtures hold that parses on its own."""
    rows = []
    for path in sorted(TESTS.rglob("*.jsonl")):
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            line = text.strip()
            if line and not line.startswith("#"):
                rows.append((f"{path.name}:{number}", json.loads(line)))
    commands, _, _ = Ledger.check_rows(rows)
    return [command for _, command in commands if type(command).__name__ != "AdoptScheme"]


COMMANDS = fixture_commands()


def validated_event(command: Any, originator_id: UUID) -> LedgerEvent:
    """The event as pydantic builds it by validating the command's body again."""
    body = command.model_dump(exclude={"type"})
    return command.event_class(  # type: ignore[no-any-return]
        originator_id=originator_id, recorded_at=RECORDED_AT, actor="clerk", **body)


def assert_identical(fast: LedgerEvent, slow: LedgerEvent) -> None:
    assert type(fast) is type(slow)
    assert list(fast.__dict__) == list(slow.__dict__)
    for name, value in slow.__dict__.items():
        assert type(fast.__dict__[name]) is type(value), name
        assert fast.__dict__[name] == value, name
    assert fast.model_fields_set == slow.model_fields_set
    assert fast.model_dump_json() == slow.model_dump_json()  # catches Decimal("2.0") vs "2"
    assert fast == slow


def test_the_fixtures_cover_many_kinds() -> None:
    assert len({type(c) for c in COMMANDS}) >= 20


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: type(c).__name__)
def test_event_from_a_validated_command_is_the_validated_event(command: Any) -> None:
    originator_id = uuid4()
    fast = command.to_event(originator_id=originator_id, recorded_at=RECORDED_AT,
                            actor="clerk")
    assert_identical(fast, validated_event(command, originator_id))


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: type(c).__name__)
def test_decoding_stored_bytes_is_the_general_decoding(command: Any) -> None:
    mapper = PydanticMapper()
    event = validated_event(command, uuid4())
    stored = mapper.to_stored_event(event)
    for originator_id in (stored.originator_id, str(stored.originator_id)):
        row = StoredEvent(originator_id, stored.originator_version, stored.topic, stored.state)
        general = mapper._decode_upcasting(type(event), row)
        with pytest.MonkeyPatch.context() as patch:  # the fast path must not fall back
            patch.setattr(PydanticMapper, "_decode_upcasting", None)
            fast = mapper.to_domain_event(row)
        assert_identical(fast, general)
        assert fast == event  # a decoded event also has originator_version set
        assert mapper.to_stored_event(fast).state == stored.state


def test_the_event_does_not_share_mutable_values_with_its_command() -> None:
    command = next(c for c in COMMANDS if isinstance(c.__dict__.get("absence_days"), dict)
                   or isinstance(c.__dict__.get("document"), dict))
    event = command.to_event(originator_id=uuid4(), recorded_at=RECORDED_AT, actor="clerk")
    name = "absence_days" if "absence_days" in command.__dict__ else "document"
    assert event.__dict__[name] == command.__dict__[name]
    assert event.__dict__[name] is not command.__dict__[name]


@pytest.mark.parametrize("actor", ["", "x" * 501])
def test_a_bad_actor_is_still_refused_by_validation(actor: str) -> None:
    command = COMMANDS[0]
    with pytest.raises(ValidationError):
        command.to_event(originator_id=uuid4(), recorded_at=RECORDED_AT, actor=actor)


def test_bad_stored_bytes_are_refused_as_before() -> None:
    mapper = PydanticMapper()
    topic = get_topic(AttendanceRecorded)
    state = b'{"actor":"clerk","employee_id":"e1","period":"2026-Q1","recorded_at":"x"}'
    with pytest.raises(ValidationError) as fast:
        mapper.to_domain_event(StoredEvent(uuid4(), 1, topic, state))
    assert "recorded_at" in str(fast.value)


class ScoreRecordedV2(LedgerEvent, ScoreBody):
    """A later class version: v1 stored `points` under the name `value`. Stored topics
    resolve only to event classes of `domain` (domain/stored_topics.py), where a later
    version would live: the test puts it there (`in_domain`)."""

    class_version = 2  # a ClassVar of LedgerEvent; unannotated, read in any module

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> dict[str, Any]:
        state["points"] = state.pop("value")
        return state


def test_older_class_versions_are_upcast_on_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ScoreRecordedV2, "__module__", "domain.events")
    monkeypatch.setattr(domain.events, "ScoreRecordedV2", ScoreRecordedV2, raising=False)
    mapper = PydanticMapper()
    originator_id = uuid4()
    v1 = (b'{"actor":"clerk","employee_id":"e1","item":"quantity","period":"2026-Q1",'
          b'"recorded_at":"2026-05-01T08:30:00Z","value":"12.5"}')
    event = mapper.to_domain_event(
        StoredEvent(originator_id, 1, get_topic(ScoreRecordedV2), v1))
    assert isinstance(event, ScoreRecordedV2)
    assert event.points == Decimal("12.5")
    stored = mapper.to_stored_event(event)
    assert json.loads(stored.state)["class_version"] == 2
    assert mapper.to_domain_event(stored) == event


def test_shipped_schemes_read_alike_with_either_yaml_loader() -> None:
    folder = Path(__file__).resolve().parents[2] / "domain" / "schemes"
    for name in shipped_scheme_names():
        text = (folder / f"{name}.yaml").read_text(encoding="utf-8")
        pure = yaml.load(text, Loader=yaml.SafeLoader)
        assert load_shipped_scheme(name) == pure
        assert repr(yaml.load(text, Loader=shipped_scheme_loader())) == repr(pure)


@pytest.mark.parametrize("key", ["k", "org 0 row 12345", "appeal:A-1:decided:2", "键 ✓", "x" * 200])
def test_idempotency_ids_are_uuid5_of_the_key(key: str) -> None:
    assert idempotency_id(key) == uuid5(IDEMPOTENCY_NAMESPACE, key)
    assert idempotency_id(key).version == 5
