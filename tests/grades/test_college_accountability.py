"""WE-2 of seeds-000-001.md §12 (ZC, 000 L25, L30, L74–L77): a monthly grade fixed by a
sanction, the procedure's working-day deadlines, review without stay, then revocation;
the variant where the review changes the sanction; a sanctioned department at year end."""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import cli_for
from gradebook import FIXTURES, explain, grades, subjects, write_jsonl

WE2 = FIXTURES / "we-2"
SANCTION_P = "0a44c4ce-a69b-5571-b51a-ee2206032725"


@pytest.fixture
def cli(store):  # type: ignore[no-untyped-def]
    cli = cli_for(store.backend, store.env)
    cli.ok("apply", str(WE2 / "decision.jsonl"))
    cli.ok("apply", str(WE2 / "review.jsonl"))
    return cli


def _march(cli, *extra: str) -> dict:  # type: ignore[no-untyped-def, type-arg]
    return subjects(grades(cli, "2025-03", *extra), "monthly")["P"]


def test_we2_the_march_grade_is_fixed_and_review_does_not_stay_it(cli) -> None:  # type: ignore[no-untyped-def]
    p = _march(cli)
    # ESC-03 with AMB-06: decided in March → March 基本稱職, under an underlying 優秀.
    assert (p["band_grade"], p["grade"]) == ("excellent", "basic")
    forced = next(s for s in p["steps"] if s["stage"] == "forced")
    assert (forced["rule"], forced["events"]) == ("ESC-03", [SANCTION_P])


def test_we2_procedure_deadlines_in_working_days(cli) -> None:  # type: ignore[no-untyped-def]
    procedures = {p["subject_id"]: p for p in grades(cli, "2025-03")["procedures"]}
    p, p2 = procedures["P"], procedures["P2"]
    # 20 working days after 2025-02-17, not counting it: 2025-03-17; the report on 03-14 is on time.
    assert (p["investigation"]["due"], p["investigation"]["on_time"]) == ("2025-03-17", True)
    assert p2["investigation"]["due"] == "2025-03-31"  # with the approved 10-day extension
    # Delivery within 10 working days of 2025-03-19: 2025-04-02; delivered 03-20.
    assert (p["delivery"]["due"], p["delivery"]["on_time"]) == ("2025-04-02", True)
    # Review window: 10 working days after receipt on 2025-03-20 closes 2025-04-03.
    [review] = p["reviews"]
    assert (review["window_closes"], review["late"], review["stay"]) == ("2025-04-03", False, False)
    assert p2["reviews"][0]["late"] is True  # applied 2025-04-07
    assert (p["no_stay"]["rule"], p["filing"]["rule"]) == ("APP-03", "APP-05")


def test_we2_revocation_recomputes_march_and_keeps_history(cli) -> None:  # type: ignore[no-untyped-def]
    before = cli.ok("events", "--json", "--limit", "1").json()["recorded_at"]
    cli.ok("apply", str(WE2 / "revoke.jsonl"))
    assert _march(cli)["grade"] == "excellent"
    # As known before the revocation (the review did not stay the sanction): 基本稱職.
    assert _march(cli, "--as-of", before)["grade"] == "basic"
    history = explain(cli, "2025-03", "P")["results"][0]["corrections"]
    assert [(h["entry"], h["how"]) for h in history] == [(SANCTION_P, "voided")]
    [procedure] = [p for p in grades(cli, "2025-03")["procedures"] if p["subject_id"] == "P"]
    assert procedure["in_force"] is False
    assert procedure["corrected_by"]["reason"].startswith("復核決定 2025-04-10")
    outcomes = [r["outcome"] for r in procedure["reviews"] if "outcome" in r]
    assert outcomes == ["revoke"]
    assert len(procedure["filing"]["entries"]) == 2  # the decision and the review decision


def test_we2_variant_a_change_to_an_admonition_talk_makes_march_not_excellent(cli) -> None:  # type: ignore[no-untyped-def]
    cli.ok("apply", str(WE2 / "change.jsonl"))
    p = _march(cli)
    assert (p["grade"], p["ceiling"], p["forced"]) == ("competent", "competent", None)
    assert next(s for s in p["steps"] if s["stage"] == "ceiling")["rule"] == "ESC-02"


def test_a_review_outcome_needs_its_correction_first(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run = cli("apply", str(write_jsonl(tmp_path / "bad.jsonl", [{
        "type": "decide_review", "target_id": SANCTION_P, "decided_on": "2025-04-10",
        "outcome": "revoke"}])))
    assert run.code == 2
    assert "record the revoke first: void_entry" in run.err


def test_esc01_a_sanctioned_department_cannot_be_excellent_at_year_end(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    rows = [{"type": "enrol_subject", "subject_id": "dept-x", "name": "Department X",
             "kind": "unit", "enrolled_on": "2025-01-01"},
            {"type": "record_sanction", "subject_id": "dept-x", "kind": "admonition_talk",
             "decided_on": "2025-06-03", "responsibility": "department",
             "detail": "情節較輕: the head is given an admonition talk (SAN-03)"},
            {"type": "propose_grade", "subject_id": "dept-x", "grading_period": "2025",
             "rulebook": "z-college-accountability", "pipeline": "department_annual",
             "grade": "excellent"}]
    cli.ok("apply", str(write_jsonl(tmp_path / "dept.jsonl", rows)))
    dept = subjects(grades(cli, "2025"), "department_annual")["dept-x"]
    assert (dept["band_grade"], dept["grade"]) == ("excellent", "competent")
    # AMB-11: the department's sanction does not cap anyone's monthly grade by itself.
    assert "dept-x" not in subjects(grades(cli, "2025-06"), "monthly")
