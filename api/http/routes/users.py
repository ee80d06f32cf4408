"""Who am I, who are the users, and the command schemas."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api.http.deps import CurrentCaller, CurrentUser, LedgerDep
from api.usecases import queries, users

router = APIRouter(tags=["users"])


@router.get("/me", summary="The authenticated user, their scope and commands")
async def get_me(*, user: CurrentUser, ledger: LedgerDep) -> dict[str, Any]:
    return await ledger.run(users.me, user)


@router.get("/users", summary="Every user (no token hashes)")
async def get_users(*, caller: CurrentCaller, ledger: LedgerDep) -> dict[str, Any]:
    """Users are registered, rotated and disabled by commands (register_user,
    rotate_token, disable_user) or by `jixiao users`."""
    return {"users": await ledger.run(users.list_users, caller)}


@router.get("/schema/commands", summary="The JSON schema of every command", tags=["commands"])
async def get_command_schemas(*, user: CurrentUser) -> dict[str, Any]:
    return queries.command_schemas()
