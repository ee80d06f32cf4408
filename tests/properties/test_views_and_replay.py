"""The materialised view is a cache of `calculate`: for any valid stream, applied in any
batches with catch-ups in between, the view, a full replay from the store and a pure
fold of the events in memory give the same statement bytes, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

import pytest
from builders import GOLDEN, cli_for
from fresh_stores import fresh_store, sqlite_store
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from statement_rules import check_people_add_up_to_their_departments, check_reconciles
from streams import Stream, batches, hospital_streams

from api.storage.session import Session
from domain.application import Ledger
from domain.events import LedgerEvent
from domain.facts import Facts
from domain.periods import Period
from domain.scheme import canonical_dumps
from projections.payout import CalculationBlockedError
from projections.restatement import statement_for
from projections.views import StoredStatement, catch_up, payable_periods, render_statement

EXAMPLES = 20
LATE_EXAMPLES = 15


def _record(env: dict[str, str], part: tuple[dict[str, Any], ...], then_catch_up: bool
            ) -> list[LedgerEvent]:
    """One batch, as one shell invocation would record it; optionally catch the view up."""
    with Session(env) as session:
        rows = [(f"line {n}", row) for n, row in enumerate(part, start=1)]
        report = session.ledger.record(session.ledger.parse_commands(rows), "test")
        assert not report.already_recorded
        if then_catch_up:
            catch_up(session.ledger, session.view)
        return list(report.recorded)


def _pure(facts: Facts, period: Period) -> tuple[str, str]:
    """(status, body) straight from `statement_for`, no view and no store involved."""
    try:
        return "ok", canonical_dumps(statement_for(facts, period).to_json())
    except CalculationBlockedError as blocked:
        # The view stores the same error as structure: message and problems.
        return "blocked", canonical_dumps({
            "code": blocked.code, "message": str(blocked),
            "problems": [{"where": p.where, "field": p.field, "reason": p.reason}
                         for p in blocked.problems]})


def _replayed(env: dict[str, str]) -> Facts:
    ledger = Ledger(env)
    try:
        return ledger.facts()
    finally:
        ledger.close()


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(stream=hospital_streams(), data=st.data())
def test_views_replay_and_recomputation_agree(
    store, request: pytest.FixtureRequest, stream: Stream, data: st.DataObject  # type: ignore[no-untyped-def]
) -> None:
    parts = data.draw(batches(stream.commands), label="batches")
    # Mostly caught up between batches: a later batch then reaches back into quarters
    # already in the view (a late Q1 entry moves the bank of Q2-Q4 and the year end).
    catch_ups = data.draw(st.lists(st.sampled_from([True, True, False]), min_size=len(parts),
                                   max_size=len(parts)), label="catch up after batch")
    with fresh_store(store.backend, request) as env:
        recorded: list[LedgerEvent] = []
        for part, then_catch_up in zip(parts, catch_ups, strict=True):
            recorded += _record(env, part, then_catch_up)
        with Session(env) as session:
            catch_up(session.ledger, session.view)
            assert session.view.position() == session.ledger.max_position()
            assert sorted(session.view.periods()) == sorted(stream.payable)
            stored = {period: session.view.get(period) for period in stream.payable}
        replayed = _replayed(env)

    in_memory = Facts.fold(enumerate(recorded, start=1))
    assert len(replayed.events) == len(in_memory.events) == len(stream.commands)
    assert {str(p) for p in payable_periods(replayed)} == set(stream.payable)
    for text in stream.payable:
        period = Period.parse(text)
        view_statement = stored[text]
        assert isinstance(view_statement, StoredStatement)
        assert view_statement == render_statement(replayed, period)
        assert (view_statement.status, view_statement.body) == _pure(in_memory, period)
        if period.kind == "quarter":
            assert view_statement.status == "ok", view_statement.body
        if view_statement.status != "ok":
            continue
        body = json.loads(view_statement.body)
        check_reconciles(body)
        check_people_add_up_to_their_departments(body)


DEPARTMENT_LEVEL = ("declare_pool", "record_department_figures", "record_control_indicator",
                    "record_department_deduction")


@settings(max_examples=LATE_EXAMPLES, deadline=None)
@given(stream=hospital_streams(late_corrections=False), data=st.data())
def test_a_late_entry_for_an_early_quarter_reaches_every_later_period_in_the_view(
    stream: Stream, data: st.DataObject
) -> None:
    # The first quarter's pool, figures or department entries move its department pay,
    # hence the bank the later quarters of the year start from, and the year end.
    first = stream.quarters[0]
    late = data.draw(st.sampled_from([c for c in stream.commands if c.get("period") == first
                                      and c["type"] in DEPARTMENT_LEVEL]), label="late entry")
    with sqlite_store() as env:
        _record(env, tuple(c for c in stream.commands if c is not late), then_catch_up=True)
        _record(env, (late,), then_catch_up=True)
        with Session(env) as session:
            facts = session.ledger.facts()
            for text in stream.payable:
                period = Period.parse(text)
                assert session.view.get(text) == render_statement(facts, period), text


def test_a_blocked_period_reads_the_same_from_the_view_as_recomputed(store) -> None:  # type: ignore[no-untyped-def]
    cli_for(store.backend, store.env).ok("apply", str(GOLDEN / "example-3" / "commands.jsonl"))
    year_end = Period.parse("2026-YE")  # no annual target scores: blocked
    with Session(store.env) as session:
        with pytest.raises(CalculationBlockedError) as recomputed:
            statement_for(session.ledger.facts(), year_end)
        with pytest.raises(CalculationBlockedError) as from_view:
            session.statement_json(year_end)
    assert str(from_view.value) == str(recomputed.value)
    assert from_view.value.problems == recomputed.value.problems
