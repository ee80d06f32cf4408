"""The appeal desk: the queue, one appeal, and what a decision would change. Appeals are
filed, assigned, decided and escalated by `POST /commands` (file_appeal, assign_appeal,
decide_appeal, escalate_appeal)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query

from api.http import appeals
from api.http.deps import CurrentUser, LedgerDep

router = APIRouter(tags=["appeals"])
AppealPath = Annotated[str, Path(examples=["A-1"], max_length=64)]


@router.get("/appeals", summary="The appeal queue")
async def get_appeals(
    *, user: CurrentUser, ledger: LedgerDep,
    today: Annotated[date | None, Query(description="the day overdue is judged on "
                                        "(default: today, UTC)")] = None,
    all: Annotated[bool, Query(description="decided appeals too")] = False,  # noqa: A002
) -> dict[str, Any]:
    """Open appeals by review deadline, overdue ones flagged (`jixiao appeal list`): an
    employee's own, a head's departments', everyone's for the other roles."""
    return await ledger.run(appeals.queue, user, today, all)


@router.get("/appeals/{appeal_id}", summary="One appeal")
async def get_appeal(*, appeal_id: AppealPath, user: CurrentUser,
                     ledger: LedgerDep) -> dict[str, Any]:
    """State, deadlines, the contested entry and every review (`jixiao appeal show`)."""
    return await ledger.run(appeals.show, user, appeal_id)


@router.get("/appeals/{appeal_id}/preview", summary="What a decision would change")
async def get_appeal_preview(
    *, appeal_id: AppealPath, user: CurrentUser, ledger: LedgerDep,
    outcome: Literal["revoke", "change", "uphold"] = "revoke",
    changes: Annotated[str | None, Query(max_length=4000, description=(
        "for `change`: a JSON object of the contested entry's fields as they should be"))
    ] = None,
) -> dict[str, Any]:
    """The contested period now and as if decided, per person and department, and why the
    assigned reviewer would be recused; nothing is written (`jixiao appeal preview`)."""
    return await ledger.run(appeals.preview, user, appeal_id, outcome, changes)
