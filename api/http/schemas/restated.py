"""`GET /periods/{p}/payout?restated=true`: a closed period's statement recomputed from
everything known (as of `as_of`), beside the closed one, with the delta on every line."""

from __future__ import annotations

from pydantic import Field

from api.http.schemas.base import Closed, Money
from api.http.schemas.late_decisions import LateDecision
from api.http.schemas.reports import ScopedStatement, Statement


class LineDelta(Closed):
    closed: Money | None = Field(description="null: the line is absent on this side")
    restated: Money | None
    delta: Money


class FigurePair(Closed):
    closed: str | None = Field(description="null: not computed on the closed side")
    restated: str | None


class PersonDelta(Closed):
    employee_id: str
    name: str
    department_id: str
    in_closed: bool
    in_restated: bool
    lines: dict[str, LineDelta] = Field(description="pay, post_bonus, study_leave")
    closed: Money
    restated: Money
    delta: Money
    settled_since: Money = Field(description="already paid or recovered in later closes")
    outstanding: Money = Field(description="paid or recovered in settles_in")
    figures: dict[str, FigurePair] | None = Field(default=None, description=(
        "every intermediate of the person by name (docs/figures.md), closed and restated"))


class DepartmentDelta(Closed):
    department_id: str
    name: str
    in_closed: bool
    in_restated: bool
    lines: dict[str, LineDelta] = Field(description="every money line of the department")


class PoolDelta(LineDelta):
    line: str


class LapseDelta(LineDelta):
    department_id: str


class RestatedPayout(Closed):
    """Closed vs restated. A scoped caller gets their rows, no pool and no totals."""

    period: str
    closed_sha256: str
    hash_verified: bool
    closed_at: str
    settles_in: str | None = Field(description="the open period that carries the delta")
    appeals_decided_late: list[LateDecision] | None = Field(
        None, description="appeals about the period decided after their deadline; absent "
        "when none (whole-organisation readers)")
    people: list[PersonDelta]
    departments: list[DepartmentDelta]
    pool: list[PoolDelta]
    year_end_lapse: list[LapseDelta] | None = Field(
        description="a fourth quarter's same-year bank that lapses (超年度无效)")
    delta_total: Money | None
    outstanding: Money | None
    closed: Statement | ScopedStatement
    restated: Statement | ScopedStatement
