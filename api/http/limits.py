"""The server's sign-in limiters, built once per app from its settings."""

from __future__ import annotations

from api.http.auth import SignInLimiter
from api.http.settings import ServerSettings
from domain.records import frozen_record


@frozen_record
class SignInLimiters:
    by_address: SignInLimiter
    # Failures of sign-ins that name an account (`Authorization: Basic`, the sign-in
    # form); a locked account refuses every sign-in to it until the lockout expires.
    by_account: SignInLimiter

    @classmethod
    def of(cls, settings: ServerSettings) -> SignInLimiters:
        def limiter(failures_max: int) -> SignInLimiter:
            return SignInLimiter(failures_max, settings.auth_window_s,
                                 settings.auth_lockout_s, settings.clock,
                                 settings.auth_keys_max)
        return cls(limiter(settings.auth_failures_per_address_max),
                   limiter(settings.auth_failures_per_account_max))
