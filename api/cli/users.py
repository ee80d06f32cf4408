"""`jixiao users add|rotate|disable|list`: the users of the HTTP API and their tokens."""

from __future__ import annotations

import sys
from enum import Enum
from typing import Annotated

import typer

from api.cli.options import Actor, Db, Reason, caller, open_session
from api.usecases import users
from domain.errors import InvalidRequestError
from domain.scheme import canonical_dumps

app = typer.Typer()


class UserAction(str, Enum):
    add = "add"
    rotate = "rotate"
    disable = "disable"
    list = "list"


@app.command("users")
def users_command(
    *,
    action: Annotated[UserAction, typer.Argument(help="What to do.")],
    user_id: Annotated[str | None, typer.Argument(help="The user's id (all but list).",
                                                  show_default=False)] = None,
    name: Annotated[str | None, typer.Option(help="add: the user's name.")] = None,
    role: Annotated[str | None, typer.Option(
        help="add: administrator, finance, department_head, appeals_reviewer, auditor or "
        "employee.")] = None,
    department: Annotated[list[str] | None, typer.Option(
        help="add: a department a head heads (repeat for several).")] = None,
    employee: Annotated[str | None, typer.Option(
        help="add: an employee user's own employee id.")] = None,
    reason: Reason = None, db: Db = None, actor: Actor = None,
) -> int:
    """Add, rotate, disable or list users of the HTTP API; a token is printed once."""
    if action is not UserAction.list and not user_id:
        raise InvalidRequestError(f"users {action.value} needs a user id")
    with open_session(db) as session:
        who = caller(actor)
        if action is UserAction.list:
            for user in users.list_users(session, who):
                print(canonical_dumps(user))
            return 0
        assert user_id is not None
        if action is UserAction.disable:
            users.disable_user(session, who, user_id, reason)
            print(f"disabled {user_id}", file=sys.stderr)
            return 0
        if action is UserAction.rotate:
            token = users.rotate_token(session, who, user_id, reason)
        else:
            if not (name and role):
                raise InvalidRequestError("users add needs --name and --role")
            token = users.add_user(session, who, users.NewUser(
                user_id, name, role, list(department or []), employee, reason))
    print(f"{user_id}: the token below is shown once; the ledger keeps only its SHA-256",
          file=sys.stderr)
    print(token)
    return 0
