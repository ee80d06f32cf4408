"""Who may write and read what, applied to the facts: the role table and the read
scopes live in `domain/users.py`; this module looks up what they need (an employee's
current department, the entry a correction replaces) and raises `ForbiddenError`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from pydantic import BaseModel

from domain.errors import ForbiddenError, NotFoundError, Problem
from domain.events import COMMANDS_BY_TYPE, LedgerEvent
from domain.facts import Facts
from domain.users import VOID, User, a_role, write_refusal

COMMAND_TYPE_OF_EVENT: dict[str, str] = {
    model.event_class.__name__: kind  # type: ignore[attr-defined]
    for kind, model in COMMANDS_BY_TYPE.items()
}


class RowsForbiddenError(ForbiddenError):
    """Some rows of a request are not the caller's to write; nothing was written."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        lines = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"{len(self.problems)} row(s) you may not write; nothing was "
                         f"written:\n{lines}")


def current_department(facts: Facts, employee_id: str, today: date) -> str | None:
    """The employee's department today (or, if hired later, as first hired)."""
    state = facts.employee_on(employee_id, today) or facts.employee_on(employee_id, date.max)
    return state.department_id if state is not None else None


def check_writes(
    user: User,
    rows: Sequence[tuple[str, Mapping[str, Any]]],
    commands: Sequence[tuple[str, BaseModel]],
    facts: Facts,
    today: date,
) -> None:
    """Refuse the whole request if any row is not the user's to write. The type alone
    decides for rows that did not even parse; parsed rows are also checked for scope,
    and a void or correction for the entry it replaces."""
    refusals: list[Problem] = []

    def department_of(employee_id: str) -> str | None:
        return current_department(facts, employee_id, today)

    for where, row in rows:
        kind = row.get("type")
        if not isinstance(kind, str) or kind not in COMMANDS_BY_TYPE:
            continue  # the validation names it
        if kind == VOID:
            if not any(user.may_issue(k) for k in COMMANDS_BY_TYPE):
                refusals.append(Problem(where, "type", f"{a_role(user.role)} may not void entries"))
            continue
        reason = write_refusal(user, kind, [], department_of)
        if reason:
            refusals.append(Problem(where, "type", reason))
    if not refusals:
        for where, command in commands:
            refusals += _scope_refusals(user, where, command, facts, department_of)
    if refusals:
        raise RowsForbiddenError(refusals)


def _scope_refusals(user: User, where: str, command: BaseModel, facts: Facts,
                    department_of: Any) -> list[Problem]:
    kind = str(getattr(command, "type", ""))
    target_id = getattr(command, "target_id" if kind == VOID else "supersedes", None)
    target: LedgerEvent | None = facts.events.get(target_id) if target_id else None
    field = "employee_id"
    if kind == VOID:
        if target is None:
            return []  # an unknown entry: the validation names it
        # Voiding is allowed to whoever may write the entry (a void of a void to nobody).
        kind = COMMAND_TYPE_OF_EVENT.get(type(target).__name__, VOID)
        field = "target_id"
    employees = [e for e in (getattr(command, "employee_id", None),
                             getattr(target, "employee_id", None)) if isinstance(e, str)]
    reason = write_refusal(user, kind, employees, department_of)
    if reason is None:
        return []
    if not user.may_issue(kind) and field == "employee_id":
        field = "type"
    return [Problem(where, field, reason)]


def require_everything(user: User, what: str) -> None:
    if not user.reads_everything:
        raise ForbiddenError(f"{a_role(user.role)} may not read {what}; it shows the whole "
                             "organisation")


def require_employee(user: User, facts: Facts, employee_id: str, today: date) -> str:
    """The employee's current department, if the user may read about them."""
    if not facts.knows_employee(employee_id):
        raise NotFoundError(f"no employee {employee_id!r}")
    department = current_department(facts, employee_id, today)
    if not user.may_read_employee(employee_id, department):
        raise ForbiddenError(f"{a_role(user.role)} reads {_own_scope(user)}, not {employee_id!r}")
    return department or ""


def require_department(user: User, facts: Facts, department_id: str) -> None:
    if department_id not in facts.department_ids():
        raise NotFoundError(f"no department {department_id!r}")
    if not user.may_read_department(department_id):
        raise ForbiddenError(f"{a_role(user.role)} reads {_own_scope(user)}, not department "
                             f"{department_id!r}")


def _own_scope(user: User) -> str:
    if user.role == "department_head":
        return f"the departments they head ({', '.join(sorted(user.department_ids))})"
    if user.role == "employee":
        return f"their own lines ({user.employee_id})"
    return "nothing of this kind"


def scoped_statement(user: User, statement: dict[str, Any]) -> dict[str, Any]:
    """A statement as the user may see it: whole, or only their departments' or their own
    lines (organisation-wide sections left out)."""
    if user.reads_everything:
        return statement
    people = [p for p in statement["people"]
              if user.may_read_employee(p["employee_id"], p["department_id"])]
    departments = [d for d in statement["departments"]
                   if user.may_read_department(d["department_id"])]
    return {
        "period": statement["period"],
        "scheme": statement["scheme"],
        "departments": departments,
        "people": people,
        "scope": user.role,
        "notes": ["organisation-wide sections (pool, reconciliation, totals, restatements) "
                  "are shown to finance, auditors, reviewers and administrators"],
    }
