"""Bearer tokens: minted at random, shown once, stored only as their SHA-256.

A request sends `Authorization: Bearer <token>`; the server hashes the token and looks
the hash up among the enabled users folded from the ledger (`domain/users.py`). A
rotated or disabled user's old token stops working at once.
"""

from __future__ import annotations

from api.usecases.ports import Workspace
from api.usecases.users import token_sha256
from domain.users import User


class AuthenticationError(Exception):
    """No credentials, or credentials that name no enabled user (→ 401)."""

    code = "unauthenticated"


def authenticate(ws: Workspace, token: str) -> User:
    user = ws.users().by_token_sha256(token_sha256(token))
    if user is None:
        raise AuthenticationError("unknown, rotated or disabled token; ask an administrator "
                                  "for a new one (`jixiao users rotate`)")
    return user
