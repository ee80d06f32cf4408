"""Reports on a period's pay: the statement (whole, or scoped to the caller), its
reconciliation, an explanation tree, a person's lines, a diff and a restatement. Money
and exact numbers are strings ("9687.50", "96.875", "1/3")."""

from __future__ import annotations

from pydantic import Field

from api.http.schemas.base import Closed, Exact, Money
from api.http.schemas.late_decisions import LateDecision


class SchemeRef(Closed):
    key: str = Field(examples=["xinghe-county-hospital@1"])
    sha256: str


class AmountLine(Closed):
    line: str
    amount: Money


class DepartmentLine(Closed):
    department_id: str
    name: str
    kind: str
    headcount: int
    score: Exact
    pay_calculated: Money
    controls: Money
    penalties: Money
    pay_after_controls: Money
    cap: Money | None
    banked: Money
    floor: Money | None
    bank_before: Money
    bank_drawn: Money
    subsidy: Money
    bank_after: Money
    settled: Money
    undistributed: Money
    per_point_indicative: str | None = Field(description="4 places, indicative only")
    figures: dict[str, str] | None = Field(default=None, description=(
        "with figures=true: every intermediate by its name in docs/figures.md, "
        "value as a string"))


class PersonLine(Closed):
    employee_id: str
    name: str
    department_id: str
    category: str
    status: str = Field(description="paid, excluded or restated")
    reason: str
    score: Exact
    ratio: Exact
    points: Exact
    pay: Money
    post_bonus: Money
    study_leave: Money
    restatement: Money
    total: Money
    figures: dict[str, str] | None = Field(default=None, description=(
        "with figures=true: every intermediate by its name in docs/figures.md, "
        "value as a string"))


class ReconciliationLines(Closed):
    lines: list[AmountLine]
    balance: Money = Field(description="always 0.00")


class Totals(Closed):
    paid: Money
    people_paid: int


class SettledPerson(Closed):
    id: str
    amount: Money


class RestatedRow(Closed):
    id: str
    name: str
    department_id: str
    closed: Money
    now: Money
    settled_since: Money
    outstanding: Money


class SettledRestatement(Closed):
    """A closed period's outstanding differences, paid (or recovered) in this one."""

    period: str
    closed_sha256: str
    people: list[SettledPerson]
    departments: list[RestatedRow]
    outstanding: Money


class UnreadableValueLine(Closed):
    """One reason a stored entry does not read (domain/unreadable.py)."""

    field: str
    code: str
    context: dict[str, str]


class InvalidEntryLine(Closed):
    """A stored entry that no longer reads as its type (a value out of range, written by
    an older version): left out of every figure and named here."""

    id: str
    type: str
    reason: str = Field(description="in English, the same in every language")
    problems: list[UnreadableValueLine] = Field(default_factory=list, description=(
        "the reason's structure: the field, pydantic's error type or our own code "
        "(unknown_event_type, not_an_event_type, unreadable), and their values"))
    detail: str | None = Field(default=None, description=(
        "the reason in the reader's language (Accept-Language)"))


class Statement(Closed):
    """A period's whole statement (finance, auditors, reviewers, administrators)."""

    period: str
    scheme: SchemeRef
    pool: list[AmountLine]
    departments: list[DepartmentLine]
    people: list[PersonLine]
    reconciliation: ReconciliationLines
    totals: Totals
    notes: list[str]
    restatements: list[SettledRestatement]
    invalid_entries: list[InvalidEntryLine] | None = Field(
        default=None, description="present only when the ledger holds unreadable entries")
    integrity_warning: str | None = Field(default=None, description=(
        "present only when the stored statement failed its check (edited in the "
        "database): the figures were recomputed from the events instead"))
    figures: dict[str, str] | None = Field(default=None, description=(
        "with figures=true, organisation-level: every intermediate by its name in docs/figures.md, "
        "value as a string"))


class ScopedStatement(Closed):
    """A statement as a department head (their departments) or an employee (their own
    line) may read it: without the organisation-wide sections."""

    period: str
    scheme: SchemeRef
    departments: list[DepartmentLine]
    people: list[PersonLine]
    scope: str = Field(description="the caller's role")
    notes: list[str]


Payout = Statement | ScopedStatement


