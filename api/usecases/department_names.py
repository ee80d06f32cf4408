"""Departments as people know them: the name each had at a period's end, for the pages
that list people with their department (a reviewer's preview, a restatement), where the
reports themselves carry only the id (their JSON stays as the CLI and the API give it)."""

from __future__ import annotations

from collections.abc import Iterable

from api.usecases.payslip import department_name
from api.usecases.ports import Caller, Workspace


def department_names(ws: Workspace, _caller: Caller, period: str,
                     department_ids: Iterable[str]) -> dict[str, str]:
    """id → the department's name at the period's last day (its id if never defined).
    Names are not personal data: the caller has already been shown the ids."""
    return {d: department_name(ws, d, period) for d in set(department_ids)}
