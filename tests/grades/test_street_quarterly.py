"""Examples 6a and 6b of seeds-002.md §4 (S2-R07/R08, R11…R14, R18, R19) and the S2 row of
example 7: quarterly quotas per supervisor line and for the street, a proposal beyond the
quota rejected when the ranking is computed (not first-come at entry), and the annual
grade from the Q1–Q3 grades."""

from __future__ import annotations

import json

import pytest
from builders import cli_for
from gradebook import FIXTURES, grades, pipeline, subjects, write_jsonl


@pytest.fixture
def cli(store):  # type: ignore[no-untyped-def]
    return cli_for(store.backend, store.env)


def test_6a_quota_per_line_and_for_the_street(cli) -> None:  # type: ignore[no-untyped-def]
    cli.ok("apply", str(FIXTURES / "example-6" / "street-quotas.jsonl"))
    quotas = pipeline(grades(cli, "2025-Q1"), "quarterly")["quotas"]
    limits = {(q["scope"], q["scope_value"]): (q["headcount"], q["limit"]) for q in quotas}
    # ⌊0.4 × 7⌋ = 2; fewer than 3 → 1; ⌊0.4 × 14⌋ = 5; the street ⌊0.4 × 23⌋ = ⌊9.2⌋ = 9.
    assert limits == {("line", "L7"): (7, 2), ("line", "L2"): (2, 1), ("line", "L14"): (14, 5),
                      (None, None): (23, 9)}
    assert next(q for q in quotas if q["scope_value"] == "L7")["used"] == 2


def _third(tmp_path, subject: str):  # type: ignore[no-untyped-def]
    return write_jsonl(tmp_path / f"third-{subject}.jsonl", [{
        "type": "propose_grade", "subject_id": subject, "grading_period": "2025-Q1",
        "rulebook": "shaping-street-quarterly", "pipeline": "quarterly", "grade": "excellent"}])


def test_6a_a_third_excellent_proposal_in_a_line_of_seven_is_rejected_by_the_ranking(  # type: ignore[no-untyped-def]
        cli, tmp_path) -> None:
    """Issue 15 item 4: the quota is decided when the ranking is computed, not first-come
    at entry. The third 优秀 proposal in the line of 7 is recorded, and the quota of 2
    rejects the lowest-ranked of the three, with the rule and the holders named."""
    cli.ok("apply", str(FIXTURES / "example-6" / "street-quotas.jsonl"))
    cli.ok("apply", str(_third(tmp_path, "L7-03")))
    quarterly = pipeline(grades(cli, "2025-Q1"), "quarterly")
    [line] = [q for q in quarterly["quotas"] if q["scope_value"] == "L7"]
    assert (line["limit"], line["used"]) == (2, 2)
    [rejected] = line["demoted"]
    assert [r["subject_id"] for r in line["ranked"]][-1] == rejected
    people = {s["subject_id"]: s for s in quarterly["subjects"]}
    assert sum(people[s]["grade"] == "excellent" for s in people if s.startswith("L7")) == 2
    [step] = [s for s in people[rejected]["steps"] if s["stage"] == "quota"]
    assert (step["from"], step["to"], step["rule"]) == ("excellent", "competent", "S2-R07")
    assert "floor(0.4 × 7) = 2" in step["reason"]
    assert f"the place(s) went to {line['kept'][0]}" in step["reason"]


