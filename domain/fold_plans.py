"""What the fold does with each type of event, worked out once per type.

`Facts.apply` asked every event what it is (a dozen isinstance checks and field look-ups
per event): most of the fold's own time. The answers depend only on the event's type, so
they are kept here per type (domain/facts.py uses them; `register_unique` there clears
them when a uniqueness shape is added).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from domain.access_log import PersonalDataRead
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
)

ROSTER_EVENTS = (
    EmployeeHired,
    EmployeeTransferred,
    TitleGradeChanged,
    PostChanged,
    EmploymentCategoryChanged,
    EmployeeLeft,
)


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
        invalid=issubclass(cls, InvalidEntry), moves=not issubclass(cls, PersonalDataRead),
        unique=shape, unique_key=_key_of(shape), employee=named("employee_id"), kind=kind,
        period=named("period"), year=named("year"))
    return plan


def _key_of(shape: tuple[str, ...] | None) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    """`uniqueness_key` for one shape: (its name, the fields' values, None if absent)."""
    if shape is None:
        return lambda values: ()
    name, fields = shape[0], shape[1:]
    if len(fields) == 1:
        only = fields[0]
        return lambda values: (name, values.get(only))
    return lambda values: (name, *[values.get(field) for field in fields])
