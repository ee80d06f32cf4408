"""Examples 6c, 6d and 6e of seeds-002.md §4 (S13-R11/R12, R19…R26) and the risk-award rows
of example 7 (S13-R47): monthly scores to the annual grade, the ethics grade, department
heads from their department's months, three meeting absences per 院内记过."""

from __future__ import annotations

import pytest
from builders import cli_for
from gradebook import FIXTURES, explain, grade_map, grades, pay_of, subjects


@pytest.fixture
def report(store):  # type: ignore[no-untyped-def]
    cli = cli_for(store.backend, store.env)
    cli.ok("apply", str(FIXTURES / "example-6" / "hospital.jsonl"))
    return grades(cli, "2025")


def test_6c_monthly_scores_to_the_annual_grade(report) -> None:  # type: ignore[no-untyped-def]
    annual = subjects(report, "annual")
    outcome = {k: (annual[k]["grade"], annual[k]["ceiling"]) for k in (
        "all-85", "one-58", "55-and-59", "one-80", "72-and-84", "one-65", "veto")}
    assert outcome == {
        "all-85": (None, None),             # no restriction: the committee decides
        "one-58": ("basic", None),          # S13-R19
        "55-and-59": ("unqualified", None),  # S13-R19
        "one-80": (None, "qualified"),      # S13-R20: not 优秀
        "72-and-84": ("basic", "qualified"),  # S13-R20, two months (A-S13-8)
        "one-65": (None, "qualified"),      # A-S13-1: 60–69 is treated like 70–84
        "veto": ("unqualified", None),      # S13-R21
    }
    assert annual["one-65"]["steps"][-1]["default"] == "A-S13-1"


def test_6c_6d_a_veto_makes_the_ethics_grade_poor(report) -> None:  # type: ignore[no-untyped-def]
    ethics = grade_map(report, "ethics")
    assert {k: ethics[k] for k in ("e-92-0", "e-92-5", "e-85-20", "e-95-35", "veto")} == {
        "e-92-0": "excellent", "e-92-5": "good", "e-85-20": "fair", "e-95-35": "poor",
        "veto": "poor"}
    people = subjects(report, "ethics")
    assert [c["rule"] for c in people["e-85-20"]["consequences"]] == ["S13-R23"]
    assert "延迟一年" in people["e-85-20"]["consequences"][0]["effect"]
    assert "延迟2年" in people["e-95-35"]["consequences"][0]["effect"]
    # S13-R23: ethics 较差 → annual 不合格.
    assert grade_map(report, "annual")["e-95-35"] == "unqualified"


def test_6e_department_heads(report) -> None:  # type: ignore[no-untyped-def]
    heads = subjects(report, "head")
    assert (heads["H1"]["grade"], heads["H1"]["ceiling"]) == (None, "qualified")  # S13-R24
    assert heads["H1"]["figures"]["unit_months_below_60"] == "1"
    assert heads["H2"]["grade"] == "basic"  # months at 70 and 65 (S13-R25)
    assert heads["H3"]["grade"] == "basic"  # three 院内记过 (S13-R26)
    assert heads["H3"]["figures"]["demerits"] == "3"
    assert any("取消6个月" in c["effect"] for c in heads["H3"]["consequences"])
    # S13-R11: 3 × 3 unexcused meeting absences → three derived 院内记过, each naming its 3.
    demerits = [d for d in report["derived"] if d["subject_id"] == "H3"]
    assert [(d["kind"], d["on"], len(d["triggers"])) for d in demerits] == [
        ("internal_demerit", "2025-02-03", 3), ("internal_demerit", "2025-04-07", 3),
        ("internal_demerit", "2025-07-07", 3)]
    assert demerits[0]["rule"] == "S13-R11"


def test_example_7_risk_award(report) -> None:  # type: ignore[no-untyped-def]
    wards = subjects(report, "risk_award")
    assert {k: pay_of(wards[k], "risk_award") for k in ("R-12", "R-20", "R-4.9",
                                                       "R-25-dispute")} == {
        "R-12": "6000.00", "R-20": "12000.00", "R-4.9": "0.00", "R-25-dispute": "0.00"}


def test_6c_explain_names_the_months_counted(store) -> None:  # type: ignore[no-untyped-def]
    cli = cli_for(store.backend, store.env)
    cli.ok("apply", str(FIXTURES / "example-6" / "hospital.jsonl"))
    annual = next(r for r in explain(cli, "2025", "55-and-59")["results"]
                  if r["pipeline"] == "annual")
    below = next(t for t in annual["figure_trees"] if t["label"] == "得分在60分以下的月数")
    assert below["value"] == "2"
    assert below["literals"] == {"count_where(monthly, score < 60)": "2: 2025-02, 2025-09"}
    assert len(below["events"]) == 12  # every monthly score read
