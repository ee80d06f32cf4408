"""Periods that close on a day of the month (003-A2-R9: 「每月26日至次月25日」).

A pipeline's months may run from the day after `month_closes.day` of the month before to
that day, named after the month that contains the closing day (AMB-27: 26 March – 25
April is "April"). Dated records — sanctions, complaints, derived facts — count in the
period their date falls in; so does a quarter (26 March – 25 June is Q2) and a year (26
December – 25 December). Without `month_closes`, periods are calendar ones.
"""

from __future__ import annotations

from datetime import date, timedelta

from pydantic import Field

from domain.scheme import Frozen, Ref


class MonthClose(Frozen):
    day: int = Field(ge=1, le=28)  # every month has it
    ref: Ref


def period_window(first_day: date, last_day: date, closes: MonthClose | None
                  ) -> tuple[date, date]:
    """The first and last day of the calendar period `first_day`–`last_day` (whole
    months) for a pipeline closing on `closes`."""
    if closes is None:
        return first_day, last_day
    month_before = first_day - timedelta(days=1)
    return (month_before.replace(day=closes.day) + timedelta(days=1),
            last_day.replace(day=closes.day))
