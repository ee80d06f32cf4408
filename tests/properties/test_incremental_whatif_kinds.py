"""A what-if carries the period's roster, each person's entries and their scored results
over from the facts it starts from (projections/person_inputs.py), regrouping only the
people its events concern, and must still give, byte for byte, what a full recomputation
gives: for batches of several rows mixing new entries, corrections, voids, entries of
other periods and roster changes (after which nothing is carried)."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from test_incremental_whatif import _bytes, _synthetic, late_appeal

from domain.errors import RejectedError
from domain.events import DeductionRecorded
from domain.periods import Period
from projections.memo import memo_of
from projections.person_inputs import PERSON_RUNS
from projections.restatement import statement_for
from projections.views import payable_periods
from projections.whatif import preview


def _rows(data: st.DataObject, deductions: list[DeductionRecorded],
          people: list[str], quarters: list[str]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for n in range(data.draw(st.integers(1, 3))):
        kind = data.draw(st.sampled_from(["appeal", "void", "late", "transfer"]))
        contested = data.draw(st.sampled_from(deductions))
        if kind == "appeal":
            rows.append({"type": "record_deduction", "period": contested.period,
                         "employee_id": contested.employee_id, "kind": "late",
                         "minutes": data.draw(st.integers(0, 90)),
                         "supersedes": str(contested.originator_id), "reason": "appeal"})
        elif kind == "void":
            rows.append({"type": "void_entry", "target_id": str(contested.originator_id)})
        elif kind == "late":
            rows.append({"type": "record_deduction", "period": data.draw(st.sampled_from(quarters)),
                         "employee_id": data.draw(st.sampled_from(people)), "kind": "late",
                         "minutes": data.draw(st.integers(1, 90)), "reason": f"what-if {n}"})
        else:
            rows.append({"type": "transfer_employee", "employee_id": contested.employee_id,
                         "department_id": data.draw(st.sampled_from(sorted(
                             {e.department_id for e in _departments()}))),
                         "effective_on": f"{quarters[0][:4]}-02-01"})
    # Fixed keys: the events' ids derive from them, so both previews name the same ids.
    return [{**row, "idempotency_key": f"what-if {n}"} for n, row in enumerate(rows)]


def _departments() -> list[Any]:
    facts = _synthetic().facts()
    return [facts.department_on(d, Period.parse("2026-Q4").last_day)
            for d in facts.department_ids()]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_batch_s_what_if_equals_a_recomputation(data: st.DataObject) -> None:
    ledger = _synthetic()
    facts = ledger.facts()
    periods = sorted(payable_periods(facts))
    for period in periods:  # what a warm session has memoised
        _bytes(facts, period)
    deductions = [e for e in facts.live.values() if isinstance(e, DeductionRecorded)]
    people = sorted(facts.employee_ids())
    quarters = sorted({str(p) for p in periods if p.kind == "quarter"})
    rows = _rows(data, deductions, people, quarters)
    try:
        commands = ledger.parse_commands([(f"row {n}", r) for n, r in enumerate(rows)])
        scratch = ledger.preview(commands, "test")  # nothing carried over
    except RejectedError:
        assume(False)
    reused = preview(ledger, commands, "test", base=facts)
    for period in periods:
        assert _bytes(reused, period) == _bytes(scratch, period), (str(period), rows)


def test_an_appeal_scores_again_only_the_appellant_and_a_transfer_everyone() -> None:
    ledger, facts, contested, period, commands = late_appeal()
    after = preview(ledger, commands, "test", base=facts)
    [(_, results)] = [run for (p, _), run in memo_of(after)[PERSON_RUNS].items() if p == period]
    assert [r for r in results if r is None] == [None]  # the appellant, to score again
    statement_for(after, period)
    assert None not in results
    moved = ledger.parse_commands([("what-if", {
        "type": "transfer_employee", "employee_id": contested.employee_id,
        "department_id": next(d for d in facts.department_ids()), "effective_on":
        str(period.first_day)})])
    assert PERSON_RUNS not in memo_of(preview(ledger, moved, "test", base=facts))
