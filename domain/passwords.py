"""A user's web sign-in password, recorded as an event holding only its argon2 hash
(`jixiao users passwd`). Kept beside the user events, in a module of its own so the
event registry gains it with one line."""

from __future__ import annotations

from domain.envelope import LedgerEvent, _command
from domain.user_facts import PasswordBody


class PasswordSet(LedgerEvent, PasswordBody): ...


SetPassword = _command(
    "set_password", PasswordBody, PasswordSet,
    "Set a user's web sign-in password (give its argon2id hash; `jixiao users passwd`).")

PASSWORD_EVENTS: tuple[type[LedgerEvent], ...] = (PasswordSet,)
PASSWORD_COMMANDS = (SetPassword,)
