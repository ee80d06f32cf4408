"""The pay close waits for publicity (公示, issue 15 item 5), through the CLI on SQLite
and PostgreSQL: while the results of a grading period inside the pay period are public,
or publicity has ended with objections that no final result has settled, `jixiao close`
is refused naming the publicity and its end day, and nothing is written."""

from __future__ import annotations

import json
from pathlib import Path

from builders import GOLDEN, Cli, cli_for

from domain.scheme_kinds import parse_scheme
from domain.shipped_schemes import load_shipped_scheme

MEILING = ("--rulebook", "meiling-subdistrict-quarterly", "--period", "2026-Q1")


def _closes(cli: Cli) -> list[dict[str, object]]:
    rows = [json.loads(line) for line in
            cli.ok("events", "--json", "--limit", "100000").out.splitlines()]
    return [r for r in rows if r["type"] in ("PeriodClosed", "ClosePrepared")]


def _ledger(store, tmp_path: Path) -> Cli:  # type: ignore[no-untyped-def]
    cli = cli_for(store.backend, store.env)
    cli.ok("apply", str(GOLDEN / "example-1" / "commands.jsonl"))
    adopt = tmp_path / "adopt.jsonl"
    adopt.write_text(json.dumps({"type": "adopt_scheme",
                                 "scheme": "meiling-subdistrict-quarterly"}) + "\n",
                     encoding="utf-8")
    cli.ok("apply", str(adopt))
    return cli


def test_the_close_is_refused_while_publicity_runs(store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli = _ledger(store, tmp_path)
    # 004-S18-R16's 5 working days after Thu 2026-04-02 (Qingming 4-6 April off): 10 April.
    cli.ok("procedures", "publicize", *MEILING, "--on", "2026-04-02")
    running = cli("close", "--period", "2026-Q1", "--today", "2026-04-10")
    assert running.code != 0
    assert "2026-Q1 暂不能结账" in running.err
    assert "meiling-subdistrict-quarterly 2026-Q1 的考核结果自 2026-04-02 起公示" in running.err
    assert "公示期至 2026-04-10 结束" in running.err
    assert _closes(cli) == []
    # A grading period outside the pay period holds nothing: Q2's close is not refused
    # for Q1's publicity (it fails, if at all, for its own reasons).
    assert "公示" not in cli("close", "--period", "2026-Q2", "--today", "2026-04-10").err
    # The day after publicity ended, with no objection, the close goes through.
    cli.ok("close", "--period", "2026-Q1", "--today", "2026-04-13")
    assert len(_closes(cli)) == 1


def test_unsettled_objections_hold_the_close_until_the_results_are_final(  # type: ignore[no-untyped-def]
        store, tmp_path: Path) -> None:
    cli = _ledger(store, tmp_path)
    cli.ok("procedures", "publicize", *MEILING, "--on", "2026-04-02")
    objected = cli.ok("procedures", "object", *MEILING, "--subject", "A", "--detail",
                      "分数有误", "--on", "2026-04-07").out
    held = cli("close", "--period", "2026-Q1", "--today", "2026-04-13")
    assert held.code != 0
    assert "公示期已于 2026-04-10 结束，但有 1 项异议尚未处理" in held.err
    assert _closes(cli) == []
    # An objection is settled on its own (tests/e2e/test_publicity_required.py), then the
    # results are made final.
    objection = objected.strip().rsplit("(", 1)[1].rstrip(")")
    cli.ok("procedures", "settle", "--objection", objection, "--outcome", "rejected",
           "--finding", "分数核对无误", "--on", "2026-04-13")
    cli.ok("procedures", "finalize", *MEILING, "--on", "2026-04-13")
    cli.ok("close", "--period", "2026-Q1", "--today", "2026-04-13")


def test_the_village_clinic_schemes_carry_their_seeds_publicity() -> None:
    expected = {"national-township-guidance": (5, "004-S1-R6", "L33"),
                "tongdao-health-centres": (5, "004-S6-R5", "L329"),
                "guangdong-village-stations": (7, "004-S15-R6", "L851")}
    for name, (days, rule, line) in expected.items():
        publicity = parse_scheme(load_shipped_scheme(name)).procedures.publicity
        assert (publicity.days, publicity.unit, publicity.ref.rule) == (days, "working", rule)
        assert publicity.ref.source == f"004_deb0a29d71ec55ac.txt:{line}"
