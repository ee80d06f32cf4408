"""Departments as people know them: the name each had at a period's end, for the pages
that list people with their department (a reviewer's preview, a restatement, a person's
history, the auditor's events), where the reports themselves carry only the id (their
JSON stays as the CLI and the API give it)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from api.usecases.payslip import department_name
from api.usecases.ports import Caller, Workspace, parse_period
from domain.errors import InvalidRequestError


def department_names(ws: Workspace, _caller: Caller, period: str,
                     department_ids: Iterable[str]) -> dict[str, str]:
    """id → the department's name at the period's last day (its id if never defined).
    Names are not personal data: the caller has already been shown the ids."""
    return {d: department_name(ws, d, period) for d in set(department_ids)}


def department_names_in(ws: Workspace, _caller: Caller,
                        pairs: Iterable[tuple[str, str | None]]
                        ) -> dict[tuple[str, str | None], str]:
    """(id, when) → the department's name then, for a list that spans periods (a
    history): `when` a period (its last day) or a day (an event's effective date: a
    definition is named as it defined the department, not by a later rename); with
    neither, or none in force then, its name as last defined; its id if never defined."""
    facts = ws.facts()
    names = {}
    for department_id, when in set(pairs):
        defined = facts.department_on(department_id, _day(when)) or \
            facts.department_on(department_id, date.max)
        names[department_id, when] = defined.name if defined is not None else department_id
    return names


def when_of(event: Mapping[str, Any]) -> str | None:
    """When an event (as the audit log lists it) names its department: the period it is
    of, or the day it takes effect (a definition, named as it defined the department),
    or its year."""
    year = event.get("year")
    return event.get("period") or event.get("effective_on") or (str(year) if year else None)


def _day(when: str | None) -> date:
    if when is None:
        return date.max
    try:
        return parse_period(when).last_day
    except InvalidRequestError:
        pass
    try:
        return date.fromisoformat(when)
    except ValueError:
        return date.max
