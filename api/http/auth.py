"""Bearer tokens: minted at random, shown once, stored only as their SHA-256.

A request sends `Authorization: Bearer <token>`; the server hashes the token and looks
the hash up among the enabled users folded from the ledger (`domain/users.py`). A
rotated or disabled user's old token stops working at once.

Guessing is bounded (issue 14): failed attempts are counted per client address (the
real one: `X-Forwarded-For` is believed only from the configured proxies, so a hospital
behind one NAT address is limited as one client, not locked out by a stranger's
header) and per account where a request names one; past the limit the key is locked
out for a while, and the lockout expires by itself.
"""

from __future__ import annotations

import math
import threading
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import field

from cachetools import TTLCache

from api.usecases.ports import Workspace
from api.usecases.users import token_sha256
from domain.records import mutable_record
from domain.users import User

LOCKED = ("登录失败次数过多，请在 {seconds} 秒后重试。 "
          "Too many failed sign-ins from this client or for this account; try again in "
          "{seconds} s.")


class AuthenticationError(Exception):
    """No credentials, or credentials that name no enabled user (→ 401)."""

    code = "unauthenticated"


class TooManyAttemptsError(Exception):
    """Too many failed sign-ins for a client or an account (→ 429, Retry-After)."""

    code = "too_many_attempts"

    def __init__(self, retry_after_s: int) -> None:
        super().__init__(LOCKED.format(seconds=retry_after_s))
        self.retry_after_s = retry_after_s


def authenticate(ws: Workspace, token: str) -> User:
    user = ws.users().by_token_sha256(token_sha256(token))
    if user is None:
        raise AuthenticationError("unknown, rotated or disabled token; ask an administrator "
                                  "for a new one (`jixiao users rotate`)")
    return user


KEYS_MAX = 10_000  # addresses or accounts a limiter remembers at once


@mutable_record
class SignInLimiter:
    """Failed attempts per key ("addr:…", "account:…") in a sliding window; a key past
    `failures_max` is locked for `lockout_s`. The clock is injected (tests move it).

    The memory is bounded: a key's failures are forgotten a window after its last one,
    a lockout when it expires, and past `keys_max` keys the least recently failed key
    goes first (so a flood of made-up account names cannot grow the server without
    end; the most it can do is forget older counts, which the per-address limit still
    bounds)."""

    failures_max: int
    window_s: float
    lockout_s: float
    clock: Callable[[], float]
    keys_max: int = KEYS_MAX
    _failures: TTLCache[str, deque[float]] = field(init=False)
    _locked_until: TTLCache[str, float] = field(init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._failures = TTLCache(self.keys_max, self.window_s, timer=self.clock)
        self._locked_until = TTLCache(self.keys_max, self.lockout_s, timer=self.clock)

    def remembered(self) -> int:
        """How many keys the limiter holds (failure counts and lockouts), expired ones
        let go first."""
        with self._lock:
            self._failures.expire()
            self._locked_until.expire()
            return len(self._failures) + len(self._locked_until)

    def check(self, keys: Iterable[str]) -> None:
        """Raise TooManyAttemptsError if any key is locked out now."""
        now = self.clock()
        with self._lock:
            waits = [until - now for key in keys
                     if (until := self._locked_until.get(key)) is not None and until > now]
        if waits:
            raise TooManyAttemptsError(max(1, math.ceil(max(waits))))

    def failed(self, keys: Iterable[str]) -> None:
        now = self.clock()
        with self._lock:
            for key in keys:
                recent = self._failures.get(key) or deque()
                recent.append(now)
                while recent and recent[0] <= now - self.window_s:
                    recent.popleft()
                if len(recent) >= self.failures_max:
                    self._locked_until[key] = now + self.lockout_s
                    self._failures.pop(key, None)
                else:
                    self._failures[key] = recent  # kept a window from this failure

    def succeeded(self, keys: Iterable[str]) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)


def client_address(peer: str | None, forwarded_for: str | None,
                   trusted_proxies: frozenset[str]) -> str:
    """The client's real address: the peer, unless the peer is a trusted proxy; then
    the nearest address in `X-Forwarded-For` that is not itself a trusted proxy."""
    address = peer or "unknown"
    if address not in trusted_proxies or not forwarded_for:
        return address
    for hop in reversed([h.strip() for h in forwarded_for.split(",") if h.strip()]):
        if hop not in trusted_proxies:
            return hop
    return address
