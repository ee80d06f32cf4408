"""Whether a batch touches what the escalation policies read (domain/derivations.py
`reads_policies`): the short answer for a batch of no policy input, adoption or void (the
ids its corrections replace, gathered at once) is the answer of asking each event."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from uuid import uuid4

from builders import memory_ledger, record
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.derivations import _reads_policies_each, reads_policies
from domain.events import LedgerEvent

WE3 = Path(__file__).parents[1] / "grades" / "fixtures" / "we-3" / "complaints.jsonl"
PAY = ({"type": "adopt_scheme", "scheme": "xinghe-county-hospital"},
       {"type": "define_department", "department_id": "ward", "name": "Ward",
        "kind": "clinical", "risk_coefficient": "1", "effective_on": "2026-01-01"},
       {"type": "hire_employee", "employee_id": "a", "name": "A", "department_id": "ward",
        "title_grade": "intermediate", "hired_on": "2020-01-01"},
       {"type": "record_score", "period": "2026-Q1", "employee_id": "a", "item": "quantity",
        "points": "30"})


def _ledger_events() -> tuple[Any, list[LedgerEvent], list[LedgerEvent]]:
    """(the grading ledger's facts, its events, a pay ledger's events)."""
    grading = memory_ledger()
    rows = [json.loads(line) for line in WE3.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]
    record(grading, *rows)
    pay = memory_ledger()
    record(pay, *PAY)
    facts = grading.facts()
    return facts, list(facts.events.values()), list(pay.facts().events.values())


FACTS, GRADING, PLAIN = _ledger_events()


@st.composite
def batches(draw: st.DrawFn) -> list[LedgerEvent]:
    """Events of either ledger, some made corrections of a grading ledger's entry (read
    by the policies or not) or of an unknown one."""
    batch = []
    for _ in range(draw(st.integers(0, 8))):
        event = draw(st.sampled_from(PLAIN if draw(st.booleans()) else GRADING))
        target = draw(st.sampled_from([None, uuid4(), *(e.originator_id for e in GRADING)]))
        batch.append(event.model_copy(update={"supersedes": target}))
    return batch


@settings(max_examples=200, deadline=None)
@given(batches())
def test_the_short_answer_is_the_answer_of_each_event(batch: list[LedgerEvent]) -> None:
    assert reads_policies(FACTS, batch) == _reads_policies_each(FACTS, batch)


def test_a_pay_batch_correcting_a_policy_input_reads_the_policies() -> None:
    [complaint] = [e for e in GRADING if type(e).__name__ == "ComplaintRecorded"][:1]
    [score] = [e for e in PLAIN if type(e).__name__ == "ScoreRecorded"]
    assert not reads_policies(FACTS, [score])
    assert reads_policies(FACTS, [score, score.model_copy(
        update={"supersedes": complaint.originator_id})])
