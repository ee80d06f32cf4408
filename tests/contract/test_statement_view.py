"""The materialised statements view, on SQLite and PostgreSQL: a cache of `calculate`
that agrees with a pure recomputation and applies each notification exactly once."""

from __future__ import annotations

import io
import json
import threading

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


def test_payrolls_facts_and_a_password_rewrite_no_statement(  # type: ignore[no-untyped-def]
        store, tmp_path, monkeypatch) -> None:
    """Withholding and the payment channel are read by payslips and the bank file only,
    a password by the sign-in: a statement cannot move with them, so the view keeps
    every row it has (each was taken for a change of every period)."""
    _apply(store, "example-3/commands.jsonl")
    with Session(store.env) as session:
        catch_up(session.ledger, session.view)
        before = {p: session.view.get(p) for p in session.view.periods()}
    payroll = tmp_path / "payroll.jsonl"
    payroll.write_text(
        '{"type": "record_withholding", "pay_period": "2026-Q1", "employee_id": "icu-1", '
        '"tax_withheld_cny": "12.34", "idempotency_key": "tax-icu-1"}\n'
        '{"type": "declare_payment_channel", "channel": "payroll", "from_period": "2026-Q3", '
        '"idempotency_key": "channel-q3"}\n', encoding="utf-8")
    cli = cli_for(store.backend, store.env)
    cli.ok("apply", str(payroll))
    monkeypatch.setattr("sys.stdin", io.StringIO("correct horse battery\n"))
    cli.ok("users", "add", "chen", "--role", "auditor", "--password-stdin")
    with Session(store.env) as session:
        assert catch_up(session.ledger, session.view) == 0
        assert session.view.position() == session.ledger.max_position()
        assert {p: session.view.get(p) for p in session.view.periods()} == before


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


def test_two_workspaces_catching_up_at_once_both_answer(store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Two processes (two sessions, each with its own connections, each on its own
    thread) read the same period after the same new fact: both compute from the same
    position and save at once. The loser re-reads the view the winner wrote instead of
    failing (a soak run saw 409s from two servers doing this). Their opens overlap too
    (on PostgreSQL they once failed one with "tuple concurrently updated";
    tests/contract/test_concurrent_open.py)."""
    _apply(store, "example-1/commands.jsonl")
    with Session(store.env) as warm:
        warm.statement_json(Period.parse("2026-Q1"))
    late = tmp_path / "late.jsonl"
    late.write_text(json.dumps({"type": "record_deduction", "period": "2026-Q1",
                                "employee_id": "wang", "kind": "late",
                                "minutes": 90}) + "\n", encoding="utf-8")
    cli_for(store.backend, store.env).ok("apply", str(late))
    both_computed = threading.Barrier(2, timeout=30)
    answers: dict[str, object] = {}

    def read(name: str) -> None:
        try:
            with Session(store.env) as session:
                _save_after_both_computed(session, both_computed)
                answers[name] = session.statement_json(Period.parse("2026-Q1"))
        except Exception as error:
            answers[name] = error

    threads = [threading.Thread(target=read, args=(name,)) for name in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not [a for a in answers.values() if isinstance(a, Exception)], answers
    assert answers["first"] == answers["second"]
    with Session(store.env) as after:
        assert after.view.position() == after.ledger.max_position()
        assert answers["first"] == after.statement_json(Period.parse("2026-Q1"))


def _save_after_both_computed(session: Session, barrier: threading.Barrier) -> None:
    """The first save of each session waits until both have computed: a certain race."""
    view = session.view
    save = view.save
    waited = []

    def racing_save(*args: object, **kwargs: object) -> None:
        if not waited:
            waited.append(True)
            barrier.wait()
        save(*args, **kwargs)  # type: ignore[arg-type]

    view.save = racing_save  # type: ignore[method-assign]


def test_a_statement_s_departments_alone_are_its_departments_and_checked_alike(store) -> None:  # type: ignore[no-untyped-def]
    """A what-if reads the banks of earlier quarters from their stored rows parsing only
    the departments (api/usecases/stored_banks.py): the same departments, after the same
    checks of the row (an edited body is flagged, never read in part)."""
    _apply(store, "example-3/commands.jsonl")
    period = Period.parse("2026-Q2")
    with Session(store.env) as session:
        whole = session.statement_json(period)
    with Session(store.env) as fresh:  # nothing parsed yet: the part alone
        part = fresh.statement_json(period, departments_only=True)
        assert part == {"departments": whole["departments"]}
    with Session(store.env) as warm:  # parsed whole already: that one is given
        assert warm.statement_json(period) == whole
        assert warm.statement_json(period, departments_only=True) == whole
    mark = "%s" if store.backend == "postgres" else "?"
    edited = json.dumps({**whole, "departments": []})
    with Session(store.env) as session:
        db = session.view.connection  # type: ignore[attr-defined]
        db.execute(f"UPDATE jixiao_statements SET body = {mark} WHERE period = {mark}",
                   (edited, str(period)))
        if store.backend == "postgres":
            db.commit()
    with Session(store.env) as session:
        flagged = session.statement_json(period, departments_only=True)
        assert "integrity_warning" in flagged
        assert flagged["departments"] == whole["departments"]
