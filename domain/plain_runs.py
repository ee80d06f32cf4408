"""The batch check of a run of plain entries at once (`check_batch`, domain/validation.py).

Scores, deductions and attendance are most of a batch, and each asked the same few
questions of the scope (is the period closed, the department known, the employee hired,
the item in the scheme, the key free): a sixth of a hospital's ingest (46 of ≈300 ms),
call by call. Within a run of plain entries that correct nothing the scope's answers to
the first four cannot change (a plain entry defines no department, hires nobody, adopts
no scheme), so they depend only on the values each entry names. Here each distinct
period, department and employee of a run is asked once, the scheme once per distinct set
of the values it reads (with the row check's own code), and the one-per-period keys are
checked as sets. A run is taken in only when no entry of it has a problem; else nothing
of it is taken and the caller checks it row by row, which words every problem as it
always has (tests/unit/test_plain_runs.py compares the two).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from itertools import repeat
from operator import attrgetter, is_, itemgetter
from typing import Any, NamedTuple

from pydantic import BaseModel

from domain.check_plans import CHECK_PLANS, CheckPlan, check_plan
from domain.errors import Problem
from domain.events import LedgerEvent
from domain.facts import uniqueness_key
from domain.fold_plans import PLANS
from domain.scheme_checks import SCHEME_READS

Item = tuple[str, BaseModel, LedgerEvent]


class RunChecks(NamedTuple):
    """The row check's own questions (domain/validation.py), asked once per distinct value."""

    closed: Callable[[Any, object], bool]  # (scope, period text): is it closed?
    refused: Callable[[Any, str, CheckPlan], bool]  # (scope, department id, plan)
    # (scope, where, command, event, plan) → the entry's problems with the scheme
    scheme: Callable[[Any, str, BaseModel, LedgerEvent, CheckPlan], list[Problem]]


# The dated fields an entry's day comes from when its command names no period, the first
# given first, else its year (`_effective_day`, domain/validation.py).
DATE_FIELDS = ("effective_on", "hired_on", "first_day")
_DAY_READS = (*DATE_FIELDS, "year")
_UUID_INT = attrgetter("int")
_ID = itemgetter("originator_id")


def take_plain_run(scope: Any, run: Sequence[Item], checks: RunChecks) -> bool:
    """Whether the run is free of problems; if so the scope has taken it in, as the row by
    row check would have (its keys, its ids, its entries for a later grading scope), else
    the scope is as it was."""
    groups: dict[type, list[Item]] = {}
    for item in run:
        group = groups.get(type(item[1]))
        if group is None:
            groups[type(item[1])] = [item]
        else:
            group.append(item)
    keys: list[Any] = []
    taken: list[tuple[list[Any], list[Any]]] = []
    named: list[tuple[list[Any], str]] = []
    employees: set[Any] = set()
    try:
        for command_type, items in groups.items():
            event_types = set(map(type, map(itemgetter(2), items)))
            if len(event_types) != 1:  # one command type, two event types: row by row
                return False
            (event_type,) = event_types
            plan = CHECK_PLANS.get(event_type) or check_plan(event_type)
            commands = [item[1].__dict__ for item in items]
            events = [item[2].__dict__ for item in items]
            if not _places_known(scope, command_type, commands, plan, checks):
                return False
            if "employee_id" in command_type.model_fields:  # type: ignore[attr-defined]
                employees.update(map(itemgetter("employee_id"), commands))
            for item in _distinct(command_type, event_type, items, commands, events):
                if checks.scheme(scope, *item, plan):
                    return False
            ids = list(map(_ID, events))
            named.append((ids, plan.name))
            found = _keys(event_type, items[0][2], events)
            if found is not None:
                keys += found
                taken.append((found, ids))
        distinct = set(keys)
    except TypeError:  # a value that cannot be a key: the row by row check takes it
        return False
    if not all(not isinstance(employee_id, str) or scope.knows_employee(employee_id)
               for employee_id in employees):
        return False
    if len(distinct) != len(keys) or not scope.taken.keys().isdisjoint(distinct):
        return False
    unique, replaced = scope.facts.unique, scope.replaced
    for key in unique.keys() & distinct:
        holder = unique[key]
        if holder is not None and holder not in replaced:
            return False
    for ids, name in named:
        scope.batch_ids.update(zip(map(_UUID_INT, ids), repeat(name)))
    for held, owners in taken:
        scope.taken.update(zip(held, owners, strict=True))
    scope.grading_backlog += map(itemgetter(2), run)
    return True


def _places_known(scope: Any, command_type: type, commands: list[dict[str, Any]],
                  plan: CheckPlan, checks: RunChecks) -> bool:
    """Whether no period a group names is closed, and every department it names is known
    (and fit for its type): each distinct value asked once."""
    fields = command_type.model_fields  # type: ignore[attr-defined]
    if "period" in fields and scope.closed and any(
            checks.closed(scope, text) for text in set(map(itemgetter("period"), commands))):
        return False
    return "department_id" not in fields or not any(
        isinstance(department_id, str) and checks.refused(scope, department_id, plan)
        for department_id in set(map(itemgetter("department_id"), commands)))


def _distinct(command_type: type, event_type: type, items: list[Item],
              commands: list[dict[str, Any]], events: list[dict[str, Any]]) -> list[Item]:
    """One entry of each distinct set of the values the scheme check reads."""
    reads, flags = SCHEME_READS
    command_fields = command_type.model_fields  # type: ignore[attr-defined]
    columns: list[Iterator[Any]] = [
        map(itemgetter(name), commands) for name in reads if name in command_fields]
    columns += [map(is_, map(itemgetter(name), commands), repeat(None))
                for name in flags if name in command_fields]
    event_fields = event_type.model_fields  # type: ignore[attr-defined]
    columns += [map(itemgetter(name), events) for name in _DAY_READS if name in event_fields]
    if not columns:
        return items[:1]
    return list(dict(zip(zip(*columns, strict=True), items, strict=True)).values())


def _keys(event_type: type, first: LedgerEvent,
          events: list[dict[str, Any]]) -> list[tuple[Any, ...]] | None:
    """The one-per-period keys of a group's entries (`uniqueness_key` of each), or None
    for a type that has none."""
    if uniqueness_key(first) is None:  # also makes the type's fold plan
        return None
    plan = PLANS[event_type]
    return list(map(plan.unique_key, events))
