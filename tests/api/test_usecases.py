"""The use cases called directly, as the next shells (typer, web pages) will call them:
the list queries, the role rules that every shell gets, and the one close."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from builders import GOLDEN, cli_for

from api.storage.session import Session
from api.usecases import closing, queries, reports, users
from api.usecases.ports import Caller
from domain.errors import ForbiddenError, NotFoundError

OWNER = Caller("test")


@pytest.fixture
def seeded(sqlite_env: dict[str, str]) -> dict[str, str]:
    """Worked example 1 (department `internal`: zhang, li, wang; 2026-Q1 paid)."""
    cli_for("sqlite", sqlite_env).ok("apply", str(GOLDEN / "example-1" / "commands.jsonl"))
    return sqlite_env


def _employee_caller(session: Session) -> Caller:
    users.add_user(session, OWNER, users.NewUser("li-user", "Li", "employee", employee_id="li"))
    user = session.users().users["li-user"]
    return Caller.of(user)


def test_the_lists_show_the_roster_departments_and_periods(seeded: dict[str, str]) -> None:
    with Session(seeded) as session:
        employees = queries.list_employees(session, OWNER, date(2026, 3, 31))
        departments = queries.list_departments(session, OWNER, date(2026, 3, 31))
        periods = queries.list_periods(session, OWNER)
    assert {"li", "wang", "zhang"} <= {e["employee_id"] for e in employees}
    assert "internal" in {d["department_id"] for d in departments}
    assert any(p["period"] == "2026-Q1" for p in periods)


def test_an_employee_lists_only_themselves(seeded: dict[str, str]) -> None:
    with Session(seeded) as session:
        caller = _employee_caller(session)
        employees = queries.list_employees(session, caller, date(2026, 3, 31))
    assert [e["employee_id"] for e in employees] == ["li"]


def test_an_employee_may_not_reconcile_nor_close_through_any_shell(
        seeded: dict[str, str]) -> None:
    with Session(seeded) as session:
        caller = _employee_caller(session)
        with pytest.raises(ForbiddenError):
            reports.reconcile(session, caller, reports.ReportQuery("2026-Q1"))
        with pytest.raises(ForbiddenError):
            closing.close_period(session, caller, closing.CloseRequest("2026-Q1"))


def test_a_close_records_the_statement_hash_and_the_chain_head(seeded: dict[str, str]) -> None:
    with Session(seeded) as session:
        result = closing.close_period(session, OWNER, closing.CloseRequest("2026-Q1", "done",
                                                                           "close-q1"))
        again = closing.close_period(session, OWNER, closing.CloseRequest("2026-Q1", "done",
                                                                          "close-q1"))
        statement: dict[str, Any] = reports.payout(session, OWNER,
                                                   reports.ReportQuery("2026-Q1"))
        assert session.verify_chain().ok
    assert result.closed.chain_head is not None
    assert result.paid_cny is not None
    assert f"{result.paid_cny:.2f}" == statement["totals"]["paid"]
    assert again.replayed
    assert again.closed.originator_id == result.closed.originator_id


def test_an_unknown_command_type_has_no_schema() -> None:
    with pytest.raises(NotFoundError):
        queries.command_schemas("no_such_command")
