"""`jixiao payout --period P --with FILE` in its plain form runs without the command tree
(api/cli_launch.py → api.cli.plain_payout), on SQLite and PostgreSQL: it prints what the
command tree prints, byte for byte, with the same errors and exit codes, and any other
form of the words is left to the tree."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from builders import GOLDEN, captured, cli_for

import api.cli
from api.cli import main as command_tree
from api.cli_launch import main as launcher
from api.cli_launch import plain_what_if
from api.storage.session import Session

BATCH = str(GOLDEN / "example-3/correction.jsonl")
ROOT = Path(__file__).resolve().parents[2]



def _without_the_tree(monkeypatch: pytest.MonkeyPatch) -> None:
    def tree(argv: list[str]) -> int:
        raise AssertionError(f"the command tree ran for {argv}")

    monkeypatch.setattr(api.cli, "_run", tree)


def test_the_plain_what_if_is_the_command_tree_s_byte_for_byte(  # type: ignore[no-untyped-def]
        store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cli = cli_for(store.backend, store.env)
    cli.ok("apply", str(GOLDEN / "example-3/commands.jsonl"))
    environ = dict(cli.environ)
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"type": "record_score", "period": "2026-Q1"}\n', encoding="utf-8")
    cases = [
        ["payout", "--period", "2026-Q1", "--with", BATCH],
        ["payout", "--period", "2026-Q1", "--with", BATCH, "--json"],
        ["--lang", "en", "payout", "--period=2026-Q4", f"--with={BATCH}"],
        ["payout", "--period", "2026-Q1", "--with", str(bad)],  # a row refused: exit 2
        ["payout", "--period", "2026-Q1", "--with", str(tmp_path / "missing.jsonl")],
        ["payout", "--period", "2026-Q9", "--with", BATCH],  # no such period
    ]
    if store.backend == "sqlite":  # --db names a missing ledger: not found, nothing made
        cases.append(["payout", "--period", "2026-Q1", "--with", BATCH,
                      "--db", str(tmp_path / "none.db")])
    expected = {tuple(argv): captured(command_tree, argv, environ) for argv in cases}
    _without_the_tree(monkeypatch)
    for argv in cases:
        assert captured(launcher, argv, environ) == expected[tuple(argv)], argv
    codes = [expected[tuple(argv)][0] for argv in cases]
    assert codes[:3] == [0, 0, 0], codes
    assert 0 not in codes[3:], codes
    assert not (tmp_path / "none.db").exists()


@pytest.mark.parametrize("argv", [
    ["payout", "--period", "2026-Q1"],  # the warm payout's
    ["payout", "--period", "2026-Q1", "--with", "x.jsonl", "--as-of", "2026-05-01"],
    ["payout", "--period", "2026-Q1", "--with", "x.jsonl", "--restated"],
    ["payout", "--period", "2026-Q1", "--with", "x.jsonl", "--figures"],
    ["payout", "--period", "2026-Q1", "--with", "x.jsonl", "--with", "y.jsonl"],
    ["payout", "--period", "2026-Q1", "--with"],
    ["payout", "--period", "2026-Q1", "--with="],
    ["payout", "--with", "x.jsonl"],
    ["payout", "--period", "2026-Q1", "--with", "x.jsonl", "--lang", "klingon"],
    ["reconcile", "--period", "2026-Q1", "--with", "x.jsonl"],
    ["explain", "--period", "2026-Q1", "--employee", "li", "--with", "x.jsonl"],
    ["payout", "--period", "2026-Q1", "--whit", "x.jsonl"],
])
def test_any_other_form_is_left_to_the_command_tree(argv: list[str]) -> None:
    out = io.StringIO()
    with redirect_stdout(out):
        assert plain_what_if(argv, {"JIXIAO_DB": "/nonexistent"}) is None
    assert out.getvalue() == ""


def test_the_what_if_is_printed_before_the_session_stores_its_fold(  # type: ignore[no-untyped-def]
        store, monkeypatch: pytest.MonkeyPatch) -> None:
    # Closing the session may write the fold's snapshot (api/storage/facts_snapshot.py):
    # the answer is on standard output, flushed, before that.
    cli = cli_for(store.backend, store.env)
    cli.ok("apply", str(GOLDEN / "example-3/commands.jsonl"))
    out = io.StringIO()
    seen_at_keep: list[str] = []
    keep = Session.keep_facts_snapshot

    def watched(self: Session) -> None:
        seen_at_keep.append(out.getvalue())
        keep(self)

    monkeypatch.setattr(Session, "keep_facts_snapshot", watched)
    with redirect_stdout(out), redirect_stderr(io.StringIO()):
        code = launcher(["payout", "--period", "2026-Q1", "--with", BATCH],
                        environ=dict(cli.environ))
    assert code == 0
    assert out.getvalue()
    assert seen_at_keep == [out.getvalue()]


def test_a_new_process_s_what_if_reads_no_distribution_metadata(  # type: ignore[no-untyped-def]
        store) -> None:
    # psycopg's, psycopg_binary's and psycopg_pool's versions are read without
    # importlib.metadata (api/storage/psycopg_versions.py), as pydantic's plugins are
    # (api/plugin_discovery.py): its import was ≈8 ms of a PostgreSQL what-if's start.
    cli = cli_for(store.backend, store.env)
    cli.ok("apply", str(GOLDEN / "example-3/commands.jsonl"))
    argv = ["payout", "--period", "2026-Q1", "--with", BATCH]
    probe = (f"import json, sys\nfrom api.cli_launch import main\nassert main({argv!r}) == 0\n"
             "print(json.dumps(sorted(sys.modules)), file=sys.stderr)")
    environ = {key: value for key, value in os.environ.items()
               if not key.startswith(("POSTGRES_", "PERSISTENCE_", "JIXIAO_DB"))}
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True,
                          text=True, env={**environ, **cli.environ}, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    imported = set(json.loads(done.stderr.strip().splitlines()[-1]))
    assert ("psycopg" in imported) == (store.backend == "postgres")
    assert imported.isdisjoint({"importlib.metadata", "email", "zipfile"}), sorted(
        imported & {"importlib.metadata", "email", "zipfile"})
