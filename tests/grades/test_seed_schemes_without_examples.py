"""Seed-004 and seed-003 schemes the catalogue gives no worked example for, run through
`jixiao apply` and `jixiao grades` on SQLite and PostgreSQL: each rule's arithmetic on
small inputs, the expected numbers derived by hand in the comments from the rule cited.
004-S4 (department surplus, piece rates, penalties), 004-S6 (zero-sum cuts to 优秀),
004-S11 (monthly work score, quarterly a + b + c), 004-S14 (rank money), 003-A3 (bands)."""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import cli_for
from gradebook import grade_map, grades, pay_of, subjects

RUNS = Path(__file__).parent / "scheme_runs"


@pytest.fixture
def cli(store):  # type: ignore[no-untyped-def]
    return cli_for(store.backend, store.env)


def test_s4_clinical_surplus_and_a_doctors_amounts_due(cli) -> None:  # type: ignore[no-untyped-def]
    cli.ok("apply", str(RUNS / "s4" / "hospital.jsonl"))
    report = grades(cli, "2025-03")
    internal = subjects(report, "clinical")["internal"]
    # R14: income 100 000 + 20 000 + 10 000 + 30 000 + 20 000 + 15 000 = 195 000.
    # R15: drugs 97 000 + 19 000 + 9 200; internal medicine's exam income × (62 % + 15 %)
    # = 23 100, lab 70 % = 14 000, waste 600 bed-days × 2 × 40 % = 480.
    assert {k: internal["figures"][k] for k in ("income", "drug_expense", "other_expense",
                                                 "surplus")} == {
        "income": "195000", "drug_expense": "125200", "other_expense": "37580",
        "surplus": "32220"}
    staff = subjects(report, "staff")
    doctor = staff["dr-wang"]
    # R8/R9/R10/R11/R12: 800 × 0.5 + 6 × 10 + 2 × 30 + 1 × 50 + 2 % × 40 000 + 2.5 % × 8 000.
    assert pay_of(doctor, "technical_pay") == "1570.00"
    assert pay_of(doctor, "role_extra") == "900.00"  # R4: director 0.3 × 3 000 (AMB-04)
    assert pay_of(doctor, "penalties") == "-500.00"  # R19: 10 × 50 collected privately
    assert pay_of(staff["trainee-li"], "trainee_pay") == "1500.00"  # R28: 60 % of 2 500
    assert staff["new-zhao"]["status"] == "not_assessed"  # R29: within six months


def test_s6_cuts_go_to_the_excellent_centre(cli) -> None:  # type: ignore[no-untyped-def]
    cli.ok("apply", str(RUNS / "s6" / "tongdao.jsonl"))
    report = grades(cli, "2025", "--scheme", "tongdao-health-centres")
    centres = subjects(report, "centre")
    assert grade_map(report, "centre")["td-1"] == "excellent"
    # R7 with D-CUT: 300 000 × (1 − 0.2) = 240 000; the 60 000 goes to the one 优秀 centre.
    assert pay_of(centres["td-5"], "subsidy") == "240000.00"
    assert pay_of(centres["td-1"], "centre_reward") == "60000.00"
    assert report["pay"]["paid"] == "1500000.00"  # zero-sum: 5 × 300 000


def test_s11_monthly_work_score_and_quarterly_bonus(cli) -> None:  # type: ignore[no-untyped-def]
    cli.ok("apply", str(RUNS / "s11" / "company.jsonl"))
    january = subjects(grades(cli, "2025-01"), "monthly")["zhou"]
    # R7: a self-score of 95 is invalid → 80 − 10 = 70; R6: 0.3 × 70 + 0.3 × 80 + 0.4 × 80
    # + 8 for one other item = 85.
    assert (january["figures"]["self_valid"], january["score"]) == ("70", "85")
    quarter = subjects(grades(cli, "2025-Q1"), "quarterly")["zhou"]
    # R9: 0.6 × mean(85, 85, 78) + 0.4 × (0.3 × 90 + 0.3 × 80 + 0.4 × 85) = 49.6 + 34.
    assert quarter["score"] == "83.6"
    # R11/R14/R15: qualified → a + b = 1 500 + 1 500, × (1 + 2 × 2 % + 2 % commendation).
    assert pay_of(quarter, "assessment_bonus") == "3180.00"


