"""`jixiao demo`: a realistic, deterministic county-hospital year (scheme 11).

The year is data: the scenario `api/scenarios/county-hospital-year.yaml` lists the 14
clinical and 8 admin departments, their staff of every employment category, the roster
changes, leave, controls, penalties, deductions, corrections and the special events that
make the year bank (endoscopy, Q2), draw its bank (endoscopy, Q3) and subsidise (ECG, Q4).
`demo_commands(year)` runs it through the one scenario generator the benchmarks also use;
the same year always gives the same rows (and the same idempotency keys, hence the same
event ids).

`run_demo(args)` writes the rows into a fresh store with a progress bar on stderr, then
prints each period's summary and reconciliation.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

from api.render import reconciliation_text, summary_text
from api.scenarios import read_scenario, state
from api.scenarios.generator import generate, load_scenario
from api.storage.session import open_ledger, store_env
from api.usecases.ledger import closed_periods
from domain.application import load_shipped_scheme
from domain.periods import YEAR_MAX, Period
from projections.payout import calculate

SCENARIO = "county-hospital-year"
SCHEME_ID = str(read_scenario(SCENARIO)["scheme"])
CHUNKS = 10


def demo_commands(year: int = 2026) -> list[dict[str, Any]]:
    """The command rows of one demo hospital year. Pure and deterministic."""
    return list(generate(load_scenario(SCENARIO), year=year))


def entry_id(key: str) -> UUID:
    """The event id the ledger gives the command with this idempotency key."""
    return state.entry_id(key)


# ------------------------------------------------------------------ the shell


def _bar(label: str, done: int, total: int, started: float, *, end: bool = False) -> None:
    width = 30
    filled = width * done // max(total, 1)
    elapsed = time.monotonic() - started
    print(f"\r{label:>9} [{'#' * filled}{'.' * (width - filled)}] {done}/{total} "
          f"commands  {elapsed:4.1f}s", end="\n" if end else "", file=sys.stderr, flush=True)


def _chunks(rows: list[Any], count: int) -> list[list[Any]]:
    size = -(-len(rows) // count)
    return [rows[i:i + size] for i in range(0, len(rows), size)]


def run_demo(args: argparse.Namespace) -> int:
    """Write the demo year into a fresh store, then print every period's reconciliation."""
    year = int(getattr(args, "year", None) or 2026)
    effective_from = date.fromisoformat(str(load_shipped_scheme(SCHEME_ID)["effective_from"]))
    if year < effective_from.year or year > YEAR_MAX:
        print(f"error: the demo needs a year from {effective_from.year} to {YEAR_MAX} (the "
              f"shipped scheme {SCHEME_ID} is in force from {effective_from})", file=sys.stderr)
        return 2
    env = store_env(args.db, getattr(args, "environ", None))
    target = "the configured PostgreSQL store"
    if env["PERSISTENCE_MODULE"] == "eventsourcing.sqlite":
        path = Path(env["SQLITE_DBNAME"])
        target = str(path)
        if path.exists():
            if not getattr(args, "force", False):
                print(f"error: {path} already exists; pass --force to replace it with a "
                      "fresh demo", file=sys.stderr)
                return 2
            for stale in (path, Path(f"{path}-wal"), Path(f"{path}-shm"),
                          Path(f"{path}-journal")):
                stale.unlink(missing_ok=True)
    actor = getattr(args, "actor", None) or "demo"

    rows = demo_commands(year)
    print(f"Writing the {year} demo year of 兴和县医院 (scheme {SCHEME_ID}) into {target}: "
          f"{len(rows)} commands", file=sys.stderr)
    started = time.monotonic()
    with open_ledger(env) as ledger:
        commands = ledger.parse_commands(
            [(f"demo command {n}", row) for n, row in enumerate(rows, start=1)])
        total = len(commands)
        done = 0
        recorded = retried = 0
        _bar("loading", 0, total, started)
        for chunk in _chunks(commands, CHUNKS):
            offset = done

            def progress(stage: str, n: int, _of: int, offset: int = offset) -> None:
                if stage == "checking":
                    _bar("checking", offset + n, total, started)

            report = ledger.record(chunk, actor, closed=closed_periods(ledger),
                                   progress=progress)
            recorded += len(report.recorded)
            retried += len(report.already_recorded)
            done += len(chunk)
            _bar("loading", done, total, started, end=done == total)
        print(f"recorded {recorded} event(s), {retried} already recorded, in "
              f"{time.monotonic() - started:.1f}s", file=sys.stderr)

        balanced = True
        periods = [f"{year}-Q{n}" for n in range(1, 5)] + [f"{year}-YE"]
        reports = []
        for text in periods:
            report = calculate(ledger.facts(), Period.parse(text)).to_json()
            reports.append(report)
            balanced &= report["reconciliation"]["balance"] == "0.00"
    print(f"Demo year {year}: {_describe(rows)}")
    for report in reports:
        print()
        print(summary_text(report))
        print(reconciliation_text(report))
    db = f" --db {target}" if env["PERSISTENCE_MODULE"] == "eventsourcing.sqlite" else ""
    print()
    print("Try next:")
    print(f"  jixiao payout   {db} --period {year}-Q2")
    print(f"  jixiao explain  {db} --period {year}-Q2 --employee E0001")
    print(f"  jixiao explain  {db} --period {year}-Q3 --department endoscopy")
    print(f"  jixiao reconcile{db} --period {year}-YE")
    print(f"  jixiao events   {db} --limit 20")
    if not balanced:
        print("error: a period does not balance to 0.00", file=sys.stderr)
    return 0 if balanced else 1


def _describe(rows: list[dict[str, Any]]) -> str:
    departments = sum(1 for r in rows if r["type"] == "define_department")
    hires = [r for r in rows if r["type"] == "hire_employee"]
    categories: dict[str, int] = {}
    for r in hires:
        categories[r["category"]] = categories.get(r["category"], 0) + 1
    probation = sum(1 for r in hires if r.get("probation_until"))
    parts = ", ".join(f"{n} {c}" for c, n in sorted(categories.items()))
    return (f"{departments} departments, {len(hires)} staff ({parts}; {probation} hired on "
            f"probation during the year), {len(rows)} commands")

