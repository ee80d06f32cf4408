"""Facts: the ledger's events folded into what is known, as of a cut-off.

The fold is the only place that understands corrections: a fact that `supersedes` an
earlier one replaces it, an `EntryVoided` withdraws it. Everything downstream sees only
live facts, each still carrying its event id so every figure can name its sources.
"""

from __future__ import annotations

import bisect
import gc
import weakref
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import field, replace
from datetime import date, datetime
from typing import Any, Protocol
from uuid import UUID

from domain.envelope import InvalidEntry
from domain.events import (
    DepartmentDefined,
    EmployeeHired,
    EmployeeLeft,
    EmployeeTransferred,
    EmploymentCategoryChanged,
    LeaveRecorded,
    LedgerEvent,
    PeriodClosed,
    PostChanged,
    SchemeAdopted,
    TitleGradeChanged,
)
from domain.fold_plans import (
    KIND_DEPARTMENT,
    KIND_ROSTER,
    KIND_SCHEME,
    PLANS,
    Plan,
    append_to,
    fold_page,
    plan_of,
)
from domain.overlay import Layered, plain
from domain.periods import Period
from domain.records import frozen_record, mutable_record
from domain.scheme import PAY_SCHEME_KIND
from domain.scheme_kinds import parse_scheme
from domain.settings import LedgerConfigured


@frozen_record
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


class Seal(Protocol):
    """Closed years a fold started from a snapshot of (projections/snapshots.py)."""

    position: int

    def settled(self, period: str) -> bool:
        """A sealed period: frozen, with nothing of it outstanding."""
        ...

    def upto(self, facts: Facts, position: int) -> Facts: ...


