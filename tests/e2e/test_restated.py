"""`payout --restated`: a closed period recomputed from everything known, beside the closed
statement, with the delta per person and line and the period that carries it; and a
correction decided after a whole year is closed moves that year's bank and its lapse."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from builders import GOLDEN, Cli, by_id, cli_for

# Worked example 3's Q2 expenditure-quota measure for ICU (146 400 against 100 000).
Q2_QUOTA_ID = "a78cfc42-6e94-57e6-b4cb-42170257db5e"
Q2_CORRECTION = (
    '{"type": "record_control_indicator", "period": "2026-Q2", "department_id": "icu", '
    '"indicator": "expenditure_quota", "limit": "100000.00", "actual": "110000.00", '
    f'"supersedes": "{Q2_QUOTA_ID}", "reason": "复核更正：支出定额实际数误录", '
    '"idempotency_key": "restated-q2-correction"}\n')


def _closed_year(cli, tmp_path: Path) -> dict[str, str]:  # type: ignore[no-untyped-def]
    cli.ok("apply", str(GOLDEN / "example-3" / "commands.jsonl"))
    closes = {}
    for quarter in ("2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"):
        out = cli.ok("close", "--period", quarter).out
        match = re.search(r"--as-of (\S+)", out)
        assert match, out
        closes[quarter] = match.group(1)
    correction = tmp_path / "q2.jsonl"
    correction.write_text(Q2_CORRECTION, encoding="utf-8")
    cli.ok("apply", str(correction))
    return closes


def test_a_correction_after_the_year_is_closed_moves_its_bank_and_lapse(  # type: ignore[no-untyped-def]
        store, tmp_path: Path) -> None:
    cli = cli_for(store.backend, store.env)
    _closed_year(cli, tmp_path)
    q4 = cli.ok("payout", "--period", "2026-Q4", "--restated", "--json").json()
    assert q4["hash_verified"] is True
    icu = by_id(q4["departments"], "department_id")["icu"]["lines"]
    # Q2's smaller overrun leaves ICU above its floor: it no longer draws 800 from the bank,
    # so the bank entering Q4, the bank left after it and the lapse all grow by 800.
    assert icu["bank_before"] == {"closed": "11200.00", "restated": "12000.00",
                                  "delta": "800.00"}
    assert icu["bank_after"]["delta"] == "800.00"
    assert icu["subsidy"] == {"closed": "0.00", "restated": "0.00", "delta": "0.00"}
    lapse = by_id(q4["year_end_lapse"], "department_id")
    assert lapse["icu"] == {"department_id": "icu", "closed": "9800.00",
                            "restated": "10600.00", "delta": "800.00"}
    assert f"(超年度无效): {lapse['icu']['restated']}" in " ".join(q4["restated"]["notes"])
    assert q4["delta_total"] == "0.00"  # Q4's people are paid the same: the bank absorbs it
    q2 = cli.ok("payout", "--period", "2026-Q2", "--restated", "--json").json()
    icu_q2 = by_id(q2["departments"], "department_id")["icu"]["lines"]
    assert icu_q2["bank_drawn"] == {"closed": "800.00", "restated": "0.00",
                                    "delta": "-800.00"}
    assert q2["settles_in"] == "2027-Q1"
    people = by_id(q2["people"], "employee_id")
    assert people["icu-1"]["lines"]["pay"]["delta"] == people["icu-1"]["delta"] == "8900.00"
    assert Decimal(q2["delta_total"]) == Decimal(q2["outstanding"]) == Decimal("35600.00")
    # The restated statement is the statement computed from scratch on the same events,
    # and the closed one is the reprint, every figure of it included.
    assert q2["closed"] == cli.ok("payout", "--period", "2026-Q2", "--json",
                                  "--figures").json()
    pay = people["icu-1"]["lines"]["pay"]
    assert people["icu-1"]["figures"]["pay"] == {"closed": pay["closed"],
                                                 "restated": pay["restated"]}
    # The `restatement` command agrees on what is outstanding.
    restatement = cli.ok("restatement", "--period", "2026-Q2", "--json").json()
    assert restatement["outstanding"] == q2["outstanding"]


def test_restated_as_of_a_time_and_of_an_open_period(store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli = cli_for(store.backend, store.env)
    closes = _closed_year(cli, tmp_path)
    # As known at the year's close, nothing was yet corrected: restated equals closed.
    then = cli.ok("payout", "--period", "2026-Q2", "--restated", "--json", "--as-of",
                  closes["2026-Q4"]).json()
    assert then["delta_total"] == "0.00"
    assert then["closed"] == then["restated"] | {"restatements": then["closed"]["restatements"]}
    # As known before Q2 was closed, Q2 was open: a clear error, exit 4 (a conflict).
    run = cli("payout", "--period", "2026-Q2", "--restated", "--as-of", closes["2026-Q1"])
    assert run.code == 4
    assert ("2026-Q2 is not closed: there is no closed statement to restate; use payout "
            "without --restated for the period's statement") in run.err
    assert not re.search(r"[\u4e00-\u9fff]", run.err)
    zh = Cli(cli.environ, lang=None)("payout", "--period", "2026-Q2", "--restated",
                                     "--as-of", closes["2026-Q1"])
    assert zh.code == 4
    assert ("2026-Q2 未结账，没有可重述的已结报表；请用 payout（不带 --restated）查看当期报表"
            in zh.err)
    assert "not closed" not in zh.err
    run = cli("payout", "--period", "2027-Q1", "--restated")
    assert run.code == 4
    assert "is not closed" in run.err
    run = cli("payout", "--period", "2026-Q2", "--restated", "--with",
              str(tmp_path / "q2.jsonl"))
    assert run.code == 2
    assert "--restated" in run.err


def test_restated_table_shows_closed_restated_and_delta(store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli = cli_for(store.backend, store.env)
    _closed_year(cli, tmp_path)
    out = cli.ok("payout", "--period", "2026-Q2", "--restated").out
    assert re.search(r"employee +name +department +closed +restated +delta", out)
    assert "the delta settles in: 2027-Q1" in out
    assert "hash verified" in out
    assert re.search(r"icu-1 .* ¥600\.00 +¥9,500\.00 +¥8,900\.00", out)
    # the reader's default language: Chinese only, the ids and figures as they are
    zh = Cli(cli.environ, lang=None).ok("payout", "--period", "2026-Q2", "--restated").out
    assert re.search(r"员工 +姓名 +科室 +结账时 +重述 +差额", zh)
    assert "差额结算期：2027-Q1" in zh
    assert "哈希已核对" in zh
    assert re.search(r"icu-1 .* ¥600\.00 +¥9,500\.00 +¥8,900\.00", zh)
    assert not re.search(r"settles|closed|restated|delta|hash", zh)
