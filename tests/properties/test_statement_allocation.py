"""Every split of a fixed total adds up to the fen, in every statement of any valid
stream: pool → departments, department → people, and the reconciliation to 0.00."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from builders import memory_ledger, record
from hypothesis import given, settings
from statement_rules import check_allocations, money, pool_line
from streams import Stream, hospital_streams

from api.storage.session import Session
from domain.periods import Period
from projections.payout import CalculationBlockedError
from projections.restatement import statement_for
from projections.views import catch_up, render_statement

EXAMPLES = 40


@settings(max_examples=EXAMPLES, deadline=None)
@given(stream=hospital_streams(annual_targets=True))
def test_every_allocation_in_a_statement_adds_up_to_the_fen(stream: Stream) -> None:
    ledger = memory_ledger()
    record(ledger, *stream.commands)
    facts = ledger.facts()
    statements = {p: statement_for(facts, Period.parse(p)).to_json() for p in stream.payable}
    for statement in statements.values():
        check_allocations(statement)
    # The year-end pool is the quarters' reserves, every fen of them.
    reserves = sum((pool_line(statements[q], "year_end_reserve") for q in stream.quarters),
                   Decimal(0))
    assert pool_line(statements[f"{stream.quarters[0][:4]}-YE"], "distributable") == reserves


# ------------------------------------------------------------ no points to share the pool

SCHEME_AND_DEPARTMENT: tuple[dict[str, Any], ...] = (
    {"type": "adopt_scheme", "scheme": "xinghe-county-hospital"},
    {"type": "define_department", "department_id": "c1", "name": "clinical c1",
     "kind": "clinical", "risk_coefficient": "1", "effective_on": "2026-01-01"},
)
HIRE = {"type": "hire_employee", "employee_id": "e1", "name": "employee e1",
        "department_id": "c1", "title_grade": "intermediate", "hired_on": "2025-01-01"}


def _figures(period: str, revenue_cny: str) -> dict[str, Any]:
    return {"type": "record_department_figures", "period": period, "department_id": "c1",
            "workload_base": "100", "workload_actual": "100",
            "medical_revenue_cny": revenue_cny, "full_cost_cny": "100.00"}


NO_POINTS = {
    # Q2: the only clinical department's medical revenue is 0.00 (accepted input), so its
    # cost coefficient, its score and the hospital's total points are 0.
    "a quarter whose departments all score zero": (
        HIRE,
        {"type": "declare_pool", "period": "2026-Q1", "amount_cny": "1000.00"},
        _figures("2026-Q1", "100.00"),
        {"type": "declare_pool", "period": "2026-Q2", "amount_cny": "1000.00"},
        _figures("2026-Q2", "0.00"),
        {"type": "record_annual_target_score", "year": 2026, "department_id": "c1",
         "score": "90"},
    ),
    # Q2: a pool declared before the roster is imported: no one to score.
    "a quarter with a pool and nobody on the roster yet": (
        {**HIRE, "hired_on": "2026-07-01"},
        {"type": "declare_pool", "period": "2026-Q2", "amount_cny": "1000.00"},
        {"type": "declare_pool", "period": "2026-Q3", "amount_cny": "1000.00"},
        _figures("2026-Q3", "100.00"),
        {"type": "record_annual_target_score", "year": 2026, "department_id": "c1",
         "score": "90"},
    ),
    # 2026-YE: a year-end reserve of 3.00 and every annual target score 0 (accepted).
    "a year end whose annual target scores are all zero": (
        HIRE,
        {"type": "declare_pool", "period": "2026-Q1", "medical_revenue_cny": "100.00"},
        _figures("2026-Q1", "100.00"),
        {"type": "record_annual_target_score", "year": 2026, "department_id": "c1",
         "score": "0"},
    ),
}


@pytest.mark.parametrize("stream", list(NO_POINTS.values()), ids=list(NO_POINTS))
def test_a_period_with_no_points_to_share_its_pool_reconciles_or_is_blocked(
    stream: tuple[dict[str, Any], ...], sqlite_env: dict[str, str]
) -> None:
    ledger = memory_ledger()
    record(ledger, *SCHEME_AND_DEPARTMENT, *stream)
    facts = ledger.facts()
    pools = {e.period for e in facts.live.values() if type(e).__name__ == "PoolDeclared"}
    for period in sorted({*pools, "2026-YE"}):
        stored = render_statement(facts, Period.parse(period))
        if stored.status == "ok":
            check_allocations_or_undistributed(json.loads(stored.body))

    # Through the materialised view: the other periods can still be read.
    with Session(sqlite_env) as session:
        record(session.ledger, *SCHEME_AND_DEPARTMENT, *stream)
        catch_up(session.ledger, session.view)
        for period in sorted(pools):
            try:
                session.statement_json(Period.parse(period))
            except CalculationBlockedError:
                continue


def check_allocations_or_undistributed(statement: dict[str, Any]) -> None:
    """Reconciles to 0.00; the pool is either split to the fen or on a named line."""
    lines = statement["reconciliation"]["lines"]
    assert sum((money(line["amount"]) for line in lines), Decimal(0)) == 0, lines
    assert statement["reconciliation"]["balance"] == "0.00"
