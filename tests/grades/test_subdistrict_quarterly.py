"""E2 of seeds-003-004.md §6 (004-S18-R5…R19): sub-district quarterly scores, the quota
cascade, grade bonuses and the annual roll-up, through `jixiao apply` and `jixiao grades`
on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from builders import cli_for
from gradebook import (
    FIXTURES,
    explain,
    grade_map,
    grades,
    pay_of,
    pipeline,
    stages,
    subjects,
    write_jsonl,
)


@pytest.fixture
def cli(store):  # type: ignore[no-untyped-def]
    return cli_for(store.backend, store.env)


def test_e2_scores_quotas_cascade_and_bonuses(cli) -> None:  # type: ignore[no-untyped-def]
    cli.ok("apply", str(FIXTURES / "e2" / "quarter.jsonl"))
    report = grades(cli, "2025-Q1")
    people = subjects(report, "quarterly")
    # R5…R8: 0.6 × (routine + key + attendance + adjustment) + 0.4 × leader score by rank.
    assert {k: p["score"] for k, p in people.items() if k != "R"} == {
        "A": "91.2", "E": "92", "F": "90.6", "B": "80.6", "G": "76", "C": "70", "H": "58",
        "D": "79.6"}
    assert people["C"]["figures"]["attendance"] == "0"  # ≥ 10 lates
    assert people["H"]["figures"]["attendance"] == "0"  # 10 − 5 − 5
    # R12: D's three days of absence force 不称职 whatever the score; F and G cascade down.
    assert grade_map(report, "quarterly") == {
        "A": "excellent", "E": "excellent", "F": "good", "B": "good", "G": "competent",
        "C": "competent", "H": "incompetent", "D": "incompetent", "R": None}
    assert ("forced", None, "incompetent", "004-S18-R12") in stages(people["D"])
    assert [s[:3] for s in stages(people["F"]) if s[0] == "quota"] == [
        ("quota", "excellent", "good")]
    quotas = {q["grade"]: q for q in pipeline(report, "quarterly")["quotas"]}
    assert quotas["excellent"]["limit"] == 2
    assert quotas["excellent"]["demoted"] == ["F"]
    assert quotas["excellent"]["kept"] == ["E", "A"]
    assert quotas["good"]["formula"] == "floor(0.3 × 8) = 2"
    # F, cascaded from 优秀, outranks B and G for the two 良好 places.
    assert [r["subject_id"] for r in quotas["good"]["ranked"]] == ["F", "B", "G"]
    assert quotas["good"]["demoted"] == ["G"]
    # R17 with AMB-25: 2 100 / 1 800 / 1 500 / 0; 10 800 for the eight.
    bonus = {k: pay_of(p, "quarterly_bonus") for k, p in people.items()}
    assert bonus == {"E": "2100.00", "A": "2100.00", "F": "1800.00", "B": "1800.00",
                     "G": "1500.00", "C": "1500.00", "H": "0.00", "D": "0.00", "R": "1000.00"}
    # R10: retiring after two months of the quarter, 1 500 × 2/3.
    assert people["R"]["status"] == "not_assessed"
    assert report["pay"]["paid"] == "11800.00"
    assert report["pay"]["reconciliation"]["balance"] == "0.00"


def test_e2_explain_names_every_input_rule_and_entry(cli) -> None:  # type: ignore[no-untyped-def]
    cli.ok("apply", str(FIXTURES / "e2" / "quarter.jsonl"))
    result = explain(cli, "2025-Q1", "F")["results"][0]
    [tree] = result["figure_trees"]
    assert tree["value"] == "90.6"
    assert tree["rule"] == "004-S18-R8"
    assert tree["source"] == "004_deb0a29d71ec55ac.txt:L1091"
    leader = next(c for c in tree["because"] if c["label"].startswith("党政领导"))
    assert leader["literals"] == {"leader_rank": "2", "scope_size": "8"}
    assert leader["default"] == "AMB-24"
    assert len(leader["events"]) == 1
    quota = next(s for s in result["steps"] if s["stage"] == "quota")
    assert "floor(0.25 × 8) = 2; ranked 3 of 3 by total 90.6" in quota["reason"]


def _quarter_rows(person: str, quarter: int, grade: str, rank: int) -> list[dict[str, object]]:
    """Inputs that land `person` in `grade` in a category of 12 (ranks 1-3 score 90)."""
    routine, key = {"excellent": (50, 40), "good": (40, 30), "competent": (30, 20),
                    "incompetent": (15, 15)}[grade]
    period = f"2025-Q{quarter}"
    return [{"type": "record_grade_input", "subject_id": person, "grading_period": period,
             "component": c, "value": str(v)}
            for c, v in (("routine", routine), ("key", key), ("leader_rank", rank))]


def test_e2_annual_roll_up_from_quarterly_grades(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    rows: list[dict[str, object]] = [{"type": "adopt_scheme",
                                      "scheme": "meiling-subdistrict-quarterly"}]
    plan = {  # R18: the quarters of X, Y and Z; nine others are 称职 throughout.
        "X": ["excellent", "excellent", "excellent", "good"],
        "Y": ["competent", "incompetent", "good", "incompetent"],
        "Z": ["good", "incompetent", "competent", "competent"],
        **{f"P{n:02d}": ["competent"] * 4 for n in range(1, 10)}}
    for person in sorted(plan):
        rows.append({"type": "enrol_subject", "subject_id": person, "name": person,
                     "scopes": {"category": "general"}, "enrolled_on": "2025-01-01"})
    for person, quarters in sorted(plan.items()):
        for quarter, grade in enumerate(quarters, start=1):
            rank = 1 if grade == "excellent" else 12
            rows += _quarter_rows(person, quarter, grade, rank)
    cli.ok("apply", str(write_jsonl(tmp_path / "year.jsonl", rows)))
    for quarter, expected in enumerate(zip(*(plan[p] for p in "XYZ"), strict=True), start=1):
        got = grade_map(grades(cli, f"2025-Q{quarter}"), "quarterly")
        assert (got["X"], got["Y"], got["Z"]) == expected
    annual = subjects(grades(cli, "2025"), "annual")
    # 3 quarterly 优秀 → may go straight to annual 优秀 (within the unit's quota).
    assert annual["X"]["status"] == "pending"
    assert annual["X"]["ceiling"] is None
    assert any("直接确定为年度考核优秀" in c["effect"] for c in annual["X"]["consequences"])
    # 2 × 不称职 → annual 不称职, then 待岗 (R19); exactly 1 → 基本称职.
    assert annual["Y"]["grade"] == "incompetent"
    assert any("待岗" in c["effect"] for c in annual["Y"]["consequences"])
    assert annual["Z"]["grade"] == "basic"
    # No quarterly 优秀 → the annual grade is chosen from below 优秀.
    assert annual["P01"]["ceiling"] == "competent"
    assert annual["X"]["figures"]["quarterly_excellent"] == "3"
