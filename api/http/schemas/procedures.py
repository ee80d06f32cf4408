"""The procedures report and the working-day calendar (issue 15): what each row of
`jixiao procedures report --json` and `jixiao calendar … --json` holds."""

from __future__ import annotations

from pydantic import Field

from api.http.schemas.base import Closed


class Due(Closed):
    rule: str = Field(description="the scheme's deadline and its seed line")
    days: int
    unit: str = Field(description="working or calendar")
    due: str | None = Field(description="None when the year's calendar is not known")
    late: bool
    overdue: bool = Field(description="not done, and the due day has passed")
    problem: str | None = None


class Delivery(Due):
    decision: str
    type: str
    rulebook: str
    subject_id: str | None
    decided_on: str
    delivered_on: str | None
    delivery_entry: str | None


class Filing(Due):
    rulebook: str
    grading_period: str
    body: str
    final_on: str
    filed_on: str | None
    filed_with: str | None


class Objection(Closed):
    subject_id: str
    received_on: str
    detail: str
    entry: str
    outcome: str | None = Field(default=None, description="upheld or rejected; None: "
                                "not settled yet (settle_objection)")
    finding: str | None = Field(default=None, description="why it was upheld or rejected")
    settled_on: str | None = None
    correction: str | None = Field(default=None, description="upheld: the entry that "
                                   "corrected the result")
    settlement: str | None = Field(default=None, description="the settlement's entry")


class Publicity(Closed):
    rulebook: str
    grading_period: str
    opened_on: str
    rule: str
    ends_on: str | None
    running: bool | None = None
    problem: str | None = None
    final_on: str | None
    objections: list[Objection]


class LateAppeal(Closed):
    appeal_id: str
    level: int
    deadline: str
    decided_on: str
    decision: str
    rule: str


class VoidedTrigger(Closed):
    sanction: str
    subject_id: str
    kind: str
    decided_on: str
    triggered_by: str
    trigger_kind: str
    trigger_policy: str
    withdrawn_by: str | None
    withdrawn_because: str | None
    note: str


class OutsideResult(Closed):
    subject_id: str
    grading_period: str
    name: str
    grade: str | None
    value: str | None
    source: str
    source_ref: str | None
    rulebook: str | None
    entry: str


class Notice(Closed):
    year: int
    notice: str
    holidays: list[str]
    workdays: list[str]
    entry: str


class LateCounts(Closed):
    deliveries: int
    filings: int
    appeals: int
    voided_triggers: int


class ProceduresReport(Closed):
    today: str
    calendar: list[Notice]
    deliveries: list[Delivery]
    filings: list[Filing]
    publicity: list[Publicity]
    appeals_decided_late: list[LateAppeal]
    voided_triggers: list[VoidedTrigger]
    outside_results: list[OutsideResult]
    late: LateCounts


class CalendarYear(Closed):
    year: int
    source: str = Field(description="recorded, chinese-calendar <version>, or unknown")
    notice: str | None
    holidays: list[str]
    workdays: list[str]


class DeadlineAnswer(Closed):
    start: str = Field(alias="from")
    days: int
    unit: str
    due: str
    source: str
