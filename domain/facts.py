"""Facts: the ledger's events folded into what is known, as of a cut-off.

The fold is the only place that understands corrections: a fact that `supersedes` an
earlier one replaces it, an `EntryVoided` withdraws it. Everything downstream sees only
live facts, each still carrying its event id so every figure can name its sources.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any
from uuid import UUID

from domain.events import (
    DepartmentDefined,
    EmployeeHired,
    EmployeeLeft,
    EmployeeTransferred,
    EmploymentCategoryChanged,
    EntryVoided,
    LeaveRecorded,
    LedgerEvent,
    PeriodClosed,
    PostChanged,
    SchemeAdopted,
    TitleGradeChanged,
)
from domain.periods import Period
from domain.scheme import PAY_SCHEME_KIND, parse_scheme

ROSTER_EVENTS = (
    EmployeeHired,
    EmployeeTransferred,
    TitleGradeChanged,
    PostChanged,
    EmploymentCategoryChanged,
    EmployeeLeft,
)


@dataclass(frozen=True)
class EmployeeState:
    """An employee as the roster stood on one day."""

    employee_id: str
    name: str
    department_id: str
    title_grade: str
    post: str
    category: str
    participation_class: str
    hired_on: date
    probation_until: date | None
    left_on: date | None
    event_ids: tuple[str, ...]

    def employed_during(self, first: date, last: date) -> bool:
        return self.hired_on <= last and (self.left_on is None or self.left_on >= first)


@dataclass
class Facts:
    """Every event known up to a cut-off, in notification order, and the live subset."""

    events: dict[UUID, LedgerEvent] = field(default_factory=dict)
    live: dict[UUID, LedgerEvent] = field(default_factory=dict)
    replaced_by: dict[UUID, UUID] = field(default_factory=dict)
    positions: dict[UUID, int] = field(default_factory=dict)
    closes: dict[str, PeriodClosed] = field(default_factory=dict)
    last_position: int = 0
    last_recorded_at: datetime | None = None
    _index: _Index | None = None
    _upto: dict[int, Facts] = field(default_factory=dict)

    @staticmethod
    def fold(events: Iterable[tuple[int, LedgerEvent]]) -> Facts:
        facts = Facts()
        for position, event in events:
            facts.apply(position, event)
        return facts

    def apply(self, position: int, event: LedgerEvent) -> None:
        self.events[event.originator_id] = event
        self.positions[event.originator_id] = position
        if isinstance(event, PeriodClosed):
            self.closes[event.period] = event
        self.last_position = max(self.last_position, position)
        self.last_recorded_at = event.recorded_at
        self._index = None
        if isinstance(event, EntryVoided):
            self.live.pop(event.target_id, None)
            self.replaced_by[event.target_id] = event.originator_id
            return
        if event.supersedes is not None:
            self.live.pop(event.supersedes, None)
            self.replaced_by[event.supersedes] = event.originator_id
        self.live[event.originator_id] = event

    def upto(self, position: int) -> Facts:
        """The facts as they stood after notification `position` (a closed period's cut-off).
        Cached: what stood at a past position never changes, and restatements ask often."""
        if position >= self.last_position:
            return self
        cached = self._upto.get(position)
        if cached is None:
            cached = Facts.fold(
                (self.positions[event_id], event)
                for event_id, event in self.events.items()
                if self.positions[event_id] <= position
            )
            self._upto[position] = cached
        return cached

    def with_events(self, events: Iterable[LedgerEvent]) -> Facts:
        """A copy with extra events applied after the last one: a what-if, never stored."""
        copy = Facts.fold((self.positions[i], e) for i, e in self.events.items())
        for offset, event in enumerate(events, start=1):
            copy.apply(self.last_position + offset, event)
        return copy

    def close_of(self, period: str) -> PeriodClosed | None:
        return self.closes.get(period)

    # ------------------------------------------------------------------ queries

    @property
    def index(self) -> _Index:
        if self._index is None:
            self._index = _Index.build(self.live.values())
        return self._index

    def scheme_for(self, period: Period, kind: str = PAY_SCHEME_KIND) -> Any:
        """The version, of the schemes of one kind, in force on the period's first day.
        An organisation may run a pay scheme and a grading scheme side by side."""
        return self.index.scheme_on(period.first_day, kind)

    def scheme_event_for(self, period: Period, kind: str = PAY_SCHEME_KIND) -> SchemeAdopted | None:
        return self.index.scheme_event_on(period.first_day, kind)

    def department_on(self, department_id: str, day: date) -> DepartmentDefined | None:
        history = self.index.departments.get(department_id, [])
        current = None
        for event in history:
            if event.effective_on <= day:
                current = event
        return current

    def department_ids(self) -> list[str]:
        return sorted(self.index.departments)

    def employee_on(self, employee_id: str, day: date) -> EmployeeState | None:
        return self.index.employee_on(employee_id, day)

    def employee_ids(self) -> list[str]:
        return sorted(self.index.roster)

    def knows_employee(self, employee_id: str) -> bool:
        return employee_id in self.index.roster

    def in_period(self, period: Period) -> list[LedgerEvent]:
        return self.index.by_period.get(str(period), [])

    def in_year(self, year: int) -> list[LedgerEvent]:
        return self.index.by_year.get(year, [])

    def about_employee(self, employee_id: str) -> list[LedgerEvent]:
        """Every live fact naming the employee, in recorded order."""
        return self.index.by_employee.get(employee_id, [])

    def leaves_of(self, employee_id: str) -> list[LeaveRecorded]:
        return self.index.leaves.get(employee_id, [])


@dataclass
class _Index:
    schemes: list[SchemeAdopted]
    parsed: dict[UUID, Any]
    departments: dict[str, list[DepartmentDefined]]
    roster: dict[str, list[LedgerEvent]]
    leaves: dict[str, list[LeaveRecorded]]
    by_period: dict[str, list[LedgerEvent]]
    by_year: dict[int, list[LedgerEvent]]
    by_employee: dict[str, list[LedgerEvent]]

    @staticmethod
    def build(live: Iterable[LedgerEvent]) -> _Index:
        schemes: list[SchemeAdopted] = []
        departments: dict[str, list[DepartmentDefined]] = defaultdict(list)
        roster: dict[str, list[LedgerEvent]] = defaultdict(list)
        leaves: dict[str, list[LeaveRecorded]] = defaultdict(list)
        by_period: dict[str, list[LedgerEvent]] = defaultdict(list)
        by_year: dict[int, list[LedgerEvent]] = defaultdict(list)
        by_employee: dict[str, list[LedgerEvent]] = defaultdict(list)
        for event in live:
            employee_id = getattr(event, "employee_id", None)
            if isinstance(employee_id, str):
                by_employee[employee_id].append(event)
            if isinstance(event, SchemeAdopted):
                schemes.append(event)
            elif isinstance(event, DepartmentDefined):
                departments[event.department_id].append(event)
            elif isinstance(event, ROSTER_EVENTS):
                roster[event.employee_id].append(event)
            elif isinstance(event, LeaveRecorded):
                leaves[event.employee_id].append(event)
            period = getattr(event, "period", None)
            if isinstance(period, str):
                by_period[period].append(event)
            year = getattr(event, "year", None)
            if isinstance(year, int):
                by_year[year].append(event)
        # Python's sort is stable: same-day changes keep their recorded order.
        for history in departments.values():
            history.sort(key=lambda e: e.effective_on)
        for events in roster.values():
            events.sort(key=_roster_day)
        schemes.sort(key=lambda e: (e.effective_from, e.version))
        return _Index(
            schemes=schemes,
            parsed={},
            departments=dict(departments),
            roster=dict(roster),
            leaves=dict(leaves),
            by_period=dict(by_period),
            by_year=dict(by_year),
            by_employee=dict(by_employee),
        )

    def scheme_event_on(self, day: date, kind: str = PAY_SCHEME_KIND) -> SchemeAdopted | None:
        current = None
        for event in self.schemes:
            if event.effective_from <= day and event.document.get("kind") == kind:
                current = event
        return current

    def scheme_on(self, day: date, kind: str = PAY_SCHEME_KIND) -> Any:
        event = self.scheme_event_on(day, kind)
        if event is None:
            return None
        if event.originator_id not in self.parsed:
            self.parsed[event.originator_id] = parse_scheme(event.document)
        return self.parsed[event.originator_id]

    def employee_on(self, employee_id: str, day: date) -> EmployeeState | None:
        state: EmployeeState | None = None
        for event in self.roster.get(employee_id, []):
            if _roster_day(event) > day:
                break
            state = _fold_roster(state, event)
        return state


def _roster_day(event: LedgerEvent) -> date:
    if isinstance(event, EmployeeHired):
        return event.hired_on
    return event.effective_on  # type: ignore[attr-defined, no-any-return]


def _fold_roster(state: EmployeeState | None, event: LedgerEvent) -> EmployeeState | None:
    if isinstance(event, EmployeeHired):
        return EmployeeState(
            employee_id=event.employee_id,
            name=event.name,
            department_id=event.department_id,
            title_grade=event.title_grade,
            post=event.post,
            category=event.category,
            participation_class=event.participation_class,
            hired_on=event.hired_on,
            probation_until=event.probation_until,
            left_on=None,
            event_ids=(str(event.originator_id),),
        )
    if state is None:
        return None
    ids = (*state.event_ids, str(event.originator_id))
    if isinstance(event, EmployeeTransferred):
        return replace(state, department_id=event.department_id, event_ids=ids)
    if isinstance(event, TitleGradeChanged):
        return replace(state, title_grade=event.title_grade, event_ids=ids)
    if isinstance(event, PostChanged):
        return replace(state, post=event.post, event_ids=ids)
    if isinstance(event, EmploymentCategoryChanged):
        return replace(
            state,
            category=event.category,
            participation_class=event.participation_class,
            event_ids=ids,
        )
    if isinstance(event, EmployeeLeft):
        return replace(state, left_on=event.effective_on, event_ids=ids)
    return state


def iter_live(facts: Facts, kind: type[LedgerEvent]) -> Iterator[LedgerEvent]:
    return (event for event in facts.live.values() if isinstance(event, kind))
