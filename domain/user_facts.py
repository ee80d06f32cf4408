"""The user facts: `UserRegistered`, `TokenRotated`, `UserDisabled`, their bodies and
commands (domain/roles.py has the roles, domain/users.py what each may do and the directory
the facts fold into).

Imported with the first of them asked for, by name from domain.events (`UserRegistered`,
`RegisterUser`), by command type (`register_user`) or by a stored fact's topic: a payout or
a what-if on a pay ledger reads none, and their eight pydantic classes were ≈1.5 ms of
every start. The events and commands keep the module name they have always had, so their
topics (`domain.events:UserRegistered`), pickles, schemas and reprs read as before.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field, model_validator

from domain.envelope import COMMANDS_MODULE, Frozen, LedgerEvent, Text, _command
from domain.roles import DEPARTMENTS_PER_HEAD_MAX, Role

# A user's id and the ids it scopes: ASCII only, as they have always been (the ledger's
# `Code` takes any script), in the shape of domain.envelope's ASCII_CODE.
Identifier = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")]
Sha256Hex = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


class UserBody(Frozen):
    """A user: a role, its scope (a head's departments, an employee's own id) and the
    SHA-256 (hex) of their bearer token."""

    user_id: Identifier
    name: Text
    role: Role
    department_ids: tuple[Identifier, ...] = Field(default=(), max_length=DEPARTMENTS_PER_HEAD_MAX)
    employee_id: Identifier | None = None
    token_sha256: Sha256Hex

    @model_validator(mode="after")
    def _scope_fits_role(self) -> UserBody:
        if self.role == "department_head" and not self.department_ids:
            raise ValueError("a department head needs department_ids (the departments headed)")
        if self.role != "department_head" and self.department_ids:
            raise ValueError(f"only a department head takes department_ids, not a {self.role}")
        if self.role == "employee" and self.employee_id is None:
            raise ValueError("an employee user needs employee_id (whose statements they read)")
        if self.role != "employee" and self.employee_id is not None:
            raise ValueError(f"only an employee user takes employee_id, not a {self.role}")
        if len(set(self.department_ids)) != len(self.department_ids):
            raise ValueError("department_ids lists a department twice")
        return self


class TokenBody(Frozen):
    """A user's new token (its SHA-256, hex); the old one stops working."""

    user_id: Identifier
    token_sha256: Sha256Hex


class DisableBody(Frozen):
    user_id: Identifier


class PasswordBody(Frozen):
    """A user's sign-in password for the web pages, as an argon2 hash (never the password);
    the latest one counts. Bearer tokens stay for machines."""

    user_id: Identifier
    password_argon2: Annotated[str, Field(pattern=r"^\$argon2id\$", max_length=200)]


# The bodies domain/users.py folds into the directory and checks a batch against.
USER_BODIES: tuple[type[BaseModel], ...] = (UserBody, TokenBody, DisableBody)


class UserRegistered(LedgerEvent, UserBody):
    __module__ = COMMANDS_MODULE


class TokenRotated(LedgerEvent, TokenBody):
    __module__ = COMMANDS_MODULE


class UserDisabled(LedgerEvent, DisableBody):
    __module__ = COMMANDS_MODULE


RegisterUser = _command(
    "register_user", UserBody, UserRegistered,
    "Register a user of the HTTP API: role, scope and the SHA-256 of their bearer token.")
RotateToken = _command(
    "rotate_token", TokenBody, TokenRotated,
    "Replace a user's bearer token (give the new token's SHA-256).")
DisableUser = _command(
    "disable_user", DisableBody, UserDisabled, "Disable a user: their token stops working.")

USER_EVENTS: tuple[type[LedgerEvent], ...] = (UserRegistered, TokenRotated, UserDisabled)
USER_COMMANDS = (RegisterUser, RotateToken, DisableUser)
