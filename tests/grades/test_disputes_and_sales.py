"""Examples 5 and 8 of seeds-002.md §4 through `jixiao apply` and `jixiao grades`, on
SQLite and PostgreSQL: the medical-dispute liability bands and role splits (scheme 13,
S13-R33…R43) and the salesperson's monthly pay and year-end pool (scheme 16)."""

from __future__ import annotations

import pytest
from builders import cli_for
from gradebook import FIXTURES, grades, subjects, write_jsonl


@pytest.fixture
def cli(store):  # type: ignore[no-untyped-def]
    return cli_for(store.backend, store.env)


def _disputes(cli) -> dict:  # type: ignore[no-untyped-def,type-arg]
    cli.ok("apply", str(FIXTURES / "example-5" / "disputes.jsonl"))
    return grades(cli, "2025")


# (staff total, responsible 65 %, team leader 25 %, director 10 %) of Example 5's table.
EXAMPLE_5 = {
    "D1": ("1200", "780", "300", "120"),
    "D1b": ("1500", "975", "375", "150"),
    "D2": ("3000", "1950", "750", "300"),
    "D3": ("6500", "4225", "1625", "650"),
    "D4": ("4000", "2600", "1000", "400"),
    "D5": ("9900", "6435", "2475", "990"),
    "D6": ("19500", "12675", "4875", "1950"),
}


def test_example_5_liability_bands_and_the_65_25_10_split(cli) -> None:  # type: ignore[no-untyped-def]
    cases = subjects(_disputes(cli), "dispute")
    for case, expected in EXAMPLE_5.items():
        f = cases[case]["figures"]
        got = (f["staff_total"], f["responsible_share"], f["team_leader_share"],
               f["director_share"])
        assert got == expected, case


def test_example_5_non_bed_nursing_and_full_liability(cli) -> None:  # type: ignore[no-untyped-def]
    cases = subjects(_disputes(cli), "dispute")
    radiology, nursing = cases["D2-radiology"]["figures"], cases["D2-nursing"]["figures"]
    assert (radiology["responsible_share"], radiology["director_share"]) == ("2550", "450")
    assert "team_leader_share" not in radiology
    assert (nursing["responsible_share"], nursing["head_nurse_share"]) == ("2550", "450")
    assert cases["D7"]["figures"]["responsible_share"] == "40000"  # S13-R41


def test_example_5_consequences(cli) -> None:  # type: ignore[no-untyped-def]
    report = _disputes(cli)
    cases = subjects(report, "dispute")

    def rules(case: str) -> list[str]:
        return [c["rule"] for c in cases[case]["consequences"]]
    assert rules("D1") == rules("D1b") == rules("D4") == []
    assert rules("D2") == ["S13-R33"]
    assert "评先评优" in cases["D2"]["consequences"][0]["effect"]
    assert "不合格" in cases["D3"]["consequences"][0]["effect"]
    assert "不合格" in cases["D5"]["consequences"][0]["effect"]
    assert "S13-R43" in rules("D6")  # ≥ 500 000: the dept head's 院内记过
    d8 = subjects(report, "responsible_person")["doctor-d8"]
    assert [c["rule"] for c in d8["consequences"]] == ["S13-R39"]
    d9 = subjects(report, "department")["dept-d9"]
    assert [c["rule"] for c in d9["consequences"]] == ["S13-R40"]


