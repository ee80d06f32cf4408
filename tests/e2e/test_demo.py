"""End to end: `jixiao demo` writes a realistic hospital year that balances every period
and exercises the cap (bank), the bank draw and the floor subsidy."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from api.scenarios.demo import demo_commands

ROOT = Path(__file__).resolve().parents[2]
YEAR = 2026
PERIODS = [f"{YEAR}-Q{n}" for n in range(1, 5)] + [f"{YEAR}-YE"]
QUARTERS = PERIODS[:4]


def _env() -> dict[str, str]:
    """A SQLite-only environment: never the developer's PostgreSQL or default file."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("POSTGRES_", "PERSISTENCE_", "JIXIAO_"))}
    env["PYTHONPATH"] = str(ROOT)
    env["JIXIAO_LANG"] = "en"  # these assertions read the English texts
    return env


def _command(*args: str) -> list[str]:
    return [sys.executable, "-m", "api.cli", *args]


def jixiao(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(_command(*args), capture_output=True, text=True, cwd=ROOT,
                          env=_env(), timeout=120, check=False)


def json_of(*args: str) -> dict:
    result = jixiao(*args, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@dataclass(frozen=True)
class Run:
    db: Path
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Run, Run]:
    """Two demo runs side by side: a fresh file, and one replacing a stale file (--force)."""
    folder = tmp_path_factory.mktemp("demo")
    first, second = folder / "demo.db", folder / "again.db"
    second.write_bytes(b"a stale file that --force replaces")
    processes = [
        (db, subprocess.Popen(_command("demo", "--db", str(db), *extra), cwd=ROOT, env=_env(),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
        for db, extra in ((first, ()), (second, ("--force",)))
    ]
    done = []
    for db, process in processes:
        stdout, stderr = process.communicate(timeout=120)
        done.append(Run(db, process.returncode, stdout, stderr))
    return done[0], done[1]


@pytest.fixture(scope="module")
def demo(runs: tuple[Run, Run]) -> Run:
    return runs[0]


@pytest.fixture(scope="module")
def payouts(demo: Run) -> dict[str, dict]:
    assert demo.returncode == 0, demo.stderr
    return {period: json_of("payout", "--db", str(demo.db), "--period", period)
            for period in PERIODS}


def test_demo_exits_zero_and_prints_every_period(demo: Run) -> None:
    result = demo
    assert result.returncode == 0, result.stderr
    for period in PERIODS:
        assert f"{period}: pool " in result.stdout
        assert f"Reconciliation {period}" in result.stdout
    assert "jixiao payout" in result.stdout
    assert "jixiao explain" in result.stdout
    # without a terminal no progress bar is drawn (no `\r` redraws in a log), only the
    # one-line summary when the year is written
    assert "\r" not in result.stderr
    assert "recorded " in result.stderr
    assert " event(s), " in result.stderr


def test_every_period_reconciles_to_zero(demo: Run) -> None:
    db = demo.db
    for period in PERIODS:
        report = json_of("reconcile", "--db", str(db), "--period", period)
        assert report["period"] == period
        assert report["balance"] == "0.00", report


def test_demo_is_a_whole_hospital(demo: Run, payouts: dict[str, dict]) -> None:
    db = demo.db
    for period in QUARTERS:
        assert len(payouts[period]["departments"]) >= 22
    staff = {p["employee_id"] for report in payouts.values() for p in report["people"]}
    assert len(staff) >= 100
    # The statement carries no category; the hire events do.
    events = jixiao("events", "--db", str(db), "--limit", "100000", "--json")
    assert events.returncode == 0, events.stderr
    hires = [json.loads(line) for line in events.stdout.splitlines()]
    hires = [e for e in hires if e["type"] == "EmployeeHired"]
    assert {e["employee_id"] for e in hires} == staff
    assert {e["category"] for e in hires} == {"regular", "temporary", "contract", "lump_sum"}
    # ... and the statements show them: participation ratios and exclusions.
    q1 = payouts[f"{YEAR}-Q1"]["people"]
    ratios = {p["ratio"] for p in q1 if p["status"] == "paid"}
    assert {"0.15", "0.2", "0.25", "0.3", "0.5", "0.6", "1"} <= ratios
    reasons = {p["reason"].split(":")[0] for p in q1 if p["status"] == "excluded"}
    assert {"lump-sum wage"} <= reasons
    assert any(r.startswith("on probation") for r in reasons)


def test_the_year_banks_draws_and_subsidises(payouts: dict[str, dict]) -> None:
    departments = [d for period in QUARTERS for d in payouts[period]["departments"]]

    def total(field: str) -> float:
        return sum(float(d[field]) for d in departments)

    assert any(float(d["banked"]) > 0 for d in departments)
    assert any(float(d["bank_drawn"]) > 0 for d in departments)
    assert any(float(d["subsidy"]) > 0 for d in departments)
    assert total("banked") > 0
    assert total("bank_drawn") > 0
    assert total("subsidy") > 0


def test_demo_commands_are_deterministic() -> None:
    first, second = demo_commands(), demo_commands()
    assert first == second
    assert len({row["idempotency_key"] for row in first}) == len(first)
    assert first[0] == {"type": "adopt_scheme", "scheme": "xinghe-county-hospital",
                        "reason": first[0]["reason"], "rule_ref": "S11-R01",
                        "idempotency_key": f"demo-{YEAR}-00001"}


def test_demo_commands_carry_no_floats() -> None:
    def walk(value: object) -> None:
        assert not isinstance(value, float), value
        if isinstance(value, dict):
            for item in value.values():
                walk(item)

    for row in demo_commands():
        walk(row)


def test_two_demo_runs_give_identical_payouts(runs: tuple[Run, Run]) -> None:
    first_run, second_run = runs
    assert first_run.returncode == 0, first_run.stderr
    assert second_run.returncode == 0, second_run.stderr  # replaced the stale file
    period = f"{YEAR}-Q3"
    first = jixiao("payout", "--db", str(first_run.db), "--period", period, "--json")
    second = jixiao("payout", "--db", str(second_run.db), "--period", period, "--json")
    assert first.returncode == second.returncode == 0
    assert first.stdout.encode() == second.stdout.encode()


def test_demo_refuses_to_overwrite_without_force(demo: Run) -> None:
    assert demo.returncode == 0, demo.stderr
    before = demo.db.read_bytes()
    refused = jixiao("demo", "--db", str(demo.db))
    assert refused.returncode == 2
    assert "--force" in refused.stderr
    assert demo.db.read_bytes() == before


@pytest.mark.parametrize("year", ["1900", "2100"])
def test_a_year_the_demo_cannot_write_is_refused_by_name(tmp_path: Path, year: str) -> None:
    # Before: 1900 drew hiring dates from an empty range, a ValueError traceback.
    refused = jixiao("demo", "--db", str(tmp_path / "d.db"), "--year", year)
    assert refused.returncode == 2
    assert "the demo needs a year from 2026 to 2099" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert "created" not in refused.stderr  # refused before it says it makes a ledger
    assert list(tmp_path.iterdir()) == []
