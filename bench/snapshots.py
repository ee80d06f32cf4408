"""`python -m bench.snapshots`: fold memory against history, with and without snapshots.

    python -m bench.snapshots --preset hospital --years 1 5

For each number of years, a SQLite ledger of the preset is recorded year by year, every
year but the last closed (the close use case of `jixiao close`, whose close of a year's
last period snapshots it: `api.storage.lean_facts`) before the next is recorded. Then,
each in a child process of its own so each RSS is its own, the facts a report of the open
year's first quarter reads are folded as a session gives them: the fold of every event
(`Session.facts`, mode "full") and the session's fold for one period
(`Session.lean_facts`, from the snapshot when one serves; mode "session"). Prints one
JSON line per fold: the RSS the fold added, per event stored and per event of the open
year. Ledgers are kept under bench/results/snapshots/ and reused; with `--backend
postgres` (or both) they are recorded again into a throwaway cluster's schemas each run.
"""
# ruff: noqa: PLC0415 - the child imports the core only when it measures

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.generator import PRESETS, iter_commands, shape_for
from bench.measure import rss

ROOT = Path(__file__).resolve().parent.parent
STORES = ROOT / "bench" / "results" / "snapshots"
ACTOR = "bench"


def _env(path: Path) -> dict[str, str]:
    return {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(path)}


def _row_year(row: dict[str, Any]) -> int | None:
    for name in ("period", "effective_on", "hired_on"):
        if isinstance(row.get(name), str):
            return int(row[name][:4])
    return row.get("year") if isinstance(row.get("year"), int) else None


def _close_year(path: Path | dict[str, str], year: int) -> None:
    """Close the year's quarters and year end, each by a `jixiao close` process of its own,
    as an office closes them (a process's peak RSS is not given back to the system)."""
    for period in [*(f"{year}-Q{q}" for q in range(1, 5)), f"{year}-YE"]:
        _jixiao(path, "close", "--period", period, "--reason", "bench: year closed")


def _jixiao(path: Path | dict[str, str], *argv: str) -> None:
    """`path`: a SQLite file, or a PostgreSQL store's environment."""
    store = {"JIXIAO_DB": str(path)} if isinstance(path, Path) else path
    environ = {**os.environ, **store, "JIXIAO_ACTOR": ACTOR}
    subprocess.run([sys.executable, "-m", "api.cli", *argv], cwd=ROOT, env=environ,
                   check=True, capture_output=True)


def _apply(path: Path | dict[str, str], rows: list[dict[str, Any]], number: int) -> None:
    """`jixiao apply` of one year's rows (a process of its own, as the closes)."""
    folder = path.parent if isinstance(path, Path) else STORES
    batch = folder / f"rows-{os.getpid()}-{number}.jsonl"
    batch.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows))
    _jixiao(path, "apply", str(batch))
    batch.unlink()


def build(preset: str, years: int) -> Path:
    path = STORES / f"{preset}-{years}y.db"
    done = path.with_suffix(".done")
    if done.exists():
        return path
    STORES.mkdir(parents=True, exist_ok=True)
    for stale in STORES.glob(f"{path.name}*"):
        stale.unlink()
    record(path, preset, years)
    done.touch()
    return path


def record(path: Path | dict[str, str], preset: str, years: int) -> None:
    """Record the preset's years into a store, closing each year before the next."""
    STORES.mkdir(parents=True, exist_ok=True)
    shape = shape_for(preset, years=years)
    year, number = shape.first_year, 0
    pending: list[dict[str, Any]] = []
    for row in iter_commands(shape, 0):
        dated = _row_year(row)
        if dated is not None and dated > year:
            _apply(path, pending, number)
            number += len(pending)
            _close_year(path, year)  # its last close snapshots it
            name = path.name if isinstance(path, Path) else path["POSTGRES_SCHEMA"]
            print(f"  {name}: {year} recorded and closed", file=sys.stderr)
            year, pending = dated, []
        pending.append(row)
    _apply(path, pending, number)


def measure(path: Path, mode: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    """In this process: fold the ledger (every event, or from its snapshot)."""
    from api.storage.session import Session
    from domain.periods import Period
    from projections.snapshots import year_of

    session = Session(env or _env(path))
    ledger = session.ledger
    stored = ledger.max_position()
    preset, _, years = path.stem.rpartition("-")
    shape = shape_for(preset, years=int(years.removesuffix("y")))
    last = shape.first_year + shape.years - 1  # the open year
    gc.collect()
    before = rss()
    started = time.perf_counter()
    if mode == "session":  # as a report of the open year's first quarter reads them
        facts = session.lean_facts(Period.parse(f"{last}-Q1")) or session.facts()
    else:
        facts = session.facts()
    seconds = time.perf_counter() - started
    gc.collect()
    growth = rss() - before
    years = [year_of(e) for e in facts.events.values()]
    last_year = max((y for y in years if y is not None), default=None)
    open_events = sum(1 for y in years if y == last_year)
    return {"ledger": path.name, "backend": (env or _env(path))["PERSISTENCE_MODULE"],
            "mode": mode, "stored_events": stored,
            "held_events": len(facts.events), "sealed_through": getattr(
                facts.sealed, "through", None), "fold_seconds": round(seconds, 2),
            "rss_growth_bytes": growth, "bytes_per_stored_event": round(growth / stored),
            "open_year_events": open_events,
            "bytes_per_open_year_event": round(growth / max(open_events, 1))}


def _years(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 20:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of years from 1 to 20")
    return int(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.snapshots", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--preset", default="hospital", choices=sorted(PRESETS))
    parser.add_argument("--years", type=_years, nargs="+", default=[1, 5],
                        help="numbers of years (1 to 20) of ledgers to compare")
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="sqlite",
                        help="postgres: a throwaway cluster, its ledgers built again each run")
    parser.add_argument("--measure", nargs=3, metavar=("LEDGER", "MODE", "ENV"),
                        help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args(argv)
    if args.measure:
        ledger, mode, env = args.measure
        print(json.dumps(measure(Path(ledger), mode, json.loads(env) or None)))
        return 0
    if args.backend != "postgres":
        for years in args.years:
            _measure_both(build(args.preset, years), {})
    if args.backend != "sqlite":
        _on_postgres(args.preset, args.years)
    return 0


def _on_postgres(preset: str, all_years: list[int]) -> None:
    from bench.__main__ import start_postgres
    from bench.stores import pg_connect

    server, stop = start_postgres()
    try:
        for years in all_years:
            schema = f"snap_{preset}_{years}y_{os.getpid()}"
            with pg_connect({"server": server}) as db:
                db.execute(f"CREATE SCHEMA {schema}")
            env = {"PERSISTENCE_MODULE": "eventsourcing.postgres",
                   "POSTGRES_DBNAME": server["dbname"], "POSTGRES_HOST": server["host"],
                   "POSTGRES_PORT": str(server["port"]), "POSTGRES_USER": server["user"],
                   "POSTGRES_PASSWORD": server["password"], "POSTGRES_SCHEMA": schema}
            record(env, preset, years)
            _measure_both(Path(f"{preset}-{years}y.pg"), env)
    finally:
        stop()


def _measure_both(path: Path, env: dict[str, str]) -> None:
    for mode in ("full", "session"):
        child = subprocess.run(
            [sys.executable, "-m", "bench.snapshots", "--measure", str(path), mode,
             json.dumps(env)], cwd=ROOT, capture_output=True, text=True, check=True)
        print(child.stdout.strip(), flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
