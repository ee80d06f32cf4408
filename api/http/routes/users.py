"""Who am I, who are the users, and the command schemas."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.http.deps import CurrentCaller, CurrentUser, LedgerDep, ListAfter, ListLimit
from api.http.paging import by, page
from api.http.routes import settings
from api.http.schemas.base import reply
from api.http.schemas.directory import CommandSchemas, Me, UserList
from api.usecases import queries, users

router = APIRouter(tags=["users"])
# The ledger's settings are the administrators' like the users: served beside them.
router.include_router(settings.router)


@router.get("/me", response_model=Me,
            summary="The authenticated user, their scope and commands")
async def get_me(*, user: CurrentUser, ledger: LedgerDep) -> JSONResponse:
    return await reply(Me, await ledger.run(users.me, user))


@router.get("/users", response_model=UserList, summary="Every user (no token hashes)")
async def get_users(*, caller: CurrentCaller, ledger: LedgerDep, after: ListAfter = None,
                    limit: ListLimit = None) -> JSONResponse:
    """Users by id. They are registered, rotated and disabled by commands (register_user,
    rotate_token, disable_user) or by `jixiao users`. With `limit` (or `after`), one page
    and its `next_after`."""
    rows = await ledger.run(users.list_users, caller)
    if limit is None and after is None:
        return await reply(UserList, {"users": rows})
    shown, next_after = page(rows, by("user_id"), after, limit or len(rows) or 1)
    return await reply(UserList, {"users": shown, "next_after": next_after})


@router.get("/schema/commands", response_model=CommandSchemas,
            summary="The JSON schema of every command", tags=["commands"])
async def get_command_schemas(*, user: CurrentUser) -> JSONResponse:
    return await reply(CommandSchemas, queries.command_schemas())
