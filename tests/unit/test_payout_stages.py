"""A quarter's payout is a tuple of stages with one signature; they run in the declared
order, and money is conserved after every one of them, checked by an invariant that
names the stage which broke it (and that `python -O` cannot switch off)."""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal

import pytest
from builders import GOLDEN, memory_ledger, record

from domain.errors import InvariantError
from domain.facts import Facts
from domain.money import calc_context
from domain.periods import Period
from projections.payout import (
    PAYOUT_STAGES,
    YEAR_END_STAGES,
    PayoutContext,
    PayoutState,
    Stage,
    calculate,
    calculate_quarter,
    calculate_year_end,
)

Q1 = Period.parse("2026-Q1")
CENT = Decimal("0.01")


@pytest.fixture(scope="module")
def facts() -> Facts:
    """Example 2: clinical and admin departments, controls, a cap and the floor."""
    ledger = memory_ledger()
    lines = (GOLDEN / "example-2" / "commands.jsonl").read_text(encoding="utf-8").splitlines()
    record(ledger, *(json.loads(line) for line in lines if line.strip() and line[0] != "#"))
    return ledger.facts()


def _run(facts: Facts, stages: tuple[Stage, ...]) -> dict[str, object]:
    with calc_context():
        return calculate_quarter(facts, Q1, {}, stages).to_json()


def test_the_quarter_runs_pool_scores_split_controls_cap_and_floor_people_reconcile() -> None:
    assert [stage.__name__ for stage in PAYOUT_STAGES] == [
        "size_pool", "score_departments", "split_pool_by_points", "apply_controls",
        "apply_cap_and_floor", "pay_individuals", "reconcile"]


def test_the_stages_run_in_the_declared_order_and_give_the_statement(facts: Facts) -> None:
    ran: list[str] = []

    def recorded(stage: Stage) -> Stage:
        def run(context: PayoutContext, state: PayoutState) -> PayoutState:
            ran.append(stage.__name__)
            return stage(context, state)
        run.__name__ = stage.__name__
        return run

    statement = _run(facts, tuple(recorded(stage) for stage in PAYOUT_STAGES))
    assert ran == [stage.__name__ for stage in PAYOUT_STAGES]
    assert statement == calculate(facts, Q1).to_json()


def _leak_a_fen_from_a_department(context: PayoutContext, state: PayoutState) -> PayoutState:
    first, *rest = state.lines
    return replace(state, lines=(replace(first, pay_calculated_cny=first.pay_calculated_cny
                                         - CENT), *rest))


def _pay_someone_a_fen_more(context: PayoutContext, state: PayoutState) -> PayoutState:
    someone = min(state.pay)
    return replace(state, pay={**state.pay, someone: state.pay[someone] + CENT})


def _bank_without_a_line(context: PayoutContext, state: PayoutState) -> PayoutState:
    # A fen banked out of calculated pay that the pool never gave the department.
    first, *rest = state.lines
    moved = replace(first, banked_cny=first.banked_cny + CENT,
                    pay_calculated_cny=first.pay_calculated_cny + CENT)
    return replace(state, lines=(moved, *rest))


@pytest.mark.parametrize(("after", "broken"), [
    ("split_pool_by_points", _leak_a_fen_from_a_department),
    ("apply_controls", _leak_a_fen_from_a_department),
    ("apply_cap_and_floor", _bank_without_a_line),
    ("pay_individuals", _pay_someone_a_fen_more),
])
def test_a_stage_that_leaks_money_is_named_by_the_conservation_invariant(
    facts: Facts, after: str, broken: Stage,
) -> None:
    names = [stage.__name__ for stage in PAYOUT_STAGES]
    at = names.index(after) + 1
    stages = (*PAYOUT_STAGES[:at], broken, *PAYOUT_STAGES[at:])
    with pytest.raises(InvariantError, match=f"payout stage {broken.__name__} broke "
                                             "conservation in 2026-Q1: off by"):
        _run(facts, stages)


def test_a_stage_that_leaks_inside_the_tuple_is_caught_before_the_next_runs(
    facts: Facts,
) -> None:
    ran: list[str] = []

    def leaky_controls(context: PayoutContext, state: PayoutState) -> PayoutState:
        return _leak_a_fen_from_a_department(context, PAYOUT_STAGES[3](context, state))

    def cap_and_floor(context: PayoutContext, state: PayoutState) -> PayoutState:
        ran.append("apply_cap_and_floor")
        return state

    leaky_controls.__name__ = "apply_controls"
    stages = (*PAYOUT_STAGES[:3], leaky_controls, cap_and_floor, *PAYOUT_STAGES[5:])
    with pytest.raises(InvariantError, match="payout stage apply_controls broke conservation"):
        _run(facts, stages)
    assert ran == []


def test_the_finished_state_holds_nothing_in_departments(facts: Facts) -> None:
    with calc_context():
        context = PayoutContext(facts, Q1, facts.scheme_for(Q1), {})
        state = PayoutState()
        for stage in PAYOUT_STAGES:
            state = stage(context, state)
    assert state.held_by_departments_cny() == 0
    assert state.statement is not None
    assert state.statement.reconciliation == tuple(state.money_lines())


@pytest.fixture(scope="module")
def year_end_facts() -> Facts:
    """Example 4d: four quarters' reserves, one person failing the year-end assessment."""
    ledger = memory_ledger()
    lines = (GOLDEN / "example-4" / "year-end.jsonl").read_text(encoding="utf-8").splitlines()
    record(ledger, *(json.loads(line) for line in lines if line.strip() and line[0] != "#"))
    return ledger.facts()


def test_the_year_end_runs_reserves_scores_split_people_reconcile(year_end_facts: Facts) -> None:
    assert [stage.__name__ for stage in YEAR_END_STAGES] == [
        "pool_reserves", "score_year_end", "split_pool_by_target_scores",
        "pay_year_end_individuals", "reconcile_year_end"]
    ye = Period.parse("2026-YE")
    with calc_context():
        assert (calculate_year_end(year_end_facts, ye).to_json()
                == calculate(year_end_facts, ye).to_json())


def _forfeit_nothing_but_pay_less(context: PayoutContext, state: PayoutState) -> PayoutState:
    someone = min(state.pay)
    return replace(state, pay={**state.pay, someone: state.pay[someone] - CENT})


@pytest.mark.parametrize(("after", "broken"), [
    ("split_pool_by_target_scores", _leak_a_fen_from_a_department),
    ("pay_year_end_individuals", _forfeit_nothing_but_pay_less),
])
def test_a_year_end_stage_that_leaks_money_is_named(
    year_end_facts: Facts, after: str, broken: Stage,
) -> None:
    at = [stage.__name__ for stage in YEAR_END_STAGES].index(after) + 1
    stages = (*YEAR_END_STAGES[:at], broken, *YEAR_END_STAGES[at:])
    with calc_context(), pytest.raises(
        InvariantError, match=f"payout stage {broken.__name__} broke conservation in 2026-YE"):
        calculate_year_end(year_end_facts, Period.parse("2026-YE"), stages)
