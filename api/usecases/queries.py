"""Lists: employees, departments and periods as the facts stand on a day, each scoped to
what the caller may read, and the JSON schemas of the commands. (Appeals and users are
listed by `appeals.list_appeals` and `users.list_users`.)"""

from __future__ import annotations

from datetime import date
from typing import Any

from api.usecases.access import current_department
from api.usecases.ports import Caller, Workspace
from domain.errors import NotFoundError
from domain.events import COMMAND_MODELS
from domain.periods import Period
from projections.views import payable_periods


def list_employees(ws: Workspace, caller: Caller, on: date) -> list[dict[str, Any]]:
    """Everyone on the roster on `on` (or, if hired later, as first hired), by id."""
    facts = ws.facts()
    rows = []
    for employee_id in facts.employee_ids():
        state = facts.employee_on(employee_id, on) or facts.employee_on(employee_id, date.max)
        if state is None:
            continue
        department = current_department(facts, employee_id, on)
        if caller.user is not None and not caller.user.may_read_employee(employee_id,
                                                                         department):
            continue
        rows.append({
            "employee_id": state.employee_id, "name": state.name,
            "department_id": state.department_id, "title_grade": state.title_grade,
            "post": state.post, "category": state.category,
            "participation_class": state.participation_class,
            "hired_on": state.hired_on.isoformat(),
            "probation_until": state.probation_until.isoformat()
            if state.probation_until else None,
            "left_on": state.left_on.isoformat() if state.left_on else None,
        })
    return rows


def list_departments(ws: Workspace, caller: Caller, on: date) -> list[dict[str, Any]]:
    """Every department as defined on `on` (or as first defined), by id."""
    facts = ws.facts()
    rows = []
    for department_id in facts.department_ids():
        if caller.user is not None and not caller.user.may_read_department(department_id):
            continue
        defined = facts.department_on(department_id, on) or facts.department_on(
            department_id, date.max)
        if defined is None:
            continue
        rows.append({"department_id": department_id, "name": defined.name,
                     "kind": defined.kind, "effective_on": defined.effective_on.isoformat()})
    return rows


def list_periods(ws: Workspace, caller: Caller) -> list[dict[str, Any]]:
    """Every payable period (a quarter with a pool, its year end) and whether it is closed,
    with the close's position and statement hash."""
    facts = ws.facts()
    rows = []
    for period in sorted(payable_periods(facts) | _closed(facts.closes)):
        close = facts.closes.get(str(period))
        rows.append({"period": str(period), "closed": close is not None,
                     "closed_at_position": close.position if close else None,
                     "statement_sha256": close.statement_sha256 if close else None})
    return rows


def _closed(closes: dict[str, Any]) -> set[Period]:
    return {Period.parse(text) for text in closes}


def command_schemas(command_type: str | None = None) -> dict[str, Any]:
    """The JSON schema of every command (or of one type), by type."""
    schemas = {}
    for model in COMMAND_MODELS:
        kind = model.model_fields["type"].annotation.__args__[0]  # type: ignore[union-attr]
        if command_type and kind != command_type:
            continue
        schemas[kind] = model.model_json_schema()
    if not schemas:
        raise NotFoundError(f"no command type {command_type!r}")
    return schemas
