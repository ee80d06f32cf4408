"""Level-2 individual scores of scheme 11 (S11-R31…R42): the boundary sub-cases of
seeds-002.md §4 Example 1 and the defaults A-S11-10/11/19/21, through the in-memory
ledger and the quarter payout."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from builders import memory_ledger, record

from domain.periods import Period
from projections.payout import Statement, calculate

Q1 = Period.parse("2026-Q1")

SETUP: tuple[dict[str, Any], ...] = (
    {"type": "adopt_scheme", "scheme": "xinghe-county-hospital"},
    {"type": "define_department", "department_id": "ward", "name": "Ward", "kind": "clinical",
     "risk_coefficient": "1", "effective_on": "2026-01-01"},
    {"type": "declare_pool", "period": "2026-Q1", "amount_cny": "20000.00"},
    {"type": "record_department_figures", "period": "2026-Q1", "department_id": "ward",
     "workload_base": "1000", "workload_actual": "1000", "medical_revenue_cny": "100000.00",
     "full_cost_cny": "100000.00"},
)
# An intermediate (45), staff post (0), nothing entered: quantity 40 and three items of 10.
BASELINE = Fraction(115)


def hire(employee_id: str, **fields: Any) -> dict[str, Any]:
    return {"type": "hire_employee", "employee_id": employee_id, "name": employee_id.title(),
            "department_id": "ward", "title_grade": "intermediate", "hired_on": "2020-01-01",
            **fields}


def deduction(kind: str, employee_id: str = "a", **fields: Any) -> dict[str, Any]:
    return {"type": "record_deduction", "period": "2026-Q1", "employee_id": employee_id,
            "kind": kind, **fields}


def attendance(scheduled: int, employee_id: str = "a", **absence: int) -> dict[str, Any]:
    return {"type": "record_attendance", "period": "2026-Q1", "employee_id": employee_id,
            "scheduled_days": scheduled, "absence_days": absence}


def quarter(*rows: dict[str, Any], people: tuple[dict[str, Any], ...] = ()) -> Statement:
    """Q1 with the ward, its figures and pool, colleague "b", person "a" (or `people`)."""
    ledger = memory_ledger()
    record(ledger, *SETUP, hire("b"), *(people or (hire("a"),)), *rows)
    return calculate(ledger.facts(), Q1)


def values(statement: Statement) -> dict[str, Any]:
    return {key: figure.value for key, figure in statement.book.figures.items()}


def discipline_after(*rows: dict[str, Any]) -> Any:
    return values(quarter(*rows))["person:a:item:discipline"]


def test_a_person_with_nothing_recorded_scores_title_post_and_every_item_base() -> None:
    figures = values(quarter())
    assert figures["person:a:item:discipline"] == 10
    assert figures["person:a:item:quantity"] == 40
    assert figures["person:a:score"] == BASELINE


def test_late_exactly_five_minutes_costs_nothing() -> None:
    assert discipline_after(deduction("late", minutes=5)) == 10  # 「超过5分钟」 is exclusive


def test_late_six_minutes_costs_one_point() -> None:
    assert discipline_after(deduction("late", minutes=6)) == 9


def test_late_twenty_nine_minutes_costs_one_point() -> None:
    assert discipline_after(deduction("late", minutes=29)) == 9


def test_late_exactly_thirty_minutes_costs_two_points() -> None:
    assert discipline_after(deduction("late", minutes=30)) == 8  # 「30分钟以上」 inclusive, A-G-1


def test_lateness_is_deducted_per_occurrence() -> None:
    assert discipline_after(deduction("late", minutes=10, count=3)) == 7
    assert discipline_after(deduction("left_early", minutes=45, count=2),
                            deduction("off_post", minutes=6)) == 5


def test_one_absent_half_day_costs_five_points() -> None:
    assert discipline_after(deduction("absent_half_day")) == 5


def test_two_absent_half_days_make_a_day_and_deduct_the_whole_discipline_item() -> None:
    statement = quarter(deduction("absent_half_day"), deduction("absent_half_day"),
                        attendance(64))
    figures = values(statement)
    assert figures["person:a:item:discipline"] == 0  # cumulative 1 day, A-S11-21
    # ... and the day is also an absence day (A-S11-10), on the pre-attendance score.
    assert figures["person:a:pre_attendance"] == BASELINE - 10
    assert dict(statement.book.figures["person:a:attendance"].literals)["absence_days"] == "1"
    assert figures["person:a:attendance"] == (BASELINE - 10) / 64 * 1
    assert figures["person:a:score"] == (BASELINE - 10) * Fraction(63, 64)


def test_an_absent_half_day_entry_with_count_two_deducts_the_whole_item() -> None:
    assert discipline_after(deduction("absent_half_day", count=2)) == 0


def test_an_absent_day_deducts_the_whole_discipline_item_and_counts_as_an_absence_day() -> None:
    figures = values(quarter(deduction("absent_day"), attendance(50)))
    assert figures["person:a:item:discipline"] == 0
    assert figures["person:a:attendance"] == (BASELINE - 10) / 50


def test_three_errors_leave_quality_at_four() -> None:
    assert values(quarter(deduction("error", count=3)))["person:a:item:quality"] == 4
    assert values(quarter(deduction("error"), deduction("error"), deduction("error")))[
        "person:a:item:quality"] == 4


def test_six_errors_clamp_quality_at_zero() -> None:
    figures = values(quarter(deduction("error", count=6)))
    assert figures["person:a:item:quality"] == 0  # 10 − 12 clamps to 0, A-S11-19
    assert figures["person:a:score"] == BASELINE - 10


def test_an_error_and_an_accident_deduct_the_whole_quality_item() -> None:
    assert values(quarter(deduction("error"), deduction("accident")))[
        "person:a:item:quality"] == 0


def test_no_licence_costs_ten_points_on_the_total() -> None:
    figures = values(quarter(deduction("no_licence")))
    assert figures["person:a:penalties"] == -10
    assert figures["person:a:score"] == BASELINE - 10
    for item in ("quality", "ethics", "discipline"):
        assert figures[f"person:a:item:{item}"] == 10


def test_an_ethics_breach_deducts_the_points_given_with_the_entry() -> None:
    figures = values(quarter(deduction("ethics_breach", points="3", reason="rude to a patient")))
    assert figures["person:a:item:ethics"] == 7
    assert figures["person:a:score"] == BASELINE - 3


def test_overtime_addition_adds_the_points_given_with_the_entry() -> None:
    figures = values(quarter(deduction("overtime_addition", points="2")))
    assert figures["person:a:penalties"] == 2
    assert figures["person:a:score"] == BASELINE + 2


def test_attendance_deducts_the_pre_attendance_score_per_absence_day() -> None:
    # A-S11-11: pre-attendance includes the post add-on, the items and fixed penalties.
    person = hire("a", title_grade="associate_senior", post="clinical_director")
    statement = quarter(deduction("no_licence"), deduction("late", minutes=40),
                        attendance(60, sick=2, personal=1), people=(person,))
    figures = values(statement)
    pre = Fraction(50 + 3 + 40 + 10 + 10 + 8 - 10)
    assert figures["person:a:pre_attendance"] == pre
    assert figures["person:a:attendance"] == pre / 60 * 3
    assert figures["person:a:score"] == pre - pre / 60 * 3
    assert dict(statement.book.figures["person:a:attendance"].literals)["absence_days"] == "3"


def test_example_1_li_loses_a_sixty_fourth_of_his_score_per_absence_day() -> None:
    li = hire("a")  # intermediate: 45
    figures = values(quarter(
        deduction("valid_complaint"), deduction("late", minutes=40),
        deduction("left_early", minutes=10, count=3), attendance(64, other=2), people=(li,)))
    assert figures["person:a:item:ethics"] == 0
    assert figures["person:a:item:discipline"] == 5
    assert figures["person:a:pre_attendance"] == 100
    assert figures["person:a:attendance"] == Fraction("3.125")
    assert figures["person:a:score"] == Fraction("96.875")


def test_a_probationer_is_excluded_and_not_in_the_head_count() -> None:
    statement = quarter(people=(hire("a", hired_on="2026-01-05", probation_until="2026-02-15"),))
    figures = values(statement)
    assert figures["person:a:points"] == 0
    assert "person:a:score" not in figures
    assert figures["dept:ward:headcount"] == 1
    line = next(p for p in statement.people if p.employee_id == "a")
    assert line.status == "excluded"
    assert "probation" in line.reason
    assert line.pay_cny == 0


def test_a_probation_that_ended_before_the_quarter_does_not_exclude() -> None:
    figures = values(quarter(people=(hire("a", hired_on="2025-06-01",
                                          probation_until="2025-12-31"),)))
    assert figures["person:a:score"] == BASELINE
    assert figures["dept:ward:headcount"] == 2


def test_a_lump_sum_employee_is_excluded_and_not_in_the_head_count() -> None:
    statement = quarter(people=(hire("a", category="lump_sum"),))
    figures = values(statement)
    assert figures["person:a:points"] == 0
    assert "person:a:score" not in figures
    assert figures["dept:ward:headcount"] == 1
    line = next(p for p in statement.people if p.employee_id == "a")
    assert (line.status, line.pay_cny) == ("excluded", 0)
    assert "lump-sum" in line.reason


def test_a_person_hired_after_the_quarter_is_not_in_it() -> None:
    statement = quarter(people=(hire("a", hired_on="2026-04-01"),))
    assert not any(key.startswith("person:a:") for key in statement.book.figures)
    assert [p.employee_id for p in statement.people] == ["b"]
    assert values(statement)["dept:ward:headcount"] == 1


def test_a_person_who_left_mid_quarter_is_scored_and_paid_in_it() -> None:
    statement = quarter({"type": "record_departure", "employee_id": "a",
                         "effective_on": "2026-02-15"})
    figures = values(statement)
    assert figures["person:a:score"] == BASELINE
    assert figures["dept:ward:headcount"] == 2
    line = next(p for p in statement.people if p.employee_id == "a")
    assert line.status == "paid"
    assert line.pay_cny == statement.book.figures["dept:ward:settled"].value / 2


def test_a_person_who_left_before_the_quarter_is_not_in_it() -> None:
    statement = quarter({"type": "record_departure", "employee_id": "a",
                         "effective_on": "2025-12-31"})
    assert [p.employee_id for p in statement.people] == ["b"]
