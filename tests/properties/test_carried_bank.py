"""A what-if in a process that has computed nothing yet (`jixiao payout --with`) reads the
banks of the quarters the new events cannot move from their stored statements instead of
computing those quarters (projections/whatif.py `carry_banks`): it must still give, byte
for byte, what a full recomputation gives, and it must not trust a stored statement of a
quarter the new events move."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from builders import GOLDEN
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from test_incremental_whatif import _record, _synthetic, upheld_late_appeal

from domain.application import Ledger
from domain.errors import DomainError, RejectedError
from domain.events import DeductionRecorded
from domain.facts import Facts
from domain.periods import Period
from domain.scheme import canonical_dumps
from projections.department_scores import CLINICAL_SCORES
from projections.memo import forget, memo_of
from projections.restatement import statement_for
from projections.views import payable_periods
from projections.whatif import preview


def _bytes(facts: Facts, period: Period) -> Any:
    """Everything a report can show of a period: the statement and every figure, whole and
    in the order written (an explanation is a walk over these figures; walking all of
    them for every person, as test_incremental_whatif does, takes most of a minute here)."""
    try:
        statement = statement_for(facts, period)
    except DomainError as error:
        return ("blocked", str(error))
    return (canonical_dumps(statement.to_json()),
            canonical_dumps([figure.to_json() for figure in statement.book.figures.values()]))


class _View:
    """The statements view of some facts: each statement's canonical JSON, read back."""

    def __init__(self, facts: Facts) -> None:
        self.rows: dict[Period, dict[str, Any] | None] = {}
        for period in payable_periods(facts):
            try:
                body = canonical_dumps(statement_for(facts, period).to_json())
            except DomainError:
                self.rows[period] = None  # blocked: stored as such, read as nothing
            else:
                self.rows[period] = json.loads(body)
        self.read: list[Period] = []

    def __call__(self, period: Period) -> dict[str, Any] | None:
        self.read.append(period)
        return self.rows.get(period)


def _fresh(ledger: Ledger) -> tuple[Facts, _View]:
    facts = ledger.facts()
    view = _View(facts)
    forget(facts)  # a new process: nothing computed beside the facts
    return facts, view


def _what_if(ledger: Ledger, row: dict[str, Any]) -> tuple[Facts, Facts, _View]:
    facts, view = _fresh(ledger)
    commands = ledger.parse_commands([("what-if", row)])
    try:
        scratch = ledger.preview(commands, "test")  # nothing carried over, nothing read
    except RejectedError:
        assume(False)
    return preview(ledger, commands, "test", base=facts, stored=view), scratch, view


def _banks_moved(ledger: Ledger) -> bool:
    return any(line["bank_after"] != "0.00" for statement in _View(ledger.facts()).rows.values()
               if statement is not None for line in statement["departments"])


@cache
def _example_3() -> Ledger:
    """Worked example 3: ICU banks its excess over the cap and draws it below the floor."""
    lines = (GOLDEN / "example-3" / "commands.jsonl").read_text().splitlines()
    rows = [json.loads(line) for line in lines if line.strip() and not line.startswith("#")]
    return _record(rows)


_QUARTERS = ("2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4")


def _hypothetical_events(data: st.DataObject) -> list[dict[str, Any]]:
    """One to three events that move a department's pay (its bank) or a person's score
    (each with a key: its event id, shown in the explanations, is then the same in both
    previews)."""
    rows = []
    for n in range(data.draw(st.integers(1, 3))):
        period = data.draw(st.sampled_from(_QUARTERS))
        if data.draw(st.booleans()):
            rows.append({"type": "adjust_pool", "period": period,
                         "amount_cny": str(data.draw(st.integers(-20_000, 40_000))),
                         "idempotency_key": f"what-if {n}"})
        else:
            rows.append({"type": "record_deduction", "period": period,
                         "employee_id": data.draw(st.sampled_from(["icu-1", "icu-2"])),
                         "kind": "late", "minutes": data.draw(st.integers(1, 90)),
                         "reason": "what-if", "idempotency_key": f"what-if {n}"})
    return rows


def _what_if(ledger: Ledger, rows: list[dict[str, Any]]) -> tuple[Facts, Facts, _View]:
    facts, view = _fresh(ledger)
    commands = ledger.parse_commands([(f"what-if {n}", row) for n, row in enumerate(rows)])
    try:
        scratch = ledger.preview(commands, "test")  # nothing carried over, nothing read
    except RejectedError:
        assume(False)
    return preview(ledger, commands, "test", base=facts, stored=view), scratch, view


def _same(after: Facts, scratch: Facts) -> None:
    # Latest first: a later quarter is computed before the ones whose banks it carries.
    for period in sorted(payable_periods(scratch), reverse=True):
        assert _bytes(after, period) == _bytes(scratch, period), str(period)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_what_if_on_stored_banks_equals_a_recomputation(data: st.DataObject) -> None:
    after, scratch, _ = _what_if(_example_3(), _hypothetical_events(data))
    _same(after, scratch)


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_an_upheld_appeal_on_stored_banks_equals_a_recomputation(data: st.DataObject) -> None:
    ledger = _synthetic()
    deductions = [e for e in ledger.facts().live.values() if isinstance(e, DeductionRecorded)]
    contested = data.draw(st.sampled_from(deductions))
    after, scratch, _ = _what_if(ledger, [{
        "type": "record_deduction", "period": contested.period,
        "employee_id": contested.employee_id, "kind": "late",
        "minutes": data.draw(st.integers(0, 90)), "supersedes": str(contested.originator_id),
        "reason": "appeal upheld (what-if)", "idempotency_key": "what-if"}])
    _same(after, scratch)


def test_the_earlier_quarters_banks_are_read_not_computed() -> None:
    ledger = _example_3()
    assert _banks_moved(ledger), "example 3 banks nothing: the test would show nothing"
    rows = [{"type": "adjust_pool", "period": "2026-Q4", "amount_cny": "30000",
             "idempotency_key": "what-if"}]
    after, scratch, view = _what_if(ledger, rows)
    last = Period.parse("2026-Q4")
    assert _bytes(after, last) == _bytes(scratch, last)
    assert sorted(view.read) == list(last.previous_in_year())


def test_a_stored_bank_of_a_quarter_the_events_move_is_not_read() -> None:
    ledger = _example_3()
    rows = [{"type": "adjust_pool", "period": "2026-Q2", "amount_cny": "30000",
             "idempotency_key": "what-if"}]
    after, scratch, view = _what_if(ledger, rows)
    last = Period.parse("2026-Q4")
    assert _bytes(after, last) == _bytes(scratch, last)
    assert view.read == [Period.parse("2026-Q1")]  # Q2 on may move: computed again


def test_a_what_if_that_moves_one_person_scores_no_department_again() -> None:
    after, period = upheld_late_appeal()
    carried = dict(memo_of(after)[CLINICAL_SCORES])
    assert carried
    statement_for(after, period)
    assert memo_of(after)[CLINICAL_SCORES] == carried  # every one found, none added
