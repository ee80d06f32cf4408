"""A run of plain entries checked at once (domain/plain_runs.py) finds the same problems,
in the same order and words, as checking it row by row, and leaves the batch's scope as
the row by row check does: the same keys taken, ids known and entries kept for a later
grading scope."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from builders import WARD_AND_OFFICE, checked_items, set_up_once
from hypothesis import given, settings
from hypothesis import strategies as st

from domain import validation
from domain.application import Ledger
from domain.errors import Problem
from domain.overlay import Layered

SETUP: tuple[dict[str, Any], ...] = (
    *WARD_AND_OFFICE,
    *({"type": "hire_employee", "employee_id": name, "name": name.upper(),
       "department_id": "ward", "title_grade": "intermediate", "hired_on": "2020-01-01",
       "idempotency_key": f"hire-{name}"} for name in ("a", "b")),
    {"type": "record_attendance", "period": "2026-Q1", "employee_id": "a",
     "scheduled_days": 60, "idempotency_key": "att-a-q1"},
)


def _score(period: str, employee_id: str, item: str, points: str) -> dict[str, Any]:
    return {"type": "record_score", "period": period, "employee_id": employee_id,
            "item": item, "points": points}


def _figures(period: str, department_id: str) -> dict[str, Any]:
    return {"type": "record_department_figures", "period": period,
            "department_id": department_id, "workload_base": "1", "workload_actual": "1",
            "medical_revenue_cny": "1.00", "full_cost_cny": "1.00"}


# Rows without a problem of their own, and rows with one (an unknown employee, item, kind
# or department, a key the ledger holds, a year before any scheme); the same row twice
# in a batch takes its key twice.
ROWS: tuple[dict[str, Any], ...] = (
    *(_score(period, who, item, points) for period in ("2026-Q1", "2026-Q2")
      for who in ("a", "b") for item, points in (("quantity", "30"),)),
    *({"type": "record_deduction", "period": period, "employee_id": who,
       "kind": "roster_disobeyed"} for period in ("2026-Q1", "2026-Q2") for who in "ab"),
    {"type": "record_attendance", "period": "2026-Q2", "employee_id": "b",
     "scheduled_days": 60},
    {"type": "record_attendance", "period": "2026-Q1", "employee_id": "a",
     "scheduled_days": 60},  # held by the ledger's entry
    {"type": "record_cme_credits", "employee_id": "b", "year": 2026, "credits": "5"},
    {"type": "record_cme_credits", "employee_id": "a", "year": 2001, "credits": "6"},
    _score("2026-Q2", "nobody", "quantity", "1"),
    _score("2026-Q2", "a", "no_such_item", "1"),
    {"type": "record_deduction", "period": "2026-Q2", "employee_id": "a",
     "kind": "no_such_kind"},
    _figures("2026-Q2", "ward"),
    _figures("2026-Q2", "office"),
    _figures("2026-Q3", "nowhere"),
    # Not plain: each ends a run, and changes what the rows after it are told.
    {"type": "hire_employee", "employee_id": "nobody", "name": "N", "department_id": "ward",
     "title_grade": "intermediate", "hired_on": "2020-01-01"},
    {"type": "define_department", "department_id": "nowhere", "name": "Nowhere",
     "kind": "clinical", "risk_coefficient": "1", "effective_on": "2026-01-01"},
)

_LEDGER: dict[str, Ledger] = {}  # the set-up ledger, made once (checks write nothing)


def check(batch: Sequence[dict[str, Any]], closed: frozenset[str], run_min: int,
          monkeypatch: pytest.MonkeyPatch,
          what_if: bool = False) -> tuple[list[Problem], list[Any]]:
    """The batch's problems, and each scope the check made, as (taken, ids, backlog);
    `what_if`: checked against a what-if's facts (layered tables, domain/overlay.py) that
    hold one more attendance entry."""
    ledger = set_up_once(_LEDGER, *SETUP)
    items = checked_items(ledger, batch)
    facts = ledger.facts()
    if what_if:  # made last: the ledger's facts give it plain tables when they catch up
        what_if_row = {"type": "record_attendance", "period": "2026-Q2", "employee_id": "b",
                       "scheduled_days": 60, "idempotency_key": "what-if"}
        facts = ledger.preview(ledger.parse_commands([("what-if", what_if_row)]), "test")
        assert type(facts.unique) is Layered
    scopes: list[validation.BatchScope] = []

    class Scope(validation.BatchScope):
        def __post_init__(self) -> None:
            super().__post_init__()
            scopes.append(self)

    with monkeypatch.context() as patch:
        patch.setattr(validation, "RUN_MIN", run_min)
        patch.setattr(validation, "BatchScope", Scope)
        problems = validation.check_batch(facts, items, closed)
    return problems, [(scope.taken, scope.batch_ids,
                       [event.originator_id for event in scope.grading_backlog])
                      for scope in scopes]


def test_a_run_without_problems_is_taken_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    taken: list[int] = []
    real = validation.take_plain_run

    def counted(scope: Any, run: Any, checks: Any) -> bool:
        done = real(scope, run, checks)
        taken.append(len(run) if done else 0)
        return done

    monkeypatch.setattr(validation, "take_plain_run", counted)
    batch = ROWS[:9]
    problems, _ = check(batch, frozenset(), 1, monkeypatch)
    assert problems == []
    assert taken == [9]
    assert check(batch, frozenset(), 1, monkeypatch) == check(
        batch, frozenset(), 10**9, monkeypatch)


def test_a_what_ifs_keys_and_its_bases_are_held_for_a_run(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """An attendance key the what-if holds itself, and one the ledger holds (the base under
    the what-if's layered tables), each after a run that has no problem."""
    assert [(row["type"], row["period"], row["employee_id"]) for row in ROWS[8:10]] == [
        ("record_attendance", "2026-Q2", "b"), ("record_attendance", "2026-Q1", "a")]
    for batch in ([*ROWS[:8], ROWS[8]], [*ROWS[:8], ROWS[9]]):
        problems, _ = check(batch, frozenset(), 1, monkeypatch, what_if=True)
        assert [(problem.where, problem.field) for problem in problems] == [("row 9", "period")]


@settings(max_examples=120, deadline=None)
@given(st.lists(st.sampled_from(ROWS), min_size=1, max_size=30),
       st.sets(st.sampled_from(["2026-Q1", "2026-Q2"])), st.booleans())
def test_runs_find_and_take_what_the_row_by_row_check_does(
        batch: list[dict[str, Any]], closed: set[str], what_if: bool) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        at_once = check(batch, frozenset(closed), 1, monkeypatch, what_if)
        by_row = check(batch, frozenset(closed), 10**9, monkeypatch, what_if)
    assert at_once == by_row
