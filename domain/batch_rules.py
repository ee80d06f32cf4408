"""Small pure rules of checking a batch (`Ledger.check_rows`, `Ledger.check_chunk`)."""

from __future__ import annotations

from pydantic import BaseModel, ValidationError

from domain.appeal_bodies import AppealBody, AppealDecisionBody
from domain.check_plans import COMMAND_PLANS, command_plan
from domain.errors import Problem
from domain.events import AppealDecided, LedgerEvent


def with_appeal_key(command: BaseModel) -> BaseModel:
    """An appeal step keyed by the appeal and the step, unless the caller chose a key."""
    plan = COMMAND_PLANS.get(type(command)) or command_plan(type(command))
    # The plan's appeal step is a FileAppeal or a DecideAppeal: their bodies narrow the type.
    if plan.appeal_step and isinstance(command, AppealBody | AppealDecisionBody) and not getattr(
            command, "idempotency_key", None):
        step = f"decided:{command.level}" if isinstance(command, AppealDecisionBody) else "filed"
        return command.model_copy(
            update={"idempotency_key": f"appeal:{command.appeal_id}:{step}"})
    return command


def same_fact(earlier: LedgerEvent, retry: LedgerEvent) -> bool:
    envelope = {"recorded_at", "actor"}
    return type(earlier) is type(retry) and earlier.model_dump(exclude=envelope) == (
        retry.model_dump(exclude=envelope)
    )


def reused_key(where: str, earlier: LedgerEvent) -> Problem:
    """The problem of a new entry whose id an earlier, different entry already has."""
    if isinstance(earlier, AppealDecided):
        return Problem(where, "appeal_id",
                       f"already decided at level {earlier.level}: {earlier.outcome}")
    return Problem(where, "idempotency_key",
                   f"this key was used for a different entry ({earlier.originator_id})")


def problems_from_validation(where: str, error: ValidationError) -> list[Problem]:
    problems = []
    for detail in error.errors(include_url=False):
        field = ".".join(str(part) for part in detail["loc"])
        message = detail["msg"].removeprefix("Value error, ")
        problems.append(Problem(where, field, message))
    return problems
