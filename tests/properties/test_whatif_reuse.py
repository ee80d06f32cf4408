"""A what-if that reuses what it cannot change gives exactly what a from-scratch
recomputation gives: for any valid stream, any person-level entry added as a what-if (or
any correction of an existing entry), every payable period's statement and every figure
of its explanation are the same as on the previewed facts with nothing memoised."""

from __future__ import annotations

from typing import Any

from builders import memory_ledger
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from streams import Stream, hospital_streams

from domain.errors import DomainError, RejectedError
from projections.restatement import statement_for
from projections.views import payable_periods
from projections.whatif import preview

KINDS = ["late", "left_early", "off_post", "roster_disobeyed", "error", "overtime_addition"]


def _outcome(facts: Any, period: Any) -> Any:
    try:
        statement = statement_for(facts, period)
    except DomainError as error:
        return ("blocked", str(error))
    return (statement.to_json(), statement.book.figures)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(stream=hospital_streams(), data=st.data())
def test_a_reusing_what_if_equals_a_recomputation(stream: Stream, data: st.DataObject) -> None:
    ledger = memory_ledger()
    rows = list(stream.commands)
    ledger.record(ledger.parse_commands([(f"row {n}", r) for n, r in enumerate(rows)]), "test")
    facts = ledger.facts()
    periods = sorted(payable_periods(facts))
    for period in periods:  # what a warm session has memoised
        _outcome(facts, period)
    what_if = {"type": "record_deduction", "period": data.draw(st.sampled_from(stream.quarters)),
               "employee_id": data.draw(st.sampled_from(stream.employees)),
               "kind": data.draw(st.sampled_from(KINDS)), "count": 1,
               "reason": "what-if", "idempotency_key": "what-if"}
    if what_if["kind"] in ("late", "left_early", "off_post"):
        what_if["minutes"] = data.draw(st.integers(1, 90))
    if what_if["kind"] == "overtime_addition":
        what_if["points"] = str(data.draw(st.integers(1, 5)))
    commands = ledger.parse_commands([("what-if", what_if)])
    try:
        scratch = ledger.preview(commands, "test")
    except RejectedError:
        assume(False)  # e.g. someone not employed in that quarter: no what-if to compare
    reused = preview(ledger, commands, "test")
    for period in periods:
        assert _outcome(reused, period) == _outcome(scratch, period), str(period)