class Reconciliation(Closed):
    period: str
    lines: list[AmountLine]
    balance: Money


class FigureNode(Closed):
    """A figure and, recursively, the figures it was computed from (`because`)."""

    key: str = Field(examples=["person:li:pay"])
    label: str
    value: Exact
    unit: str = Field(description="points, cny, ratio, days or people")
    formula: str
    inputs: list[str] = Field(description="keys of the figures it is computed from")
    literals: dict[str, str] = Field(description="named values that are not figures")
    events: list[str] = Field(description="ids of the events it comes from")
    approx: str | None = Field(None, description="a fraction's decimal approximation")
    rule: str | None = Field(None, description="the scheme rule it applies")
    source: str | None = Field(None, description="where the rule is written (file:line)")
    default: str | None = Field(None, description="the default the rule relies on")
    see_above: bool | None = Field(None, description="explained higher up the tree")
    truncated: bool | None = Field(None, description="the depth limit was reached")
    inputs_not_expanded: int | None = Field(None, description="too many inputs to expand")
    inputs_hidden: int | None = Field(
        None, description="inputs outside the caller's scope (colleagues, other "
        "departments): counted, never named")
    because: list[FigureNode] | None = None


class Explanation(Closed):
    period: str
    explain: list[FigureNode]


class StatementLine(PersonLine):
    period: str


class BlockedPeriod(Closed):
    period: str
    reason: str = Field(description="what must be recorded before it can be calculated")


class PersonStatements(Closed):
    employee_id: str
    lines: list[StatementLine]
    blocked: list[BlockedPeriod]


class SchemeChange(Closed):
    from_: str = Field(alias="from")
    to: str
    from_sha256: str
    to_sha256: str


class DiffTotal(Closed):
    from_: Money = Field(alias="from")
    to: Money
    delta: Money


class DiffRow(Closed):
    id: str
    name: str
    department_id: str
    from_: Money = Field(alias="from")
    to: Money
    delta: Money
    direct_events: list[str] = Field(description="events about this subject (or its "
                                                 "department) that may have changed it")
    voiding_events: list[str] | None = Field(
        None, description="an appeal's preview: the voidings of this subject's own entries "
        "(which carry no id of theirs, so `direct_events` leaves them out)")


class DiffEvent(Closed):
    id: str
    type: str
    actor: str
    recorded_at: str
    effective: str
    reason: str | None
    supersedes: str | None


class DiffEventBehind(Closed):
    id: str = Field(description="an event of `events`")
    rule_ref: str | None = Field(description="the rule it applied (a voiding: the voided "
                                 "entry's)")
    moved: list[str] = Field(description="the rows of `people` and `departments` it is "
                             "about (it may have moved them, or they moved for another "
                             "reason); empty: it is about no one (a pool, a scheme) "
                             "and may move everyone")


class DiffEventCount(Closed):
    type: str
    count: int


class Diff(Closed):
    """A period at two points of knowledge. A scoped caller gets their rows, the events
    behind them, and no total."""

    period: str
    from_: str = Field(alias="from", description="now, 'closed at …' or 'as of …'")
    to: str
    scheme: SchemeChange | None
    total: DiffTotal | None
    people: list[DiffRow]
    departments: list[DiffRow]
    events: list[DiffEvent] = Field(description="every event recorded in between that "
                                    "is about the period (a scoped caller: those behind "
                                    "its rows)")
    events_behind: list[DiffEventBehind] | None = Field(
        None, description="of `events`, those about a row that moved (or about no one and "
        "read by every statement, when anything moved), in order, each with the rows it is "
        "about")
    other_events: list[DiffEventCount] | None = Field(
        None, description="the other events of `events` about the period's pay, about "
        "no figure that moved, counted by type, most first (payroll's withholding of "
        "another period: in neither; a scoped caller: none)")


class Restatement(Closed):
    """A closed period recomputed now. A scoped caller gets their rows and no total."""

    period: str
    closed_sha256: str
    people: list[RestatedRow]
    departments: list[RestatedRow]
    outstanding: Money | None
    settles_in: str | None = Field(description="the open period the difference is paid in")
    appeals_decided_late: list[LateDecision] | None = Field(
        None, description="appeals about the period decided after their deadline; absent "
        "when none (whole-organisation readers)")
