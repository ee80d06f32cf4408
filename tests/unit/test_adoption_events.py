"""A scheme adoption's event built from validated values (domain/adoption_events.py) is the
event validation builds, and is stored as the same bytes (domain/stored_encoding.py's
writer for a type with a free document): the adoption no longer needs the event's own
pydantic validator or serializer, which each process built once."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from uuid import uuid4

import pytest
from pydantic import ValidationError

from domain.adoption_events import adoption_event, plain_body
from domain.events import AdoptScheme, SchemeAdopted
from domain.shipped_schemes import load_shipped_scheme, shipped_scheme_names
from domain.stored_encoding import STATE_WRITERS, canonical_bytes, free_fields, state_writer
from domain.validation import adopted_scheme_body
from tests.unit.test_event_codec import assert_identical

RECORDED_AT = datetime(2026, 3, 1, 8, 30, 15, 123456, tzinfo=UTC)
COLUMNS = {"originator_id", "originator_version"}


def _command(**given: Any) -> AdoptScheme:
    return AdoptScheme.model_validate({"type": "adopt_scheme", **given})


def _validated(adopt: AdoptScheme, body: dict[str, Any], originator_id: Any) -> SchemeAdopted:
    return SchemeAdopted(
        originator_id=originator_id, recorded_at=RECORDED_AT, actor="clerk",
        reason=adopt.reason, rule_ref=adopt.rule_ref, evidence_ref=adopt.evidence_ref,
        idempotency_key=adopt.idempotency_key, supersedes=adopt.supersedes, **body)


def _stored(event: SchemeAdopted) -> bytes:
    return (STATE_WRITERS.get(SchemeAdopted) or state_writer(SchemeAdopted))(event)


@pytest.mark.parametrize("name", shipped_scheme_names())
def test_every_shipped_adoption_is_the_validated_event_and_its_bytes(name: str) -> None:
    adopt = _command(scheme=name, reason="adopted", rule_ref="R-1", evidence_ref="doc 7",
                     idempotency_key=f"adopt {name}")
    body = adopted_scheme_body(adopt, load_shipped_scheme(name))
    assert plain_body(body)
    originator_id = uuid4()
    fast = adoption_event(adopt, body, originator_id, RECORDED_AT, "clerk")
    slow = _validated(adopt, body, originator_id)
    assert_identical(fast, slow)
    expected = canonical_bytes(slow.model_dump(mode="json", exclude=COLUMNS))
    assert _stored(fast) == expected
    assert _stored(slow) == expected


def _body(**changes: Any) -> dict[str, Any]:
    name = shipped_scheme_names()[0]
    body = adopted_scheme_body(_command(scheme=name), load_shipped_scheme(name))
    return {**body, **changes}


@pytest.mark.parametrize("changes", [
    {"scheme_id": "科室方案"},  # the Unicode pattern's business: pydantic decides
    {"scheme_id": "bad id"},
    {"version": 0},
    {"version": True},
    {"version": 10**18},
    {"effective_from": date(1999, 12, 31)},
    {"effective_from": datetime(2026, 1, 1, tzinfo=UTC)},
    {"effective_from": "2026-01-01"},
    {"sha256": "A" * 64},
    {"document": {1: "x"}},
])
def test_a_value_the_direct_build_does_not_vouch_for_is_validated(changes: dict[str, Any]
                                                                  ) -> None:
    body = _body(**changes)
    assert not plain_body(body)
    adopt = _command(scheme=shipped_scheme_names()[0])
    originator_id = uuid4()
    try:
        slow: SchemeAdopted | str = _validated(adopt, body, originator_id)
    except ValidationError as refused:
        slow = str(refused)
    if isinstance(slow, str):
        with pytest.raises(ValidationError) as error:
            adoption_event(adopt, body, originator_id, RECORDED_AT, "clerk")
        assert str(error.value) == slow
    else:
        assert_identical(adoption_event(adopt, body, originator_id, RECORDED_AT, "clerk"),
                         slow)


def test_an_envelope_that_is_not_plain_is_validated() -> None:
    adopt = _command(scheme=shipped_scheme_names()[0])
    with pytest.raises(ValidationError):
        adoption_event(adopt, _body(), uuid4(), RECORDED_AT, "")
    with pytest.raises(ValidationError):
        adoption_event(adopt, _body(), uuid4(), RECORDED_AT, "x" * 501)


def test_only_the_free_document_type_takes_the_builtins_writer() -> None:
    assert free_fields(SchemeAdopted) == ("document",)


@pytest.mark.parametrize("document", [
    {"weights": {"b": 1e16, "a": 0.5}},  # floats: the two dumps could differ, pydantic writes
    {"when": date(2026, 1, 1)},
    {"nested": [{"deep": [1, "two", None, True, {"x": 1.5}]}]},
    {"nested": [{"deep": [1, "two", None, True, {"x": "é"}]}], "b": "全角"},
])
def test_a_free_document_is_stored_as_its_json_dump(document: dict[str, Any]) -> None:
    event = _validated(_command(scheme=shipped_scheme_names()[0]),
                       _body(document=document), uuid4())
    assert _stored(event) == canonical_bytes(event.model_dump(mode="json", exclude=COLUMNS))
