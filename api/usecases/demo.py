"""The demo: a fresh hospital year written into a store, then every period's payout.

The rows come from the demo scenario (api/scenarios/demo.py); this use case refuses a
year the shipped scheme does not cover and an existing file unless asked to replace it,
writes the rows in chunks (so a shell can show progress), and computes the five
statements. Printing them is the shell's job."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from api.scenarios.demo import SCHEME_ID, demo_commands, demo_settings, describe
from api.storage.busy import READ_ONLY
from api.storage.read_only import read_only, refuse_a_new_ledger, refuse_a_new_postgres_ledger
from api.storage.session import ledger_location, open_ledger, store_env
from api.usecases.ledger import closed_periods
from domain.application import Ledger
from domain.errors import InvalidRequestError, ReadOnlyStoreError
from domain.periods import YEAR_MAX, Period
from domain.records import frozen_record
from domain.shipped_schemes import load_shipped_scheme
from projections.payout import calculate

__all__ = ["SCHEME_ID", "DemoRequest", "DemoYear", "demo_size", "write_demo_year"]

CHUNKS = 10  # the rows are written in this many batches, each reported to `progress`

# (stage, done, total): "checking" while a chunk is checked, "loading" after it is written.
DemoProgress = Callable[[str, int, int], None]


@frozen_record
class DemoRequest:
    db: str | None  # the SQLite file (None: $JIXIAO_DB or ./jixiao.db), or PostgreSQL
    environ: Mapping[str, str]  # picks the store, as for every other verb
    year: int = 2026
    force: bool = False  # replace an existing demo file
    actor: str | None = None


@frozen_record
class DemoYear:
    year: int
    target: str  # the SQLite file written, or "the configured PostgreSQL store"
    sqlite_path: str | None
    description: dict[str, Any]  # describe(): counts of what the year holds
    commands: int
    recorded: int
    already_recorded: int
    seconds: float
    reports: list[dict[str, Any]]  # the canonical JSON of Q1–Q4 and the year end

    @property
    def balanced(self) -> bool:
        return all(r["reconciliation"]["balance"] == "0.00" for r in self.reports)


def write_demo_year(request: DemoRequest, progress: DemoProgress | None = None) -> DemoYear:
    """Writes the year into a fresh store and computes its five statements."""
    _check_year(request.year)
    refuse_a_read_only_target(request)
    env = store_env(request.db, request.environ)
    sqlite_path = _fresh_sqlite_file(env, force=request.force)
    rows = demo_commands(request.year)
    started = time.monotonic()
    with open_ledger(env) as ledger:
        recorded, retried = _load(ledger, demo_settings() + rows, request.actor or "demo",
                                  progress)
        seconds = time.monotonic() - started
        periods = [f"{request.year}-Q{n}" for n in range(1, 5)] + [f"{request.year}-YE"]
        reports = [calculate(ledger.facts(), Period.parse(p)).to_json() for p in periods]
    return DemoYear(
        year=request.year, target=str(sqlite_path or "the configured PostgreSQL store"),
        sqlite_path=None if sqlite_path is None else str(sqlite_path),
        description=describe(demo_settings() + rows), commands=len(rows) + len(demo_settings()),
        recorded=recorded,
        already_recorded=retried, seconds=seconds, reports=reports)


def refuse_a_read_only_target(request: DemoRequest) -> None:
    """Refused as read-only, before anything is deleted or made (and before a shell says
    it is writing), where the ledger may not be written (api/storage/read_only.py:
    JIXIAO_READ_ONLY=1, a file or folder nobody may write, root included)."""
    env = store_env(request.db, request.environ)
    if env["PERSISTENCE_MODULE"] != "eventsourcing.sqlite":
        refuse_a_new_postgres_ledger(env, ledger_location(env))  # only with the setting
        return
    refuse_a_new_ledger(env)
    if request.force and Path(env["SQLITE_DBNAME"]).exists() and read_only(env):
        raise ReadOnlyStoreError(READ_ONLY.format(path=env["SQLITE_DBNAME"]))


def demo_size(year: int) -> int:
    """How many commands the year's demo writes (for a shell's opening line); a year
    the demo cannot write is refused here, before the scenario is drawn for it."""
    _check_year(year)
    return len(demo_settings()) + len(demo_commands(year))


def _check_year(year: int) -> None:
    effective_from = date.fromisoformat(str(load_shipped_scheme(SCHEME_ID)["effective_from"]))
    if year < effective_from.year or year > YEAR_MAX:
        raise InvalidRequestError(
            f"the demo needs a year from {effective_from.year} to {YEAR_MAX} (the shipped "
            f"scheme {SCHEME_ID} is in force from {effective_from})")


def _fresh_sqlite_file(env: Mapping[str, str], *, force: bool) -> Path | None:
    """The SQLite file to write, made empty; None for PostgreSQL."""
    if env["PERSISTENCE_MODULE"] != "eventsourcing.sqlite":
        return None
    path = Path(env["SQLITE_DBNAME"])
    if path.exists():
        if not force:
            raise InvalidRequestError(
                f"{path} already exists; pass --force to replace it with a fresh demo")
        for stale in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
            stale.unlink(missing_ok=True)
    return path


def _load(ledger: Ledger, rows: list[dict[str, Any]], actor: str,
          progress: DemoProgress | None) -> tuple[int, int]:
    report_progress: DemoProgress = progress or (lambda stage, done, total: None)
    commands = ledger.parse_commands(
        [(f"demo command {n}", row) for n, row in enumerate(rows, start=1)])
    total, done, recorded, retried = len(commands), 0, 0, 0
    size = -(-total // CHUNKS)
    report_progress("loading", 0, total)
    for start in range(0, total, size):
        chunk = commands[start:start + size]

        def checking(stage: str, n: int, _of: int, offset: int = done) -> None:
            if stage == "checking":
                report_progress("checking", offset + n, total)

        report = ledger.record(chunk, actor, closed=closed_periods(ledger), progress=checking)
        recorded += len(report.recorded)
        retried += len(report.already_recorded)
        done += len(chunk)
        report_progress("loading", done, total)
    return recorded, retried
