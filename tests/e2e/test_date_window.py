"""The window of business dates new commands may carry is a ledger setting (issue 14,
item 2): `jixiao settings`, `GET`/`POST /settings`. By default 2000-01-01 to 2099-12-31;
a ledger that widens or narrows it is held to its own window by every command path (a
file, a command over HTTP, a what-if); what is recorded already stays as it is."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from builders import Cli, cli_for


def _department(day: str, department_id: str) -> dict[str, Any]:
    return {"type": "define_department", "department_id": department_id, "name": "D",
            "kind": "clinical", "risk_coefficient": "1", "effective_on": day}


def _apply(cli: Cli, tmp_path: Path, *rows: dict[str, Any]) -> Any:
    path = tmp_path / f"rows-{len(list(tmp_path.iterdir()))}.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return cli("apply", str(path))


def test_the_window_is_a_setting_every_command_is_held_to(store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli = cli_for(store.backend, store.env)
    cli.ok("init", "--one-person-close")
    shown = cli.ok("settings", "--json").json()
    assert (shown["dates_from"], shown["dates_to"]) == ("2000-01-01", "2099-12-31")
    early = _apply(cli, tmp_path, _department("1995-01-01", "old"))
    assert early.code == 2
    assert "effective_on" in early.err
    assert "2000-01-01 to 2099-12-31" in early.err
    changed = cli.ok("settings", "--dates-from", "1990-01-01", "--dates-to", "2030-12-31",
                     "--json").json()
    assert (changed["dates_from"], changed["dates_to"]) == ("1990-01-01", "2030-12-31")
    assert changed["time_zone"] == shown["time_zone"]  # carried over
    assert changed["close_approval"] is False
    assert _apply(cli, tmp_path, _department("1995-01-01", "old")).code == 0
    late = _apply(cli, tmp_path, _department("2031-01-01", "new"))
    assert late.code == 2
    assert "1990-01-01 to 2030-12-31" in late.err
    back = cli.ok("settings", "--dates-from", "default", "--json").json()
    assert back["dates_from"] == "2000-01-01"
    assert back["dates_to"] == "2030-12-31"
    # What is recorded stays: the 1995 department is still read, and verified.
    assert cli.ok("verify").out.startswith("chain intact")
    assert "old" in cli.ok("events", "--json").out


def test_a_window_that_is_mistyped_or_empty_is_refused_by_field(tmp_path: Path) -> None:
    cli = Cli({"JIXIAO_DB": str(tmp_path / "w.db"), "JIXIAO_ACTOR": "test"})
    cli.ok("init")
    for argv, field in ((("--dates-from", "2020-1-1"), "dates_from"),
                        (("--dates-to", "２０３０-01-01"), "dates_to"),
                        (("--dates-from", "1800-01-01"), "dates_from"),
                        (("--dates-from", "2050-01-01", "--dates-to", "2040-01-01"), "")):
        run = cli("settings", *argv)
        assert run.code == 2, (argv, run.err)
        assert field in run.err
    assert cli.ok("settings", "--json").json()["dates_from"] == "2000-01-01"
    assert cli("settings", "--db", str(tmp_path / "typo.db")).code == 3


def test_a_read_as_known_at_a_date_outside_the_window_is_refused(store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli = cli_for(store.backend, store.env)
    cli.ok("init", "--one-person-close")
    cli.ok("settings", "--dates-from", "2020-01-01", "--dates-to", "2030-12-31")
    inside = cli("payout", "--period", "2026-Q1", "--as-of", "2026-04-01T00:00:00+08:00")
    assert "as_of" not in inside.err
    for moment in ("2019-12-31T23:00:00+00:00", "2031-01-02T00:00:00+08:00"):
        for argv in (("payout", "--period", "2026-Q1"), ("grades", "--period", "2026-Q1"),
                     ("payout", "--period", "2026-Q1", "--restated")):
            run = cli(*argv, "--as-of", moment)
            assert run.code == 2, (argv, moment, run.out, run.err)
            assert "as_of" in run.err
            assert "2020-01-01 to 2030-12-31" in run.err
