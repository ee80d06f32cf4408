"""Departments by name in a report's human rendering (a diff, an appeal's preview, a
restatement), where the report's JSON carries only their ids."""

from __future__ import annotations

from typing import Any

from api.usecases import department_names
from api.usecases.ports import Caller, Workspace


def restated_department_labels(ws: Workspace, who: Caller,
                               report: dict[str, Any]) -> dict[str, str]:
    """As `department_labels`, for `payout --restated` (its rows name `department_id`)."""
    ids = [row["department_id"] for row in (*report["people"], *report["departments"])]
    return department_names.department_names(ws, who, report["period"], ids)


def department_labels(ws: Workspace, who: Caller, report: dict[str, Any]) -> dict[str, str]:
    """id → name at the report's period end, for its people's and departments' ids."""
    ids = [row["department_id"] for row in report["people"]]
    ids += [row["id"] for row in report["departments"]]
    return department_names.department_names(ws, who, report["period"], ids)
