"""A what-if in a new process takes the splits of the departments it does not move from
the statement stored for the facts it starts from (projections/payout/seeded_splits.py),
and must still give, byte for byte, what a full recomputation gives: the statement, every
figure in the order written and every explanation (the split's figures are computed when
read). A stored split that is not of these inputs is not taken."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from test_incremental_whatif import _bytes, _department_rows, _synthetic

from domain.application import Ledger
from domain.errors import RejectedError
from domain.events import DeductionRecorded
from domain.periods import Period
from projections.memo import memo_of
from projections.payout import split_memo
from projections.payout.seeded_splits import SEEDED_SPLITS
from projections.payout.split_memo import DEPARTMENT_SPLITS
from projections.restatement import statement_for
from projections.seeded_scores import seed_person_scores
from projections.whatif import preview


def _stored(ledger: Ledger, period: Period) -> dict[str, Any]:
    """The period's statement as the view stores it (its JSON, parsed back)."""
    return json.loads(json.dumps(statement_for(ledger.facts(), period).to_json()))  # type: ignore[no-any-return]


def _seeded_what_if(ledger: Ledger, row: dict[str, Any],
                    stored: dict[str, Any]) -> tuple[Any, Any, int]:
    """The what-if on facts seeded from `stored` as a new process has them (nothing
    computed), the same what-if from scratch, and how many splits were remembered."""
    period = Period.parse(row["period"])
    base = ledger.facts()
    seed_person_scores(base, period, lambda: stored)
    remembered = len(memo_of(base).get(SEEDED_SPLITS, {}))
    commands = ledger.parse_commands([("what-if", row)])
    try:
        scratch = ledger.preview(commands, "test")
    except RejectedError:
        assume(False)
    return preview(ledger, commands, "test", base=base), scratch, remembered


def _appeal(ledger: Ledger, data: st.DataObject) -> dict[str, Any]:
    deductions = [e for e in ledger.facts().live.values() if isinstance(e, DeductionRecorded)]
    contested = data.draw(st.sampled_from(deductions))
    return {"type": "record_deduction", "period": contested.period,
            "employee_id": contested.employee_id, "kind": "late",
            "minutes": data.draw(st.integers(0, 90)),
            "supersedes": str(contested.originator_id),
            "reason": "appeal upheld (what-if)", "idempotency_key": "what-if"}


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_what_if_with_stored_splits_equals_a_recomputation(data: st.DataObject) -> None:
    source = _synthetic()
    row = _appeal(source, data)
    period = Period.parse(row["period"])
    stored = _stored(source, period)
    ledger = _fresh_copy(source)
    reused, scratch, remembered = _seeded_what_if(ledger, row, stored)
    assert remembered == len(stored["departments"])  # everyone seeded: every split known
    assert _bytes(reused, period) == _bytes(scratch, period)


@pytest.mark.parametrize("reach", ["one person", "one department", "the organisation's pool",
                                   "the per-point split"])
def test_each_reach_with_stored_splits_equals_a_recomputation(reach: str) -> None:
    source = _synthetic()
    row = {**_department_rows(source)[reach], "idempotency_key": "what-if"}
    period = Period.parse(row["period"])
    stored = _stored(source, period)
    reused, scratch, remembered = _seeded_what_if(_fresh_copy(source), row, stored)
    assert remembered == len(stored["departments"])
    assert _bytes(reused, period) == _bytes(scratch, period)


def _splits_computed(facts: Any, period: Period) -> int:
    """How many departments the statement of `period` splits by computing."""
    computed: list[str] = []
    real = split_memo.split_department_pay

    def counted(*args: Any) -> Any:
        computed.append(args[0].department_id)
        return real(*args)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(split_memo, "split_department_pay", counted)
        statement_for(facts, period)
    return len(computed)


def test_a_person_s_what_if_splits_only_their_department() -> None:
    source = _synthetic()
    row = {**_department_rows(source)["one person"], "idempotency_key": "what-if"}
    period = Period.parse(row["period"])
    stored = _stored(source, period)
    reused, _, remembered = _seeded_what_if(_fresh_copy(source), row, stored)
    assert remembered == len(stored["departments"])
    # The appellant's department; the others' figures are not read by the statement.
    assert _splits_computed(reused, period) == 1
    assert len(memo_of(reused)[DEPARTMENT_SPLITS]) == remembered


def test_a_stored_split_that_does_not_add_up_is_not_taken() -> None:
    """A stored pay that no longer adds up to its department's settled pay (an edited
    row whose hash was recomputed, say) is not a split of it: that department is split
    again, and the answer is the computation's."""
    source = _synthetic()
    row = {**_department_rows(source)["one person"], "idempotency_key": "what-if"}
    period = Period.parse(row["period"])
    stored = _stored(source, period)
    moved = next(p["department_id"] for p in stored["people"]
                 if p["employee_id"] == row["employee_id"])
    line = next(p for p in stored["people"] if p["department_id"] != moved
                and p["pay"] != "0.00")
    line["pay"] = f"{Decimal(line['pay']) + Decimal('0.01'):.2f}"
    reused, scratch, _ = _seeded_what_if(_fresh_copy(source), row, stored)
    assert _splits_computed(reused, period) == 2
    assert _bytes(reused, period) == _bytes(scratch, period)


def _fresh_copy(source: Ledger) -> Ledger:
    """The ledger with its fold forgotten: facts with nothing computed yet, as a new
    process folds them (the next fold is of the same events)."""
    source.forget_facts()
    return source
