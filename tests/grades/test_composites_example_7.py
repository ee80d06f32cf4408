"""Example 7 of seeds-002.md §4: weighted composites and band tables of schemes 3, 12.2,
12.5, 12.6, 15, 8, 4 and 14 (the S2 row and the S13-R47 rows are with their schemes),
through `jixiao apply` and `jixiao grades`."""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import cli_for
from gradebook import FIXTURES, grades, subjects, write_jsonl


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:  # type: ignore[type-arg]
    """One SQLite ledger for the whole table (the rows only read); the backends are
    covered by the other worked examples."""
    db = tmp_path_factory.mktemp("example-7") / "ledger.db"
    cli = cli_for("sqlite", {"SQLITE_DBNAME": str(db)})
    cli.ok("apply", str(FIXTURES / "example-7" / "composites.jsonl"))
    yearly = ("changde-secretary-report", "lixin-farm-secretary-report",
              "county-system-secretary-report", "wuchang-bank-managers",
              "county-agricultural-projects", "rd-engineers")
    found = {s: grades(cli, "2025", "--scheme", s) for s in yearly}
    for s in ("school-incentive-pay", "fendou-teacher-ethics"):
        found[s] = grades(cli, "2025-H1", "--scheme", s)
    found["cli"] = cli  # type: ignore[assignment]
    return found


def _one(reports: dict, scheme: str, pipeline: str, who: str) -> dict:  # type: ignore[type-arg]
    return subjects(reports[scheme], pipeline)[who]


def test_s3_composite_and_the_committee_grade(reports) -> None:  # type: ignore[no-untyped-def]
    s3 = _one(reports, "changde-secretary-report", "composite", "s3-secretary")
    assert s3["score"] == "85"  # 90 × 0.6 + 80 × 0.3 + 70 × 0.1
    assert s3["status"] == "pending"  # A-S12-3: the committee grades


def test_s3_at_most_35_percent_good_per_ballot(reports, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli = reports["cli"]
    people = [f"s3-subject-{n:02d}" for n in range(1, 21)]
    cli.ok("apply", str(write_jsonl(tmp_path / "people.jsonl", [
        {"type": "enrol_subject", "subject_id": p, "name": p, "enrolled_on": "2025-01-01",
         "rulebooks": ["changde-secretary-report"]} for p in people])))

    def ballot(rater: str, goods: int) -> dict:  # type: ignore[type-arg]
        marks = {p: ("good" if n < goods else "average") for n, p in enumerate(people)}
        return {"type": "cast_ballot", "rulebook": "changde-secretary-report",
                "grading_period": "2025", "rater": rater, "marks": marks}

    cli.ok("apply", str(write_jsonl(tmp_path / "seven.jsonl", [ballot("rater-1", 7)])))
    run = cli("apply", str(write_jsonl(tmp_path / "eight.jsonl", [ballot("rater-2", 8)])))
    assert run.code == 2
    assert "8 good on one ballot of 20; at most 7 (floor of 0.35 × 20)" in run.err


def test_s12_2_sheet_scores(reports) -> None:  # type: ignore[no-untyped-def]
    figures = _one(reports, "lixin-farm-secretary-report", "annual", "s12-2-secretary")["figures"]
    assert (figures["sheet_party_building"], figures["sheet_integrity"],
            figures["sheet_ideology"], figures["total"]) == ("85", "90", "80", "85")


def test_s12_5_vote_trigger(reports) -> None:  # type: ignore[no-untyped-def]
    report = reports["county-system-secretary-report"]
    ten = _one(reports, "county-system-secretary-report", "report_evaluation", "s12-5-ten-percent")
    twelve = subjects(report, "report_evaluation")["s12-5-twelve-and-a-half"]
    assert (ten["figures"]["low_vote_share"], ten["forced"]) == ("0.1", None)  # not > 10 %
    assert (twelve["figures"]["low_vote_share"], twelve["grade"]) == ("0.125", "poor")
    annual = subjects(report, "annual")["s12-5-twelve-and-a-half"]
    assert annual["ceiling"] == "competent"  # not 好 → annual cannot be 优秀 (S12.5-R06)


def test_s12_6_bank_bands(reports) -> None:  # type: ignore[no-untyped-def]
    report = subjects(reports["wuchang-bank-managers"], "central_report")
    assert {k: (v["score"], v["grade"]) for k, v in report.items()} == {
        "bank-88-80": ("84", "competent"), "bank-90-80": ("85", "excellent"),
        "bank-70-59": ("64.5", "incompetent"), "bank-90-90-case": ("90", "incompetent")}


def test_s15_teacher_and_s8_county(reports) -> None:  # type: ignore[no-untyped-def]
    assert _one(reports, "school-incentive-pay", "semester", "s15-teacher")["score"] == "79.5"
    county = _one(reports, "county-agricultural-projects", "annual", "s8-county")
    assert county["score"] == "69"
    assert county["consequences"][0]["default"] == "A-S8-1"  # weights sum to 80 %: flagged


def test_s4_grades_coefficients_and_experience(reports) -> None:  # type: ignore[no-untyped-def]
    report = reports["rd-engineers"]
    people = subjects(report, "annual")
    a = people["engineer-a"]
    assert (a["figures"]["achieved"], a["score"], a["grade"]) == ("7800", "1.3", "A")
    coefficients = {g["code"]: g["coefficient"] for g in report["pipelines"][0]["grades"]}
    assert coefficients["A"] == "1.2"
    assert {k: people[f"engineer-{k}"]["grade"] for k in (
        "9000", "6000", "4800", "2900", "5400", "3600")} == {
        "9000": "S", "6000": "B", "4800": "C", "2900": "D", "5400": "C", "3600": "C"}
    assert "降级" in people["engineer-2900"]["consequences"][0]["effect"]
    assert a["figures"]["experience_credited"] == "3.2"  # 4 years × 0.8


def test_s14_teacher_ethics_floor(reports) -> None:  # type: ignore[no-untyped-def]
    report = reports["fendou-teacher-ethics"]
    teachers = subjects(report, "teacher")
    schools = subjects(report, "school")
    assert (teachers["teacher-b-c"]["score"], schools["school-1"]["score"]) == ("0", "3")
    assert (teachers["teacher-a-c"]["score"], schools["school-2"]["score"]) == ("0", "3")
