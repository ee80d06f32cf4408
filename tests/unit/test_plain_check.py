"""The batch check's short path for plain entries (scores, deductions, attendance and the
like that correct nothing, domain/validation.py `_check_plain`) finds the same problems,
in the same order and words, as the whole `check_command`, and leaves the batch's scope
as it does (a later row of the batch sees the same taken keys)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from builders import memory_ledger, record

from domain import validation
from domain.check_plans import check_plan
from domain.errors import Problem
from domain.events import AttendanceRecorded, DepartmentDefined, EmployeeHired, ScoreRecorded

SETUP: tuple[dict[str, Any], ...] = (
    {"type": "adopt_scheme", "scheme": "xinghe-county-hospital", "idempotency_key": "scheme"},
    {"type": "define_department", "department_id": "ward", "name": "Ward", "kind": "clinical",
     "risk_coefficient": "1", "effective_on": "2026-01-01", "idempotency_key": "ward"},
    {"type": "define_department", "department_id": "office", "name": "Office",
     "kind": "admin", "admin_class": 1, "effective_on": "2026-01-01",
     "idempotency_key": "office"},
    {"type": "hire_employee", "employee_id": "a", "name": "A", "department_id": "ward",
     "title_grade": "intermediate", "hired_on": "2020-01-01", "idempotency_key": "hire-a"},
    {"type": "record_attendance", "period": "2026-Q1", "employee_id": "a",
     "scheduled_days": 60, "idempotency_key": "att-a-q1"},
)

BATCH: tuple[dict[str, Any], ...] = (
    {"type": "record_score", "period": "2026-Q1", "employee_id": "a", "item": "quantity",
     "points": "30"},
    {"type": "record_score", "period": "2026-Q1", "employee_id": "a", "item": "quantity",
     "points": "31"},  # the same key as the row above
    {"type": "record_score", "period": "2026-Q2", "employee_id": "nobody",
     "item": "no_such_item", "points": "1"},
    {"type": "record_attendance", "period": "2026-Q1", "employee_id": "a",
     "scheduled_days": 60},  # held by the ledger's entry
    {"type": "record_attendance", "period": "2026-Q2", "employee_id": "a",
     "scheduled_days": 60},
    {"type": "record_deduction", "period": "2026-Q2", "employee_id": "a",
     "kind": "no_such_kind"},
    {"type": "record_deduction", "period": "2026-Q2", "employee_id": "a",
     "kind": "roster_disobeyed"},
    {"type": "record_department_figures", "period": "2026-Q2", "department_id": "office",
     "workload_base": "1", "workload_actual": "1", "medical_revenue_cny": "1.00",
     "full_cost_cny": "1.00"},
    {"type": "record_department_figures", "period": "2026-Q2", "department_id": "nowhere",
     "workload_base": "1", "workload_actual": "1", "medical_revenue_cny": "1.00",
     "full_cost_cny": "1.00"},
    {"type": "record_cme_credits", "employee_id": "a", "year": 2026, "credits": "5"},
    {"type": "record_cme_credits", "employee_id": "a", "year": 2026, "credits": "6"},
    {"type": "record_cme_credits", "employee_id": "a", "year": 2001, "credits": "6"},
    {"type": "record_score", "period": "2001-Q1", "employee_id": "a", "item": "quantity",
     "points": "3"},  # before any scheme
)


def check(closed: frozenset[str], short: bool) -> list[Problem]:
    ledger = memory_ledger()
    record(ledger, *SETUP)
    commands = ledger.parse_commands([  # keyed: the problems name the entries by id
        (f"row {n}", {**row, "idempotency_key": f"batch-{n}"}) for n, row in enumerate(BATCH, 1)])
    make = ledger._event_maker("test", datetime(2026, 7, 1, tzinfo=UTC))
    items = [(where, command, make(command)) for where, command in commands]
    plain = validation._check_plain
    if not short:
        validation._check_plain = (
            lambda scope, where, command, event, plan:
            validation.check_command(scope, where, command, event))
    try:
        return validation.check_batch(ledger.facts(), items, closed)
    finally:
        validation._check_plain = plain


@pytest.mark.parametrize("closed", [frozenset(), frozenset({"2026-Q1"}),
                                    frozenset({"2026-Q1", "2026-Q2"})])
def test_the_short_path_finds_what_the_whole_check_finds(closed: frozenset[str]) -> None:
    short = check(closed, short=True)
    assert short == check(closed, short=False)
    fields = {problem.field for problem in short}
    assert {"employee_id", "item", "department_id", "kind", "period", ""} <= fields


def test_only_plain_types_take_the_short_path() -> None:
    assert check_plan(ScoreRecorded).plain
    assert check_plan(AttendanceRecorded).plain
    assert not check_plan(EmployeeHired).plain
    assert not check_plan(DepartmentDefined).plain
