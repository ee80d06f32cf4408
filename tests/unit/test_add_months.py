"""`add_months` (projections/scoring.py) clamps to the month's last day without the calendar
module: the same answers as `calendar.monthrange` gives, leap years and December included."""

from __future__ import annotations

import calendar
from datetime import date

from projections.scoring import add_months


def test_add_months_clamps_to_the_last_day_as_calendar_does() -> None:
    for year in (1999, 2000, 2024, 2026, 2100):
        for month in range(1, 13):
            for day_of_month in (1, 28, 29, 30, 31):
                if day_of_month > calendar.monthrange(year, month)[1]:
                    continue
                day = date(year, month, day_of_month)
                for months in range(25):
                    index = month - 1 + months
                    to_year, to_month = year + index // 12, index % 12 + 1
                    last = calendar.monthrange(to_year, to_month)[1]
                    assert add_months(day, months) == date(
                        to_year, to_month, min(day_of_month, last)), (day, months)


def test_add_months_examples() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_months(date(2026, 12, 31), 12) == date(2027, 12, 31)


def test_add_months_reaches_the_last_month_date_can_hold() -> None:
    """December of year 9999: `date` has no next month's first day to step back from, and
    calendar answered it."""
    assert add_months(date(9999, 10, 31), 2) == date(9999, 12, 31)
    assert add_months(date(9999, 12, 15), 0) == date(9999, 12, 15)
