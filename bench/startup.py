"""The `cli` phase: `jixiao` verbs as whole processes, as a user at a terminal runs them.

Each verb starts a fresh Python (imports, command tree, opening the store, the answer):
the time a person waits. A bare `python -c "import sqlite3, json"` is measured in the
same phase, interleaved with the verbs, so the ratio holds on a busy machine too.

* payout  - `jixiao payout --period P` (warm view, after the replay phase)
* explain - `jixiao explain --period P --employee E` (the person the what-if appeals for)
* whatif  - `jixiao payout --period P --with appeal.jsonl` (one upheld appeal)
* help    - `jixiao --help` (the list of verbs: api/cli/verb_list.py, no verb imported)

Each verb runs as the `jixiao` script does (`python -m api.cli_launch`), in the
environment a deployment gives it: a snapshot key file (`JIXIAO_SNAPSHOT_KEY_FILE`,
docs/deploy.md), without which no snapshot of the fold is read or written and every verb
folds every event. The unmeasured first run of each verb leaves the snapshot.
"""
# ruff: noqa: PLC0415 - the phase imports the core lazily, in the child that measures it

from __future__ import annotations

import base64
import json
import os
import resource
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.generator import Shape
from bench.stores import org_env

REPEATS_MIN = 5  # the issue asks for the median of at least five starts
BARE = [sys.executable, "-c", "import sqlite3, json"]


def _what_if_row(target: dict[str, Any], period: Any) -> tuple[dict[str, Any], str]:
    """The queries phase's appeal: its row (for --with) and the person it is about."""
    from api.storage.session import Session
    from bench.phases import _appeal
    from projections.restatement import statement_for

    session = Session(org_env(target, 0))
    try:
        # The ingest phase records without chaining (its figure is parse + record); a
        # ledger written through `jixiao apply` is chained as it is written, and without
        # the chain no snapshot of the fold is kept (api/storage/facts_snapshot.py), so
        # the what-if would time a fold of every event whenever no earlier phase chained.
        session.chain_up()
        facts = session.ledger.facts()
        return _appeal(facts, period, statement_for(facts, period).book.figures)
    finally:
        session.close()


def _jixiao(code: Path) -> list[str]:
    """What the `jixiao` script runs (pyproject's entry point): `api.cli_launch`, or
    `api.cli` in a commit from before the launcher."""
    launcher = (code / "api" / "cli_launch.py").exists()
    return [sys.executable, "-m", "api.cli_launch" if launcher else "api.cli"]


def _verbs(target: dict[str, Any], period: str, employee: str,
           what_if: Path) -> dict[str, list[str]]:
    jixiao = _jixiao(Path(__file__).resolve().parent.parent)
    # SQLite by --db, as a user types it; PostgreSQL by the environment (see _env).
    db = ["--db", org_env(target, 0)["SQLITE_DBNAME"]] if target["backend"] == "sqlite" else []
    return {"help": [*jixiao, "--help"],
            "payout": [*jixiao, "payout", "--period", period, *db],
            "explain": [*jixiao, "explain", "--period", period, "--employee", employee, *db],
            "whatif": [*jixiao, "payout", "--period", period, "--with", str(what_if), *db]}


def _key_file(path: Path) -> Path:
    """A snapshot key as a deployment makes one (32 random bytes, base64, owner-only)."""
    if not path.exists():
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as file:
            file.write(base64.b64encode(secrets.token_bytes(32)).decode() + "\n")
    return path


def _env(target: dict[str, Any], key: Path) -> dict[str, str]:
    # An installed `jixiao` runs from compiled bytecode (pip writes it at install); with
    # PYTHONDONTWRITEBYTECODE inherited, every verb compiled the project's modules anew.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["JIXIAO_SNAPSHOT_KEY_FILE"] = str(_key_file(key))
    if target["backend"] == "postgres":
        env |= org_env(target, 0)
    return env


def _cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _seconds(argv: list[str], env: dict[str, str], cwd: str,
             cpu: list[float] | None = None) -> float:
    started, cpu_before = time.perf_counter(), _cpu()
    done = subprocess.run(argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, check=False)
    elapsed = time.perf_counter() - started
    if cpu is not None:
        # The child's own CPU (user + system): what the machine's other load cannot
        # stretch the way it stretches the wall time.
        cpu.append(_cpu() - cpu_before)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} exited {done.returncode}: "
                           f"{done.stderr.decode(errors='replace')[-2000:]}")
    return elapsed


def cli(args: dict[str, Any], out: Any) -> None:
    from domain.periods import Period

    target, shape = args["target"], Shape(**args["shape"])
    repeats = max(REPEATS_MIN, int(args.get("repeats", REPEATS_MIN)))
    period = Period.parse(args.get("period") or shape.last_quarter)
    row, employee = _what_if_row(target, period)
    what_if = Path(out.path).with_name("cli-what-if.jsonl")
    what_if.write_text(json.dumps(row, ensure_ascii=False) + "\n")
    verbs = _verbs(target, str(period), employee, what_if)
    env = _env(target, what_if.with_name("snapshot.key"))
    cwd = str(Path(__file__).resolve().parent.parent)
    out.update(cli_period=str(period), cli_employee=employee, cli_repeats=repeats)
    times: dict[str, list[float]] = {name: [] for name in ("bare", *verbs)}
    cpu: dict[str, list[float]] = {name: [] for name in times}
    for argv in verbs.values():  # once unmeasured: the view warm, files and bytecode cached
        _seconds(argv, env, cwd)
    for _ in range(repeats):
        # Interleaved, so a burst of load elsewhere touches every figure alike.
        times["bare"].append(_seconds(BARE, env, cwd, cpu["bare"]))
        for name, argv in verbs.items():
            times[name].append(_seconds(argv, env, cwd, cpu[name]))
    bare = statistics.median(times["bare"])
    for name, values in times.items():
        out[f"cli_{name}_ms"] = statistics.median(values) * 1000
        out[f"cli_{name}_cpu_ms"] = statistics.median(cpu[name]) * 1000
        if name != "bare":
            out[f"cli_{name}_x_bare"] = statistics.median(values) / bare
    out.save()
