"""Who and what: the caller, users, employees, departments, periods, the command schemas
and liveness. Lists are paged by id (`after` the last id of a page, `limit` rows)."""

from __future__ import annotations

from pydantic import Field

from api.http.schemas.base import Closed, Json

NEXT = "pass as `after` for the next page; null on the last page"


class Health(Closed):
    status: str = Field(examples=["ok"])


class User(Closed):
    """A user's role and scope (never their token hash)."""

    user_id: str
    name: str
    role: str = Field(description="administrator, finance, department_head, "
                                  "appeals_reviewer, auditor or employee")
    department_ids: list[str] = Field(description="a department head's departments")
    employee_id: str | None = Field(description="an employee user's own employee id")
    disabled: bool


class Me(User):
    department_id: str | None = Field(None, description="an employee user's department today")
    may_issue: list[str] = Field(description="the command types the caller may send")


class UserList(Closed):
    users: list[User]
    next_after: str | None = Field(None, description="only when `limit` is given: " + NEXT)


class Employee(Closed):
    employee_id: str
    name: str
    department_id: str
    title_grade: str
    post: str
    category: str
    participation_class: str
    hired_on: str
    probation_until: str | None
    left_on: str | None


class EmployeePage(Closed):
    on: str = Field(description="the day the roster is shown as of")
    employees: list[Employee]
    next_after: str | None = Field(description=NEXT)


class Department(Closed):
    department_id: str
    name: str
    kind: str
    effective_on: str = Field(description="when this definition took effect")


class DepartmentPage(Closed):
    on: str = Field(description="the day the departments are shown as of")
    departments: list[Department]
    next_after: str | None = Field(description=NEXT)


class PeriodRow(Closed):
    period: str = Field(examples=["2026-Q1"])
    closed: bool
    closed_at_position: int | None
    statement_sha256: str | None = Field(description="the frozen statement's hash, if closed")


class PeriodPage(Closed):
    periods: list[PeriodRow]
    next_after: str | None = Field(description=NEXT)


CommandSchemas = dict[str, dict[str, Json]]  # command type → its JSON schema
