"""Results computed from the facts are kept beside them by the projections, never on the
domain object: the same memo while the facts stand still, a fresh one once they change,
and nothing kept once they are gone."""

from __future__ import annotations

import dataclasses
import gc
import json

from builders import GOLDEN, memory_ledger, record

from domain.facts import Facts
from domain.periods import Period
from projections import memo
from projections.memo import forget, memo_of
from projections.payout import calculate


def _facts() -> Facts:
    ledger = memory_ledger()
    lines = (GOLDEN / "example-1" / "commands.jsonl").read_text(encoding="utf-8").splitlines()
    record(ledger, *(json.loads(line) for line in lines if line.strip() and line[0] != "#"))
    return ledger.facts()


def test_the_facts_carry_no_memo() -> None:
    names = {f.name for f in dataclasses.fields(Facts)}
    assert "memo" not in names
    assert not hasattr(Facts(), "memo")


def test_a_statement_is_memoised_beside_the_facts_that_stand_still() -> None:
    facts = _facts()
    q1 = Period.parse("2026-Q1")
    first = calculate(facts, q1)
    assert memo_of(facts)["statements"][q1] is first
    assert calculate(facts, q1) is first


def test_a_change_to_the_facts_starts_a_fresh_memo() -> None:
    facts = _facts()
    calculate(facts, Period.parse("2026-Q1"))
    event = next(iter(facts.events.values()))
    facts.apply(facts.last_position + 1, event)
    assert memo_of(facts) == {}


def test_forgetting_empties_the_memo_and_counts_what_was_there() -> None:
    facts = _facts()
    calculate(facts, Period.parse("2026-Q1"))
    # person scores, quarter people, clinical department scores, department splits,
    # statements, the period's roster and entries by person, its scored results in order,
    # its events by type, the person lines, the statement orders and the last one used, the
    # admin scores, the pool's split by points, the departments' controls and their caps
    assert forget(facts) == 15
    assert memo_of(facts) == {}


def test_nothing_is_kept_for_facts_that_are_gone() -> None:
    facts = Facts()
    memo_of(facts)["x"] = object()
    key = id(facts)
    del facts
    gc.collect()
    assert key not in memo._MEMOS  # the table is what is under test


def test_a_recorded_read_of_pay_keeps_the_memo() -> None:
    """Most pages record who read whose pay; that moves no figure, so what was computed
    stays (every page would otherwise recompute the statements the last one did)."""
    ledger = memory_ledger()
    lines = (GOLDEN / "example-1" / "commands.jsonl").read_text(encoding="utf-8").splitlines()
    record(ledger, *(json.loads(line) for line in lines if line.strip() and line[0] != "#"))
    facts = ledger.facts()
    q1 = Period.parse("2026-Q1")
    first = calculate(facts, q1)
    record(ledger, {"type": "record_access", "view": "payout 2026-Q1", "subjects_count": 1,
                    "subject_employee_ids": ["E001"]}, actor="finance")
    assert ledger.facts() is facts
    assert type(list(facts.events.values())[-1]).__name__ == "PersonalDataRead"
    assert calculate(facts, q1) is first
