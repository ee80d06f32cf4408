"""Grading counts what was assessed, when it is ranked (issue 15, item 4): a subject not
assessed, excluded from grading by a rule (long leave) or blocked for a missing input is
not in a quota's base N and takes no place; the quota is decided over every subject known
when the grades are computed, so a later entry can take the place, and the explanation of
the subject who lost it names who holds it. Through `jixiao grades --json`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from builders import GOLDEN, cli_for
from gradebook import explain, grades, pipeline, subjects, write_jsonl

REF = {"rule": "004-S18-R9", "source": "004_deb0a29d71ec55ac.txt:L1093", "default": "AMB-22"}
LEAVE = {"rule": "004-S18-R11", "source": "004_deb0a29d71ec55ac.txt:L1097"}
AT_POST = {"rule": "004-S18-R1", "source": "004_deb0a29d71ec55ac.txt:L1079"}
TEAM = {
    "kind": "grading", "id": "team-quarterly", "version": 1, "rulebook": "test",
    "title": "A team's quarterly grades with a one-in-two 优秀 quota",
    "effective_from": "2026-01-01", "source": "004_deb0a29d71ec55ac.txt:L1093",
    "pipelines": [{
        "name": "quarterly", "label": "quarterly", "period": "quarter",
        "grades": [{"code": "excellent", "name": "优秀"}, {"code": "competent", "name": "称职"},
                   {"code": "incompetent", "name": "不称职"}],
        "inputs": {"score": {"label": "score"},
                   "leave_days": {"label": "sick and personal leave days", "default": "0"},
                   "not_at_post": {"label": "not at post", "default": "0"}},
        "eligibility": [
            {"when": "not_at_post >= 1", "outcome": "not_assessed",
             "label": "长期在编不在岗人员", "ref": AT_POST},
            {"when": "leave_days > 40", "outcome": "no_grade",
             "label": "当季请病事假累计超过40个工作日", "ref": LEAVE}],
        "figures": [{"name": "total", "expr": "score", "ref": REF}],
        "score": "total",
        "bands": {"source": "score", "ref": REF, "rows": [
            {"grade": "excellent", "min": "90"}, {"grade": "competent", "min": "60"},
            {"grade": "incompetent"}]},
        "quotas": [{"grade": "excellent", "max_share": "0.5", "rounding": "floor", "ref": REF}],
        "tie_break": {"mode": "recorded", "ref": REF}}],
}
PEOPLE = ("zhang", "li", "wang")  # the employees of worked example 1
OTHERS = ("on-leave", "away", "no-score")


def _input(who: str, component: str, value: int) -> dict[str, Any]:
    return {"type": "record_grade_input", "subject_id": who, "grading_period": "2026-Q1",
            "component": component, "value": str(value)}


@pytest.fixture
def cli(store, tmp_path: Path):  # type: ignore[no-untyped-def]
    cli = cli_for(store.backend, store.env)
    cli.ok("apply", str(GOLDEN / "example-1" / "commands.jsonl"))
    rows: list[dict[str, Any]] = [{"type": "adopt_scheme", "document": TEAM}]
    rows += [{"type": "enrol_subject", "subject_id": who, "name": who,
              "enrolled_on": "2026-01-01"} for who in (*PEOPLE, *OTHERS)]
    rows += [_input("zhang", "score", 95), _input("li", "score", 91), _input("wang", "score", 70),
             # the best score of all, but on long leave: no grade, not in the base
             _input("on-leave", "score", 99), _input("on-leave", "leave_days", 45),
             _input("away", "score", 98), _input("away", "not_at_post", 1)]
    # "no-score" has no score recorded: blocked, not in the base either.
    cli.ok("apply", str(write_jsonl(tmp_path / "team.jsonl", rows)))
    return cli


def test_only_subjects_assessed_count_in_the_base_and_take_places(cli) -> None:  # type: ignore[no-untyped-def]
    report = grades(cli, "2026-Q1", "--scheme", "team-quarterly")
    people = subjects(report, "quarterly")
    assert {who: people[who]["status"] for who in OTHERS} == {
        "on-leave": "no_grade", "away": "not_assessed", "no-score": "blocked"}
    [quota] = pipeline(report, "quarterly")["quotas"]
    # N = zhang, li, wang: ⌊0.5 × 3⌋ = 1 place (counting the three others it would be 3).
    assert (quota["headcount"], quota["limit"], quota["used"]) == (3, 1, 1)
    assert quota["formula"] == "floor(0.5 × 3) = 1"
    assert [(r["rank"], r["subject_id"], r["score"]) for r in quota["ranked"]] == [
        (1, "zhang", "95"), (2, "li", "91")]
    assert (quota["kept"], quota["demoted"]) == (["zhang"], ["li"])
    assert {who: people[who]["grade"] for who in (*PEOPLE, *OTHERS)} == {
        "zhang": "excellent", "li": "competent", "wang": "competent",
        "on-leave": None, "away": None, "no-score": None}


def test_a_later_entry_takes_the_place_and_the_explanation_says_why(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    before = subjects(grades(cli, "2026-Q1", "--scheme", "team-quarterly"), "quarterly")
    assert before["zhang"]["grade"] == "excellent"
    # Entered after the others were graded: ranked with everyone when grades are computed.
    cli.ok("apply", str(write_jsonl(tmp_path / "late.jsonl", [_input("no-score", "score", 97)])))
    report = grades(cli, "2026-Q1", "--scheme", "team-quarterly")
    after = subjects(report, "quarterly")
    [quota] = pipeline(report, "quarterly")["quotas"]
    # Now assessed: N = 4, ⌊0.5 × 4⌋ = 2 places, by score: no-score (97) and zhang (95).
    assert (quota["headcount"], quota["limit"]) == (4, 2)
    assert (quota["kept"], quota["demoted"]) == (["no-score", "zhang"], ["li"])
    assert {who: after[who]["grade"] for who in ("no-score", "zhang", "li")} == {
        "no-score": "excellent", "zhang": "excellent", "li": "competent"}
    [step] = [s for s in explain(cli, "2026-Q1", "li", "--scheme", "team-quarterly")[
        "results"][0]["steps"] if s["stage"] == "quota"]
    assert "floor(0.5 × 4) = 2" in step["reason"]
    assert "ranked 3 of 3" in step["reason"]
    assert "the place(s) went to no-score (97), zhang (95)" in step["reason"]


def test_the_counts_the_quota_compares_are_named_figures(cli) -> None:  # type: ignore[no-untyped-def]
    report = cli.ok("grades", "--period", "2026-Q1", "--scheme", "team-quarterly", "--json",
                    "--figures").json()
    team = pipeline(report, "quarterly")
    assert {k: team["figures"][k] for k in (
        "subjects", "assessed", "in_quota_base", "status:not_assessed", "status:no_grade",
        "status:blocked", "grade:excellent", "grade:competent", "quota:excellent:base",
        "quota:excellent:slots", "quota:excellent:used", "quota:excellent:demoted",
        "quota:excellent:slots_total")} == {
        "subjects": "6", "assessed": "5", "in_quota_base": "3", "status:not_assessed": "1",
        "status:no_grade": "1", "status:blocked": "1", "grade:excellent": "1",
        "grade:competent": "2", "quota:excellent:base": "3", "quota:excellent:slots": "1",
        "quota:excellent:used": "1", "quota:excellent:demoted": "1",
        "quota:excellent:slots_total": "1"}
    ids = {s["subject_id"]: s["employee_id"] for s in team["subjects"]}
    assert ids["li"] == "li"  # on the roll (worked example 1)
    assert ids["away"] is None  # enrolled for grading only
    plain = grades(cli, "2026-Q1", "--scheme", "team-quarterly")
    assert "figures" not in pipeline(plain, "quarterly")  # opt-in: old reports unchanged