@mutable_record
class Facts:
    """Every event known up to a cut-off, in notification order, and the live subset,
    with indexes kept up to date as each event is folded in (never rebuilt per query)."""

    events: dict[UUID, LedgerEvent] = field(default_factory=dict)
    live: dict[UUID, LedgerEvent] = field(default_factory=dict)
    replaced_by: dict[UUID, UUID] = field(default_factory=dict)
    positions: dict[UUID, int] = field(default_factory=dict)
    closes: dict[str, PeriodClosed] = field(default_factory=dict)
    # Stored events that no longer read as their type (domain/envelope.py InvalidEntry):
    # kept out of the live facts and reported, never folded into a figure.
    invalid: dict[UUID, InvalidEntry] = field(default_factory=dict)
    # Facts of which there may be one (a period's pool, a person's attendance …) → holder.
    unique: dict[tuple[Any, ...], UUID] = field(default_factory=dict)
    last_position: int = 0
    last_recorded_at: datetime | None = None
    # The latest settings event folded (domain/settings.py: the latest wins), whatever
    # became of it later, as `Ledger.day_window` reads it.
    settings: LedgerConfigured | None = None
    index: _Index = field(default_factory=lambda: _Index())  # noqa: PLW0108 - defined below
    # Moves with every event folded in: what was computed from the facts before is stale
    # (projections keep their results beside the facts, keyed by this, not on them).
    revision: int = 0
    # The cut-offs made of these facts, shared with every cut and copy made of them (a
    # cut of a cut is the same fold), held only while someone uses them: a close restates
    # every earlier closed period, each at its own cut-off, and holding them all took
    # gigabytes (what was computed from them is kept beside the facts: projections.memo).
    _upto: weakref.WeakValueDictionary[int, Facts] = field(
        default_factory=weakref.WeakValueDictionary)
    # Set when the fold started from a snapshot: the sealed years' bulk facts are not
    # here, so a cut before the snapshot is folded from every event instead (`Seal.upto`).
    sealed: Seal | None = None
    # The what-ifs layered over these facts (`with_events`), alive: their tables read
    # ours, so they are given copies of their own before we change (`_release_layers`).
    _layers: list[weakref.ref[Facts]] | None = field(default=None, compare=False, repr=False)

    @staticmethod
    def fold(events: Iterable[tuple[int, LedgerEvent]]) -> Facts:
        facts = Facts()
        with cycle_collection_paused():
            for position, event in events:
                facts.apply(position, event)
        return facts

    def apply_page(self, page: list[tuple[int, LedgerEvent]]) -> None:
        """`apply` for each (position, event) of a page, in order (faster, same result)."""
        if self._layers:
            self._release_layers()
        fold_page(self, page, _UNIQUE_SHAPES)

    def apply(self, position: int, event: LedgerEvent) -> None:
        if self._layers:
            self._release_layers()
        # What the event's type implies is worked out once per type (domain/fold_plans.py):
        # the fold's per-event cost was mostly asking each event what it is.
        plan = PLANS.get(type(event)) or plan_of(type(event), _UNIQUE_SHAPES)
        event_id = event.originator_id
        self.events[event_id] = event
        self.positions[event_id] = position
        if plan.close:
            self.closes[event.period] = event  # type: ignore[attr-defined, assignment]
        if position > self.last_position:  # noqa: PLR1730 - max() is a call per event
            self.last_position = position
        self.last_recorded_at = event.recorded_at
        if plan.settings:
            self.settings = event  # type: ignore[assignment]
        if plan.moves:
            # A read of pay moves no figure; most pages record one, and each would
            # otherwise drop every statement computed for the next page.
            self.revision += 1
        if plan.invalid:
            self.invalid[event_id] = event  # type: ignore[assignment]
            return
        target = event.target_id if plan.void else event.supersedes  # type: ignore[attr-defined]
        if target is not None:
            self.replaced_by[target] = event_id
            withdrawn = self.live.pop(target, None)
            if withdrawn is not None:
                self.index.remove(withdrawn)
                key = uniqueness_key(withdrawn)
                if key is not None and self.unique.get(key) == target:
                    del self.unique[key]
        if plan.void:
            return
        self.live[event_id] = event
        self.index.add(event, plan)
        if plan.unique is not None:
            self.unique[plan.unique_key(event.__dict__)] = event_id

    def upto(self, position: int) -> Facts:
        """The facts as they stood after notification `position` (a closed period's cut-off).
        Cached while in use: what stood at a past position never changes."""
        if position >= self.last_position:
            return self
        cached = self._upto.get(position)
        if cached is not None:
            return cached
        if self.sealed is not None:
            cached = self.sealed.upto(self, position)
        else:
            cached = Facts.fold(
                (self.positions[event_id], event)
                for event_id, event in self.events.items()
                if self.positions[event_id] <= position
            )
        cached._upto = self._upto  # one family of cuts: a cut of a cut is the same fold
        self._upto[position] = cached
        return cached

    def with_events(self, events: Iterable[LedgerEvent]) -> Facts:
        """A copy with extra events applied after the last one: a what-if, never stored.

        The copy shares the events and, copy-on-write, the index lists with these facts,
        instead of folding the store again (22 s for a province's 1.85 M events). The
        tables of one entry per event are layered over these facts' (`domain.overlay`:
        copying them was 0.35 s of a province what-if), the others copied; events are
        immutable, and every index list is copied before its first change. These facts
        give their layers copies of their own before they change (`_release_layers`)."""
        copy = Facts(
            events=Layered(self.events), live=Layered(self.live),
            replaced_by=Layered(self.replaced_by), positions=Layered(self.positions),
            closes=dict(self.closes), unique=Layered(self.unique), invalid=dict(self.invalid),
            last_position=self.last_position, last_recorded_at=self.last_recorded_at,
            settings=self.settings, index=self.index.copy(),
            _upto=weakref.WeakValueDictionary(self._upto), sealed=self.sealed,
        )
        # Facts compare by value, so are not hashable: a list of references, the dead
        # ones dropped as it grows (a server makes a what-if per request).
        layers = [ref for ref in self._layers or () if ref() is not None]
        layers.append(weakref.ref(copy))
        self._layers = layers
        for offset, event in enumerate(events, start=1):
            copy.apply(self.last_position + offset, event)
        return copy

    def _release_layers(self) -> None:
        """Before these facts change: every what-if made of them still alive takes plain
        copies of the tables it reads from ours, and of the index lists it shares with
        ours, so that it stays as it was made."""
        layers, self._layers = self._layers or [], None
        for ref in layers:
            layer = ref()
            if layer is not None:
                layer._detach()

    def _detach(self) -> None:
        if self._layers:  # what-ifs of this what-if read our tables: theirs first
            self._release_layers()
        self.events, self.live = plain(self.events), plain(self.live)
        self.replaced_by, self.positions = plain(self.replaced_by), plain(self.positions)
        self.unique = plain(self.unique)
        self.index.own_all()

    def invalid_entries(self) -> list[dict[str, Any]]:
        """The stored entries that could not be read, each with its id, its reason (in
        English, the same in every language) and the reason's structure the shells word
        (`problems`: field, code, context), in ledger order: what a report names
        instead of failing."""
        return [{"id": str(event_id), "type": entry.stored_type, "reason": entry.problem,
                 "problems": [{"field": p.field, "code": p.code, "context": dict(p.context)}
                              for p in entry.problems]}
                for event_id, entry in sorted(self.invalid.items(),
                                              key=lambda item: self.positions[item[0]])]

    def close_of(self, period: str) -> PeriodClosed | None:
        return self.closes.get(period)

    # ------------------------------------------------------------------ queries

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


