"""What the fold does with each type of event, worked out once per type.

`Facts.apply` asked every event what it is (a dozen isinstance checks and field look-ups
per event): most of the fold's own time. The answers depend only on the event's type, so
they are kept here per type (domain/facts.py uses them; `register_unique` there clears
them when a uniqueness shape is added).
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter, itemgetter
from typing import Any, NamedTuple

from domain.envelope import InvalidEntry
from domain.events import (
    DepartmentDefined,
    EmployeeHired,
    EmployeeLeft,
    EmployeeTransferred,
    EmploymentCategoryChanged,
    EntryVoided,
    LeaveRecorded,
    PeriodClosed,
    PostChanged,
    SchemeAdopted,
    TitleGradeChanged,
    loaded_family,
)
from domain.settings import SETTINGS_EVENTS

ROSTER_EVENTS = (
    EmployeeHired,
    EmployeeTransferred,
    TitleGradeChanged,
    PostChanged,
    EmploymentCategoryChanged,
    EmployeeLeft,
)


def _access_events() -> tuple[type, ...]:
    """Reads of personal data (domain/access_log.py, imported with the first one)."""
    return loaded_family("domain.access_log", "ACCESS_EVENTS")


class Plan(NamedTuple):
    """What the fold does with every event of one type."""

    close: bool  # a period close: kept by period
    void: bool  # withdraws its target and is not itself a live fact
    invalid: bool  # a stored entry that did not read: reported, never folded
    moves: bool  # moves the revision (every event but a read of personal data)
    unique: tuple[str, ...] | None  # its uniqueness shape (`_UNIQUE_SHAPES`)
    unique_key: Callable[[dict[str, Any]], tuple[Any, ...]]  # the key, from its fields
    employee: bool  # has an `employee_id` field: indexed by employee when it is text
    kind: int  # its own index list: one of the KIND_ values
    period: bool  # has a `period` field: indexed by period when it is text
    year: bool  # has a `year` field: indexed by year when it is an integer
    simple: bool  # none of close, void, invalid, settings or its own index list: inlined
    # The ledger's settings: the latest is kept (`Facts.settings`), so the window of
    # business dates is known without scanning every event back to it.
    settings: bool


KIND_NONE, KIND_SCHEME, KIND_DEPARTMENT, KIND_ROSTER, KIND_LEAVE = range(5)
PLANS: dict[type, Plan] = {}


def plan_of(cls: type, unique_shapes: dict[str, tuple[str, ...]]) -> Plan:
    """The plan of `cls`, made once and kept in PLANS."""
    fields = getattr(cls, "model_fields", None)
    named = (lambda name: True) if fields is None else fields.__contains__
    kind = (KIND_SCHEME if issubclass(cls, SchemeAdopted) else
            KIND_DEPARTMENT if issubclass(cls, DepartmentDefined) else
            KIND_ROSTER if issubclass(cls, ROSTER_EVENTS) else
            KIND_LEAVE if issubclass(cls, LeaveRecorded) else KIND_NONE)
    shape = unique_shapes.get(cls.__name__)
    plan = PLANS[cls] = Plan(
        close=issubclass(cls, PeriodClosed), void=issubclass(cls, EntryVoided),
        invalid=issubclass(cls, InvalidEntry), moves=not issubclass(cls, _access_events()),
        unique=shape, unique_key=_key_of(shape, fields), employee=named("employee_id"), kind=kind,
        period=named("period"), year=named("year"),
        simple=not (issubclass(cls, (PeriodClosed, EntryVoided, InvalidEntry, *SETTINGS_EVENTS))
                    or kind),
        settings=issubclass(cls, SETTINGS_EVENTS))
    return plan


def _key_of(shape: tuple[str, ...] | None,
            model_fields: Any = None) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    """`uniqueness_key` for one shape: (its name, the fields' values, None if absent)."""
    if shape is None:
        return lambda values: ()
    name, fields = shape[0], shape[1:]
    if len(fields) == 1:
        only = fields[0]
        return lambda values: (name, values.get(only))
    if model_fields is not None and all(field in model_fields for field in fields):
        # Every field of a model is in its `__dict__`: the values in one C call, instead
        # of a comprehension per event (a tenth of the fold's own time).
        # The name joined as a one-tuple: ≈25 % less than unpacking into a new display.
        values_of, named = itemgetter(*fields), (name,)
        return lambda values: named + values_of(values)
    return lambda values: (name, *[values.get(field) for field in fields])


# Once a page, so no speed to gain: it keeps `fold_page` within the 60-line limit.
_INDEX_LISTS = attrgetter("by_employee", "by_period", "by_year")


def fold_page(facts: Any, page: list[tuple[int, Any]], unique_shapes: dict[str, Any]) -> None:
    """`facts.apply` for each (position, event) of a page, in order, with the common case
    (a new fact of a simple type into an index of its own) inline: per event, the calls
    and attribute look-ups of `apply` cost as much as its work."""
    if facts.index.owned is not None:
        for position, event in page:
            facts.apply(position, event)
        return
    events, positions, live, unique = facts.events, facts.positions, facts.live, facts.unique
    by_employee, by_period, by_year = _INDEX_LISTS(facts.index)
    last, revision, at = facts.last_position, facts.revision, facts.last_recorded_at
    # The page's new simple facts, by id: merged into `events` and `live` in one C call
    # each, which reuses each id's hash (a UUID's hash is a Python call, three per event
    # were a tenth of the fold). Merged before anything else reads them (`facts.apply`).
    fresh: dict[Any, Any] = {}
    try:
        for position, event in page:
            plan = PLANS.get(type(event)) or plan_of(type(event), unique_shapes)
            # One unpacking instead of an attribute look-up per question.
            _, _, _, moves, shape, unique_key, employee, _, period, year, simple, _ = plan
            values = event.__dict__
            if not simple or values.get("supersedes") is not None:
                events.update(fresh)
                live.update(fresh)
                fresh.clear()
                facts.last_position, facts.revision, facts.last_recorded_at = last, revision, at
                facts.apply(position, event)
                last, revision, at = facts.last_position, facts.revision, facts.last_recorded_at
                continue
            event_id = values["originator_id"]
            fresh[event_id] = event
            positions[event_id] = position
            if position > last:  # noqa: PLR1730 - max() is a call per event
                last = position
            revision += moves
            if shape is not None:
                unique[unique_key(values)] = event_id
            if employee:
                key = values.get("employee_id")
                if isinstance(key, str):
                    listed = by_employee.get(key)
                    if listed is None:
                        by_employee[key] = [event]
                    else:
                        listed.append(event)
            if period:  # `append_to`, inline: most events name a period
                key = values.get("period")
                if isinstance(key, str):
                    listed = by_period.get(key)
                    if listed is None:
                        by_period[key] = [event]
                    else:
                        listed.append(event)
            if year:
                append_to(by_year, values.get("year"), int, event)
            at = values["recorded_at"]  # set on the facts once, at the end
    finally:
        events.update(fresh)
        live.update(fresh)
        facts.last_position, facts.revision, facts.last_recorded_at = last, revision, at


def append_to(table: dict[Any, list[Any]], key: Any, kind: type, event: Any) -> None:
    """Append `event` to `table[key]` when `key` is a `kind` (an index list by id, period
    or year; an event without that field is in none)."""
    if isinstance(key, kind):
        listed = table.get(key)
        if listed is None:
            table[key] = [event]
        else:
            listed.append(event)
