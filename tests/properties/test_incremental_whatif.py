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
from projections.figure_map import with_figures
from projections.memo import memo_of
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
