"""What a template's drop-downs and example row show a clerk: each code beside its name,
「内科 (internal)」, 「迟到 (late)」, 「2026年第1季度 (2026-Q1)」, which the import reads back as
the code in brackets (api/sheets/cells.py); a period list; and a roster example whose
工号 is not anyone's on the roster (imported unchanged, it never touches someone hired)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from api.i18n.codes import code_name, in_documents, labelled
from api.i18n.formats import period_name
from api.sheets.columns import DEPARTMENT_KIND_CHINESE, ENTRY_CHINESE
from api.sheets.templates import Lists
from api.usecases.ports import Caller, today_local
from domain.facts import Facts
from domain.periods import Period
from projections.views import payable_periods

ZONE = ZoneInfo("Asia/Shanghai")  # the organisation's zone, as the exports read it
CLOSED = "已结账"
ENTRY_NAMES = {code: name for name, code in ENTRY_CHINESE.items()}
DEPARTMENT_KIND_NAMES = {code: name for name, code in DEPARTMENT_KIND_CHINESE.items()}
NAMED_BY_CODE = ("kind", "title_grade", "post", "category", "participation_class")
_NUMBERED = re.compile(r"^(.*?)(\d+)$")


def readable(facts: Facts | None, caller: Caller) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The departments and people a template may list to `caller`: everyone for the
    store's owner and the roles that read everything; for a head, the departments they
    head and the people in them today (a template must never name another department's
    staff). A role that imports nothing is refused before (imports.template)."""
    if facts is None:
        return (), ()
    departments, people = facts.department_ids(), facts.employee_ids()
    user = caller.user
    if user is None or user.reads_everything:
        return tuple(departments), tuple(people)
    today = today_local()
    own = tuple(d for d in departments if user.may_read_department(d))
    return own, tuple(p for p in people if (state := facts.employee_on(p, today)) is not None
                      and state.department_id in own)


def labelled_lists(facts: Facts | None, lists: Lists, quarter: bool) -> Lists:
    """The lists and the example with every code named, plus the period lists."""
    namers: dict[str, Callable[[str], str]] = {
        "department_id": _department_namer(facts), "employee_id": _person_namer(facts),
        "entry": lambda code: ENTRY_NAMES.get(code, code),
        "department_kind": lambda code: DEPARTMENT_KIND_NAMES.get(code, code),
        **dict.fromkeys(NAMED_BY_CODE, lambda code: in_documents(code_name, code)),
    }
    values = {column: tuple(labelled(namers[column](v), v) for v in codes)
              if column in namers else codes for column, codes in lists.values.items()}
    listed = {column: labelled(namers[column](v), v)
              for column, v in lists.example.items() if column in namers and v}
    periods = _periods(facts, quarter)
    closed = set(facts.closes) if facts is not None else set()
    shown = {p: labelled(_period_label(p, p in closed), p) for p in periods}
    values["period"] = tuple(shown[p] for p in periods if not p.endswith("-YE"))
    values["pay_period"] = tuple(shown.values())
    first_open = next((p for p in periods if p not in closed and not p.endswith("-YE")),
                      periods[0])
    listed["period"] = listed["pay_period"] = shown[first_open]
    example = {**lists.example, "period": first_open, "pay_period": first_open}
    return Lists(values, example, listed)


def roster_example(lists: Lists, people: Iterable[str]) -> Lists:
    """The roster example with a 工号 nobody on the roster has, numbered after the last."""
    unused = unused_id(people)
    return Lists(lists.values, {**lists.example, "employee_id": unused},
                 {**lists.listed_example, "employee_id": unused})


def unused_id(people: Iterable[str]) -> str:
    """E0119 after E0001 … E0118 (the same prefix and width); E0001 on an empty roster."""
    taken = set(people)
    numbered = [m for m in map(_NUMBERED.match, sorted(taken)) if m is not None]
    prefix, digits = (numbered[-1][1], numbered[-1][2]) if numbered else ("E", "0000")
    number = max((int(m[2]) for m in numbered if m[1] == prefix), default=0) + 1
    while (candidate := f"{prefix}{number:0{len(digits)}d}") in taken:
        number += 1
    return candidate


def _department_namer(facts: Facts | None) -> Callable[[str], str]:
    def name(code: str) -> str:
        defined = facts.department_on(code, date.max) if facts is not None else None
        return defined.name if defined is not None else code
    return name


def _person_namer(facts: Facts | None) -> Callable[[str], str]:
    def name(code: str) -> str:
        person = facts.employee_on(code, date.max) if facts is not None else None
        return person.name if person is not None else code
    return name


def _periods(facts: Facts | None, quarter: bool) -> list[str]:
    """Every quarter and year end (or month) of the years the ledger pays and this year."""
    years = {datetime.now(ZONE).year}
    if facts is not None:
        years |= {p.year for p in payable_periods(facts)}
    found: list[str] = []
    for year in sorted(years):
        parts = ([str(Period(year, "quarter", q)) for q in range(1, 5)] if quarter
                 else [str(Period(year, "month", m)) for m in range(1, 13)])
        found += [*parts, str(Period(year, "year_end", 0))]
    return found


def _period_label(period: str, closed: bool) -> str:
    name = in_documents(period_name, period)
    if name == period:  # a month: its code says it
        return f"{period} {CLOSED}" if closed else period
    return f"{name} {CLOSED}" if closed else name
