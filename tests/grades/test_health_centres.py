"""E4 of seeds-003-004.md §6: the county 70/30 hold-back settled by grade (004-S2-R8…R10)
and the Wannian 40/60 annual total with item withholding (004-S8-R2, R5…R8), through
`jixiao apply` and `jixiao grades` on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from builders import cli_for
from gradebook import FIXTURES, grade_map, grades, subjects


@pytest.fixture
def cli(store):  # type: ignore[no-untyped-def]
    return cli_for(store.backend, store.env)


def _line(subject: dict, line_id: str) -> dict:  # type: ignore[type-arg]
    return next(p for p in subject["pay"] if p["id"] == line_id)


def test_e4a_hold_back_settled_by_the_half_year_and_year_end_grades(cli) -> None:  # type: ignore[no-untyped-def]
    cli.ok("apply", str(FIXTURES / "e4" / "dongkou.jsonl"))
    assert grade_map(grades(cli, "2025-H1"), "half_year")["centre"] == "qualified"  # 80
    report = grades(cli, "2025")
    centre = subjects(report, "annual")["centre"]
    assert centre["grade"] == "basic"  # 70: 65 ≤ s < 75
    pay = _line(centre, "subsidy_performance_pay")
    immediate, first, second = pay["parts"][1:]
    # 70 % → 840 000 in twelve 70 000 instalments; the 30 % in halves of 180 000 (AMB-05).
    assert immediate["amount"] == "840000.00"
    assert set(immediate["instalments"]) == {"70000.00"}
    assert len(immediate["instalments"]) == 12
    assert (first["grade"], first["amount"], first["withheld"]) == (
        "qualified", "180000.00", "0.00")
    assert (second["grade"], second["rate"], second["amount"], second["withheld"]) == (
        "basic", "0.8", "144000.00", "36000.00")
    # 840 000 + 180 000 + 144 000 = 1 164 000 = 1 200 000 − 36 000 to the county fund.
    assert (pay["paid"], pay["withheld"], pay["base"]) == ("1164000.00", "36000.00", "1200000.00")
    assert pay["withheld_to"].startswith("全县绩效考核奖励基金")
    # R9 with AMB-06: the leadership loses half of its (annual) position allowance.
    assert _line(centre, "position_allowance")["paid"] == "12000.00"
    assert [c["rule"] for c in centre["consequences"]] == ["004-S2-R9"]
    assert report["pay"]["reconciliation"]["balance"] == "0.00"


def test_e4a_unqualified_twice_running_removes_the_director(cli) -> None:  # type: ignore[no-untyped-def]
    cli.ok("apply", str(FIXTURES / "e4" / "dongkou.jsonl"))
    variant = subjects(grades(cli, "2025"), "annual")["centre-64"]
    pay = _line(variant, "subsidy_performance_pay")
    # 64 < 65 → unqualified: 180 000 × 0.5 = 90 000, and 90 000 to the fund.
    assert pay["parts"][-1]["amount"] == "90000.00"
    assert pay["withheld"] == "90000.00"
    assert pay["paid"] == "1110000.00"
    assert _line(variant, "position_allowance")["paid"] == "0.00"
    effects = [c["effect"] for c in variant["consequences"]]
    assert any("诫免谈话" in e for e in effects)
    assert any("院长免职" in e for e in effects)  # 2024 was unqualified too (R10)


def test_e4a_band_boundaries(cli) -> None:  # type: ignore[no-untyped-def]
    cli.ok("apply", str(FIXTURES / "e4" / "dongkou.jsonl"))
    got = grade_map(grades(cli, "2025"), "annual")
    assert {k: got[k] for k in ("edge-75", "edge-65", "edge-90", "edge-64.9")} == {
        "edge-75": "qualified", "edge-65": "basic", "edge-90": "excellent",
        "edge-64.9": "unqualified"}


def test_e4b_weighted_total_item_failure_and_withholding(cli) -> None:  # type: ignore[no-untyped-def]
    cli.ok("apply", str(FIXTURES / "e4" / "wannian.jsonl"))
    report = grades(cli, "2025")
    centres = subjects(report, "annual")
    centre = centres["centre"]
    # R2: 0.4 × 820 + 0.6 × 790 = 802 → 合格 (≥ 800, AMB-02).
    assert (centre["score"], centre["grade"]) == ("802", "qualified")
    # R5/R8: 230/300 < 80 % → the public-health item fails → 10 % of 2 000 000 withheld.
    assert centre["figures"]["failed_items"] == "1"
    pay = _line(centre, "performance_pay")
    assert (pay["paid"], pay["withheld"]) == ("1800000.00", "200000.00")
    # A total below 800 withholds the whole 30 % linked share (AMB-07 default).
    fail = centres["centre-fail"]
    assert (fail["score"], fail["grade"]) == ("786", "unqualified")
    assert _line(fail, "performance_pay")["withheld"] == "600000.00"