@contextmanager
def cycle_collection_paused() -> Iterator[None]:
    """A fold allocates objects that all stay alive, no cycles, so the cycle collector's
    passes over the growing heap find nothing; they cost a quarter of a fold's time.
    Reference counting still frees everything as usual. GC is turned back on only if it
    was on: another thread's fold, or the host, may have paused it too."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            promote_survivors()
            gc.enable()


def promote_survivors() -> None:
    """Move every object the collector tracks into its oldest generation, untraversed.

    Pausing alone only put the cost off: the allocations counted on, so the first one
    after `gc.enable` started a young pass over everything the pause had made (a whole
    batch's events and facts, all alive), then another as they were promoted, ≈10 % of
    an ingest. The survivors are long-lived; full passes still examine them (and collect
    any cycle among them), as often as before. `gc.freeze` resets the allocation count;
    `gc.unfreeze` puts the frozen objects into the oldest generation. Skipped when the
    host has frozen objects: theirs to unfreeze, not ours. While a chunked write is under
    way (domain/chunked_writes.py: it freezes what each chunk leaves alive and unfreezes
    it all at its end) the survivors are frozen with its own: skipping left a young pass
    over each chunk's 5,000 commands after their check (≈4 ms a chunk, 3 % of an apply)."""
    if FrozenHolders.count == 0:
        gc.freeze()
        gc.unfreeze()
    elif FrozenHolders.chunked:
        gc.freeze()


class FrozenHolders:
    """How many holders (a server session, a chunked write under way) keep objects frozen
    (`gc.freeze`). Asked at every fold's end instead of `gc.get_freeze_count()`, which
    walks every frozen object (CPython 3.11): once a server had frozen its folds, each
    later fold paid a walk of all of them, and a test worker's run slowed to a crawl."""

    count = 0
    chunked = 0  # of them, chunked writes: they freeze each chunk's survivors

    @classmethod
    def hold(cls, *, chunked: bool = False) -> bool:
        """Hold; whether somebody held already."""
        cls.count += 1
        cls.chunked += chunked
        return cls.count > 1

    @classmethod
    def release(cls, *, chunked: bool = False) -> None:
        cls.count -= 1
        cls.chunked -= chunked


def field_of(event: LedgerEvent, name: str) -> Any:
    """A field's value, or None when the event has no such field. pydantic keeps fields
    in `__dict__`; going there avoids its slow `__getattr__` for absent names."""
    return event.__dict__.get(name)


def uniqueness_key(event: LedgerEvent) -> tuple[Any, ...] | None:
    """Facts of which a period holds at most one; a second one must supersede the first."""
    # The fold's plan of the type has the key's getter (one C call for the values).
    plan = PLANS.get(type(event)) or plan_of(type(event), _UNIQUE_SHAPES)
    return None if plan.unique is None else plan.unique_key(event.__dict__)


_UNIQUE_SHAPES: dict[str, tuple[str, ...]] = {
    "PoolDeclared": ("pool", "period"),
    "DepartmentFiguresRecorded": ("figures", "period", "department_id"),
    "ControlIndicatorMeasured": ("control", "period", "department_id", "indicator"),
    "AttendanceRecorded": ("attendance", "period", "employee_id"),
    "ScoreRecorded": ("score", "period", "employee_id", "item"),
    "AssessmentRecorded": ("assessment", "kind", "year", "employee_id"),
    "CmeCreditsRecorded": ("cme", "year", "employee_id"),
    "AnnualTargetScoreRecorded": ("annual_target", "year", "department_id"),
    "EmployeeHired": ("employee", "employee_id"),
    "SchemeAdopted": ("scheme", "scheme_id", "version"),
    "PeriodClosed": ("close", "period"),
    "AppealFiled": ("appeal", "appeal_id"),
    "AppealDecided": ("appeal decision", "appeal_id", "level"),
}


def register_unique(event_name: str, *shape: str) -> None:
    """Other modules' facts of which there may be one (e.g. a grade input per period)."""
    _UNIQUE_SHAPES[event_name] = shape
    PLANS.clear()  # plans made before this registration would miss it


@mutable_record
class _Index:
    schemes: list[SchemeAdopted] = field(default_factory=list)
    parsed: dict[UUID, Any] = field(default_factory=dict)
    departments: dict[str, list[DepartmentDefined]] = field(default_factory=dict)
    roster: dict[str, list[LedgerEvent]] = field(default_factory=dict)
    leaves: dict[str, list[LeaveRecorded]] = field(default_factory=dict)
    by_period: dict[str, list[LedgerEvent]] = field(default_factory=dict)
    by_year: dict[int, list[LedgerEvent]] = field(default_factory=dict)
    by_employee: dict[str, list[LedgerEvent]] = field(default_factory=dict)
    # In a copy (`copy`), the ids of the lists it has made its own; the others are still
    # shared with the index it was copied from. None: every list is this index's own.
    owned: set[int] | None = None

    def copy(self) -> _Index:
        """Copy-on-write: new tables over the same lists, each list copied before it is
        first changed (`_own`)."""
        return _Index(
            schemes=list(self.schemes), parsed=dict(self.parsed),
            departments=dict(self.departments), roster=dict(self.roster),
            leaves=dict(self.leaves), by_period=dict(self.by_period),
            by_year=dict(self.by_year), by_employee=dict(self.by_employee), owned=set(),
        )

    def own_all(self) -> None:
        """Copy every list still shared with the index this one was copied from."""
        owned = self.owned
        if owned is None:
            return
        tables: tuple[dict[Any, list[Any]], ...] = (
            self.departments, self.roster, self.leaves, self.by_period, self.by_year,
            self.by_employee)
        for table in tables:
            for key, shared in table.items():
                if id(shared) not in owned:
                    table[key] = mine = list(shared)
                    owned.add(id(mine))

    def _own(self, table: dict[Any, list[Any]], key: Any) -> list[Any]:
        """The list under `key`, made first if missing, and this index's own to change."""
        items = table.get(key)
        if items is None:
            items = table[key] = []
        elif self.owned is not None and id(items) not in self.owned:
            items = table[key] = list(items)
        else:
            return items
        if self.owned is not None:
            self.owned.add(id(items))
        return items

    def _lists(self, event: LedgerEvent, plan: Plan) -> list[tuple[list[Any], Any]]:
        """(list, sort key or None) of every index list the event belongs to, each this
        index's own to change."""
        found: list[tuple[list[Any], Any]] = []
        values = event.__dict__
        if plan.employee:
            employee_id = values.get("employee_id")
            if isinstance(employee_id, str):
                found.append((self._own(self.by_employee, employee_id), None))
        if plan.kind:
            found.append(self._kind_list(event, plan.kind))
        if plan.period:
            period = values.get("period")
            if isinstance(period, str):
                found.append((self._own(self.by_period, period), None))
        if plan.year:
            year = values.get("year")
            if isinstance(year, int):
                found.append((self._own(self.by_year, year), None))
        return found

    def _kind_list(self, event: Any, kind: int) -> tuple[list[Any], Any]:
        if kind == KIND_SCHEME:
            return self.schemes, _scheme_order
        if kind == KIND_DEPARTMENT:
            return self._own(self.departments, event.department_id), _effective_on
        if kind == KIND_ROSTER:
            return self._own(self.roster, event.employee_id), _roster_day
        return self._own(self.leaves, event.employee_id), None

    def add(self, event: LedgerEvent, plan: Plan | None = None) -> None:
        plan = plan or PLANS.get(type(event)) or plan_of(type(event), _UNIQUE_SHAPES)
        if self.owned is not None or plan.kind:
            for items, key in self._lists(event, plan):
                if key is None:
                    items.append(event)
                else:
                    # After any equal keys: same-day changes keep their recorded order.
                    bisect.insort_right(items, event, key=key)
            return
        # An index of its own (not a what-if's copy), an event in plain lists only: the
        # common case, appended to directly.
        values = event.__dict__
        if plan.employee:
            append_to(self.by_employee, values.get("employee_id"), str, event)
        if plan.period:
            append_to(self.by_period, values.get("period"), str, event)
        if plan.year:
            append_to(self.by_year, values.get("year"), int, event)

    def remove(self, event: LedgerEvent) -> None:
        plan = PLANS.get(type(event)) or plan_of(type(event), _UNIQUE_SHAPES)
        for items, _ in self._lists(event, plan):
            for at in range(len(items) - 1, -1, -1):
                if items[at] is event:
                    del items[at]
                    break
        if isinstance(event, DepartmentDefined) and not self.departments[event.department_id]:
            del self.departments[event.department_id]
        if isinstance(event, EmployeeHired) and not self.roster.get(event.employee_id):
            self.roster.pop(event.employee_id, None)

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


def _scheme_order(event: SchemeAdopted) -> date:
    # By date only: on one day the adoption recorded last replaces the one in force,
    # whatever its name (a variant at version 1 replaces the hospital scheme at 2).
    return event.effective_from


def _effective_on(event: DepartmentDefined) -> date:
    return event.effective_on


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
