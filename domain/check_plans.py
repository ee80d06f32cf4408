"""What the batch check asks of each type of event, worked out once per type.

`check_command` (domain/validation.py) asked every event what it is: about forty
isinstance checks per command, each through pydantic's model metaclass, a third of the
ledger checks' time at ingest. The answers depend only on the event's type, so they are
kept here per type, as the fold does (domain/fold_plans.py).
"""

from __future__ import annotations

from typing import NamedTuple

from domain.events import (
    AppealAssigned,
    AppealDecided,
    AppealEscalated,
    AppealFiled,
    DepartmentDefined,
    DepartmentFiguresRecorded,
    EmployeeHired,
    EntryVoided,
    PeriodClosed,
    SchemeAdopted,
)
from domain.procedure_events import PROCEDURE_EVENTS
from domain.sanctions import GRADING_EVENTS

_APPEAL_EVENTS = (AppealFiled, AppealAssigned, AppealDecided, AppealEscalated)
_SCHEME_FREE: tuple[type, ...] = (SchemeAdopted, DepartmentDefined, EntryVoided, *PROCEDURE_EVENTS)


class CheckPlan(NamedTuple):
    """What the batch check does with every event of one type."""

    close: bool  # PeriodClosed
    appeal: bool  # one of the appeal steps
    adoption: bool  # SchemeAdopted
    procedure: bool  # one of PROCEDURE_EVENTS
    grading: bool  # one of GRADING_EVENTS
    void: bool  # EntryVoided
    hire: bool  # EmployeeHired
    department: bool  # DepartmentDefined
    figures: bool  # DepartmentFiguresRecorded
    needs_scheme: bool  # checked against the scheme in force
    name: str  # the type's name, as problems word it


CHECK_PLANS: dict[type, CheckPlan] = {}


def check_plan(cls: type) -> CheckPlan:
    """The plan of `cls` (made on first use)."""
    plan = CHECK_PLANS.get(cls)
    if plan is None:
        plan = CHECK_PLANS[cls] = CheckPlan(
            close=issubclass(cls, PeriodClosed), appeal=issubclass(cls, _APPEAL_EVENTS),
            adoption=issubclass(cls, SchemeAdopted),
            procedure=issubclass(cls, PROCEDURE_EVENTS),
            grading=issubclass(cls, GRADING_EVENTS), void=issubclass(cls, EntryVoided),
            hire=issubclass(cls, EmployeeHired), department=issubclass(cls, DepartmentDefined),
            figures=issubclass(cls, DepartmentFiguresRecorded),
            needs_scheme=not issubclass(cls, _SCHEME_FREE), name=cls.__name__)
    return plan
