"""The demo year gives the same bytes on SQLite and PostgreSQL, and every quarter
reconciles to 0.00 on both."""

from __future__ import annotations

from builders import cli_for

PERIODS = ("2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4", "2026-YE")


def test_demo_payouts_are_byte_identical_on_sqlite_and_postgres(sqlite_env, pg_env) -> None:  # type: ignore[no-untyped-def]
    outputs = {}
    for backend, env in (("sqlite", sqlite_env), ("postgres", pg_env)):
        cli = cli_for(backend, env)
        cli.ok("demo")
        outputs[backend] = {p: cli.ok("payout", "--period", p, "--json").out for p in PERIODS}
        for period in PERIODS:
            assert cli.ok("reconcile", "--period", period, "--json").json()["balance"] == "0.00"
    assert outputs["sqlite"] == outputs["postgres"]