def test_6a_a_later_entry_can_take_the_place_of_an_earlier_proposal(  # type: ignore[no-untyped-def]
        cli, tmp_path) -> None:
    cli.ok("apply", str(FIXTURES / "example-6" / "street-quotas.jsonl"))
    cli.ok("apply", str(_third(tmp_path, "L7-07")))  # the lowest total of the line
    before = pipeline(grades(cli, "2025-Q1"), "quarterly")
    [line] = [q for q in before["quotas"] if q["scope_value"] == "L7"]
    assert line["demoted"] == ["L7-07"]
    # A later entry raises L7-07's supervisor mark: the ranking gives it a place, and the
    # proposal that held it before is the one the quota now rejects, saying why.
    events = [json.loads(x) for x in
              cli.ok("events", "--json", "--limit", "100000").out.splitlines()]
    [mark] = [e for e in events if e["type"] == "GradeInputRecorded"
              and e["subject_id"] == "L7-07" and e["component"] == "supervisor"]
    cli.ok("apply", str(write_jsonl(tmp_path / "raise.jsonl", [{
        "type": "record_grade_input", "subject_id": "L7-07", "grading_period": "2025-Q1",
        "component": "supervisor", "value": "100", "supersedes": mark["originator_id"],
        "reason": "评分更正"}])))
    after = pipeline(grades(cli, "2025-Q1"), "quarterly")
    [line] = [q for q in after["quotas"] if q["scope_value"] == "L7"]
    assert "L7-07" in line["kept"]
    [rejected] = line["demoted"]
    assert rejected != "L7-07"
    people = {s["subject_id"]: s for s in after["subjects"]}
    [step] = [s for s in people[rejected]["steps"] if s["stage"] == "quota"]
    assert "L7-07" in step["reason"]  # the place went to the later entry


def test_6b_annual_grade_from_the_quarterly_grades(cli) -> None:  # type: ignore[no-untyped-def]
    cli.ok("apply", str(FIXTURES / "example-6" / "street-annual.jsonl"))
    annual = subjects(grades(cli, "2025"), "annual")
    outcome = {k: (s["grade"], s["ceiling"]) for k, s in annual.items()}
    assert outcome == {
        "row1": (None, None),            # 优秀, 称职, 称职: 优秀 allowed, the meeting decides
        "row2": (None, "competent"),     # no quarterly 优秀 (S2-R11)
        "row3": (None, "competent"),     # one 基本称职 (S2-R12)
        "row4": ("basic", "competent"),  # two 基本称职 (S2-R13)
        "row5": ("basic", None),         # one 不称职 (S2-R13)
        "row6": ("incompetent", "competent"),  # three 基本称职 (S2-R14)
        "row7": ("incompetent", None),   # two 不称职 (S2-R14)
        "row8": ("incompetent", "competent"),  # refused to file materials (S2-R19)
        "row9": (None, "competent"),     # the Q2 基本称职 was not assessed (> 50 % leave)
    }
    assert annual["row1"]["status"] == "pending"
    rules = {k: [s["rule"] for s in annual[k]["steps"] if s["stage"] == "forced"]
             for k in ("row4", "row5", "row6", "row7", "row8")}
    assert rules == {"row4": ["S2-R13"], "row5": ["S2-R13"], "row6": ["S2-R14"],
                     "row7": ["S2-R14"], "row8": ["S2-R19"]}
    q2 = subjects(grades(cli, "2025-Q2"), "quarterly")["row9"]
    assert q2["status"] == "not_assessed"
    assert q2["steps"][0]["rule"] == "S2-R18"


def test_6b_the_meeting_decides_within_the_ceiling(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli.ok("apply", str(FIXTURES / "example-6" / "street-annual.jsonl"))
    rows = [{"type": "propose_grade", "subject_id": who, "grading_period": "2025",
             "rulebook": "shaping-street-quarterly", "pipeline": "annual", "grade": "excellent"}
            for who in ("row1", "row3")]
    cli.ok("apply", str(write_jsonl(tmp_path / "meeting.jsonl", rows)))
    annual = subjects(grades(cli, "2025"), "annual")
    assert annual["row1"]["grade"] == "excellent"
    assert annual["row3"]["grade"] == "competent"  # capped by S2-R12


def test_example_7_street_quarterly_total(cli) -> None:  # type: ignore[no-untyped-def]
    cli.ok("apply", str(FIXTURES / "example-6" / "street-annual.jsonl"))
    row1 = subjects(grades(cli, "2025-Q1"), "quarterly")["row1"]
    assert row1["score"] == "88"  # 85 × 40 % + 90 × 60 % = 34 + 54 (S2-R06…R08)
