"""A what-if recomputes only the departments it can change (projections/payout/split_memo.py:
each department's split among its people is memoised under all of its inputs) and must
still give, byte for byte, what a full recomputation gives: the statement's canonical
JSON, every figure in the order it was written (the `--figures` maps follow that order),
and every explanation. Checked on generated hospital streams and on the benchmarks'
synthetic organisation, for a new entry and for a correction superseding an existing
one (an upheld appeal)."""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest
from builders import memory_ledger
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from streams import Stream, hospital_streams

from api.scenarios.generator import generate, load_scenario
from api.scenarios.synthetic import SCENARIO, Shape
from domain.application import Ledger
from domain.errors import DomainError, RejectedError
from domain.events import DeductionRecorded
from domain.facts import Facts
from domain.periods import Period
from domain.scheme import canonical_dumps
from projections.department_scores import ADMIN_SCORES
from projections.diff import _between, diff_statements
from projections.figure_map import with_figures
from projections.memo import memo_of
from projections.payout.department_memo import DEPARTMENT_MEMOS
from projections.payout.split_memo import DEPARTMENT_SPLITS
from projections.restatement import statement_for
from projections.views import payable_periods
from projections.whatif import preview

SMALL = Shape(departments=4, staff=24, events_per_person_per_period=4.0, years=1)


def _bytes(facts: Any, period: Period) -> Any:
    """Everything a report can show of a period, as text: statement, figures, trees."""
    try:
        statement = statement_for(facts, period)
    except DomainError as error:
        return ("blocked", str(error))
    book = statement.book
    return (canonical_dumps(statement.to_json()),
            canonical_dumps(with_figures(statement.to_json(), book)),
            list(book.figures),  # the order figures were written in
            canonical_dumps([book.tree(key, depth_max=64) for key in book.figures
                             if key.startswith("person:") and key.endswith(":pay")]))


def _record(rows: list[dict[str, Any]]) -> Ledger:
    ledger = memory_ledger()
    for start in range(0, len(rows), 500):
        part = rows[start:start + 500]
        ledger.record(ledger.parse_commands([(f"row {n}", r) for n, r in enumerate(part)]),
                      "test")
    return ledger


def _compare(ledger: Ledger, row: dict[str, Any]) -> None:
    facts = ledger.facts()
    periods = sorted(payable_periods(facts))
    for period in periods:  # what a warm session has memoised
        _bytes(facts, period)
    commands = ledger.parse_commands([("what-if", row)])
    try:
        scratch = ledger.preview(commands, "test")  # nothing carried over
    except RejectedError:
        assume(False)
    reused = preview(ledger, commands, "test", base=facts)
    for period in periods:
        assert _bytes(reused, period) == _bytes(scratch, period), str(period)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(stream=hospital_streams(), data=st.data())
def test_a_new_entry_s_what_if_equals_a_recomputation(stream: Stream,
                                                      data: st.DataObject) -> None:
    ledger = _record(list(stream.commands))
    _compare(ledger, {"type": "record_deduction",
                      "period": data.draw(st.sampled_from(stream.quarters)),
                      "employee_id": data.draw(st.sampled_from(stream.employees)),
                      "kind": "late", "minutes": data.draw(st.integers(1, 90)),
                      "reason": "what-if", "idempotency_key": "what-if"})


@cache
def _synthetic() -> Ledger:
    return _record(list(generate(load_scenario(SCENARIO), year=SMALL.first_year,
                                 years=SMALL.years, **SMALL.settings(0))))


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_an_upheld_appeal_s_what_if_equals_a_recomputation(data: st.DataObject) -> None:
    ledger = _synthetic()
    facts = ledger.facts()
    deductions = [e for e in facts.live.values() if isinstance(e, DeductionRecorded)]
    contested = data.draw(st.sampled_from(deductions))
    _compare(ledger, {"type": "record_deduction", "period": contested.period,
                      "employee_id": contested.employee_id, "kind": "late",
                      "minutes": data.draw(st.integers(0, 90)),
                      "supersedes": str(contested.originator_id),
                      "reason": "appeal upheld (what-if)", "idempotency_key": "what-if"})


def late_appeal() -> tuple[Any, Facts, DeductionRecorded, Period, list[Any]]:
    """The synthetic ledger, its facts with the contested period's statement computed, a
    lateness of over 5 minutes and the commands of its appeal upheld (3 minutes)."""
    ledger = _synthetic()
    facts = ledger.facts()
    contested = next(e for e in facts.live.values() if isinstance(e, DeductionRecorded)
                     and (e.minutes or 0) > 5)
    period = Period.parse(contested.period)
    statement_for(facts, period)
    commands = ledger.parse_commands([("what-if", {
        "type": "record_deduction", "period": contested.period,
        "employee_id": contested.employee_id, "kind": "late", "minutes": 3,
        "supersedes": str(contested.originator_id), "reason": "appeal upheld"})])
    return ledger, facts, contested, period, commands


