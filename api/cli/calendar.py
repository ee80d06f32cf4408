"""`jixiao calendar record-notice|show|deadline`: the working-day calendar, with the
State Council's holiday notice of a year the calendar library does not know yet."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

import typer

from api.cli.options import Actor, Db, Json, Reason, caller, open_session
from api.i18n import N_, _
from api.i18n.messages import translate
from api.usecases import procedures
from domain.errors import InvalidRequestError
from domain.scheme import canonical_dumps

app = typer.Typer(help="工作日日历：录入国务院放假通知、查看、计算期限。 The working-day "
                  "calendar: record a year's holiday notice, show a year, compute a deadline.",
                  no_args_is_help=True)

Days = Annotated[list[str] | None, typer.Option(
    help="A day or a span FIRST..LAST (repeat).", show_default=False)]
RANGE_DAYS_MAX = 31  # a named limit: no holiday in a notice is longer than a month
NOT_A_SPAN = N_("{name}: {text} is not a span of at most {days} days, first..last")
RECORDED = N_("recorded the {year} notice: {holidays} holiday(s), {workdays} make-up "
              "working day(s)")
UNKNOWN_YEAR = N_("{year}: unknown: record the notice with `jixiao calendar record-notice "
                  "--year {year}`")
# where a year's calendar comes from: `source` in --json is a machine word ("recorded"),
# or the calendar library's name and version, shown as they are
SOURCES = {"recorded": N_("the notice recorded in this ledger")}
DUE = {"working": N_("{days} working day(s) after {start}: {due} ({source})"),
       "calendar": N_("{days} calendar day(s) after {start}: {due} ({source})")}


def expand(texts: list[str] | None, name: str) -> list[str]:
    """Days and spans (2027-02-06..2027-02-13) as ISO days."""
    days: list[str] = []
    for text in texts or []:
        first_text, _dots, last_text = text.partition("..")
        first = procedures.parse_day(first_text, name)
        last = procedures.parse_day(last_text, name) if last_text else first
        if not 0 <= (last - first).days <= RANGE_DAYS_MAX:
            raise InvalidRequestError(_(NOT_A_SPAN).format(name=name, text=repr(text),
                                                           days=RANGE_DAYS_MAX + 1))
        days += [(first + timedelta(days=n)).isoformat() for n in range((last - first).days + 1)]
    return days


@app.command("record-notice")
def record_notice(
    *, year: Annotated[int, typer.Option(help="The year the notice is for.")],
    notice: Annotated[str, typer.Option(help="The notice's number or title, e.g. "
                                        "国办发明电〔2026〕7号.")],
    holiday: Days = None, workday: Days = None,
    supersedes: Annotated[str | None, typer.Option(
        help="The notice entry this one corrects.")] = None,
    reason: Reason = None, db: Db = None, actor: Actor = None,
) -> int:
    """录入一年的放假安排和调休上班日。 Record a year's holidays and make-up working days."""
    row: dict[str, Any] = {"type": "record_holiday_notice", "year": year, "notice": notice,
                           "holidays": expand(holiday, "--holiday"),
                           "workdays": expand(workday, "--workday"), "reason": reason}
    if supersedes:
        row["supersedes"] = supersedes
    with open_session(db) as session:
        procedures.record(session, caller(actor), row)
    print(_(RECORDED).format(year=year, holidays=len(row["holidays"]),
                             workdays=len(row["workdays"])))
    return 0


@app.command("show")
def show(*, year: Annotated[int, typer.Option(help="The year.")], as_json: Json = False,
         db: Db = None) -> int:
    """查看某年日历的来源、放假和调休。 Where a year's calendar comes from, and its days."""
    with open_session(db) as session:
        found = procedures.calendar_year(session, year)
    if as_json:
        print(canonical_dumps(found))
        return 0
    if found["source"] == "unknown":
        print(_(UNKNOWN_YEAR).format(year=year))
        return 0
    named = SOURCES.get(found["source"])
    source = _(named) if named is not None else found["source"]
    print(_("{year}: {source}").format(year=year, source=source) + (
        f" ({found['notice']})" if found["notice"] else ""))
    print(_("holidays: {days}").format(days=", ".join(found["holidays"]) or "-"))
    print(_("make-up working days: {days}").format(days=", ".join(found["workdays"]) or "-"))
    return 0


@app.command("deadline")
def deadline(
    *, start: Annotated[str, typer.Option("--from", help="The start day (not counted).")],
    days: Annotated[int, typer.Option(help="How many days.")],
    calendar_days: Annotated[bool, typer.Option(
        "--calendar-days", help="Count calendar days (「7日内」), not working days.")] = False,
    as_json: Json = False, db: Db = None,
) -> int:
    """计算期限：起算日之后第 N 个工作日（或自然日）。 The day N working or calendar days later."""
    first: date = procedures.parse_day(start, "--from")
    with open_session(db) as session:
        answer = procedures.deadline(session, first, days,
                                     "calendar" if calendar_days else "working")
    if as_json:
        print(canonical_dumps({"from": first.isoformat(), "days": days, "unit": answer.unit,
                               "due": answer.due.isoformat(), "source": answer.source}))
        return 0
    # the source is English, as in --json (api/usecases/procedures.py): worded here
    source = "; ".join(translate(part) for part in answer.source.split("; "))
    print(_(DUE[answer.unit]).format(days=days, start=first, due=answer.due, source=source))
    return 0
