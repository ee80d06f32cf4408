"""E7 and E8 of seeds-003-004.md §6 through `jixiao apply`, `jixiao appeal` and `jixiao
grades` on SQLite and PostgreSQL. E7a: a department's month and the appeal that cancels or
doubles a contested deduction (004-S13-R6, R9, R10, R13, R15, AMB-20); E7b: ceilings, the
one-vote veto, warnings and streaks (004-S17-R1, R6..R15); E8: the thermal plant's
three-part score and coefficient, the year-end bottom three (003-A2-R10..R12) and the
satisfaction run (003-A5-R3)."""

from __future__ import annotations

from uuid import uuid5

import pytest
from builders import cli_for
from gradebook import FIXTURES, grade_map, grades, pay_of, subjects

from domain.application import IDEMPOTENCY_NAMESPACE


@pytest.fixture
def cli(store):  # type: ignore[no-untyped-def]
    return cli_for(store.backend, store.env)


def _appeal(cli, appeal_id: str, department: str, outcome: str) -> None:  # type: ignore[no-untyped-def]
    entry = str(uuid5(IDEMPOTENCY_NAMESPACE, f"e7a:{department}:deduction"))
    cli.ok("appeal", "file", "--appeal-id", appeal_id, "--department", department,
           "--entry", entry, "--grounds", "扣分不合理", "--received-on", "2025-04-07",
           "--filed-on", "2025-04-08")
    cli.ok("appeal", "assign", appeal_id, "--reviewer", "hr-1")
    cli.ok("appeal", "decide", appeal_id, "--outcome", outcome, "--reason", "复核",
           "--decided-on", "2025-04-10", "--actor", "hr-1")


def test_e7a_department_month_and_the_appeal_outcomes(cli) -> None:  # type: ignore[no-untyped-def]
    cli.ok("apply", str(FIXTURES / "e7" / "departments.jsonl"))
    before = subjects(grades(cli, "2025-03"), "department")
    # R6: 9 + 9 + 80 × (0.7 × 0.9 + 0.3 × 1) = 92.4, less the contested 4 → 88.4 → A.
    assert before["dept-none"]["figures"]["key_indicators"] == "74.4"
    assert (before["dept-none"]["score"], before["dept-none"]["grade"]) == ("88.4", "A")
    # No key task: 9 + 9 + 80 × 0.9 = 90 → S (90 inclusive, R9).
    assert (before["dept-notask"]["score"], before["dept-notask"]["grade"]) == ("90", "S")
    # R10: bypassing HR loses the month's ranking eligibility.
    assert before["dept-bypass"]["status"] == "no_grade"
    _appeal(cli, "A-WON", "dept-won", "revoke")
    _appeal(cli, "A-LOST", "dept-lost", "uphold")
    after = subjects(grades(cli, "2025-03"), "department")
    # R15: success cancels the deduction (92.4 → S); failure doubles it (84.4 → A).
    assert (after["dept-won"]["score"], after["dept-won"]["grade"]) == ("92.4", "S")
    assert (after["dept-lost"]["score"], after["dept-lost"]["grade"]) == ("84.4", "A")
    [step] = [s for s in after["dept-lost"]["steps"] if s["stage"] == "appeal"]
    assert "input deduction 4 → 8" in step["reason"]
    assert "deduction doubled" in step["reason"]


def test_e7a_level_change_on_the_15th_and_the_16th(cli) -> None:  # type: ignore[no-untyped-def]
    cli.ok("apply", str(FIXTURES / "e7" / "departments.jsonl"))
    staff = subjects(grades(cli, "2025-03"), "staff")
    # R13: effective on the 15th → the new level this month; on the 16th → the old one.
    assert staff["staff-15"]["figures"]["level_applied"] == "5"
    assert staff["staff-16"]["figures"]["level_applied"] == "4"


def test_e7b_ceilings_veto_and_probation(cli) -> None:  # type: ignore[no-untyped-def]
    cli.ok("apply", str(FIXTURES / "e7" / "company.jsonl"))
    report = grades(cli, "2025-03")
    people = subjects(report, "monthly")
    # 1: 93 − 1 (late) − 1 (warning) = 91 → band excellent; personal leave 4 > 3 → good.
    assert (people["case-1"]["score"], people["case-1"]["band_grade"]) == ("91", "excellent")
    # 2: −3 for the absence → 88 → band good; an absence bars good too → qualified.
    assert (people["case-2"]["score"], people["case-2"]["band_grade"]) == ("88", "good")
    # 3: a kickback → one-vote veto → unqualified whatever the score, no performance pay.
    assert people["case-3"]["score"] == "93"
    assert [c["rule"] for c in people["case-3"]["consequences"]] == ["004-S17-R13"]
    assert grade_map(report, "monthly") == {
        "case-1": "good", "case-2": "qualified", "case-3": "unqualified", "case-4": "qualified",
        "case-5": "excellent", "probationer": None}
    assert people["probationer"]["status"] == "not_assessed"  # R1


