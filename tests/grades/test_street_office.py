"""WE-3 and WE-4 of seeds-000-001.md §12 (rulebook ST, 001 L16, L20–L26, L56): three
verified complaints in a calendar month → a 15-day stand-down with the post bonus stopped;
staff admonitions → the head of the office is admonished; award eligibility; and the
rolling-window and counting options (AMB-05, AMB-12) as adopted scheme variants."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from builders import cli_for
from gradebook import FIXTURES, grades, pay_of, subjects, write_jsonl

from domain.shipped_schemes import load_shipped_scheme

WE3 = FIXTURES / "we-3" / "complaints.jsonl"
WE4 = FIXTURES / "we-4" / "admonitions.jsonl"


@pytest.fixture
def cli(store):  # type: ignore[no-untyped-def]
    return cli_for(store.backend, store.env)


def _variant(policy_id: str, **changes: Any) -> dict[str, Any]:
    """The shipped ST scheme with one policy changed: an option named by its AMB id."""
    document = json.loads(json.dumps(load_shipped_scheme("street-office-efficiency"), default=str))
    document["id"] = "street-office-efficiency-variant"
    for policy in document["policies"]:
        if policy["id"] == policy_id:
            policy.update(changes)
    return {"type": "adopt_scheme", "document": document}


def _rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]


def _derived(report: dict[str, Any], kind: str) -> list[tuple[str, str, str]]:
    return [(d["subject_id"], d["on"], d["status"]) for d in report["derived"] if d["kind"] == kind]


def test_we3_three_verified_complaints_in_a_month_stand_down_with_the_bonus_stopped(cli) -> None:  # type: ignore[no-untyped-def]
    cli.ok("apply", str(WE3))
    march = grades(cli, "2025-03")
    # ESC-07: the third verified complaint (03-27) derives the mandatory stand-down, which
    # the recorded 待岗 from 04-01 discharges; the unverified fourth does not count.
    [required] = [d for d in march["derived"] if d["kind"] == "stand_down_required"]
    assert (required["subject_id"], required["on"], required["status"]) == (
        "S", "2025-03-27", "discharged")
    assert len(required["triggers"]) == 3
    assert required["rule"] == "ESC-07"
    # 15 calendar days, 04-01 … 04-15 (AMB-17): April's bonus B × 15/30 = 0.5 B.
    april = grades(cli, "2025-04")
    s = subjects(april, "monthly_bonus")["S"]
    assert s["figures"]["stand_down_days"] == "15"
    assert pay_of(s, "post_bonus") == "1500.00"
    assert april["pay"]["withheld"] == {"待岗期间停发 (stopped during a stand-down)": "1500.00"}
    assert pay_of(subjects(grades(cli, "2025-05"), "monthly_bonus")["S"], "post_bonus") == "3000.00"
    # PAY-03: on 04-15 an outcome (restore, reassign or dismiss) is due: flagged while open.
    assert _derived(april, "stand_down_outcome_required") == [("S", "2025-04-15", "open")]


def test_we3_negative_cases(cli) -> None:  # type: ignore[no-untyped-def]
    cli.ok("apply", str(WE3))
    everyone = [d["subject_id"] for m in ("2025-03", "2025-04")
                for d in grades(cli, m)["derived"] if d["kind"] == "stand_down_required"]
    assert everyone == ["S"]  # A: two in March; B: three across two calendar months


def test_we3_rolling_window_option_catches_case_b(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rows = [_variant("st-complaints-stand-down", window="rolling_days", window_days=30),
            *_rows(WE3)[1:]]
    cli.ok("apply", str(write_jsonl(tmp_path / "rolling.jsonl", rows)))
    april = grades(cli, "2025-04")
    assert ("S3", "2025-04-15", "open") in _derived(april, "stand_down_required")


def test_we4_heads_are_admonished_for_their_staff(cli) -> None:  # type: ignore[no-untyped-def]
    cli.ok("apply", str(WE4))
    report = grades(cli, "2025")
    heads = [d for d in report["derived"] if d["kind"] == "admonition"]
    # A: 2 in January (≥ 2 in a month) → on 01-22; B: the 5th in the year → in October.
    assert [(d["subject_id"], d["on"], d["policy"], len(d["triggers"])) for d in heads] == [
        ("head-a", "2025-01-22", "st-head-admonition-month", 2),
        ("head-b", "2025-10-13", "st-head-admonition-year", 5)]
    assert {d["rule"] for d in heads} == {"ESC-06"}
    # AMB-12: 效能告诫 does not count toward "two 行政告诫": Z keeps award eligibility.
    assert subjects(report, "award_eligibility")["Z"]["consequences"] == []


def test_we4_counting_efficiency_admonitions_option(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rows = [_variant("st-two-admin-admonitions",
                     kinds=["admin_admonition", "efficiency_admonition"]), *_rows(WE4)[1:]]
    cli.ok("apply", str(write_jsonl(tmp_path / "option.jsonl", rows)))
    report = grades(cli, "2025")
    lost = [d for d in report["derived"] if d["kind"] == "award_ineligible"]
    assert ("Z", "2025-06-10") in [(d["subject_id"], d["on"]) for d in lost]
    z = subjects(report, "award_eligibility")["Z"]
    assert [c["rule"] for c in z["consequences"]] == ["ESC-08"]


def test_two_admin_admonitions_cancel_award_eligibility(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli.ok("apply", str(WE4))
    rows = [{"type": "record_sanction", "subject_id": "X", "kind": "admin_admonition",
             "form": form, "decided_on": day}
            for form, day in (("oral", "2025-03-03"), ("written", "2025-09-09"))]
    cli.ok("apply", str(write_jsonl(tmp_path / "admin.jsonl", rows)))
    report = grades(cli, "2025")
    assert _derived(report, "award_ineligible") == [("X", "2025-09-09", "in force")]
    assert subjects(report, "award_eligibility")["X"]["consequences"][0]["rule"] == "ESC-08"
