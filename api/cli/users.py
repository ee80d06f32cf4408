"""`jixiao users add|rotate|disable|list|passwd`: the users of the HTTP API and the web
pages, their tokens and their sign-in passwords."""

from __future__ import annotations

import getpass
import sys
from enum import Enum
from typing import Annotated

import typer

from api.cli.options import Actor, Db, Reason, caller, open_session
from api.i18n import N_, _
from api.usecases import users
from api.usecases.ports import Caller, Workspace
from domain.errors import InvalidRequestError
from domain.scheme import canonical_dumps

app = typer.Typer()
# what the verb says, in the reader's language (the cli catalogue)
NEEDS_USER = N_("users {action} needs a user id")
NEEDS_ROLE = N_("users add needs --role")
PASSWORDS_DIFFER = N_("the passwords differ")
PASSWORD_SET = N_("password set for {user}")
DISABLED = N_("disabled {user}")
TOKEN_ONCE = N_("{user}: the token below is shown once; the ledger keeps only its SHA-256")
# On stderr: stdout stays one JSON line a user, none here (a script reads it as it was).
NO_USERS = N_("the ledger has no users yet: add the first administrator with `jixiao users "
              "add ID --role administrator`")


class UserAction(str, Enum):
    add = "add"
    rotate = "rotate"
    disable = "disable"
    list = "list"
    passwd = "passwd"  # noqa: S105 - the verb, not a password


def _set_password(session: Workspace, who: Caller, user_id: str, secret: str,
                  reason: str | None) -> None:
    from api.usecases import passwords  # noqa: PLC0415 - argon2: only when setting one

    passwords.set_password(session, who, user_id, secret, reason)


def _hashed(secret: str) -> str:
    from api.usecases import passwords  # noqa: PLC0415 - argon2: only when setting one

    return passwords.hash_password(secret)

@app.command("users")
def users_command(
    *,
    action: Annotated[UserAction, typer.Argument(help="What to do.")],
    user_id: Annotated[str | None, typer.Argument(help="The user's id (all but list).",
                                                  show_default=False)] = None,
    name: Annotated[str | None, typer.Option(
        help="add: the user's name (default: the user id).")] = None,
    role: Annotated[str | None, typer.Option(
        help="add: administrator, finance, department_head, appeals_reviewer, auditor or "
        "employee.")] = None,
    department: Annotated[list[str] | None, typer.Option(
        help="add: a department a head heads (repeat for several).")] = None,
    employee: Annotated[str | None, typer.Option(
        help="add: an employee user's own employee id.")] = None,
    password_stdin: Annotated[bool, typer.Option(
        "--password-stdin", help="add, passwd: read the web sign-in password from standard "
        "input (its first line).")] = False,
    reason: Reason = None, db: Db = None, actor: Actor = None,
) -> int:
    """Add, rotate, disable or list users; set a web sign-in password (passwd). A token is
    printed once."""
    if action is not UserAction.list and not user_id:
        raise InvalidRequestError(_(NEEDS_USER).format(action=action.value))
    with open_session(db, creates=False if action is UserAction.list else None) as session:
        who = caller(actor)
        if action is UserAction.list:
            listed = users.list_users(session, who)
            for user in listed:
                print(canonical_dumps(user))
            if not listed:
                print(_(NO_USERS), file=sys.stderr)
            return 0
        assert user_id is not None
        if action is UserAction.passwd:
            _set_password(session, who, user_id, _password(password_stdin), reason)
            print(_(PASSWORD_SET).format(user=user_id), file=sys.stderr)
            return 0
        if action is UserAction.disable:
            users.disable_user(session, who, user_id, reason)
            print(_(DISABLED).format(user=user_id), file=sys.stderr)
            return 0
        if action is UserAction.rotate:
            token = users.rotate_token(session, who, user_id, reason)
        else:
            if not role:
                raise InvalidRequestError(_(NEEDS_ROLE))
            hashed = _hashed(_password(password_stdin)) if password_stdin else None
            token = users.add_user(session, who, users.NewUser(
                user_id, name or user_id, role, list(department or []), employee, reason),
                hashed)
        # Once recorded: nothing after it (the session's close, a new ledger linked into
        # place) may stop the verb between the user kept and the token shown.
        session.once_kept(lambda: _show_token(user_id, token))
    return 0


def _show_token(user_id: str, token: str) -> None:
    print(_(TOKEN_ONCE).format(user=user_id), file=sys.stderr)
    print(token, flush=True)


def _password(from_stdin: bool) -> str:
    """The password: the first line of standard input, or typed twice at a terminal."""
    if from_stdin or not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(_("new password: "))
    if getpass.getpass(_("the same password again: ")) != first:
        raise InvalidRequestError(_(PASSWORDS_DIFFER))
    return first
