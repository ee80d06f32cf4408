"""Web sign-in passwords: set one (`jixiao users add --password-stdin`, `jixiao users
passwd`) and check one (the pages' sign-in form). Only an argon2id hash is recorded;
bearer tokens stay for machines."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from api.usecases.ledger import Batch, apply_batch
from api.usecases.ports import Caller, Workspace
from api.usecases.users import password_row
from domain.errors import InvalidRequestError
from domain.users import User

PASSWORD_LENGTH_MIN = 10
PASSWORD_LENGTH_MAX = 256


@cache
def _hasher() -> PasswordHasher:
    return PasswordHasher()  # argon2id with the library's current recommended costs


# A hash of a password nobody has: checking an unknown user costs as much as a known one,
# so the time taken does not tell which user names exist.
@cache
def _decoy() -> str:
    return _hasher().hash("jixiao: no such user")


def hash_password(password: str) -> str:
    if not PASSWORD_LENGTH_MIN <= len(password) <= PASSWORD_LENGTH_MAX:
        raise InvalidRequestError(
            f"a password needs {PASSWORD_LENGTH_MIN} to {PASSWORD_LENGTH_MAX} characters")
    return _hasher().hash(password)


def set_password(ws: Workspace, caller: Caller, user_id: str, password: str,
                 reason: str | None = None) -> None:
    """Record the user's new password (its hash); the previous one stops working."""
    row = password_row(user_id, hash_password(password), reason)
    apply_batch(ws, caller, Batch([("user", row)]))


def check_password(ws: Workspace, user_id: str, password: str) -> User | None:
    """The enabled user with this name and password, else None (same cost either way)."""
    directory = ws.users()
    user = directory.users.get(user_id)
    stored = directory.passwords.get(user_id) if user is not None else None
    try:
        _hasher().verify(stored or _decoy(), password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if user is None or stored is None or user.disabled:
        return None
    return user
