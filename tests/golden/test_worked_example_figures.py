"""Every intermediate a worked example of seeds-002.md §4 lists, checked by figure name
(docs/figures.md) through `jixiao payout --json --figures`, not only the final amounts.
Expected values are the catalogue's, computed there by hand; each check names its rule."""

from __future__ import annotations

from typing import Any

import pytest
from builders import GOLDEN, by_id, cli_for


@pytest.fixture
def cli(store):  # type: ignore[no-untyped-def]
    return cli_for(store.backend, store.env)


def _figures(cli: Any, period: str) -> dict[str, Any]:
    report = cli.ok("payout", "--period", period, "--json", "--figures").json()
    return {"organisation": report["figures"],
            "departments": {k: d["figures"] for k, d in
                            by_id(report["departments"], "department_id").items()},
            "people": {k: p["figures"] for k, p in
                       by_id(report["people"], "employee_id").items()}}


def _pick(figures: dict[str, str], names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(figures[name] for name in names)


PERSON_SHEET = ("title", "post", "item:quantity", "item:quality", "item:ethics",
                "item:discipline", "pre_attendance", "attendance", "score", "points",
                "pay_exact", "pay")


def test_example_1_every_step_of_the_individual_sheet(cli) -> None:  # type: ignore[no-untyped-def]
    cli.ok("apply", str(GOLDEN / "example-1" / "commands.jsonl"))
    figures = _figures(cli, "2026-Q1")
    people = figures["people"]
    # S11-R34…R42: title, post add-on, items, pre-attendance, attendance deduction, score;
    # S11-R33: per-point × points, exact, then to the fen (A-G-5).
    assert _pick(people["zhang"], PERSON_SHEET) == (
        "50", "3", "40", "8", "10", "8", "119", "0", "119", "119", "11900", "11900.00")
    assert _pick(people["li"], PERSON_SHEET) == (
        "45", "0", "40", "10", "0", "5", "100", "3.125", "96.875", "96.875", "9687.5",
        "9687.50")
    assert _pick(people["wang"], PERSON_SHEET) == (
        "40", "0", "40", "0", "10", "10", "100", "6.25", "93.75", "93.75", "9375", "9375.00")
    internal = figures["departments"]["internal"]
    assert _pick(internal, ("settled", "points", "per_point")) == (
        "30962.50", "309.625", "100")


DEPARTMENT_SCORE = ("headcount", "workload_ratio", "quantity", "quality", "ethics",
                    "cost_coefficient", "risk_coefficient", "score", "per_capita",
                    "per_capita_rank")


def test_example_2_department_scores_ranking_and_controls(cli) -> None:  # type: ignore[no-untyped-def]
    cli.ok("apply", str(GOLDEN / "example-2" / "commands.jsonl"))
    figures = _figures(cli, "2026-Q1")
    departments = figures["departments"]
    # 2b, S11-R13…R21 (workload 2400 ÷ 2000 …) and the ranking by per-capita (A-S11-2).
    assert {k: _pick(departments[k], DEPARTMENT_SCORE) for k in (
        "surgery", "internal", "paediatrics", "ent")} == {
        "surgery": ("10", "1.2", "600", "280", "200", "1.25", "1.2", "1620", "162", "1"),
        "internal": ("8", "1", "400", "240", "160", "1", "1", "800", "100", "2"),
        "paediatrics": ("5", "0.9", "225", "145", "90", "0.9", "1", "414", "82.8", "3"),
        "ent": ("4", "1", "200", "120", "80", "0.8", "1", "320", "80", "4")}
    # 2c, S11-R22…R24: composite bases (top-1, mean of top-3 × n, mean of all × n).
    assert {k: (departments[k]["base"], departments[k]["score"]) for k in (
        "leaders", "medical-affairs", "finance", "cashier")} == {
        "leaders": ("486", "510.3"), "medical-affairs": ("344.8", "310.32"),
        "finance": ("212.4", "167.92"), "cashier": ("531", "318.6")}
    # Hospital totals (S11-R09) and the average bonus per head (A-S11-12).
    assert _pick(figures["organisation"], (
        "hospital:points", "hospital:headcount", "hospital:per_point",
        "hospital:average_bonus", "pool:distributable")) == (
        "4461.14", "40", "100", "11152.85", "446114.00")
    # 2d, S11-R27…R30: every cut as its own line, then cap and floor not binding.
    surgery = departments["surgery"]
    assert _pick(surgery, (
        "pay_calculated_exact", "pay_calculated", "control:drug_revenue_ratio",
        "control:outpatient_fee_per_visit", "control:inpatient_fee_per_admission",
        "control:expenditure_quota", "controls", "cap", "floor", "banked", "drawn", "subsidy",
        "settled")) == (
        "162000", "162000.00", "16200.00", "8100.00", "0.00", "3000.00", "27300.00",
        "223057.00", "6000.00", "0.00", "0.00", "0.00", "134700.00")
    # 2a, S11-R06 with A-S11-1: the levy for the year end as its own line.
    q2 = _figures(cli, "2026-Q2")["organisation"]
    assert _pick(q2, ("pool:gross", "pool:reserve", "pool:distributable")) == (
        "900000.00", "300000.00", "600000.00")


BANK = ("cap", "floor", "banked", "bank_before", "drawn", "subsidy",
        "settled")


def test_example_3_every_bank_and_subsidy_movement(cli) -> None:  # type: ignore[no-untyped-def]
    cli.ok("apply", str(GOLDEN / "example-3" / "commands.jsonl"))
    rows = {}
    for period in ("2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"):
        figures = _figures(cli, period)
        rows[period] = (figures["organisation"]["hospital:average_bonus"],
                        *_pick(figures["departments"]["icu"], BANK))
    # S11-R57/R58 with A-S11-12/13: cap = 2 × average × 4, floor = 600 × 4.
    assert rows == {
        "2026-Q1": ("5000", "40000.00", "2400.00", "8000.00", "0.00", "0.00", "0.00",
                    "40000.00"),
        "2026-Q2": ("5000", "40000.00", "2400.00", "0.00", "8000.00", "800.00", "0.00",
                    "2400.00"),
        "2026-Q3": ("4000", "32000.00", "2400.00", "4000.00", "7200.00", "0.00", "0.00",
                    "32000.00"),
        "2026-Q4": ("5000", "40000.00", "2400.00", "0.00", "11200.00", "1400.00", "0.00",
                    "2400.00"),
    }
    # 「超年度无效」: next year starts with an empty bank; the hospital pays 1 400.
    icu = _figures(cli, "2027-Q1")["departments"]["icu"]
    assert _pick(icu, ("bank_before", "drawn", "subsidy", "settled")) == (
        "0.00", "0.00", "1400.00", "2400.00")


def test_example_3_laboratory_subsidy(cli) -> None:  # type: ignore[no-untyped-def]
    cli.ok("apply", str(GOLDEN / "example-3" / "laboratory.jsonl"))
    lab = _figures(cli, "2026-Q1")["departments"]["lab"]
    assert _pick(lab, ("floor", "bank_before", "drawn", "subsidy", "settled")) == (
        "3000.00", "0.00", "0.00", "1000.00", "3000.00")


def test_example_4a_participation_ratios_scale_points(cli) -> None:  # type: ignore[no-untyped-def]
    cli.ok("apply", str(GOLDEN / "example-4" / "categories.jsonl"))
    figures = _figures(cli, "2026-Q1")
    people = figures["people"]
    # S11-R51/R52 with A-S11-14: score × ratio = points; 16 700 ÷ 167 = 100 per point.
    assert {k: _pick(people[k], ("score", "ratio", "points", "pay")) for k in (
        "chen", "zhao", "sun")} == {
        "chen": ("100", "1", "100", "10000.00"), "zhao": ("90", "0.3", "27", "2700.00"),
        "sun": ("80", "0.5", "40", "4000.00")}
    ward = figures["departments"]["ward"]
    assert _pick(ward, ("settled", "points", "per_point")) == ("16700.00", "167", "100")


def test_example_4b_study_leave_bands(cli) -> None:  # type: ignore[no-untyped-def]
    cli.ok("apply", str(GOLDEN / "example-4" / "study-leave.jsonl"))
    people = _figures(cli, "2026-Q1")["people"]
    # S11-R56 with A-S11-15: band × same-level average pay 9 000.
    assert {k: people[k]["study_leave"] for k in ("p-3m", "p-5m", "p-10m", "p-6w")} == {
        "p-3m": "5400.00", "p-5m": "4500.00", "p-10m": "2700.00", "p-6w": "5400.00"}


def test_example_4c_post_bonus_on_the_average_bonus(cli) -> None:  # type: ignore[no-untyped-def]
    cli.ok("apply", str(GOLDEN / "example-2" / "commands.jsonl"))
    figures = _figures(cli, "2026-Q1")
    assert figures["organisation"]["hospital:average_bonus"] == "11152.85"
    # S11-R48 with A-S11-16: 35 % of 11 152.85, rounded once.
    assert figures["people"]["leaders-01"]["post_bonus"] == "3903.50"


def test_example_4d_year_end_points_and_per_point(cli) -> None:  # type: ignore[no-untyped-def]
    cli.ok("apply", str(GOLDEN / "example-4" / "year-end.jsonl"))
    figures = _figures(cli, "2026-YE")
    # S11-R47 with A-S11-17: the failed person leaves the divisor; 9 000 ÷ 300 = 30.
    assert figures["organisation"]["pool:distributable"] == "9000.00"
    [department] = figures["departments"].values()
    assert _pick(department, ("points", "per_point")) == ("300", "30")
    assert {k: p.get("pay") for k, p in figures["people"].items()} == {
        "a": "3000.00", "b": "3000.00", "c": "3000.00", "d": None}
