"""Builders shared by the tests: the CLI in-process against a given store, and an
in-memory ledger for unit tests of the pure core."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# What the `jixiao` script runs: a plain payout answered from the warm view, else the tree.
from api.cli_launch import main
from domain.application import Ledger

GOLDEN = Path(__file__).parent / "golden"


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


@dataclass(frozen=True)
class Cli:
    """`jixiao` run in-process; the store comes from `environ`, never from os.environ."""

    environ: dict[str, str]
    # The suite's assertions on human text read the English texts; a test of the Chinese
    # default passes lang=None (no JIXIAO_LANG), or chooses with `--lang`.
    lang: str | None = "en"

    def __call__(self, *argv: str) -> Run:
        out, err = io.StringIO(), io.StringIO()
        environ = self.environ if self.lang is None else {"JIXIAO_LANG": self.lang,
                                                          **self.environ}
        with redirect_stdout(out), redirect_stderr(err):
            code = main(list(argv), environ=environ)
        return Run(code, out.getvalue(), err.getvalue())

    def ok(self, *argv: str) -> Run:
        run = self(*argv)
        assert run.code == 0, f"jixiao {' '.join(argv)} exited {run.code}:\n{run.err}"
        return run

    def payout(self, period: str) -> dict[str, Any]:
        return self.ok("payout", "--period", period, "--json").json()  # type: ignore[no-any-return]

    def event_count(self) -> int:
        return len(self.ok("events", "--json", "--limit", "1000000").out.splitlines())


def cli_for(backend: str, env: dict[str, str]) -> Cli:
    if backend == "sqlite":
        return Cli({"JIXIAO_DB": env["SQLITE_DBNAME"], "JIXIAO_ACTOR": "test"})
    return Cli({**env, "JIXIAO_ACTOR": "test"})


def memory_ledger() -> Ledger:
    return Ledger({"PERSISTENCE_MODULE": "eventsourcing.popo"})


def record(ledger: Ledger, *rows: dict[str, Any], actor: str = "test") -> None:
    commands = ledger.parse_commands([(f"row {n}", row) for n, row in enumerate(rows, 1)])
    ledger.record(commands, actor)


def by_id(items: list[dict[str, Any]], key: str) -> dict[str, dict[str, Any]]:
    return {item[key]: item for item in items}
