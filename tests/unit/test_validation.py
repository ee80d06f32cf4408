"""Commands are checked against what is known before anything is written: every problem
names where and which field, and a refused batch writes nothing."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

import pytest
from builders import memory_ledger, record

from domain.application import Ledger, RecordReport
from domain.errors import RejectedError
from domain.events import LedgerEvent
from domain.periods import Period
from projections.payout import calculate

SETUP: tuple[dict[str, Any], ...] = (
    {"type": "adopt_scheme", "scheme": "xinghe-county-hospital", "idempotency_key": "scheme"},
    {"type": "define_department", "department_id": "ward", "name": "Ward", "kind": "clinical",
     "risk_coefficient": "1", "effective_on": "2026-01-01", "idempotency_key": "ward"},
    {"type": "hire_employee", "employee_id": "a", "name": "A", "department_id": "ward",
     "title_grade": "intermediate", "hired_on": "2020-01-01", "idempotency_key": "hire-a"},
    {"type": "declare_pool", "period": "2026-Q1", "amount_cny": "10000.00",
     "idempotency_key": "pool"},
    {"type": "record_department_figures", "period": "2026-Q1", "department_id": "ward",
     "workload_base": "1000", "workload_actual": "1000", "medical_revenue_cny": "100000.00",
     "full_cost_cny": "100000.00", "idempotency_key": "figures"},
)


def ledger_with_setup() -> Ledger:
    ledger = memory_ledger()
    record(ledger, *SETUP)
    return ledger


def entry(ledger: Ledger, idempotency_key: str) -> LedgerEvent:
    return next(e for e in ledger.facts().live.values() if e.idempotency_key == idempotency_key)


def record_report(ledger: Ledger, *rows: dict[str, Any]) -> RecordReport:
    commands = ledger.parse_commands([(f"row {n}", row) for n, row in enumerate(rows, 1)])
    return ledger.record(commands, "test")


def refusal(ledger: Ledger, *rows: dict[str, Any]) -> set[tuple[str, str]]:
    """(where, field) of every problem; asserts that nothing was written."""
    position, count = ledger.max_position(), len(ledger.facts().events)
    with pytest.raises(RejectedError) as refused:
        record(ledger, *rows)
    assert ledger.max_position() == position
    assert len(ledger.facts().events) == count
    assert "nothing was written" in str(refused.value)
    return {(p.where, p.field) for p in refused.value.problems}


def hire(employee_id: str, **fields: Any) -> dict[str, Any]:
    return {"type": "hire_employee", "employee_id": employee_id, "name": employee_id.title(),
            "department_id": "ward", "title_grade": "intermediate", "hired_on": "2020-01-01",
            **fields}


def deduction(kind: str, **fields: Any) -> dict[str, Any]:
    return {"type": "record_deduction", "period": "2026-Q1", "employee_id": "a", "kind": kind,
            **fields}


def test_an_unknown_department_is_refused() -> None:
    assert refusal(ledger_with_setup(), hire("b", department_id="nowhere")) == {
        ("row 1", "department_id")}


def test_an_unknown_employee_is_refused() -> None:
    ledger = ledger_with_setup()
    assert refusal(ledger, {"type": "record_score", "period": "2026-Q1", "employee_id": "ghost",
                            "item": "quantity", "points": "40"}) == {("row 1", "employee_id")}


def test_hiring_the_same_employee_twice_is_refused() -> None:
    assert refusal(ledger_with_setup(), hire("a")) == {("row 1", "employee_id")}


def test_hiring_the_same_employee_twice_in_one_batch_is_refused() -> None:
    assert refusal(ledger_with_setup(), hire("b"), hire("b")) == {("row 2", "employee_id")}


def test_an_unknown_title_grade_is_refused() -> None:
    assert refusal(ledger_with_setup(), hire("b", title_grade="archbishop")) == {
        ("row 1", "title_grade")}


def test_an_unknown_deduction_kind_is_refused() -> None:
    assert refusal(ledger_with_setup(), deduction("napping")) == {("row 1", "kind")}


def test_a_discretionary_deduction_without_points_is_refused() -> None:
    assert refusal(ledger_with_setup(), deduction("ethics_breach")) == {("row 1", "points")}


def test_a_fixed_deduction_with_points_is_refused() -> None:
    assert refusal(ledger_with_setup(), deduction("error", points="5")) == {("row 1", "points")}


def test_lateness_without_minutes_is_refused() -> None:
    assert refusal(ledger_with_setup(), deduction("late")) == {("row 1", "minutes")}


def test_a_second_pool_for_the_same_period_must_supersede_the_first() -> None:
    assert refusal(ledger_with_setup(), {"type": "declare_pool", "period": "2026-Q1",
                                         "amount_cny": "20000.00"}) == {("row 1", "period")}


def test_a_correction_must_supersede_an_entry_of_its_own_kind() -> None:
    ledger = ledger_with_setup()
    figures = entry(ledger, "figures")
    assert refusal(ledger, {"type": "declare_pool", "period": "2026-Q1",
                            "amount_cny": "20000.00", "supersedes": str(figures.originator_id),
                            "reason": "wrong amount"}) == {("row 1", "supersedes")}


def test_a_correction_of_an_unknown_entry_is_refused() -> None:
    assert refusal(ledger_with_setup(), {"type": "declare_pool", "period": "2026-Q1",
                                         "amount_cny": "20000.00", "supersedes": str(uuid4()),
                                         "reason": "wrong amount"}) == {("row 1", "supersedes")}


def test_voiding_an_unknown_entry_is_refused() -> None:
    assert refusal(ledger_with_setup(), {"type": "void_entry", "target_id": str(uuid4()),
                                         "reason": "entered twice"}) == {("row 1", "target_id")}


def test_voiding_an_entry_twice_is_refused() -> None:
    ledger = ledger_with_setup()
    record(ledger, deduction("error", idempotency_key="error"))
    target = str(entry(ledger, "error").originator_id)
    record(ledger, {"type": "void_entry", "target_id": target, "reason": "entered in error"})
    assert refusal(ledger, {"type": "void_entry", "target_id": target,
                            "reason": "entered in error"}) == {("row 1", "target_id")}


def test_a_batch_with_one_bad_row_writes_none_of_its_good_rows() -> None:
    ledger = ledger_with_setup()
    problems = refusal(
        ledger,
        hire("b"),
        deduction("error"),
        deduction("late"),  # no minutes
        {"type": "record_attendance", "period": "2026-Q1", "employee_id": "a",
         "scheduled_days": 64},
    )
    assert problems == {("row 3", "minutes")}
    assert not ledger.facts().knows_employee("b")


def test_every_problem_of_a_batch_is_reported_at_once() -> None:
    problems = refusal(ledger_with_setup(), hire("b", department_id="nowhere"),
                       deduction("late"), deduction("napping"))
    assert problems == {("row 1", "department_id"), ("row 2", "minutes"), ("row 3", "kind")}


def test_a_correction_that_supersedes_the_pool_with_a_reason_changes_the_payout() -> None:
    ledger = ledger_with_setup()
    before = calculate(ledger.facts(), Period.parse("2026-Q1"))
    pool = entry(ledger, "pool")
    report = record_report(ledger, {"type": "declare_pool", "period": "2026-Q1",
                                    "amount_cny": "12000.00", "supersedes": str(pool.originator_id),
                                    "reason": "finance restated the quarter's revenue"})
    assert len(report.recorded) == 1
    assert pool.originator_id not in ledger.facts().live
    after = calculate(ledger.facts(), Period.parse("2026-Q1"))
    assert before.book.figures["pool:distributable"].value == 10000
    assert after.book.figures["pool:distributable"].value == 12000
    assert [p.pay_cny for p in after.people] == [12000]
    assert after.to_json()["totals"]["paid"] == "12000.00"


def test_a_correction_without_a_reason_is_refused() -> None:
    ledger = ledger_with_setup()
    pool = entry(ledger, "pool")
    assert refusal(ledger, {"type": "declare_pool", "period": "2026-Q1",
                            "amount_cny": "12000.00", "supersedes": str(pool.originator_id)}) == {
        ("row 1", "")}


def test_a_retried_idempotency_key_records_nothing_and_returns_the_first_event() -> None:
    ledger = ledger_with_setup()
    row = deduction("error", idempotency_key="retry-me", reason="wrong dose")
    first = record_report(ledger, row)
    position, count = ledger.max_position(), len(ledger.facts().events)
    again = record_report(ledger, row)
    assert again.recorded == ()
    assert len(again.already_recorded) == 1
    assert again.already_recorded[0].originator_id == first.recorded[0].originator_id
    assert again.already_recorded[0].recorded_at == first.recorded[0].recorded_at
    assert (ledger.max_position(), len(ledger.facts().events)) == (position, count)


def test_the_same_idempotency_key_with_different_content_is_refused() -> None:
    ledger = ledger_with_setup()
    record(ledger, deduction("error", idempotency_key="once"))
    assert refusal(ledger, deduction("error", count=2, idempotency_key="once")) == {
        ("row 1", "idempotency_key")}


def test_ids_from_idempotency_keys_are_stable() -> None:
    first, second = ledger_with_setup(), ledger_with_setup()
    assert entry(first, "pool").originator_id == entry(second, "pool").originator_id
    assert isinstance(entry(first, "pool").originator_id, UUID)


def test_an_amount_too_large_to_hold_is_refused_as_a_problem_not_a_crash() -> None:
    ledger = memory_ledger()
    with pytest.raises(RejectedError) as refused:
        record(ledger, {"type": "declare_pool", "period": "2026-Q1", "amount_cny": "1e30"})
    assert {(p.where, p.field) for p in refused.value.problems} == {("row 1", "amount_cny")}
