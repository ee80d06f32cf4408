"""E1 of seeds-003-004.md §6 (004-S16-R3…R19): a nursing-home manager's year-end score
and pay, the cap side, the floor and the cook, through `jixiao apply` and `jixiao grades`."""

from __future__ import annotations

import pytest
from builders import cli_for
from gradebook import FIXTURES, explain, grades, pay_of, subjects


@pytest.fixture
def cli(store):  # type: ignore[no-untyped-def]
    return cli_for(store.backend, store.env)


def test_e1_manager_score_and_year_end_pay(cli) -> None:  # type: ignore[no-untyped-def]
    cli.ok("apply", str(FIXTURES / "e1" / "year.jsonl"))
    report = grades(cli, "2025")
    manager = subjects(report, "manager")["manager"]
    figures = manager["figures"]
    # R5…R18: 25 + 13 + 6 + 18 + 21; the trimmed mean 352/4 = 88, rounded up (AMB-09).
    assert {k: figures[k] for k in ("safety", "petitions_total", "finance", "evaluation_mean",
                                    "evaluation", "other", "total", "pay_percent")} == {
        "safety": "25", "petitions_total": "13", "finance": "6", "evaluation_mean": "88",
        "evaluation": "18", "other": "21", "total": "83", "pay_percent": "86"}
    # R3: 100 − 2 × (90 − 83) = 86 %; 4 200 × 0.86.
    assert pay_of(manager, "year_end_performance") == "3612.00"
    assert pay_of(manager, "wubao_award") == "0.00"
    assert manager["status"] == "scored"


def test_e1_variants_cap_floor_and_cook(cli) -> None:  # type: ignore[no-untyped-def]
    cli.ok("apply", str(FIXTURES / "e1" / "year.jsonl"))
    report = grades(cli, "2025")
    managers = subjects(report, "manager")
    # B: the five-guarantee item 10 + 3 = 13 (no cap, AMB-11); 103 > 90 → 4 200 + 20 × 3 × 12.
    b = managers["manager-b"]
    assert b["figures"]["other_wubao"] == "13"
    assert b["figures"]["total"] == "103"
    assert (pay_of(b, "year_end_performance"), pay_of(b, "wubao_award")) == ("4200.00", "720.00")
    # C: 100 − 2 × 52 = −4 → 0 % (扣完为止).
    c = managers["manager-c"]
    assert (c["figures"]["total"], c["figures"]["pay_percent"]) == ("38", "0")
    assert pay_of(c, "year_end_performance") == "0.00"
    # D: drop 95 and 60, 341/4 = 85.25 → 86 (rounded up) → 92 % of 2 400 (not 2 160.00).
    cook = subjects(report, "cook")["cook"]
    assert cook["figures"]["resident_mean"] == "86"
    assert pay_of(cook, "year_end_performance") == "2208.00"
    assert report["pay"]["paid"] == "10740.00"
    assert report["pay"]["reconciliation"]["balance"] == "0.00"


def test_e1_pay_explains_its_base_factor_and_rule(cli) -> None:  # type: ignore[no-untyped-def]
    cli.ok("apply", str(FIXTURES / "e1" / "year.jsonl"))
    [result] = explain(cli, "2025", "manager")["results"]
    pay = next(p for p in result["pay"] if p["id"] == "year_end_performance")
    assert (pay["base"], pay["paid"], pay["withheld"]) == ("4200.00", "3612.00", "588.00")
    assert pay["rule"] == "004-S16-R3"
    assert pay["source"] == "004_deb0a29d71ec55ac.txt:L925-L927"
    factor = pay["parts"][1]
    assert factor["formula"] == "pay_percent / 100"
    assert factor["value"] == "0.86"
    [root] = result["figure_trees"]  # the pay percentage, down to every item
    total = root["because"][0]
    assert (total["label"], total["value"], total["default"]) == (
        "考核得分 (以整分计算,四舍五入)", "83", "AMB-09")
    assert len(total["because"]) == 5  # safety, petitions, finance, evaluation, other
