"""Procedures around results (issue 15): the working-day calendar (a year's holiday
notice recorded as data, a deadline computed on it), delivery of written decisions,
filing with a higher body, publicity (公示) and objections, results made final, results
from outside the ledger, and the report of what was late. One implementation for
`jixiao calendar|procedures` and the HTTP API."""

from __future__ import annotations

from datetime import date
from typing import Any

import chinese_calendar

from api.usecases.access import require_everything_for
from api.usecases.ledger import ApplyResult, Batch, apply_batch
from api.usecases.ports import Caller, Workspace
from domain.calendar import DayUnit, add_days
from domain.errors import InvalidRequestError
from domain.procedures import calendar_of
from domain.records import frozen_record
from projections.procedures import procedures_report

# In English, the machine language of `--json` and of the API; the CLI's line words them
# in the reader's language (api/i18n/error_templates.py).
NOT_A_DAY = "{name}: {text} is not a date like 2027-01-01"
CALENDAR_DAYS = "calendar days"
RECORDED_NOTICE = "{year}: the notice recorded in this ledger"


def parse_day(text: str, name: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidRequestError(NOT_A_DAY.format(name=name, text=repr(text))) from None


def record(ws: Workspace, caller: Caller, row: dict[str, Any]) -> ApplyResult:
    """One procedure fact (record_holiday_notice, record_delivery, record_filing,
    open_publicity, record_objection, make_results_final, record_outside_result),
    checked like any other command: bad input is refused and nothing is written."""
    return apply_batch(ws, caller, Batch([(str(row.get("type")), row)]))


@frozen_record
class DeadlineAnswer:
    start: date
    days: int
    unit: DayUnit
    due: date
    source: str  # where the year's calendar comes from


def deadline(ws: Workspace, start: date, days: int, unit: DayUnit) -> DeadlineAnswer:
    """The day `days` (working or calendar) days after `start` on the ledger's calendar;
    a year nobody has recorded is refused, never counted as all weekdays."""
    calendar = calendar_of(ws.facts())
    due = add_days(start, days, unit, calendar)
    if unit == "calendar":
        return DeadlineAnswer(start, days, unit, due, CALENDAR_DAYS)
    years = range(start.year, due.year + 1)
    sources = [year_source(calendar.notices.get(y) is not None, y) for y in years]
    return DeadlineAnswer(start, days, unit, due, "; ".join(sources))


def year_source(recorded: bool, year: int) -> str:
    if recorded:
        return RECORDED_NOTICE.format(year=year)
    return f"{year}: chinese-calendar {chinese_calendar.__version__}"


def calendar_year(ws: Workspace, year: int) -> dict[str, Any]:
    """Where a year's calendar comes from and, when known, its days off and days worked
    that differ from the plain week."""
    calendar = calendar_of(ws.facts())
    notice = calendar.notices.get(year)
    if notice is not None:
        return {"year": year, "source": "recorded", "notice": notice.notice,
                "holidays": sorted(d.isoformat() for d in notice.holidays),
                "workdays": sorted(d.isoformat() for d in notice.workdays)}
    try:
        holidays = chinese_calendar.get_holidays(date(year, 1, 1), date(year, 12, 31),
                                                 include_weekends=False)
        workdays = [d for d in chinese_calendar.get_workdays(date(year, 1, 1),
                                                             date(year, 12, 31))
                    if d.weekday() >= 5]
    except NotImplementedError:
        return {"year": year, "source": "unknown", "notice": None, "holidays": [],
                "workdays": []}
    return {"year": year, "source": f"chinese-calendar {chinese_calendar.__version__}",
            "notice": None, "holidays": [d.isoformat() for d in holidays],
            "workdays": [d.isoformat() for d in workdays]}


def report(ws: Workspace, caller: Caller, today: date, rulebook: str | None = None
           ) -> dict[str, Any]:
    """Deadlines kept and missed: deliveries, filings, publicity, appeals decided late,
    sanctions whose trigger was voided, outside results. Whole-organisation reading."""
    require_everything_for(caller, "the procedures report")
    return procedures_report(ws.facts(), today, rulebook)
