"""The appeals desk: the queue, one appeal, and what a decision would change."""

from __future__ import annotations

from pydantic import Field

from api.http.schemas.base import Closed, Json
from api.http.schemas.late_decisions import LateDecision
from api.http.schemas.reports import Diff


class Contested(Closed):
    entry_id: str | None = Field(description="the contested entry; null for a payout line")
    type: str = Field(description="the entry's event type, or 'payout line'")
    period: str | None
    employee_id: str | None
    recorded_by: str | None
    still_in_force: bool


class DecisionBody(Closed):
    outcome: str = Field(description="uphold, change or revoke")
    decided_on: str
    by: str
    reason: str | None
    changes: dict[str, Json] | None


class Review(Closed):
    level: int
    reviewer: str | None
    decision: DecisionBody | None


class Appeal(Closed):
    appeal_id: str
    appellant: str | None = Field(description="an employee id or a department id")
    filed_by: str
    filed_on: str
    received_on: str
    filing_deadline: str | None
    review_deadline: str | None
    overdue: bool
    status: str = Field(examples=["filed", "assigned", "decided: uphold"])
    level: int
    grounds: str
    evidence_refs: list[str]
    contested: Contested
    reviews: list[Review]
    decided_late: list[LateDecision] | None = Field(
        None, description="levels decided after their review deadline; absent when none")
    deadline_unknown: str | None = Field(
        None, description="why a deadline is null: it reaches a year whose statutory "
                          "holidays are not recorded yet; absent when every deadline is known")


class AppealQueue(Closed):
    today: str = Field(description="the day overdue is judged on")
    appeals: list[Appeal]
    next_after: str | None = Field(None, description="only when `limit` is given: pass as "
                                                     "`after` for the next page")


class AppealPreview(Diff):
    """The contested period now (`from`) and as if decided (`to`); nothing is written."""

    appeal_id: str
    reviewer_recusals: dict[str, list[str]] = Field(
        description="the assigned reviewer, and why they would be recused (empty: they "
                    "may decide)")
