"""The bodies of an appeal's four steps (filed, assigned, decided, escalated): what the
appeal facts and commands of domain/events.py carry, kept here beside the other pay
bodies' module so that one stays within its size."""

from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import Field, model_validator

from domain.envelope import Code, Day, Frozen, Int, PeriodText, Text


class AppealBody(Frozen):
    """An appeal against one contested entry (a deduction, score, attendance record,
    figures …) or one payout line (period + employee), by or for an employee or unit."""

    appeal_id: Code
    appellant_employee_id: Code | None = None
    appellant_department_id: Code | None = None
    contested_entry_id: UUID | None = None
    contested_period: PeriodText | None = None
    contested_employee_id: Code | None = None
    grounds: Text
    evidence_refs: tuple[Annotated[str, Field(max_length=500)], ...] = ()
    received_on: Day  # when the contested decision or result reached the appellant
    filed_on: Day

    @model_validator(mode="after")
    def _one_appellant_one_target(self) -> "AppealBody":
        if (self.appellant_employee_id is None) == (self.appellant_department_id is None):
            raise ValueError("give exactly one of appellant_employee_id or "
                             "appellant_department_id")
        line = self.contested_period is not None and self.contested_employee_id is not None
        if (self.contested_entry_id is None) == (not line):
            raise ValueError("contest exactly one thing: contested_entry_id, or a payout line "
                             "(contested_period and contested_employee_id)")
        if self.filed_on < self.received_on:
            raise ValueError("filed_on is before received_on")
        return self


class AppealAssignmentBody(Frozen):
    appeal_id: Code
    reviewer: Text
    level: Int = Field(default=1, ge=1, le=3)


class AppealDecisionBody(Frozen):
    appeal_id: Code
    level: Int = Field(default=1, ge=1, le=3)
    outcome: Literal["uphold", "change", "revoke"]
    decided_on: Day
    # For "change": the contested entry's fields as they should be (same kind of entry).
    changes: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _changes_go_with_change(self) -> "AppealDecisionBody":
        if (self.outcome == "change") != (self.changes is not None):
            raise ValueError("give changes exactly when the outcome is change")
        return self


class AppealEscalationBody(Frozen):
    appeal_id: Code
    filed_on: Day
    grounds: Text
