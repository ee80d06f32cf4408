"""Corrections are new entries, never edits, and the fold is the only place that reads
them: a correction counts exactly as if the right value had been recorded first, and
correcting it back to the original values gives back the original statements, byte for
byte. Voiding a correction does not revive what it corrected: the fact is withdrawn."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from builders import memory_ledger, record
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from streams import Stream, deduction, department_figures, hospital_streams, key_id

from domain.application import Ledger
from domain.periods import Period
from projections.views import StoredStatement, render_statement

EXAMPLES = 20
CORRECTABLE = ("record_deduction", "record_department_figures")
ENVELOPE = ("idempotency_key", "reason", "supersedes")


def _body(command: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in command.items() if key not in ENVELOPE}


@st.composite
def _corrections(draw: st.DrawFn) -> tuple[Stream, dict[str, Any], dict[str, Any]]:
    """(stream, one of its deductions or department figures, different values for it)."""
    stream = draw(hospital_streams())
    corrected = {c.get("supersedes") or c.get("target_id") for c in stream.commands}
    live = [c for c in stream.commands if c["type"] in CORRECTABLE and "supersedes" not in c
            and key_id(c["idempotency_key"]) not in corrected]
    assume(live)
    original = draw(st.sampled_from(live))
    if original["type"] == "record_deduction":
        values = deduction(original["period"], original["employee_id"])
    else:
        values = department_figures(original["period"], original["department_id"])
    replacement = draw(values.filter(lambda c: _body(c) != _body(original)))
    return stream, original, _body(replacement)


def _ledger(*commands: dict[str, Any]) -> Ledger:
    ledger = memory_ledger()
    record(ledger, *commands)
    return ledger


def _statements(ledger: Ledger, stream: Stream) -> dict[str, StoredStatement]:
    facts = ledger.facts()
    return {period: render_statement(facts, Period.parse(period)) for period in stream.payable}


def _id_of(ledger: Ledger, key: str) -> UUID:
    [event_id] = [i for i, e in ledger.facts().events.items() if e.idempotency_key == key]
    return event_id


def _supersede(ledger: Ledger, target: UUID, body: dict[str, Any], key: str) -> UUID:
    record(ledger, {**body, "supersedes": str(target), "reason": f"correction {key}",
                    "idempotency_key": key})
    return _id_of(ledger, key)


@settings(max_examples=EXAMPLES, deadline=None)
@given(case=_corrections())
def test_a_correction_then_its_reversal_gives_back_the_original_results(
    case: tuple[Stream, dict[str, Any], dict[str, Any]],
) -> None:
    stream, original, replacement = case
    ledger = _ledger(*stream.commands)
    before = _statements(ledger, stream)
    original_id = _id_of(ledger, original["idempotency_key"])

    corrected_id = _supersede(ledger, original_id, replacement, "fix-1")
    # A correction counts exactly as if its values had been recorded in the first place.
    recorded_right = _ledger(*(
        {**replacement, "idempotency_key": c["idempotency_key"]} if c is original else c
        for c in stream.commands))
    assert _statements(ledger, stream) == _statements(recorded_right, stream)

    restored_id = _supersede(ledger, corrected_id, _body(original), "fix-2")
    facts = ledger.facts()
    assert original_id not in facts.live
    assert corrected_id not in facts.live
    assert facts.replaced_by[original_id] == corrected_id
    assert facts.replaced_by[corrected_id] == restored_id
    assert _statements(ledger, stream) == before


@settings(max_examples=EXAMPLES, deadline=None)
@given(case=_corrections())
def test_voiding_a_correction_withdraws_the_entry_it_corrected_too(
    case: tuple[Stream, dict[str, Any], dict[str, Any]],
) -> None:
    stream, original, replacement = case
    ledger = _ledger(*stream.commands)
    original_id = _id_of(ledger, original["idempotency_key"])
    corrected_id = _supersede(ledger, original_id, replacement, "fix-1")
    record(ledger, {"type": "void_entry", "target_id": str(corrected_id),
                    "reason": "the correction was entered in error", "idempotency_key": "void-1"})

    facts = ledger.facts()
    assert original_id not in facts.live
    assert corrected_id not in facts.live
    never_recorded = _ledger(*(c for c in stream.commands if c is not original))
    assert _statements(ledger, stream) == _statements(never_recorded, stream)
