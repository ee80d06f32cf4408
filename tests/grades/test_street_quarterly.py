"""Examples 6a and 6b of seeds-002.md §4 (S2-R07/R08, R11…R14, R18, R19) and the S2 row of
example 7: quarterly quotas per supervisor line and for the street, a proposal beyond the
quota of the subjects known at entry rejected (QuotaExceeded), the quota decided again
when the ranking is computed over every subject then known, and the annual grade from
the Q1–Q3 grades."""

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


def test_6a_a_third_excellent_proposal_in_a_line_of_seven_is_rejected_at_entry(  # type: ignore[no-untyped-def]
        cli, tmp_path) -> None:
    """Worked example 6a: the 3rd 优秀 proposal in the line of 7 is rejected
    (QuotaExceeded) against the subjects known at entry, naming the row, the field, the
    quota and who holds its places; nothing is written."""
    cli.ok("apply", str(FIXTURES / "example-6" / "street-quotas.jsonl"))
    count = cli.event_count()
    run = cli("apply", str(_third(tmp_path, "L7-03")))
    assert run.code == 2
    assert "nothing was written" in run.err
    assert "line 1: grade: QuotaExceeded" in run.err
    assert "floor(0.4 × 7) = 2" in run.err
    assert "（L7-01, L7-02）" in run.err
    assert "S2-R07" in run.err
    assert cli.event_count() == count
    [line] = [q for q in pipeline(grades(cli, "2025-Q1"), "quarterly")["quotas"]
              if q["scope_value"] == "L7"]
    assert (line["limit"], line["kept"], line["demoted"]) == (2, ["L7-01", "L7-02"], [])


def _entry_of(cli, subject: str, component: str) -> str:  # type: ignore[no-untyped-def]
    events = [json.loads(x) for x in
              cli.ok("events", "--json", "--limit", "100000").out.splitlines()]
    marks = [e for e in events if e["type"] == "GradeInputRecorded"
             and e["subject_id"] == subject and e["component"] == component]
    return str(marks[-1]["originator_id"])  # the latest, which a correction supersedes


def _input(subject: str, component: str, value: str, **extra: str) -> dict[str, str]:
    return {"type": "record_grade_input", "subject_id": subject, "grading_period": "2025-Q1",
            "component": component, "value": value, **extra}


def _line_l7(cli):  # type: ignore[no-untyped-def]
    report = cli.ok("grades", "--period", "2025-Q1", "--json", "--figures").json()
    quarterly = pipeline(report, "quarterly")
    [line] = [q for q in quarterly["quotas"] if q["scope_value"] == "L7"]
    return line, {s["subject_id"]: s for s in quarterly["subjects"]}, quarterly["figures"]


def _quota_step(person: dict) -> dict:  # type: ignore[type-arg]
    [step] = [s for s in person["steps"] if s["stage"] == "quota"]
    return step  # type: ignore[no-any-return]


def test_6a_a_later_entry_shrinks_the_base_and_the_ranking_decides_who_keeps_the_place(  # type: ignore[no-untyped-def]
        cli, tmp_path) -> None:
    """Issue 15 item 4: both proposals of the line of 7 fit at entry; later entries put
    three members on long leave (not assessed, S2-R18), so N = 4 when the ranking is
    computed and one place is left: the better total keeps it and the explanation of the
    other names the quota over N = 4, who is not counted and who holds the place. A later
    correction of a mark then moves the place; a tie waits for the recorded tie-break."""
    cli.ok("apply", str(FIXTURES / "example-6" / "street-quotas.jsonl"))
    cli.ok("apply", str(write_jsonl(tmp_path / "leave.jsonl", [
        _input(who, "leave_days", "60") for who in ("L7-05", "L7-06", "L7-07")])))
    line, people, figures = _line_l7(cli)
    assert (line["headcount"], line["limit"], line["formula"]) == (4, 1, "floor(0.4 × 4) = 1")
    assert [(r["subject_id"], r["score"]) for r in line["ranked"]] == [
        ("L7-01", "86"), ("L7-02", "85.8")]
    assert (line["kept"], line["demoted"]) == (["L7-01"], ["L7-02"])
    assert line["not_counted"] == [{"subject_id": f"L7-0{n}", "status": "not_assessed"}
                                   for n in (5, 6, 7)]
    assert {k: figures[f"quota:excellent:L7:{k}"] for k in ("base", "slots", "used", "demoted")} \
        == {"base": "4", "slots": "1", "used": "1", "demoted": "1"}
    step = _quota_step(people["L7-02"])
    assert (step["from"], step["to"], step["rule"]) == ("excellent", "competent", "S2-R07")
    assert "floor(0.4 × 4) = 1; ranked 2 of 2 by total 85.8; the place(s) went to L7-01 " \
        "(86); cascades down one grade; not counted in N: L7-05 not assessed, L7-06 not " \
        "assessed, L7-07 not assessed" in step["reason"]
    # A later correction raises L7-02's supervisor mark: the place moves, saying why.
    cli.ok("apply", str(write_jsonl(tmp_path / "raise.jsonl", [_input(
        "L7-02", "supervisor", "100", supersedes=_entry_of(cli, "L7-02", "supervisor"),
        reason="评分更正")])))
    line, people, _ = _line_l7(cli)
    assert (line["kept"], line["demoted"]) == (["L7-02"], ["L7-01"])
    assert "the place(s) went to L7-02 (92.4)" in _quota_step(people["L7-01"])["reason"]
    # Equal totals at the cut-off: the scheme's tie-break (recorded) decides.
    same = (("self_check", "80"), ("supervisor", "90"))  # L7-01's marks: total 86
    cli.ok("apply", str(write_jsonl(tmp_path / "tie.jsonl", [
        _input("L7-02", part, value, supersedes=_entry_of(cli, "L7-02", part), reason="评分更正")
        for part, value in same])))
    line, people, _ = _line_l7(cli)
    assert (line["tie"]["tied"], line["tie"]["decided_by"]) == (["L7-01", "L7-02"], None)
    assert (people["L7-01"]["status"], people["L7-02"]["status"]) == ("pending", "pending")
    cli.ok("apply", str(write_jsonl(tmp_path / "order.jsonl", [{
        "type": "record_tie_break", "rulebook": "shaping-street-quarterly",
        "pipeline": "quarterly", "grading_period": "2025-Q1", "scope_value": "L7",
        "grade": "excellent", "order": ["L7-02", "L7-01"], "reason": "街道党政班子会议"}])))
    line, people, _ = _line_l7(cli)
    assert (line["kept"], line["demoted"]) == (["L7-02"], ["L7-01"])
    assert _quota_step(people["L7-01"])["events"] == [line["tie"]["decided_by"]]


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
