"""Bearer tokens: minted at random, shown once, stored only as their SHA-256.

A request sends `Authorization: Bearer <token>`; the server hashes the token and looks
the hash up among the enabled users folded from the ledger (`domain/users.py`). A
rotated or disabled user's old token stops working at once.
"""

from __future__ import annotations

import hashlib
import secrets

from api.http.runtime import Backend
from domain.users import User

TOKEN_PREFIX = "jx_"  # noqa: S105 - not a secret: makes a leaked token easy to recognise (and to scan for)
TOKEN_BYTES = 32  # 256 bits of randomness


class AuthenticationError(Exception):
    """No credentials, or credentials that name no enabled user (→ 401)."""

    code = "unauthenticated"


def mint_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)


def token_sha256(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def authenticate(backend: Backend, token: str) -> User:
    user = backend.users().by_token_sha256(token_sha256(token))
    if user is None:
        raise AuthenticationError("unknown, rotated or disabled token; ask an administrator "
                                  "for a new one (`jixiao users rotate`)")
    return user
