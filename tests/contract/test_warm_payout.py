"""`jixiao payout --period P` from a new process is answered from the warm statements
view without the command tree, the ledger or the event models (api/cli_launch.py), on
SQLite and PostgreSQL. It must print exactly what the full path prints, and leave to the
full path every payout it cannot answer unchanged (a view behind the events, an edited
row, a what-if …; tests/http/test_integrity.py covers the tampered rows and chain)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from contextlib import redirect_stdout
from pathlib import Path

import pytest
from builders import GOLDEN, captured, cli_for

from api.cli import main as command_tree
from api.cli_launch import main as launcher
from api.cli_launch import payout_options, warm_payout
from domain.settings import LedgerConfigured
from projections.audit import CLOSE_TOPIC
from projections.chain_links import CLOSE_TOPIC_STORED, SETTINGS_TOPIC_STORED

ROOT = Path(__file__).resolve().parents[2]



def _environ(store) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return dict(cli_for(store.backend, store.env).environ)


def _warm(store) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """example-3 recorded and its view caught up (by a payout through the full path)."""
    cli = cli_for(store.backend, store.env)
    cli.ok("apply", str(GOLDEN / "example-3/commands.jsonl"))
    cli.ok("payout", "--period", "2026-Q4")
    return _environ(store)


@pytest.mark.parametrize("extra", [[], ["--json"], ["--lang", "en"], ["--lang=zh", "--json"]],
                         ids=["text", "json", "english", "lang-first"])
def test_the_warm_answer_is_the_full_path_s_byte_for_byte(store, extra: list[str]) -> None:  # type: ignore[no-untyped-def]
    environ = _warm(store)
    # 2026-YE is stored blocked (example-3 lacks its inputs): the full path raises it.
    for period in ("2026-Q1", "2026-Q4", "2026-YE", "2027-Q1"):
        argv = ["payout", "--period", period, *extra]
        if extra and extra[0].startswith("--lang="):
            argv = [extra[0], "payout", "--period", period, *extra[1:]]
        with redirect_stdout(io.StringIO()):
            answered = warm_payout(argv, environ)
        assert answered == (None if period == "2026-YE" else 0), argv
        assert captured(launcher, argv, environ) == captured(command_tree, argv, environ)


def test_a_view_behind_the_events_is_left_to_the_full_path(store) -> None:  # type: ignore[no-untyped-def]
    environ = _warm(store)
    cli_for(store.backend, store.env).ok("apply", str(GOLDEN / "example-3/correction.jsonl"))
    out = io.StringIO()
    with redirect_stdout(out):
        assert warm_payout(["payout", "--period", "2026-Q1"], environ) is None
    assert out.getvalue() == ""  # nothing printed before handing over
    argv = ["payout", "--period", "2026-Q1", "--json"]
    caught_up = captured(launcher, argv, environ)  # the full path: catches up, then answers
    assert caught_up[0] == 0
    assert caught_up == captured(command_tree, argv, environ)
    with redirect_stdout(io.StringIO()):
        assert warm_payout(argv, environ) == 0  # warm again


@pytest.mark.parametrize("argv", [
    ["payout", "--period", "2026-Q1", "--with", "x.jsonl"],
    ["payout", "--period", "2026-Q1", "--as-of", "2026-05-01"],
    ["payout", "--period", "2026-Q1", "--figures"],
    ["payout", "--period", "2026-Q1", "--restated"],
    ["payout", "--period", "2026-Q1", "--period", "2026-Q2"],
    ["payout", "--perod", "2026-Q1"],
    ["payout", "--period"],
    ["payout", "--period", "2026-Q1", "--json=yes"],
    ["payout", "--period", "2026-Q1", "--help"],
    ["--db", "x.db", "payout", "--period", "2026-Q1"],
    ["explain", "--period", "2026-Q1"],
    ["payout", "payout", "--period", "2026-Q1"],
    ["payout", "--period", "2026-Q9"],
])
def test_anything_but_the_plain_payout_goes_to_the_command_tree(argv: list[str]) -> None:
    assert payout_options(argv) is None or warm_payout(argv, {"JIXIAO_DB": "/nonexistent"}) is None


def test_the_close_topic_spelled_out_is_the_stored_one() -> None:
    assert CLOSE_TOPIC_STORED == CLOSE_TOPIC
    assert SETTINGS_TOPIC_STORED == f"{LedgerConfigured.__module__}:{LedgerConfigured.__name__}"


def test_a_ledger_whose_reports_carry_figures_is_answered_with_them(store) -> None:  # type: ignore[no-untyped-def]
    """`jixiao init` records that reports carry their figures maps; the warm path adds
    the maps the view stores beside the statement, byte for byte as a fresh payout."""
    cli = cli_for(store.backend, store.env)
    cli.ok("init", "--one-person-close")
    cli.ok("apply", str(GOLDEN / "example-3/commands.jsonl"))
    cli.ok("payout", "--period", "2026-Q1", "--no-figures")  # the view is caught up
    environ = _environ(store)
    for extra in ([], ["--json"]):
        argv = ["payout", "--period", "2026-Q1", *extra]
        with redirect_stdout(io.StringIO()):
            assert warm_payout(argv, environ) == 0
        warm = captured(launcher, argv, environ)
        assert warm == captured(command_tree, argv, environ)
        if extra:
            assert all("figures" in person for person in json.loads(warm[1])["people"])


def test_a_warm_payout_imports_neither_the_tree_nor_the_models(tmp_path: Path) -> None:
    db = tmp_path / "warm.db"
    cli = cli_for("sqlite", {"SQLITE_DBNAME": str(db)})
    cli.ok("apply", str(GOLDEN / "example-3/commands.jsonl"))
    cli.ok("payout", "--period", "2026-Q1")
    code = ("import json, sys\nfrom api.cli_launch import warm_payout\n"
            f"argv = ['payout', '--period', '2026-Q1', '--db', {str(db)!r}]\n"
            "assert warm_payout(argv, {}) == 0\n"
            "print(json.dumps(sorted(sys.modules)), file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    imported = set(json.loads(done.stderr.strip().splitlines()[-1]))
    heavy = {"typer", "click", "pydantic", "eventsourcing", "domain.events", "domain.facts",
             "api.cli", "rich.console", "rich.table", "psycopg"}
    assert imported.isdisjoint(heavy), sorted(imported & heavy)


def test_a_stray_postgres_setting_does_not_turn_the_sqlite_warm_path_off(store) -> None:  # type: ignore[no-untyped-def]
    # A POSTGRES_* setting is not read on SQLite (store_env leaves it out): a wrong one
    # must not send every payout to the full path. On PostgreSQL the tree names it.
    environ = _warm(store) | {"POSTGRES_LOCK_TIMEOUT": "abc"}
    with redirect_stdout(io.StringIO()):
        answered = warm_payout(["payout", "--period", "2026-Q4"], environ)
    assert answered == (None if store.backend == "postgres" else 0)