def test_example_5_top_band_rate_outside_its_range_blocks_the_case(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli.ok("apply", str(FIXTURES / "example-5" / "disputes.jsonl"))
    case = {"type": "record_grade_input", "subject_id": "D3-5pc", "grading_period": "2025"}
    cli.ok("apply", str(write_jsonl(tmp_path / "rate.jsonl", [
        {"type": "enrol_subject", "subject_id": "D3-5pc", "name": "D3 at 5 %", "kind": "unit",
         "scopes": {"entity": "dispute", "dept_type": "clinical"}, "enrolled_on": "2025-01-01"},
        {**case, "component": "compensation_cny", "value": "150000"},
        {**case, "component": "avoidable", "value": "0"},
        {**case, "component": "top_rate", "value": "0.05"}])))
    d3 = subjects(grades(cli, "2025"), "dispute")["D3-5pc"]
    assert d3["status"] == "blocked"
    assert any("1%–2%" in p for p in d3["problems"])


def test_example_5_explanation_quotes_the_bands(cli) -> None:  # type: ignore[no-untyped-def]
    _disputes(cli)
    text = cli.ok("grades", "explain", "--period", "2025", "--subject", "D3").out
    assert "10000 × 15% + 10000 × 10% + 30000 × 5% + 50000 × 3% + 50000 × 2%" in text


def _pay(subject: dict, line: str) -> dict:  # type: ignore[type-arg]
    return next(p for p in subject["pay"] if p["id"] == line)  # type: ignore[no-any-return]


def test_example_8a_monthly_pay(cli) -> None:  # type: ignore[no-untyped-def]
    cli.ok("apply", str(FIXTURES / "example-8" / "monthly.jsonl"))
    people = subjects(grades(cli, "2025-03"), "monthly")
    assert people["S-80"]["figures"]["hard_target"] == "9600"
    assert _pay(people["S-80"], "monthly_pay")["paid"] == "13100.00"
    assert people["S-120"]["figures"]["hard_target"] == "21600"  # no cap (A-S16-1)


def test_example_8b_year_end_pool_by_wages_with_tenure_reduction(cli) -> None:  # type: ignore[no-untyped-def]
    cli.ok("apply", str(FIXTURES / "example-8" / "year-end.jsonl"))
    report = grades(cli, "2025")
    assert subjects(report, "company")["company"]["figures"]["pool"] == "50000"
    people = subjects(report, "year_end")
    paid = {k: _pay(v, "year_end_bonus")["paid"] for k, v in people.items()}
    assert paid == {"E1": "20000.00", "E2": "16000.00", "E3": "12000.00", "E4": "1800.00"}


def _adjust(cli, tmp_path, shares: dict[str, str]) -> dict:  # type: ignore[no-untyped-def,type-arg]
    cli.ok("apply", str(FIXTURES / "example-8" / "year-end.jsonl"))
    cli.ok("apply", str(write_jsonl(tmp_path / "adjust.jsonl", [
        {"type": "record_grade_input", "subject_id": who, "grading_period": "2025",
         "component": "adjustment_share", "value": share} for who, share in shares.items()])))
    return subjects(grades(cli, "2025"), "year_end")


def test_example_8c_adjustment_over_the_pool_is_refused(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    people = _adjust(cli, tmp_path, {"E1": "0.10"})
    assert {p["status"] for p in people.values()} == {"blocked"}
    assert "51800" in people["E2"]["problems"][0]


def test_example_8c_adjustment_beyond_20_percent_is_refused(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    people = _adjust(cli, tmp_path, {"E1": "0.25"})
    assert people["E1"]["status"] == "blocked"
    assert "±20%" in people["E1"]["problems"][0]


def test_example_8c_adjustments_within_the_pool_are_accepted(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    people = _adjust(cli, tmp_path, {"E1": "0.10", "E3": "-0.20"})
    paid = {k: _pay(v, "year_end_bonus")["paid"] for k, v in people.items()}
    assert paid == {"E1": "22000.00", "E2": "16000.00", "E3": "9600.00", "E4": "1800.00"}


def test_example_8b_explanation_shows_the_pool_and_the_tenure_factor(cli) -> None:  # type: ignore[no-untyped-def]
    cli.ok("apply", str(FIXTURES / "example-8" / "year-end.jsonl"))
    text = cli.ok("grades", "explain", "--period", "2025", "--subject", "E4").out
    # a whole number of fen written short ("1800") is money as paid, not "≈" an amount
    assert "个人当年应得奖金 = ¥1,800.00  [" in text
    assert "value of a point = 0.2" in text
    assert "within ±20%, adjusted total ≤ pool" in text
    assert "工作时间调整系数 (不足3个月的,每少1个月递减10%) = 0.9" in text
