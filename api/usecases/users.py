"""Users of the HTTP API: register, rotate a token, disable, list, and who am I. A minted
token is returned once; only its SHA-256 is recorded. Checking a presented token is the
HTTP shell's (`api/http/auth.py`)."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import field
from typing import Any

from api.usecases.access import commands_of, current_department, require_everything_for
from api.usecases.ledger import ApplyResult, Batch, apply_batch
from api.usecases.ports import Caller, Workspace, today_utc
from domain.records import frozen_record
from domain.users import User

TOKEN_PREFIX = "jx_"  # noqa: S105 - not a secret: makes a leaked token easy to recognise (and to scan for)
TOKEN_BYTES = 32  # 256 bits of randomness


def mint_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)


def token_sha256(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@frozen_record
class NewUser:
    user_id: str
    name: str
    role: str  # administrator, finance, department_head, appeals_reviewer, auditor, employee
    department_ids: Sequence[str] = field(default_factory=list)  # a head's departments
    employee_id: str | None = None  # an employee user's own employee id
    reason: str | None = None


def add_user(ws: Workspace, caller: Caller, new: NewUser,
             password_argon2: str | None = None) -> str:
    """Register a user, with their sign-in password's hash if given
    (api/usecases/passwords.py `hash_password`) in the same batch: a password refused
    leaves no user without one; returns their token (shown once)."""
    token = mint_token()
    row: dict[str, Any] = {"type": "register_user", "user_id": new.user_id, "name": new.name,
                           "role": new.role, "department_ids": list(new.department_ids),
                           "token_sha256": token_sha256(token), "reason": new.reason}
    if new.employee_id is not None:
        row["employee_id"] = new.employee_id
    rows = [("user", row)]
    if password_argon2 is not None:
        rows.append(("user", password_row(new.user_id, password_argon2, new.reason)))
    apply_batch(ws, caller, Batch(rows))
    return token


def password_row(user_id: str, password_argon2: str, reason: str | None) -> dict[str, Any]:
    return {"type": "set_password", "user_id": user_id, "password_argon2": password_argon2,
            "reason": reason}


def rotate_token(ws: Workspace, caller: Caller, user_id: str, reason: str | None = None) -> str:
    """A new token for the user (returned once); the old one stops working at once."""
    token = mint_token()
    _record(ws, caller, {"type": "rotate_token", "user_id": user_id,
                         "token_sha256": token_sha256(token), "reason": reason})
    return token


def disable_user(ws: Workspace, caller: Caller, user_id: str,
                 reason: str | None = None) -> None:
    _record(ws, caller, {"type": "disable_user", "user_id": user_id, "reason": reason})


def _record(ws: Workspace, caller: Caller, row: dict[str, Any]) -> ApplyResult:
    return apply_batch(ws, caller, Batch([("user", row)]))


def list_users(ws: Workspace, caller: Caller) -> list[dict[str, Any]]:
    """Every user with their role and scope (never a token hash), by user id."""
    require_everything_for(caller, "the users")
    directory = ws.users()
    return [user.scope_json() for _, user in sorted(directory.users.items())]


def me(ws: Workspace, user: User) -> dict[str, Any]:
    """The user, their scope, their department today and the commands they may issue."""
    scope = user.scope_json()
    if user.employee_id:
        scope["department_id"] = current_department(ws.facts(), user.employee_id, today_utc())
    return {**scope, "may_issue": commands_of(user)}
