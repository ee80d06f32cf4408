"""Months that close on a day (domain/period_windows.py, 003-A2-R9, AMB-27): 26 March – 25
April is "April"; quarters and years close on the same day; without a closing day the
periods are calendar ones."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from domain.grading import GradingPeriod
from domain.period_windows import MonthClose, period_window

CLOSES_25 = MonthClose.model_validate(
    {"day": 25, "ref": {"rule": "003-A2-R9", "source": "003_8312023e5dafd40d.txt:L87"}})


def _window(text: str, closes: MonthClose | None) -> tuple[date, date]:
    period = GradingPeriod.parse(text)
    return period_window(period.first_day, period.last_day, closes)


@pytest.mark.parametrize(("period", "first", "last"), [
    ("2025-04", date(2025, 3, 26), date(2025, 4, 25)),
    ("2025-01", date(2024, 12, 26), date(2025, 1, 25)),
    ("2025-03", date(2025, 2, 26), date(2025, 3, 25)),
    ("2025-Q2", date(2025, 3, 26), date(2025, 6, 25)),
    ("2025", date(2024, 12, 26), date(2025, 12, 25)),
])
def test_a_period_runs_from_the_26th_to_the_25th(period: str, first: date, last: date) -> None:
    assert _window(period, CLOSES_25) == (first, last)


def test_an_incident_on_27_march_belongs_to_april() -> None:
    april, march = (_window(p, CLOSES_25) for p in ("2025-04", "2025-03"))
    assert april[0] <= date(2025, 3, 27) <= april[1]
    assert not march[0] <= date(2025, 3, 27) <= march[1]


def test_consecutive_months_neither_overlap_nor_leave_a_gap() -> None:
    windows = [_window(f"2025-{m:02d}", CLOSES_25) for m in range(1, 13)]
    for (_, last), (first, _) in itertools.pairwise(windows):
        assert (first - last).days == 1
    assert sum((b - a).days + 1 for a, b in windows) == 365


def test_without_a_closing_day_periods_are_calendar_ones() -> None:
    assert _window("2025-04", None) == (
        date(2025, 4, 1), date(2025, 4, 30))


def test_a_closing_day_every_month_has() -> None:
    with pytest.raises(ValueError, match="less than or equal to 28"):
        MonthClose.model_validate({"day": 31, "ref": CLOSES_25.ref.model_dump()})
