"""Departments as people know them: the name each had at a period's end, for the pages
that list people with their department (a reviewer's preview, a restatement, a person's
history, the auditor's events), where the reports themselves carry only the id (their
JSON stays as the CLI and the API give it)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from api.usecases.payslip import department_name
from api.usecases.ports import Caller, Workspace
from domain.errors import InvalidRequestError


def department_names(ws: Workspace, _caller: Caller, period: str,
                     department_ids: Iterable[str]) -> dict[str, str]:
    """id → the department's name at the period's last day (its id if never defined).
    Names are not personal data: the caller has already been shown the ids."""
    return {d: department_name(ws, d, period) for d in set(department_ids)}


def department_names_in(ws: Workspace, _caller: Caller,
                        pairs: Iterable[tuple[str, str | None]]
                        ) -> dict[tuple[str, str | None], str]:
    """(id, period) → the department's name at that period's last day, for a list that
    spans periods (a history); with no period (an event of none, a period no longer
    readable), its name as last defined; its id if never defined."""
    facts = ws.facts()
    names = {}
    for department_id, period in set(pairs):
        try:
            names[department_id, period] = department_name(ws, department_id, period or "")
        except InvalidRequestError:
            defined = facts.department_on(department_id, date.max)
            names[department_id, period] = (defined.name if defined is not None
                                            else department_id)
    return names
