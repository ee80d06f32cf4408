"""The appeal desk: the queue, one appeal, and what a decision would change. Appeals are
filed, assigned, decided and escalated by `POST /commands` (file_appeal, assign_appeal,
decide_appeal, escalate_appeal)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query

from api.http.deps import CurrentCaller, LedgerDep
from api.usecases import appeals
from api.usecases.ports import today_utc

router = APIRouter(tags=["appeals"])
AppealPath = Annotated[str, Path(examples=["A-1"], max_length=64)]


@router.get("/appeals", summary="The appeal queue")
async def get_appeals(
    *, caller: CurrentCaller, ledger: LedgerDep,
    today: Annotated[date | None, Query(description="the day overdue is judged on "
                                        "(default: today, UTC)")] = None,
    all: Annotated[bool, Query(description="decided appeals too")] = False,
) -> dict[str, Any]:
    """Open appeals by review deadline, overdue ones flagged (`jixiao appeal list`): an
    employee's own, a head's departments', everyone's for the other roles."""
    return await ledger.run(appeals.list_appeals, caller, today or today_utc(), all)


@router.get("/appeals/{appeal_id}", summary="One appeal")
async def get_appeal(*, appeal_id: AppealPath, caller: CurrentCaller,
                     ledger: LedgerDep) -> dict[str, Any]:
    """State, deadlines, the contested entry and every review (`jixiao appeal show`)."""
    return await ledger.run(appeals.show_appeal, caller, appeal_id, today_utc())


@router.get("/appeals/{appeal_id}/preview", summary="What a decision would change")
async def get_appeal_preview(
    *, appeal_id: AppealPath, caller: CurrentCaller, ledger: LedgerDep,
    outcome: Literal["revoke", "change", "uphold"] = "revoke",
    changes: Annotated[str | None, Query(max_length=4000, description=(
        "for `change`: a JSON object of the contested entry's fields as they should be"))
    ] = None,
) -> dict[str, Any]:
    """The contested period now and as if decided, per person and department, and why the
    assigned reviewer would be recused; nothing is written (`jixiao appeal preview`)."""
    return await ledger.run(appeals.preview_appeal, caller,
                            appeals.PreviewRequest(appeal_id, outcome, changes), today_utc())
