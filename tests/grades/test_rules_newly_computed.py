"""Catalogue rules that were neither computed nor declared, now computed by the shipped
scheme data, through `jixiao apply` and `jixiao grades`: ST SAN-12/ESC-09 (a violation
from unfamiliarity: a week's study the first time, a reassignment the second), HR
OTH-01…OTH-03 (the three health-record rates), 004-S2-R7 (1 % of the government subsidy
to the reward fund), 004-S8-R10 (the county's top three named), S4-R03/R06/R07 (the
R&D bonus) and S15-R02/R05/R06/R07 (a school's year settled against the issued total).
The rules' arithmetic is the seed's; the scheme data is what is under test. SQLite only:
nothing here is about storage."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from builders import Cli, cli_for
from gradebook import FIXTURES, grades, pay_of, subjects, write_jsonl


@pytest.fixture
def cli(sqlite_env: dict[str, str]) -> Cli:
    return cli_for("sqlite", sqlite_env)


def _unit(subject_id: str, on: str = "2025-01-01") -> dict[str, Any]:
    return {"type": "enrol_subject", "subject_id": subject_id, "name": subject_id,
            "kind": "unit", "enrolled_on": on}


def _input(subject_id: str, period: str, component: str, value: str) -> dict[str, Any]:
    return {"type": "record_grade_input", "subject_id": subject_id, "grading_period": period,
            "component": component, "value": value}


def _derived(report: dict[str, Any]) -> list[tuple[str, str, str, str, str]]:
    return sorted((d["subject_id"], d["kind"], d["on"], d["status"], d["rule"])
                  for d in report["derived"])


def test_unfamiliarity_first_a_week_of_study_then_a_reassignment(cli: Cli, tmp_path: Path) -> None:
    def finding(subject_id: str, on: str) -> dict[str, Any]:
        return {"type": "record_complaint", "subject_id": subject_id,
                "kind": "unfamiliarity_violation", "received_on": on, "verified": True}

    rows = [{"type": "adopt_scheme", "scheme": "street-office-efficiency"}, _unit("office"),
            *({"type": "enrol_subject", "subject_id": s, "name": s, "unit_id": "office",
               "enrolled_on": "2025-01-01"} for s in ("A", "B")),
            finding("A", "2025-02-10"),
            {"type": "record_sanction", "subject_id": "A", "kind": "study_leave",
             "decided_on": "2025-02-12"},
            finding("A", "2025-06-03"), finding("B", "2025-06-20")]
    cli.ok("apply", str(write_jsonl(tmp_path / "st.jsonl", rows)))
    assert _derived(grades(cli, "2025-02")) == [
        ("A", "study_leave_required", "2025-02-10", "discharged", "SAN-12")]
    # A's second finding: reassign (open until recorded); B's first: a week of study.
    assert _derived(grades(cli, "2025-06")) == [
        ("A", "reassignment_required", "2025-06-03", "open", "ESC-09"),
        ("B", "study_leave_required", "2025-06-20", "open", "SAN-12")]


def test_the_three_health_record_rates(cli: Cli, tmp_path: Path) -> None:
    counts = {"residents": "8000", "people_with_records": "6400", "records_sampled": "200",
              "records_qualified": "180", "records_dynamic": "130"}
    rows = [{"type": "adopt_scheme", "scheme": "community-health-records"}, _unit("centre"),
            *(_input("centre", "2025", k, v) for k, v in counts.items())]
    cli.ok("apply", str(write_jsonl(tmp_path / "hr.jsonl", rows)))
    figures = subjects(grades(cli, "2025"), "annual")["centre"]["figures"]
    # 6400/8000, 180/200, 130/200, each × 100 %.
    assert (figures["creation_rate"], figures["qualification_rate"],
            figures["usage_rate"]) == ("80", "90", "65")


def test_one_percent_of_the_government_subsidy_goes_to_the_reward_fund(
        cli: Cli, tmp_path: Path) -> None:
    rows = [{"type": "record_pay_base", "subject_id": "centre", "grading_period": "2025",
             "component": "government_subsidy_cny", "amount_cny": "3456789.00"}]
    cli.ok("apply", str(FIXTURES / "e4" / "dongkou.jsonl"))
    cli.ok("apply", str(write_jsonl(tmp_path / "subsidy.jsonl", rows)))
    centres = subjects(grades(cli, "2025"), "annual")
    assert centres["centre"]["figures"]["reward_fund_cny"] == "34567.89"
    assert "reward_fund_cny" not in centres["centre-64"]["figures"]  # no subsidy recorded


def test_the_top_three_centres_of_the_county_are_named(cli: Cli, tmp_path: Path) -> None:
    totals = {"c1": "900", "c2": "850", "c3": "850", "c4": "810", "c5": "700"}
    rows = [{"type": "adopt_scheme", "scheme": "wannian-health-centres"},
            *(_unit(c, "2024-01-01") for c in totals)]
    for centre, total in totals.items():
        rows += [_input(centre, "2025", "july_total", total),
                 _input(centre, "2025", "december_total", total)]
        for item in ("public_health", "essential_drugs", "basic_medical"):
            rows += [_input(centre, "2025", f"item_{item}", "300"),
                     _input(centre, "2025", f"item_{item}_max", "300")]
    cli.ok("apply", str(write_jsonl(tmp_path / "wannian.jsonl", rows)))
    centres = subjects(grades(cli, "2025"), "annual")
    named = sorted(c for c, s in centres.items()
                   if "004-S8-R10" in [x["rule"] for x in s["consequences"]])
    assert named == ["c1", "c2", "c3"]  # c2 and c3 share the second place; c4 is fourth


def test_the_r_and_d_bonus_is_the_project_bonus_by_coefficient_and_a_tenth_of_base_a_quarter(
        cli: Cli, tmp_path: Path) -> None:
    def base(period: str, component: str, amount: str) -> dict[str, Any]:
        return {"type": "record_pay_base", "subject_id": "eng", "grading_period": period,
                "component": component, "amount_cny": amount}

    rows = [{"type": "adopt_scheme", "scheme": "rd-engineers"},
            {"type": "enrol_subject", "subject_id": "eng", "name": "eng", "kind": "person",
             "enrolled_on": "2025-01-01", "scopes": {"level": "engineer_a"}},
            _input("eng", "2025", "achieved_points", "8100"),  # 135 % of 6000 → A, 1.2
            base("2025", "full_project_bonus_cny", "20000.00"),
            base("2025-Q2", "monthly_base_cny", "8500.00")]
    cli.ok("apply", str(write_jsonl(tmp_path / "rd.jsonl", rows)))
    eng = subjects(grades(cli, "2025", "--scheme", "rd-engineers"), "annual")["eng"]
    assert eng["grade"] == "A"
    assert pay_of(eng, "project_bonus") == "24000.00"
    quarter = subjects(grades(cli, "2025-Q2", "--scheme", "rd-engineers"), "quarterly")["eng"]
    assert pay_of(quarter, "quarterly_bonus") == "850.00"


def test_a_school_year_is_settled_against_the_issued_total(cli: Cli, tmp_path: Path) -> None:
    amounts = {"issued_total_cny": "1000000.00", "admin_allowances_cny": "100000.00",
               "class_teacher_allowances_cny": "60000.00", "evaluation_paid_cny": "740000.00",
               "other_items_paid_cny": "70000.00"}
    rows = [{"type": "adopt_scheme", "scheme": "school-incentive-pay"}, _unit("school"),
            *({"type": "record_pay_base", "subject_id": "school", "grading_period": "2025",
               "component": k, "amount_cny": v} for k, v in amounts.items()),
            _input("school", "2025", "performance_heads", "50")]
    cli.ok("apply", str(write_jsonl(tmp_path / "school.jsonl", rows)))
    figures = subjects(grades(cli, "2025", "--scheme", "school-incentive-pay"),
                       "school_year")["school"]["figures"]
    # 8 % of 1 000 000; 1 000 000 − 100 000 − 60 000 − 80 000; (80 000 − 70 000) ÷ 50;
    # (760 000 − 740 000) ÷ 50.
    assert (figures["principal_fund_cny"], figures["evaluation_fund_cny"],
            figures["other_surplus_per_head_cny"], figures["leftover_per_head_cny"]) == (
        "80000", "760000", "200", "400")
