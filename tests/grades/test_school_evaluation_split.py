"""002 Scheme 15 (school-incentive-pay@3): the teacher evaluation fund is paid by the
teachers' scores (S15-R06, 002_db447562deed9801.txt:L2419; A-S15-1 per-point
allocation): a teacher's points are the two semester totals of the year (S15-R03
weights, worked example 7), the school's fund the issued total less the allowances and
the 8 % fund (S15-R02), split in proportion by largest remainder to the fen. Through
`jixiao apply` and `jixiao grades`; SQLite only: nothing here is about storage."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from builders import Cli, cli_for
from gradebook import grades, pay_of, subjects, write_jsonl

SCHEME = "school-incentive-pay"
COMPONENTS = ("conduct", "teaching", "research", "attendance", "achievement")
# Issued 1 000 000; allowances 100 000 + 60 000; the 8 % fund 80 000 (S15-R02/R05).
SCHOOL_YEAR = {"issued_total_cny": "1000000.00", "admin_allowances_cny": "100000.00",
               "class_teacher_allowances_cny": "60000.00", "evaluation_paid_cny": "760000.00",
               "other_items_paid_cny": "80000.00"}
EVALUATION_FUND = Decimal("760000.00")


@pytest.fixture
def cli(sqlite_env: dict[str, str]) -> Cli:
    return cli_for("sqlite", sqlite_env)


def _subject(subject_id: str, kind: str, unit_id: str | None = None) -> dict[str, Any]:
    return {"type": "enrol_subject", "subject_id": subject_id, "name": subject_id,
            "kind": kind, "enrolled_on": "2025-01-01",
            **({"unit_id": unit_id} if unit_id else {})}


def _semester(teacher: str, half: str, values: tuple[str, ...]) -> list[dict[str, Any]]:
    return [{"type": "record_grade_input", "subject_id": teacher, "grading_period": half,
             "component": c, "value": v} for c, v in zip(COMPONENTS, values, strict=True)]


def _school(school: str) -> list[dict[str, Any]]:
    return [_subject(school, "unit"),
            *({"type": "record_pay_base", "subject_id": school, "grading_period": "2025",
               "component": k, "amount_cny": v} for k, v in SCHOOL_YEAR.items()),
            {"type": "record_grade_input", "subject_id": school, "grading_period": "2025",
             "component": "performance_heads", "value": "3"}]


EXAMPLE_7 = ("90", "80", "70", "100", "60")  # 18 + 32 + 10.5 + 10 + 9 = 79.5
ALL_100 = ("100",) * 5  # 100
ALL_50 = ("50",) * 5  # 50


def test_the_evaluation_fund_is_split_by_the_two_semester_totals(
        cli: Cli, tmp_path: Path) -> None:
    rows = [{"type": "adopt_scheme", "scheme": SCHEME}, *_school("school"),
            _subject("t1", "person", "school"), _subject("t2", "person", "school"),
            _subject("t3", "person", "school")]
    for half in ("2025-H1", "2025-H2"):
        rows += [*_semester("t1", half, EXAMPLE_7), *_semester("t2", half, ALL_100),
                 *_semester("t3", half, ALL_50)]
    cli.ok("apply", str(write_jsonl(tmp_path / "school.jsonl", rows)))
    teachers = subjects(grades(cli, "2025", "--scheme", SCHEME), "teacher_year")
    assert {t: s["figures"]["year_points"] for t, s in teachers.items()} == {
        "t1": "159", "t2": "200", "t3": "100"}
    paid = {t: Decimal(pay_of(teachers[t], "evaluation_pay")) for t in ("t1", "t2", "t3")}
    # 760 000 × 159 / 459 = 263 267.973…, × 200 / 459 = 331 154.684…, × 100 / 459 =
    # 165 577.342…: floors 263 267.97 + 331 154.68 + 165 577.34 = 759 999.99, and the
    # last fen goes to the largest remainder (t2's 0.409 fen).
    assert paid == {"t1": Decimal("263267.97"), "t2": Decimal("331154.69"),
                    "t3": Decimal("165577.34")}
    assert sum(paid.values()) == EVALUATION_FUND


def test_each_school_splits_its_own_fund_and_waits_for_its_teachers(
        cli: Cli, tmp_path: Path) -> None:
    rows = [{"type": "adopt_scheme", "scheme": SCHEME}, *_school("a"), *_school("b"),
            _subject("a1", "person", "a"), _subject("b1", "person", "b"),
            _subject("b2", "person", "b")]
    for half in ("2025-H1", "2025-H2"):
        rows += _semester("a1", half, EXAMPLE_7)
    rows += _semester("b1", "2025-H1", ALL_100)  # b2 has no semester yet
    cli.ok("apply", str(write_jsonl(tmp_path / "schools.jsonl", rows)))
    teachers = subjects(grades(cli, "2025", "--scheme", SCHEME), "teacher_year")
    assert Decimal(pay_of(teachers["a1"], "evaluation_pay")) == EVALUATION_FUND
    waiting = [p for p in teachers["b1"]["pay"] if p["id"] == "evaluation_pay"]
    # School b waits for b2's semesters: no partial pool is paid.
    assert [(p["status"], p["paid"]) for p in waiting] == [("blocked", "0.00")]
    assert "b2" in waiting[0]["reason"]
