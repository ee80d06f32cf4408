"""The clerk's walk of issue 13, its close: two-person close set from `jixiao settings`
(not only as JSON Lines), the reprint hint of `jixiao close` in the organisation's zone,
and a close of a later quarter refused when it is prepared while an earlier one is open
(not only at the approval)."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from builders import GOLDEN, Cli, cli_for

Q2 = [{"type": "declare_pool", "period": "2026-Q2", "amount_cny": "30962.50"},
      {"type": "record_department_figures", "period": "2026-Q2", "department_id": "internal",
       "workload_base": "1000", "workload_actual": "1000", "medical_revenue_cny": "100000.00",
       "full_cost_cny": "100000.00"}]


def _ledger(sqlite_env: dict[str, str], tmp_path: Path) -> Cli:
    cli = cli_for("sqlite", sqlite_env)
    cli.ok("apply", str(GOLDEN / "example-1" / "commands.jsonl"))
    q2 = tmp_path / "q2.jsonl"
    q2.write_text("".join(json.dumps(row) + "\n" for row in Q2))
    cli.ok("apply", str(q2))
    return cli


def _events(cli: Cli, kind: str) -> list[dict[str, object]]:
    lines = cli.ok("events", "--json", "--limit", "100000").out.splitlines()
    return [e for e in map(json.loads, lines) if e["type"] == kind]


def test_two_person_close_is_set_and_unset_from_the_settings_command(sqlite_env, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli = _ledger(sqlite_env, tmp_path)
    assert cli.ok("settings", "--json").json()["close_approval"] is False
    shown = cli.ok("settings", "--two-person-close", "--actor", "admin-zhao", "--lang", "zh")
    assert "结账：两人结账\n" in shown.out
    assert "close" not in shown.out
    english = cli.ok("settings")
    assert "close: two-person close\n" in english.out
    assert "结账" not in english.out
    assert [e["required"] for e in _events(cli, "CloseApprovalSet")] == [True]
    assert _events(cli, "CloseApprovalSet")[0]["actor"] == "admin-zhao"
    assert "prepared the close of 2026-Q1" in cli.ok("close", "--period", "2026-Q1").out
    assert _events(cli, "PeriodClosed") == []

    turned_off = cli.ok("settings", "--one-person-close", "--no-figures", "--json").json()
    assert (turned_off["close_approval"], turned_off["report_figures"]) == (False, False)
    assert cli.ok("close", "--period", "2026-Q1").out.startswith("closed 2026-Q1")
    mistyped = cli("settings", "--two-person-clse")
    assert mistyped.code == 2
    assert "--two-person-close" in mistyped.err


def test_the_reprint_hint_is_in_the_organisations_zone(sqlite_env, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli = _ledger(sqlite_env, tmp_path)
    cli.ok("settings", "--time-zone", "Asia/Shanghai")
    out = cli.ok("close", "--period", "2026-Q1").out
    hint = re.search(r"--as-of (\S+)", out)
    assert hint, out
    (closed,) = _events(cli, "PeriodClosed")
    recorded = datetime.fromisoformat(str(closed["recorded_at"]))
    assert hint.group(1) == recorded.astimezone(ZoneInfo("Asia/Shanghai")).isoformat()
    assert hint.group(1).endswith("+08:00")
    reprinted = cli.ok("payout", "--period", "2026-Q1", "--as-of", hint.group(1), "--json")
    assert reprinted.json() == cli.payout("2026-Q1")


def test_a_later_quarter_is_refused_when_its_close_is_prepared(sqlite_env, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli = _ledger(sqlite_env, tmp_path)
    one_person = cli("close", "--period", "2026-Q2")  # the close itself, one step
    assert one_person.code == 2
    assert "close 2026-Q1 first; periods close in order" in one_person.err
    cli.ok("settings", "--two-person-close")
    before = cli.event_count()
    refused = Cli(cli.environ, lang="zh")("close", "--period", "2026-Q2", "--actor", "fin-wang")
    assert refused.code == 4
    assert "不能准备 2026-Q2 的结账：2026-Q1 尚未结账" in refused.err
    assert cli.event_count() == before
    cli.ok("close", "--period", "2026-Q1", "--actor", "fin-wang")  # prepared, not closed
    assert cli("close", "--period", "2026-Q2", "--actor", "fin-wang").code == 4
    cli.ok("close", "--period", "2026-Q1", "--approve", "--actor", "fin-li")
    assert "prepared the close of 2026-Q2" in cli.ok("close", "--period", "2026-Q2",
                                                     "--actor", "fin-wang").out