def test_s14_rank_money_with_tied_last_places(cli) -> None:  # type: ignore[no-untyped-def]
    cli.ok("apply", str(RUNS / "s14" / "shop.jsonl"))
    agents = subjects(grades(cli, "2025-06"), "monthly")
    # R4: 0.3 × 90 + 0.7 × 92 = 91.4, first → +100 (R5); two tied last at 73.5 → −100 each.
    assert agents["cs-1"]["score"] == "91.4"
    assert pay_of(agents["cs-1"], "rank_reward") == "100.00"
    assert [pay_of(agents[k], "rank_penalty") for k in ("cs-3", "cs-4", "cs-5")] == [
        "0.00", "-100.00", "-100.00"]
    assert [c["rule"] for c in agents["cs-4"]["consequences"]] == ["004-S14-R6"]


def test_a3_band_boundaries_and_a_special_case(cli) -> None:  # type: ignore[no-untyped-def]
    cli.ok("apply", str(RUNS / "a3" / "hospital.jsonl"))
    report = grades(cli, "2025-Q2")
    # R7 with AMB-01: lower bounds inclusive, 89.5 and 69.9 stay in the band below.
    assert grade_map(report, "quarterly") == {
        "a3-90": "excellent", "a3-89.5": "qualified", "a3-70": "qualified",
        "a3-69.9": "basic", "a3-60": "basic", "a3-59": "unqualified", "a3-special": None}
    assert subjects(report, "quarterly")["a3-special"]["status"] == "no_grade"  # R6


def test_s1_a_cut_without_its_local_rule_is_refused_not_guessed(cli) -> None:  # type: ignore[no-untyped-def]
    cli.ok("apply", str(RUNS / "s1" / "clinics.jsonl"))
    report = grades(cli, "2025", "--scheme", "national-township-guidance")
    clinics = subjects(report, "clinic")
    # R5: 优秀 ≤ 20 % of 10 = 2, the county group's grades; R8 with D-CUT: 20 000 × 0.7.
    assert [k for k, g in grade_map(report, "clinic").items() if g == "excellent"] == [
        "cl-1", "cl-2"]
    assert pay_of(clinics["cl-9"], "subsidy") == "14000.00"
    cl10 = next(p for p in clinics["cl-10"]["pay"] if p["id"] == "subsidy")
    assert (cl10["status"], cl10["reason"]) == ("blocked", "no cut_share recorded for 2025")
    # The pool waits for every member rather than share a partial cut.
    assert {p["status"] for s in clinics.values() for p in s["pay"]
            if p["id"] == "clinic_reward"} == {"blocked"}


def test_s7_shortfalls_against_the_task_frequencies(cli) -> None:  # type: ignore[no-untyped-def]
    cli.ok("apply", str(RUNS / "s7" / "community.jsonl"))
    workers = subjects(grades(cli, "2025"), "year")
    assert workers["worker-a"]["consequences"] == []
    b = workers["worker-b"]
    # R2: 10 patients × 12 monthly follow-ups − 110 done = 10; R5: 2 mothers × 3 − 5 = 1.
    assert (b["figures"]["chronic_shortfall"], b["figures"]["women_shortfall"]) == ("10", "1")
    assert [c["rule"] for c in b["consequences"]] == ["004-S7-R2", "004-S7-R5"]


def test_s14_last_three_months_running(cli) -> None:  # type: ignore[no-untyped-def]
    cli.ok("apply", str(RUNS / "s14" / "shop.jsonl"))
    june = subjects(grades(cli, "2025-06"), "monthly")
    # R7: cs-5 last in April, May and June → consider a transfer; cs-4 only in June.
    assert sorted(c["rule"] for c in june["cs-5"]["consequences"]) == ["004-S14-R6", "004-S14-R7"]
    assert [c["rule"] for c in june["cs-4"]["consequences"]] == ["004-S14-R6"]
