"""What-ifs carry over the statements the new events cannot move, and only those."""

from __future__ import annotations

import json

from builders import GOLDEN, memory_ledger, record

from domain.periods import Period
from projections.memo import memo_of
from projections.restatement import statement_for
from projections.scoring import PERSON_SCORES
from projections.whatif import preview


def _rows(name: str) -> list[dict]:  # type: ignore[type-arg]
    lines = (GOLDEN / name).read_text().splitlines()
    return [json.loads(line) for line in lines if line.strip() and not line.startswith("#")]


def _q(text: str) -> Period:
    return Period.parse(text)


def test_a_what_if_reuses_untouched_periods_and_recomputes_the_rest_exactly() -> None:
    ledger = memory_ledger()
    record(ledger, *_rows("example-3/commands.jsonl"))
    facts = ledger.facts()
    for quarter in ("2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4", "2027-Q1"):
        statement_for(facts, _q(quarter))
    # A 2026-Q3 deduction: Q3, Q4 and the year end can move; Q1, Q2 and 2027 cannot.
    correction = {"type": "record_deduction", "period": "2026-Q3",
                  "employee_id": "icu-1", "kind": "late",
                  "minutes": 40, "count": 1, "reason": "what-if",
                  "idempotency_key": "what-if-1"}  # the same event id in both previews
    commands = ledger.parse_commands([("what-if", correction)])

    reused = preview(ledger, commands, "test")
    scratch = ledger.preview(commands, "test")  # nothing carried over

    memo = memo_of(facts)["statements"]
    assert memo_of(reused)["statements"][_q("2026-Q1")] is memo[_q("2026-Q1")]
    assert memo_of(reused)["statements"][_q("2027-Q1")] is memo[_q("2027-Q1")]
    assert _q("2026-Q3") not in memo_of(reused)["statements"]
    scored_before = len(memo_of(reused)[PERSON_SCORES])
    for quarter in ("2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4", "2027-Q1"):
        again, fresh = statement_for(reused, _q(quarter)), statement_for(scratch, _q(quarter))
        assert again.to_json() == fresh.to_json()
        assert again.book.figures == fresh.book.figures  # every explanation too
    # Q3 and Q4 were recomputed; of everyone in them only icu-1's Q3 inputs changed.
    assert len(memo_of(reused)[PERSON_SCORES]) == scored_before + 1
    assert (statement_for(reused, _q("2026-Q3")).to_json()
            != statement_for(facts, _q("2026-Q3")).to_json())


def test_a_roster_change_carries_nothing_over() -> None:
    ledger = memory_ledger()
    record(ledger, *_rows("example-1/commands.jsonl"))
    facts = ledger.facts()
    statement_for(facts, _q("2026-Q1"))
    moved = {"type": "hire_employee", "employee_id": "new", "name": "New",
             "department_id": "internal", "title_grade": "intermediate",
             "hired_on": "2026-02-01", "reason": "what-if"}
    commands = ledger.parse_commands([("what-if", moved)])
    assert "statements" not in memo_of(preview(ledger, commands, "test"))


def test_the_year_end_reuses_the_quarters_scores_and_agrees_with_a_fresh_one() -> None:
    ledger = memory_ledger()
    record(ledger, *_rows("example-4/year-end.jsonl"))
    warm = ledger.facts()
    for quarter in ("2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"):
        statement_for(warm, _q(quarter))
    assert set(memo_of(warm)["people"]) == {_q(f"2026-Q{n}") for n in range(1, 5)}
    fresh = ledger.facts(cutoff=warm.last_recorded_at)  # a new fold: nothing memoised
    assert "people" not in memo_of(fresh)
    assert (statement_for(warm, _q("2026-YE")).to_json()
            == statement_for(fresh, _q("2026-YE")).to_json())
