"""Every intermediate by name in the reports by default (issue 15, item 1), through the
CLI on SQLite and PostgreSQL: a ledger made by `jixiao init` records that its reports
carry their `figures` maps, so `payout --json`, `restatement --json` and `grades --json`
carry them without `--figures` (and `--no-figures` leaves them out); a ledger without
the setting (the stored ledgers of tests/e2e/test_old_ledger.py) gives them only when
asked, so its reports stay byte-identical."""

from __future__ import annotations

import json
from pathlib import Path

from builders import GOLDEN, cli_for


def test_a_ledger_made_by_init_reports_its_figures_by_default(store) -> None:  # type: ignore[no-untyped-def]
    cli = cli_for(store.backend, store.env)
    cli.ok("init", "--organisation", "测试医院", "--one-person-close")
    assert cli.ok("settings", "--json").json()["report_figures"] is True
    cli.ok("apply", str(GOLDEN / "example-3" / "commands.jsonl"))
    default = cli.payout("2026-Q1")
    asked = cli.ok("payout", "--period", "2026-Q1", "--json", "--figures").json()
    assert default == asked
    assert all(person["figures"] for person in default["people"])
    assert default["figures"]
    plain = cli.ok("payout", "--period", "2026-Q1", "--json", "--no-figures").json()
    assert "figures" not in plain
    assert {k: v for k, v in default.items() if k != "figures"} == {
        **plain, "people": default["people"], "departments": default["departments"]}
    cli.ok("close", "--period", "2026-Q1")
    cli.ok("apply", str(GOLDEN / "example-3" / "correction.jsonl"))
    restatement = cli.ok("restatement", "--period", "2026-Q1", "--json").json()
    assert all("figures" in row and row["employee_id"] == row["id"]
               for row in restatement["people"])


def test_a_ledger_without_the_setting_gives_figures_only_when_asked(store) -> None:  # type: ignore[no-untyped-def]
    cli = cli_for(store.backend, store.env)
    cli.ok("apply", str(GOLDEN / "example-1" / "commands.jsonl"))  # no init: no setting
    assert cli.ok("settings", "--json").json()["report_figures"] is False
    assert "figures" not in cli.payout("2026-Q1")
    assert "figures" in cli.ok("payout", "--period", "2026-Q1", "--json", "--figures").json()


def test_grades_follow_the_setting_too(store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli = cli_for(store.backend, store.env)
    cli.ok("init", "--organisation", "洞口县", "--one-person-close")
    fixture = Path(__file__).parents[1] / "grades" / "fixtures" / "e4" / "dongkou.jsonl"
    cli.ok("apply", str(fixture))
    report = cli.ok("grades", "--period", "2025", "--json").json()
    assert all("figures" in p for p in report["pipelines"])
    plain = cli.ok("grades", "--period", "2025", "--json", "--no-figures").json()
    assert not any("figures" in p for p in plain["pipelines"])
    assert json.dumps(plain) != json.dumps(report)
