"""The server's sign-in limiters, built once per app from its settings."""

from __future__ import annotations

from dataclasses import dataclass

from api.http.auth import SignInLimiter
from api.http.settings import ServerSettings


@dataclass(frozen=True)
class SignInLimiters:
    by_address: SignInLimiter
    by_account: SignInLimiter  # for sign-ins that name an account (the web pages' form)

    @classmethod
    def of(cls, settings: ServerSettings) -> SignInLimiters:
        def limiter(failures_max: int) -> SignInLimiter:
            return SignInLimiter(failures_max, settings.auth_window_s,
                                 settings.auth_lockout_s, settings.clock)
        return cls(limiter(settings.auth_failures_per_address_max),
                   limiter(settings.auth_failures_per_account_max))
