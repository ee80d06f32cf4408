"""What a scenario's stages share while they generate: the organisation being built (its
departments and people), the random stream, the row numbering, and the calendar.

A stage reads and extends this state and yields command rows; nothing here knows which
scenario runs. Randomness comes only from `Context.rng`, so a scenario with the same seed
always gives the same rows.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Mapping
from dataclasses import field
from datetime import date, timedelta
from functools import partial
from typing import Any
from uuid import UUID, uuid5

from domain.records import mutable_record

Row = dict[str, Any]
Stage = Callable[["Context"], Iterator[Row]]

# Leave that keeps a person on duty elsewhere (S11-R56): never counted as absence.
AWAY_ON_DUTY = frozenset({"training", "study"})


@mutable_record
class Department:
    department_id: str
    kind: str  # clinical | admin
    workload_per_head: int = 1_000


@mutable_record
class Leave:
    kind: str
    first_day: date
    last_day: date


@mutable_record
class Person:
    employee_id: str
    name: str
    department_id: str
    title_grade: str
    post: str
    category: str
    participation_class: str
    hired_on: date
    probation_until: date | None = None
    left_on: date | None = None
    moves: list[tuple[date, str]] = field(default_factory=list)  # (from day, department)
    leaves: list[Leave] = field(default_factory=list)

    def department_on(self, day: date) -> str:
        current = self.department_id
        for start, department_id in self.moves:
            if start <= day:
                current = department_id
        return current

    def employed_during(self, first: date, last: date) -> bool:
        return self.hired_on <= last and (self.left_on is None or self.left_on >= first)

    def in_scoring(self, first: date, last: date) -> bool:
        """Takes part in scoring (S11-R49/R50): employed, not lump-sum, not on probation,
        not away on study or training for over a month (S11-R56)."""
        if not self.employed_during(first, last) or self.category == "lump_sum":
            return False
        if self.probation_until is not None and self.probation_until >= first:
            return False
        return not any(leave.kind in AWAY_ON_DUTY and leave.first_day <= last
                       and leave.last_day >= first
                       and leave.last_day >= add_months(leave.first_day, 1)
                       for leave in self.leaves)

    def absence_days(self, first: date, last: date) -> tuple[str, int] | None:
        """The (kind, weekdays) of the first absence overlapping the period, if any."""
        for leave in self.leaves:
            if leave.kind in AWAY_ON_DUTY:
                continue
            span_first, span_last = max(first, leave.first_day), min(last, leave.last_day)
            if span_first <= span_last:
                return leave.kind, weekdays(span_first, span_last)
        return None


@mutable_record
class Context:
    """One organisation's generation in progress."""

    scenario: Mapping[str, Any]
    rng: random.Random
    settings: Mapping[str, Any]  # run-time parameters: year, organisation, sizes …
    year: int = 0
    quarter: int = 0
    rows_made: int = 0
    departments: list[Department] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    by_department: dict[str, list[Person]] = field(default_factory=dict)
    names_used: set[str] = field(default_factory=set)
    # The people a scripted scenario's `cast` names, picked once.
    cast: dict[str, Person] = field(default_factory=dict)
    # Rows later stages refer to (corrections, voids), and their labels.
    labelled: dict[str, Row] = field(default_factory=dict)
    # Figures rows by (quarter, department), for the corrections of the same quarter.
    figures: dict[tuple[int, str], Row] = field(default_factory=dict)
    # Employees whose year-end assessment fails, with the reason.
    year_end_failures: dict[str, str] = field(default_factory=dict)
    # Scratch values one stage leaves for a later one (e.g. a drawn revenue per head).
    memo: dict[str, Any] = field(default_factory=dict)
    key_of: Callable[..., str] = field(init=False)

    def __post_init__(self) -> None:
        self.key_of = partial(self.scenario["idempotency_key"].format, **self.settings)

    def row(self, command_type: str, /, **fields: Any) -> Row:
        """A numbered command row; None fields are left out; the idempotency key is last."""
        self.rows_made += 1
        row: Row = {"type": command_type, **{k: v for k, v in fields.items() if v is not None}}
        row["idempotency_key"] = self.key_of(number=self.rows_made)
        return row

    def entry_id(self, row: Row) -> UUID:
        """The event id the ledger gives this row (from its idempotency key)."""
        return entry_id(row["idempotency_key"])

    @property
    def period(self) -> str:
        return f"{self.year}-Q{self.quarter}"

    @property
    def quarter_days(self) -> tuple[date, date]:
        return quarter_days(self.year, self.quarter)

    def clinical_ids(self) -> frozenset[str]:
        return frozenset(d.department_id for d in self.departments if d.kind == "clinical")

    def pick(self, table: list[list[Any]]) -> str:
        """A name from a weighted [[name, weight], …] table."""
        roll = self.rng.randrange(sum(weight for _, weight in table))
        for name, weight in table:
            if roll < weight:
                return str(name)
            roll -= weight
        raise AssertionError  # pragma: no cover

    def new_name(self) -> str:
        names = self.scenario["names"]
        while True:
            given: str = self.rng.choice(names["given"])
            given += self.rng.choice(names["given"]) if self.rng.randrange(3) else ""
            name = str(self.rng.choice(names["surnames"])) + given
            if not names.get("unique"):
                return name
            if name not in self.names_used:
                self.names_used.add(name)
                return name

    def hire(self, department_id: str, post: str, title: str, category: str, klass: str, *,
             hired_on: date, probation_until: date | None = None) -> tuple[Person, Row]:
        index = len(self.people)
        employee_id = self.scenario["employee_id"].format(index=index, number=index + 1)
        person = Person(employee_id, self.new_name(), department_id, title, post, category,
                        klass, hired_on, probation_until)
        self.people.append(person)
        self.by_department.setdefault(department_id, []).append(person)
        return person, self.row(
            "hire_employee", employee_id=employee_id, name=person.name,
            department_id=department_id, title_grade=title, post=post, category=category,
            participation_class=klass, hired_on=hired_on.isoformat(),
            probation_until=probation_until.isoformat() if probation_until else None)

    def scheduled_days(self, person: Person) -> int:
        """The quarter's scheduled days (S11-R42), pro rata for part of it employed."""
        first, last = self.quarter_days
        scheduled = int(self.scenario["scheduled_days"][self.quarter])
        span_first = max(first, person.hired_on)
        span_last = min(last, person.left_on or last)
        if (span_first, span_last) != (first, last):
            scheduled = scheduled * weekdays(span_first, span_last) // weekdays(first, last)
        return scheduled

    def draw_absence(self, table: list[Mapping[str, Any]]) -> dict[str, int]:
        """At most one random absence: the first entry whose one-in-N roll comes up."""
        for entry in table:
            if self.rng.randrange(int(entry["one_in"])) == 0:
                low, high = entry["days"]
                return {str(entry["kind"]): self.rng.randint(int(low), int(high))}
        return {}


def entry_id(key: str) -> UUID:
    """The event id the ledger gives the command with this idempotency key."""
    # Imported here: the benchmark runner reads presets without loading the ledger.
    from domain.application import IDEMPOTENCY_NAMESPACE  # noqa: PLC0415

    return uuid5(IDEMPOTENCY_NAMESPACE, key)


def quarter_days(year: int, quarter: int) -> tuple[date, date]:
    first = date(year, 3 * quarter - 2, 1)
    last = (date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
            ) - timedelta(days=1)
    return first, last


def weekdays(first: date, last: date) -> int:
    days = 0
    day = first
    while day <= last:
        if day.weekday() < 5:
            days += 1
        day += timedelta(days=1)
    return days


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, candidate)
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover


def day_in(year: int, month_day: str) -> date:
    """A scenario's "MM-DD" in the generated year."""
    return date.fromisoformat(f"{year}-{month_day}")


def money(yuan: int) -> str:
    return f"{yuan}.00"