def test_e7b_warnings_and_streaks(cli) -> None:  # type: ignore[no-untyped-def]
    cli.ok("apply", str(FIXTURES / "e7" / "company.jsonl"))
    year = subjects(grades(cli, "2025"), "annual")
    # R14 with AMB-30: March 68 and July 65 → the second time → serious warning.
    assert year["case-4"]["figures"]["below_70"] == "2"
    [warning] = year["case-4"]["consequences"]
    assert warning["rule"] == "004-S17-R14"
    assert "严重警告" in warning["effect"]
    # R15: excellent January-March → base +10 % in March; January-June → a wage grade in June.
    march = subjects(grades(cli, "2025-03"), "monthly")["case-5"]["consequences"]
    june = subjects(grades(cli, "2025-06"), "monthly")["case-5"]["consequences"]
    may = subjects(grades(cli, "2025-05"), "monthly")["case-5"]["consequences"]
    assert [c["effect"] for c in march] == ["连续三次优秀以上:基本工资提高10%"]
    assert [c["effect"] for c in june] == ["连续六次优秀以上:晋升一级职位工资"]
    assert may == []  # a milestone fires once per run


def test_e8_thermal_plant_scores_coefficients_and_pay(cli) -> None:  # type: ignore[no-untyped-def]
    cli.ok("apply", str(FIXTURES / "e8" / "thermal.jsonl"))
    units = subjects(grades(cli, "2025-03"), "monthly")
    # R10/R11: 0.2 × 95 + 0.4 × 90 + 0.4 × 80 = 87 → 0.87 × 2 000 = 1 740.00.
    logistics = units["logistics"]
    assert (logistics["score"], logistics["figures"]["coefficient"]) == ("87", "0.87")
    assert pay_of(logistics, "performance_pay") == "1740.00"
    # Base 110: 0.7 × 108 + 0.15 × 100 + 0.15 × 96 = 105 → 1.05 → 2 100.00.
    generation = units["generation"]
    assert (generation["score"], generation["figures"]["coefficient"]) == ("105", "1.05")
    assert pay_of(generation, "performance_pay") == "2100.00"
    # AMB-28: weights that do not add up to 1 are refused, not scored.
    assert units["bad-weights"]["status"] == "not_assessed"


def test_e8_year_end_bottom_three_and_discipline(cli) -> None:  # type: ignore[no-untyped-def]
    cli.ok("apply", str(FIXTURES / "e8" / "thermal.jsonl"))
    report = grades(cli, "2024")
    departments = subjects(report, "year_end")
    assert {k: d["score"] for k, d in departments.items()} == {
        "dept-1": "95", "dept-2": "93", "dept-3": "90", "dept-4": "88", "dept-5": "86",
        "dept-6": "84"}
    barred = sorted(k for k, d in departments.items() if d["consequences"])
    assert barred == ["dept-4", "dept-5", "dept-6"]  # R12: averages 88, 86, 84
    people = subjects(report, "employee_year")
    assert [c["rule"] for c in people["worker"]["consequences"]] == ["003-A2-R12"]
    assert people["clean-worker"]["consequences"] == []


def test_e8_satisfaction_three_below_80_in_a_row(cli) -> None:  # type: ignore[no-untyped-def]
    cli.ok("apply", str(FIXTURES / "e8" / "thermal.jsonl"))
    accountable = []
    for month in ("2025-01", "2025-02", "2025-03", "2025-04", "2025-05"):
        survey = subjects(grades(cli, month), "satisfaction")["survey-dept"]
        if any(c["rule"] == "003-A5-R3" for c in survey["consequences"]):
            accountable.append(month)
    # 78, 82, 79, 76, 75: the run is 1, 0, 1, 2, 3 → accountability at the fifth survey.
    assert accountable == ["2025-05"]


def test_e8_a_record_dated_the_27th_counts_in_the_next_plant_period(cli) -> None:  # type: ignore[no-untyped-def]
    # 003-A2-R9 (AMB-27): 26 December – 25 December is the plant year "2025", so a
    # violation on 27 December 2024 bars the 2025 year-end award, not 2024's.
    cli.ok("apply", str(FIXTURES / "e8" / "thermal.jsonl"))
    cli.ok("apply", str(FIXTURES / "e8" / "period-window.jsonl"))
    barred = {}
    for year in ("2024", "2025"):
        people = subjects(grades(cli, year), "employee_year")
        barred[year] = sorted(k for k in ("late-december", "on-the-25th")
                              if [c["rule"] for c in people[k]["consequences"]] == ["003-A2-R12"])
    assert barred == {"2024": ["on-the-25th"], "2025": ["late-december"]}
