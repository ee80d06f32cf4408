"""E3, E5 and E6 of seeds-003-004.md §6: pools shared out after pay, through `jixiao apply`
and `jixiao grades` on SQLite and PostgreSQL. E3: a failing station's subsidy pro rata to
its score, the cuts redistributed 60/40 (004-S15-R10..R12, AMB-21); E5: the monthly score
and the per-point pool (004-S5-R7..R9, AMB-13..15, AMB-33); E6: the overtime-lesson
allowance with its 8-yuan floor and the reserve (004-S12-R1..R4, AMB-18)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from builders import cli_for
from gradebook import FIXTURES, grade_map, grades, pay_of, subjects


@pytest.fixture
def cli(store):  # type: ignore[no-untyped-def]
    return cli_for(store.backend, store.env)


def _line(subject: dict, line_id: str) -> dict:  # type: ignore[type-arg]
    return next(p for p in subject["pay"] if p["id"] == line_id)


def test_e3_station_cuts_are_redistributed_to_the_top_bands(cli) -> None:  # type: ignore[no-untyped-def]
    cli.ok("apply", str(FIXTURES / "e3" / "guangdong.jsonl"))
    report = grades(cli, "2025")
    stations = subjects(report, "station")
    # R10: ≥ 90 excellent (2 of 10, within the 20 % quota), < 60 unqualified.
    assert grade_map(report, "station") == {
        "v1": "excellent", "v2": "excellent", "v3": "qualified", "v4": "qualified",
        "v5": "qualified", "v6": "qualified", "v7": "qualified", "v8": "qualified",
        "v9": "unqualified", "v10": "unqualified"}
    # R11: subsidy × score ÷ 60 for the unqualified: 9 000 (cut 1 000), 7 500 (cut 2 500).
    assert (pay_of(stations["v9"], "subsidy"), _line(stations["v9"], "subsidy")["withheld"]) == (
        "9000.00", "1000.00")
    assert pay_of(stations["v10"], "subsidy") == "7500.00"
    # R12 with AMB-21: the 3 500 pool, 60 % to the top 10 % (V1), 40 % to the 10-20 % band (V2).
    assert pay_of(stations["v1"], "station_reward") == "2100.00"
    assert pay_of(stations["v2"], "station_reward") == "1400.00"
    assert _line(stations["v1"], "station_reward")["parts"][0]["pool"] == "3500.00"
    finals = {k: sum(Decimal(p["paid"]) for p in s["pay"]) for k, s in stations.items()}
    assert (finals["v1"], finals["v2"], finals["v5"], finals["v9"], finals["v10"]) == (
        Decimal("12100.00"), Decimal("11400.00"), Decimal("10000.00"), Decimal("9000.00"),
        Decimal("7500.00"))
    assert sum(finals.values()) == Decimal("100000.00")  # zero-sum


def test_e3_centre_analogue_and_an_empty_band(cli) -> None:  # type: ignore[no-untyped-def]
    cli.ok("apply", str(FIXTURES / "e3" / "guangdong.jsonl"))
    centres = subjects(grades(cli, "2025"), "centre")
    # R11 (1000-point): 500 000 × 540 ÷ 600 = 450 000; 50 000 into the centres' pool.
    assert (pay_of(centres["c5"], "subsidy"), _line(centres["c5"], "subsidy")["withheld"]) == (
        "450000.00", "50000.00")
    # Five centres: band 2 (⌊0.2 × 5⌋ − 1 = 0 places) is empty, so its share moves to band 1.
    assert pay_of(centres["c1"], "centre_reward") == "50000.00"
    assert sum(Decimal(p["paid"]) for s in centres.values() for p in s["pay"]) == Decimal(
        "2500000.00")
    # R15: excellent two years running.
    assert [c["rule"] for c in centres["c1"]["consequences"]] == ["004-S15-R15"]


def test_e5_monthly_score_and_per_point_pool(cli) -> None:  # type: ignore[no-untyped-def]
    cli.ok("apply", str(FIXTURES / "e5" / "ningxiang.jsonl"))
    staff = subjects(grades(cli, "2025-03"), "staff")
    physician = staff["physician"]
    # R9 with AMB-14: 173.4 vs 170 is 2 % over → −6; drug share 32 vs 30 → −6; 1 000 ≤ 1 050.
    assert {k: physician["figures"][k] for k in (
        "day_cost_deduction", "drug_share_deduction", "admission_cost_deduction")} == {
        "day_cost_deduction": "6", "drug_share_deduction": "6", "admission_cost_deduction": "0"}
    # R7 with AMB-13: (100 + 5) × 1.2 − 6 − 6 − 2 − 1 = 111.
    assert {k: s["score"] for k, s in staff.items()} == {
        "physician": "111", "nurse": "100", "clerk": "89", "deficit-doctor": "100"}
    # R8 with AMB-15: basic 60 %; pool 4 800 at 16.00 a point.
    assert [pay_of(staff[k], "basic_pay") for k in ("physician", "nurse", "clerk")] == [
        "3000.00", "2400.00", "1800.00"]
    assert [pay_of(staff[k], "performance_pay") for k in ("physician", "nurse", "clerk")] == [
        "1776.00", "1600.00", "1424.00"]
    part = _line(physician, "performance_pay")["parts"][0]
    assert (part["pool"], part["per_point"]) == ("4800.00", "16")
    totals = {k: sum(Decimal(p["paid"]) for p in staff[k]["pay"])
              for k in ("physician", "nurse", "clerk")}
    assert totals == {"physician": Decimal("4776.00"), "nurse": Decimal("4000.00"),
                      "clerk": Decimal("3224.00")}


def test_e5_a_centre_in_deficit_pays_no_pool(cli) -> None:  # type: ignore[no-untyped-def]
    cli.ok("apply", str(FIXTURES / "e5" / "ningxiang.jsonl"))
    doctor = subjects(grades(cli, "2025-03"), "staff")["deficit-doctor"]
    pool = _line(doctor, "performance_pay")
    # R1 with AMB-33: 亏欠不发; the 40 % is shown withheld, the 60 % basic is still paid.
    assert (pool["paid"], pool["withheld"]) == ("0.00", "2000.00")
    assert pay_of(doctor, "basic_pay") == "3000.00"


def test_e6_overtime_allowance_case_a(cli) -> None:  # type: ignore[no-untyped-def]
    cli.ok("apply", str(FIXTURES / "e6" / "school.jsonl"))
    teachers = subjects(grades(cli, "2025"), "teacher")
    first = _line(teachers["school-a-t01"], "overtime_allowance")
    # R2: mean 600; 10 000 overtime lessons; 100 000 ÷ 10 000 = 10.00 a lesson (≥ 8).
    part = first["parts"][0]
    assert (part["mean"], part["counted_total"], part["rate"], part["floor_rate_applied"]) == (
        "600", "10000", "10", False)
    assert first["paid"] == "1000.00"
    assert pay_of(teachers["school-a-t12"], "overtime_allowance") == "0.00"  # below the mean
    paid = sum(Decimal(pay_of(t, "overtime_allowance")) for k, t in teachers.items()
               if k.startswith("school-a"))
    assert paid == Decimal("100000.00")


def test_e6_overtime_allowance_case_b_floor_and_reserve(cli) -> None:  # type: ignore[no-untyped-def]
    cli.ok("apply", str(FIXTURES / "e6" / "school.jsonl"))
    teachers = subjects(grades(cli, "2025"), "teacher")
    first = _line(teachers["school-b-t01"], "overtime_allowance")
    part = first["parts"][0]
    # 100 000 ÷ 15 000 = 6.67 < 8 → 8.00 (floor); 120 000 due, 20 000 from the reserve.
    assert (part["rate"], part["floor_rate_applied"], part["shortfall_from_reserve"]) == (
        "8", True, "20000.00")
    assert first["paid"] == "800.00"
    # R4 with AMB-18: the unused 80 000 of the reserve, split equally: 1 600 a teacher.
    school_b = [t for k, t in teachers.items() if k.startswith("school-b")]
    assert {pay_of(t, "reserve_leftover") for t in school_b} == {"1600.00"}
    assert sum(Decimal(pay_of(t, "overtime_allowance")) for t in school_b) == Decimal(
        "120000.00")
