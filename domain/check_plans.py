"""What the batch check asks of each type of event, worked out once per type.

`check_command` (domain/validation.py) asked every event what it is: about forty
isinstance checks per command, each through pydantic's model metaclass, a third of the
ledger checks' time at ingest; the write side asked each command a few more. The answers
depend only on the type, so they are kept here per type, as the fold does
(domain/fold_plans.py).
"""

from __future__ import annotations

from typing import NamedTuple

from domain.appeal_bodies import AppealBody, AppealDecisionBody
from domain.envelope import CommandEnvelope
from domain.events import (
    AdoptScheme,
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
    loaded_family,
)

_APPEAL_EVENTS = (AppealFiled, AppealAssigned, AppealDecided, AppealEscalated)
_SCHEME_FREE: tuple[type, ...] = (SchemeAdopted, DepartmentDefined, EntryVoided)


def policy_inputs() -> tuple[type, ...]:
    """What the escalation policies read (domain/derivations.py): sanctions, complaints,
    enrolments and derived facts (domain/sanctions.py), or () before that module is
    imported, when no such fact can exist (domain.events.loaded_family)."""
    return loaded_family("domain.sanctions", "POLICY_INPUTS")


def _procedure_events() -> tuple[type, ...]:
    return loaded_family("domain.procedure_events", "PROCEDURE_EVENTS")


def _grading_events() -> tuple[type, ...]:
    return loaded_family("domain.sanctions", "GRADING_EVENTS")


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
    policy_input: bool  # read by the escalation policies (policy_inputs())
    name: str  # the type's name, as problems word it
    plain: bool  # none of close, appeal, adoption, procedure, grading, void, hire, department


CHECK_PLANS: dict[type, CheckPlan] = {}


def check_plan(cls: type) -> CheckPlan:
    """The plan of `cls` (made on first use)."""
    plan = CHECK_PLANS.get(cls)
    if plan is None:
        kinds = dict(
            close=issubclass(cls, PeriodClosed), appeal=issubclass(cls, _APPEAL_EVENTS),
            adoption=issubclass(cls, SchemeAdopted),
            procedure=issubclass(cls, _procedure_events()),
            grading=issubclass(cls, _grading_events()), void=issubclass(cls, EntryVoided),
            hire=issubclass(cls, EmployeeHired), department=issubclass(cls, DepartmentDefined))
        plan = CHECK_PLANS[cls] = CheckPlan(
            **kinds, figures=issubclass(cls, DepartmentFiguresRecorded),
            needs_scheme=not issubclass(cls, (*_SCHEME_FREE, *_procedure_events())),
            policy_input=issubclass(cls, policy_inputs()), name=cls.__name__,
            plain=not any(kinds.values()))
    return plan


class CommandPlan(NamedTuple):
    """What the write side asks of every command of one type before it is an event."""

    appeal_step: bool  # FileAppeal or DecideAppeal: keyed by the appeal and the step
    decision: bool  # DecideAppeal: brings its corrections into the batch
    adoption: bool  # AdoptScheme: its event is built from the scheme document
    user: bool  # a user directory command (domain/users.py)


COMMAND_PLANS: dict[type, CommandPlan] = {}


def command_plan(cls: type) -> CommandPlan:
    """The plan of command type `cls` (made on first use)."""
    plan = COMMAND_PLANS.get(cls)
    if plan is None:
        # FileAppeal and DecideAppeal by their bodies: the commands are made on first use
        # (domain/events.py), and no other command is made of these bodies.
        command = issubclass(cls, CommandEnvelope)
        plan = COMMAND_PLANS[cls] = CommandPlan(
            appeal_step=command and issubclass(cls, AppealBody | AppealDecisionBody),
            decision=command and issubclass(cls, AppealDecisionBody),
            adoption=issubclass(cls, AdoptScheme),
            user=issubclass(cls, loaded_family("domain.user_facts", "USER_BODIES")))
    return plan