def upheld_late_appeal() -> tuple[Facts, Period]:
    """The facts as if that appeal were upheld; nothing computed yet on them."""
    ledger, facts, _, period, commands = late_appeal()
    return preview(ledger, commands, "test", base=facts), period


def test_the_what_if_splits_again_only_the_department_it_moves() -> None:
    after, period = upheld_late_appeal()
    carried = len(memo_of(after)[DEPARTMENT_SPLITS])
    statement_for(after, period)
    # One department's line and members moved (the appellant's); the others were found.
    assert len(memo_of(after)[DEPARTMENT_SPLITS]) - carried == 1


def _department_rows(ledger: Ledger) -> dict[str, dict[str, Any]]:
    """One what-if of each reach, on the synthetic ledger's first paid quarter: a person's
    entry, one department's money (a penalty), the organisation's pool, and a department's
    score (a deduction), which moves the per-point split of every department."""
    facts = ledger.facts()
    period = min(payable_periods(facts))
    statement = statement_for(facts, period)
    paid = next(p for p in statement.people if p.status == "paid")
    department = next(d for d in statement.departments
                      if d.department_id == paid.department_id)
    return {
        "one person": {"type": "record_deduction", "period": str(period),
                       "employee_id": paid.employee_id, "kind": "late", "minutes": 45,
                       "reason": "what-if"},
        "one department": {"type": "record_department_penalty", "period": str(period),
                           "department_id": department.department_id,
                           "kind": "pharmacy_shortage", "retail_value_cny": "300.00",
                           "reason": "what-if"},
        "the organisation's pool": {"type": "adjust_pool", "period": str(period),
                                    "amount_cny": "-1234.56", "reason": "what-if"},
        "the per-point split": {"type": "record_department_deduction", "period": str(period),
                                "department_id": department.department_id, "item": "quality",
                                "points": "3", "reason": "what-if"},
    }


@pytest.mark.parametrize("reach", ["one person", "one department", "the organisation's pool",
                                   "the per-point split"])
def test_each_reach_of_a_what_if_equals_a_recomputation(reach: str) -> None:
    """The remembered department level (projections/payout/department_memo.py, the admin
    scores) and the layered facts (domain/overlay.py) give, for a change of each reach,
    the statement, figures and explanations of a recomputation from scratch."""
    ledger = _synthetic()
    row = _department_rows(ledger)[reach]
    # The same id for the new event in both previews (else their explanations differ).
    _compare(ledger, {**row, "idempotency_key": "what-if"})
    # And the appeal preview's diff: the what-if's statement shares the lines it did not
    # move with the one it is compared with, and only the others are compared.
    facts = ledger.facts()
    commands = ledger.parse_commands([("what-if", {**row, "idempotency_key": "what-if"})])
    period = Period.parse(row["period"])
    reused = preview(ledger, commands, "test", base=facts)
    scratch = ledger.preview(commands, "test")
    diff = diff_statements(period, (facts, "now"), (reused, "if"))
    full = diff_statements(period, (facts, "now"), (scratch, "if"))
    for report in (diff, full):  # each preview recorded its event a moment apart
        for event in report["events"]:
            event.pop("recorded_at")
    assert diff == full
    assert diff["people"] or diff["departments"]


def test_a_person_s_what_if_computes_no_department_step_again() -> None:
    """An appeal moves one person's score: the pool's split by points, every department's
    controls, cap and floor, and the admin scores are found, not computed."""
    after, period = upheld_late_appeal()
    names = (ADMIN_SCORES, *DEPARTMENT_MEMOS)
    carried = {name: len(memo_of(after)[name]) for name in names}
    statement_for(after, period)
    assert {name: len(memo_of(after)[name]) for name in names} == carried


def test_a_what_if_s_new_events_are_its_layer_s() -> None:
    """The diff of a what-if against the facts it was made from names the events it
    added, read from its layer (domain/overlay.py), as a scan of every event would."""
    ledger, facts, _, period, commands = late_appeal()
    after = preview(ledger, commands, "test", base=facts)
    scanned = [e for key, e in after.events.items() if key not in facts.events]
    assert scanned
    assert _between(facts, after) == scanned
    assert diff_statements(period, (facts, "now"), (after, "if"))["events"]
