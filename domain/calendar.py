"""Working days on the mainland-China statutory calendar, make-up workdays (调休) included.

The data comes from `chinese-calendar`, which is published year by year, and from the
State Council's holiday notices recorded in the ledger (`record_holiday_notice`) for the
years the library does not know yet. A recorded notice is the office's own statement of
the year and wins over the library. A date in a year neither knows is a clear error,
never counted as if every weekday were a working day.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field
from datetime import date, timedelta
from typing import Literal

import chinese_calendar

from domain.errors import InvalidRequestError
from domain.records import frozen_record

WORKING_DAYS_MAX = 366  # a named limit: no window in any scheme is longer than a year
DayUnit = Literal["working", "calendar"]


class CalendarUnknownError(InvalidRequestError):
    code = "calendar_unknown"


@frozen_record
class HolidayNotice:
    """One year's State Council notice (国务院办公厅关于…部分节假日安排的通知) as data."""

    year: int
    holidays: frozenset[date]  # weekdays off (放假)
    workdays: frozenset[date]  # weekend days worked (调休上班)
    notice: str  # the notice's document number or title


@frozen_record
class WorkingCalendar:
    """The library's years, plus the notices a ledger recorded."""

    notices: Mapping[int, HolidayNotice] = field(default_factory=dict)

    def is_working_day(self, day: date) -> bool:
        notice = self.notices.get(day.year)
        if notice is not None:
            if day in notice.workdays:
                return True
            return day not in notice.holidays and day.weekday() < 5
        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError:
            raise CalendarUnknownError(unknown_year_message(day)) from None


STATUTORY = WorkingCalendar()
# English, the message id (an appeal's `deadline_unknown` and a procedure's `problem` are
# JSON data too): worded where it is shown, its Chinese a template of
# api/i18n/error_templates.py.
UNKNOWN_YEAR = ("The statutory holiday calendar for {year} is not known (neither recorded in "
                "this ledger nor in the chinese-calendar package); {day} cannot be counted in "
                "working days. Record that year's State Council notice: `jixiao calendar "
                "record-notice --year {year} …`")


def unknown_year_message(day: date) -> str:
    return UNKNOWN_YEAR.format(year=day.year, day=day)


def is_working_day(day: date, calendar: WorkingCalendar = STATUTORY) -> bool:
    return calendar.is_working_day(day)


def add_working_days(start: date, count: int, calendar: WorkingCalendar = STATUTORY) -> date:
    """The day `count` working days after `start`, not counting `start` itself (AMB-07)."""
    if not 0 <= count <= WORKING_DAYS_MAX:
        raise InvalidRequestError(f"a window of {count} working days is out of range")
    day, left = start, count
    while left > 0:
        day += timedelta(days=1)
        if calendar.is_working_day(day):
            left -= 1
    return day


def add_days(start: date, count: int, unit: DayUnit,
             calendar: WorkingCalendar = STATUTORY) -> date:
    """The deadline `count` days after `start` in the rule's own unit: working days on
    the statutory calendar, or calendar days (「7日内」), the start day not counted."""
    if unit == "working":
        return add_working_days(start, count, calendar)
    if not 0 <= count <= WORKING_DAYS_MAX:
        raise InvalidRequestError(f"a window of {count} days is out of range")
    return start + timedelta(days=count)


def within_days(start: date, count: int, unit: DayUnit, day: date,
                calendar: WorkingCalendar = STATUTORY) -> bool:
    """Whether `day` is on or before `add_days(start, count, unit)`, asking the calendar of
    no day after `day`: an appeal filed on 28 December inside a window that runs into a year
    whose holidays are not published yet is on time without them."""
    if not 0 <= count <= WORKING_DAYS_MAX:
        raise InvalidRequestError(f"a window of {count} days is out of range")
    if unit != "working" or day <= start:
        return day <= start + timedelta(days=count)
    counted, current = 0, start
    while current < day:
        current += timedelta(days=1)
        if calendar.is_working_day(current):
            counted += 1
            if counted > count:  # past the deadline: later years need not be known
                return False
    # `count` working days counted up to `day`: on time only if `day` is the last of them
    return counted < count or calendar.is_working_day(day)


def working_days_between(start: date, end: date,
                         calendar: WorkingCalendar = STATUTORY) -> int:
    """Working days after `start` up to and including `end`."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += calendar.is_working_day(day)
    return count
