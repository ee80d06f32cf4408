"""The working-day calendar with recorded holiday notices, deadlines in either unit, and
the procedural settings' own checks (issue 15). Pure: no ledger."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from domain.calendar import (
    STATUTORY,
    CalendarUnknownError,
    HolidayNotice,
    WorkingCalendar,
    add_days,
    add_working_days,
    within_days,
    working_days_between,
)
from domain.procedure_events import HolidayNoticeBody, OutsideResultBody
from domain.procedure_rules import AppealSetting, Deadline

REF = {"rule": "T-1", "source": "004_deb0a29d71ec55ac.txt:L1"}
# A made-up notice for a year the library does not know: 1 Jan off, a week off in
# February, and Saturday 13 February worked in exchange.
NOTICE = HolidayNotice(
    2027, frozenset([date(2027, 1, 1), *(date(2027, 2, 5) + timedelta(days=n)
                                          for n in range(7))]),
    frozenset([date(2027, 2, 13)]), "test notice")
WITH_2027 = WorkingCalendar({2027: NOTICE})


def test_a_year_nobody_recorded_is_refused_never_counted_as_plain_weekdays() -> None:
    with pytest.raises(CalendarUnknownError) as refused:
        add_working_days(date(2026, 12, 25), 10)
    # English, the message id: worded where it is shown (tests/e2e/test_procedures.py)
    assert "The statutory holiday calendar for 2027 is not known" in str(refused.value)
    assert "record-notice --year 2027" in str(refused.value)


def test_a_recorded_notice_extends_the_calendar_holidays_and_make_up_days() -> None:
    # From Fri 2026-12-25: 28, 29, 30, 31 Dec (4), 1 Jan is a holiday, 4–8 Jan (9), 11 Jan.
    assert add_working_days(date(2026, 12, 25), 10, WITH_2027) == date(2027, 1, 11)
    # From Wed 3 Feb: Thu 4 (1), 5–11 off, Fri 12 (2), Sat 13 worked (3).
    assert add_working_days(date(2027, 2, 3), 3, WITH_2027) == date(2027, 2, 13)
    assert working_days_between(date(2027, 2, 3), date(2027, 2, 13), WITH_2027) == 3
    assert not WITH_2027.is_working_day(date(2027, 2, 14))  # an ordinary Sunday


def test_a_recorded_notice_wins_over_the_library_for_its_year() -> None:
    # 2026-10-08 is a working day for the library; a notice recorded for 2026 that says
    # otherwise is the office's own statement and is followed.
    assert STATUTORY.is_working_day(date(2026, 10, 8))
    own = WorkingCalendar({2026: HolidayNotice(2026, frozenset([date(2026, 10, 8)]),
                                               frozenset(), "own")})
    assert not own.is_working_day(date(2026, 10, 8))


@given(start=st.dates(date(2024, 1, 1), date(2027, 3, 1)), count=st.integers(0, 40),
       after=st.integers(-5, 90), unit=st.sampled_from(["working", "calendar"]))
def test_within_a_window_agrees_with_its_deadline(start: date, count: int, after: int,
                                                 unit: str) -> None:
    day = start + timedelta(days=after)
    assert within_days(start, count, unit, day, WITH_2027) == (  # type: ignore[arg-type]
        day <= add_days(start, count, unit, WITH_2027))  # type: ignore[arg-type]


def test_a_filing_in_december_needs_no_holidays_of_the_year_its_window_runs_into() -> None:
    # The deadline itself (10 working days after 25 Dec) cannot be told without 2027 ...
    with pytest.raises(CalendarUnknownError):
        add_working_days(date(2026, 12, 25), 10)
    # ... but a filing on 28 or 31 December is inside the window whatever 2027 holds.
    assert within_days(date(2026, 12, 25), 10, "working", date(2026, 12, 28))
    assert within_days(date(2026, 12, 25), 10, "working", date(2026, 12, 31))
    # A filing past a deadline that lies in a known year never asks about the next one.
    assert not within_days(date(2026, 12, 1), 3, "working", date(2027, 1, 20))
    # Inside a window that reaches into 2027, a filing in 2027 still needs its holidays.
    with pytest.raises(CalendarUnknownError):
        within_days(date(2026, 12, 25), 10, "working", date(2027, 1, 5))


def test_calendar_days_need_no_holiday_calendar() -> None:
    assert add_days(date(2026, 12, 28), 7, "calendar") == date(2027, 1, 4)
    assert add_days(date(2026, 3, 2), 5, "working") == date(2026, 3, 9)


def test_a_notice_names_days_of_its_own_year_and_each_day_once() -> None:
    with pytest.raises(ValidationError, match="not in 2027"):
        HolidayNoticeBody(year=2027, holidays=(date(2028, 1, 1),), notice="x")
    with pytest.raises(ValidationError, match="both as a holiday"):
        HolidayNoticeBody(year=2027, holidays=(date(2027, 2, 13),),
                          workdays=(date(2027, 2, 13),), notice="x")


def test_an_outside_result_is_a_grade_or_a_number_with_its_source() -> None:
    with pytest.raises(ValidationError, match="exactly one of grade or value"):
        OutsideResultBody(subject_id="c1", grading_period="2024", name="annual",
                          source="县卫生健康局")
    given = OutsideResultBody(subject_id="c1", grading_period="2024", name="annual",
                              grade="unqualified", source="县卫生健康局")
    assert given.grading_period == "2024"


def test_an_appeal_setting_is_a_window_with_its_review_or_a_note_of_none() -> None:
    window = Deadline(days=7, unit="calendar", ref=REF)  # type: ignore[arg-type]
    assert AppealSetting(window=window, review=window).window == window
    with pytest.raises(ValidationError, match="exactly one of window or none_stated"):
        AppealSetting()
    with pytest.raises(ValidationError, match="needs the review"):
        AppealSetting(window=window)
