"""The materialised statements view, on SQLite and PostgreSQL: a cache of `calculate`
that agrees with a pure recomputation and applies each notification exactly once."""

from __future__ import annotations

import json

import pytest
from builders import GOLDEN, cli_for

from api.storage.session import Session, open_view
from domain.errors import ConflictError
from domain.periods import Period
from projections.views import StoredStatement, catch_up, payable_periods, render_statement


def _apply(store, *files: str) -> None:  # type: ignore[no-untyped-def]
    cli = cli_for(store.backend, store.env)
    for name in files:
        cli.ok("apply", str(GOLDEN / name))


def test_caught_up_view_agrees_with_pure_recomputation(store) -> None:  # type: ignore[no-untyped-def]
    _apply(store, "example-3/commands.jsonl")
    with Session(store.env) as session:
        written = catch_up(session.ledger, session.view)
        facts = session.ledger.facts()
        periods = sorted(payable_periods(facts))
        assert written == len(periods) == 7  # 2026-Q1…Q4, 2026-YE, 2027-Q1, 2027-YE
        for period in periods:
            assert session.view.get(str(period)) == render_statement(facts, period)
        assert session.view.position() == session.ledger.max_position()


def test_a_correction_rewrites_only_the_periods_it_touches(store) -> None:  # type: ignore[no-untyped-def]
    _apply(store, "example-3/commands.jsonl")
    with Session(store.env) as session:
        catch_up(session.ledger, session.view)
        before = {p: session.view.get(p) for p in session.view.periods()}
    _apply(store, "example-3/correction.jsonl")
    with Session(store.env) as session:
        # 2026-Q1 figures move Q1, the bank of Q2-Q4 and the year end; not 2027.
        assert catch_up(session.ledger, session.view) == 5
        facts = session.ledger.facts()
        after = {p: session.view.get(p) for p in session.view.periods()}
        for period in sorted(payable_periods(facts)):
            assert after[str(period)] == render_statement(facts, period)
    assert after["2027-Q1"] == before["2027-Q1"]
    assert after["2026-Q1"] != before["2026-Q1"]


def test_catching_up_twice_applies_nothing_twice(store) -> None:  # type: ignore[no-untyped-def]
    _apply(store, "example-1/commands.jsonl")
    with Session(store.env) as session:
        assert catch_up(session.ledger, session.view) == 2  # 2026-Q1 and 2026-YE
        assert catch_up(session.ledger, session.view) == 0


def test_a_racing_catch_up_loses_and_leaves_the_view_unchanged(store) -> None:  # type: ignore[no-untyped-def]
    _apply(store, "example-1/commands.jsonl")
    with Session(store.env) as first:
        catch_up(first.ledger, first.view)
        position = first.view.position()
        stored = first.view.get("2026-Q1")
        other = open_view(store.env)
        try:
            bogus = StoredStatement("2026-Q1", "ok", "{}", "0" * 64)
            with pytest.raises(ConflictError):
                other.save([bogus], expected=position - 1, position=position + 1)
            assert other.position() == position
            assert other.get("2026-Q1") == stored
        finally:
            other.close()


def test_a_report_from_a_warm_view_reads_without_folding_the_store(store) -> None:  # type: ignore[no-untyped-def]
    _apply(store, "example-1/commands.jsonl")
    with Session(store.env) as session:
        catch_up(session.ledger, session.view)
        expected = session.view.get("2026-Q1")
    with Session(store.env) as fresh:  # a new process: nothing folded yet
        body = fresh.statement_json(Period.parse("2026-Q1"))
        assert fresh.ledger._facts.last_position == 0  # what was folded
        assert expected is not None
        assert body == json.loads(expected.body)
