"""`jixiao explain` answered from the figures the statements view keeps beside each
statement (api/cli_launch.py from a new process, the use case in a session), on SQLite
and PostgreSQL: byte for byte what recomputing the period prints, and the recomputation
whenever a stored figure row is missing or edited."""

from __future__ import annotations

import io
from contextlib import redirect_stdout

import pytest
from builders import GOLDEN, captured, cli_for, raw_connection

from api.cli import main as command_tree
from api.cli_launch import main as launcher
from api.cli_launch import warm_explain

ASKED = [
    ["--employee", "li"],
    ["--employee", "li", "--json"],
    ["--employee", "li", "--depth", "2", "--lang", "en"],
    ["--department", "d-icu", "--json"],
    ["--figure", "hospital:per_point", "--json"],
]



def _warm(store) -> dict[str, str]:  # type: ignore[no-untyped-def]
    cli = cli_for(store.backend, store.env)
    cli.ok("apply", str(GOLDEN / "example-3/commands.jsonl"))
    cli.ok("payout", "--period", "2026-Q4")  # the view caught up, figures beside it
    return dict(cli.environ)


def _people(environ: dict[str, str]) -> tuple[str, str]:
    """A paid person and their department in 2026-Q4 (from the statement itself)."""
    import json  # noqa: PLC0415

    code, out, _ = captured(launcher, ["payout", "--period", "2026-Q4", "--json"], environ)
    assert code == 0
    line = json.loads(out)["people"][0]
    return line["employee_id"], line["department_id"]


def _argv(asked: list[str], person: str, department: str) -> list[str]:
    words = [person if w == "li" else department if w == "d-icu" else w for w in asked]
    return ["explain", "--period", "2026-Q4", *words]


def test_a_warm_explanation_is_the_recomputed_one_byte_for_byte(store) -> None:  # type: ignore[no-untyped-def]
    environ = _warm(store)
    person, department = _people(environ)
    warm = {}
    for asked in ASKED:
        argv = _argv(asked, person, department)
        with redirect_stdout(io.StringIO()):
            assert warm_explain(argv, environ) == 0, argv  # answered from the view
        warm[tuple(argv)] = captured(launcher, argv, environ)
        assert warm[tuple(argv)][0] == 0
        assert captured(command_tree, argv, environ) == warm[tuple(argv)]  # the session's path
    with raw_connection(store) as db:
        db.execute("DELETE FROM jixiao_figures")  # nothing stored: every path recomputes
    for argv, answer in warm.items():
        with redirect_stdout(io.StringIO()):
            assert warm_explain(list(argv), environ) is None
        assert captured(command_tree, list(argv), environ) == answer
        assert captured(launcher, list(argv), environ) == answer


def test_an_edited_figure_row_is_not_served(store) -> None:  # type: ignore[no-untyped-def]
    environ = _warm(store)
    person, department = _people(environ)
    argv = _argv(["--employee", "li", "--json"], person, department)
    truth = captured(launcher, argv, environ)
    with raw_connection(store) as db:
        mark = "?" if store.backend == "sqlite" else "%s"
        db.execute(f"UPDATE jixiao_figures SET body = replace(body, '\"value\":', "
                   f"'\"value\":\"9\",\"was\":') WHERE subject = {mark}", (f"person:{person}",))
    out = io.StringIO()
    with redirect_stdout(out):
        assert warm_explain(argv, environ) is None
    assert out.getvalue() == ""  # nothing printed before handing over
    assert captured(launcher, argv, environ) == truth
    assert captured(command_tree, argv, environ) == truth


@pytest.mark.parametrize("argv", [
    ["explain", "--period", "2026-Q4"],
    ["explain", "--period", "2026-Q4", "--employee", "a", "--figure", "b"],
    ["explain", "--period", "2026-Q4", "--employee", "a", "--depth", "-1"],
    ["explain", "--period", "2026-Q4", "--employee", "a", "--depth", "１"],
    ["explain", "--period", "2026-Q4", "--employee", "a", "--as-of", "2026-05-01"],
    ["explain", "--period", "2026-Q4", "--employee", "a", "--with", "x.jsonl"],
    ["explain", "--perod", "2026-Q4", "--employee", "a"],
    ["explain", "--period", "2026-Q4", "--employee"],
])
def test_anything_but_the_plain_explain_goes_to_the_command_tree(argv: list[str]) -> None:
    assert warm_explain(argv, {"JIXIAO_DB": "/nonexistent"}) is None
