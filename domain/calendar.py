"""Working days on the mainland-China statutory calendar, make-up workdays (调休) included.

The data comes from `chinese-calendar`, which is published year by year; a date in a
year it does not know yet is a clear error, never a guess.
"""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar

from domain.errors import InvalidRequestError

WORKING_DAYS_MAX = 366  # a named limit: no window in any scheme is longer than a year


class CalendarUnknownError(InvalidRequestError):
    code = "calendar_unknown"


def is_working_day(day: date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        raise CalendarUnknownError(
            f"the statutory holiday calendar for {day.year} is not known to this installation "
            "(upgrade the chinese-calendar package once the State Council publishes it); "
            f"{day} cannot be counted in working days") from None


def add_working_days(start: date, count: int) -> date:
    """The day `count` working days after `start`, not counting `start` itself (AMB-07)."""
    if not 0 <= count <= WORKING_DAYS_MAX:
        raise InvalidRequestError(f"a window of {count} working days is out of range")
    day, left = start, count
    while left > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end`."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += is_working_day(day)
    return count
