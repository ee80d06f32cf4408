"""Two-person close (issue 14, item 8): one person prepares a period's close, recording
the statement's hash; a different person approves it, and only then is the period
closed. A ledger setting turns the rule on (ledgers made by `jixiao init`) or off (a
one-person office); a ledger with no setting keeps the one-step close it always had.
"""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from pydantic import BeforeValidator, Field

from domain.envelope import Frozen, LedgerEvent, Text, _command
from domain.periods import period_text

PeriodText = Annotated[str, BeforeValidator(period_text)]


class CloseApprovalBody(Frozen):
    """Whether closing a period needs a second person's approval."""

    required: bool


class ClosePreparationBody(Frozen):
    """A close prepared: the statement's hash at the position it was computed at."""

    period: PeriodText
    position: int = Field(ge=0)
    statement_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class CloseApprovalBodyFor(Frozen):
    """Who prepared and who approved a close; recorded with the close itself."""

    period: PeriodText
    preparation_id: UUID
    prepared_by: Text
    approved_by: Text


class CloseApprovalSet(LedgerEvent, CloseApprovalBody): ...
class ClosePrepared(LedgerEvent, ClosePreparationBody): ...
class CloseApproved(LedgerEvent, CloseApprovalBodyFor): ...


SetCloseApproval = _command(
    "set_close_approval", CloseApprovalBody, CloseApprovalSet,
    "Require (or no longer require) a second person's approval to close a period.")
PrepareClose = _command(
    "prepare_close", ClosePreparationBody, ClosePrepared,
    "Prepare a period's close (use `jixiao close`, which computes position and hash).")
ApproveClose = _command(
    "approve_close", CloseApprovalBodyFor, CloseApproved,
    "Approve a prepared close (use `jixiao close --approve`, which closes the period too).")

CLOSE_REVIEW_COMMANDS: tuple[type[Frozen], ...] = (SetCloseApproval, PrepareClose,
                                                   ApproveClose)
CLOSE_REVIEW_EVENTS: tuple[type[LedgerEvent], ...] = (CloseApprovalSet, ClosePrepared,
                                                      CloseApproved)
APPROVAL_SETTINGS: tuple[type[LedgerEvent], ...] = (CloseApprovalSet,)  # move no pay figure


def approval_required(facts: Any) -> bool:
    """The ledger's setting in `facts` (domain.facts.Facts): the latest live
    `set_close_approval`; off when never set, so ledgers from before the setting keep
    their one-step close."""
    required = False
    for event in facts.live.values():
        if isinstance(event, CloseApprovalSet):
            required = event.required
    return required
