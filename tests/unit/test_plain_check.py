"""The batch check's short path for plain entries (scores, deductions, attendance and the
like that correct nothing, domain/validation.py `_check_plain`) finds the same problems,
in the same order and words, as the whole `check_command`, and leaves the batch's scope
as it does (a later row of the batch sees the same taken keys)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from builders import WARD_AND_OFFICE, checked_items, memory_ledger, record, set_up_once
from hypothesis import given, settings
from hypothesis import strategies as st

from domain import validation
from domain.application import Ledger
from domain.check_plans import check_plan
from domain.errors import Problem, RejectedError
from domain.events import AttendanceRecorded, DepartmentDefined, EmployeeHired, ScoreRecorded

SETUP: tuple[dict[str, Any], ...] = (
    *WARD_AND_OFFICE,
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


_LEDGER: dict[str, Ledger] = {}  # the set-up ledger, made once (checks write nothing)


def check(closed: frozenset[str], short: bool,
          batch: Sequence[dict[str, Any]] = BATCH) -> list[Problem]:
    ledger = set_up_once(_LEDGER, *SETUP)
    items = checked_items(ledger, batch)
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


def test_a_scheme_adopted_in_the_batch_is_in_force_for_the_rows_after_it() -> None:
    """The scope remembers the scheme in force per day (`BatchScope.scheme_on`); an
    adoption in the batch must make it forget, or the rows after it would still be told
    no scheme is in force."""
    ledger = memory_ledger()
    record(ledger, *SETUP[1:2])  # a department, no scheme yet
    score = {"type": "record_attendance", "period": "2026-Q1", "employee_id": "nobody",
             "scheduled_days": 60}
    rows = [score, SETUP[0], {**score, "period": "2026-Q2"}, {**score, "period": "2026-Q1",
                                                                "employee_id": "other"}]
    commands = ledger.parse_commands([(f"row {n}", row) for n, row in enumerate(rows, 1)])
    with pytest.raises(RejectedError) as refused:
        ledger.record(commands, "test")
    no_scheme = [problem.where for problem in refused.value.problems
                 if problem.reason.startswith("no scheme in force")]
    assert no_scheme == ["row 1"]
    unknown = [problem.where for problem in refused.value.problems
               if problem.field == "employee_id"]
    assert unknown == ["row 1", "row 3", "row 4"]


# Rows that interact: a hire, a department, a second scheme-less year, a correction and a
# void go the whole way and change what the plain rows after them are told.
MIXED: tuple[dict[str, Any], ...] = (*BATCH,
    {"type": "hire_employee", "employee_id": "nobody", "name": "N", "department_id": "ward",
     "title_grade": "intermediate", "hired_on": "2020-01-01"},
    {"type": "define_department", "department_id": "nowhere", "name": "Nowhere",
     "kind": "clinical", "risk_coefficient": "1", "effective_on": "2026-01-01"},
    {"type": "record_score", "period": "2026-Q1", "employee_id": "a", "item": "quantity",
     "points": "9", "reason": "recount", "supersedes": "00000000-0000-0000-0000-000000000001"})


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(MIXED), min_size=1, max_size=12),
       st.sets(st.sampled_from(["2026-Q1", "2026-Q2"])))
def test_random_batches_find_alike_on_the_short_and_the_whole_path(
        batch: list[dict[str, Any]], closed: set[str]) -> None:
    assert check(frozenset(closed), True, batch) == check(frozenset(closed), False, batch)
