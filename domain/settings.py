"""A ledger's own settings, recorded as an event (`jixiao init`): the organisation's name
and the time zone a time typed without one is read in. The latest event wins; a ledger
without one (made before `init` existed) reads such times as UTC, as it always did."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator

from domain.envelope import Frozen, LedgerEvent, Text, _command

DEFAULT_TIME_ZONE = "Asia/Shanghai"


class SettingsBody(Frozen):
    organisation: Text | None = None
    time_zone: str = Field(default=DEFAULT_TIME_ZONE, max_length=64)

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not an IANA time zone such as Asia/Shanghai") \
                from None
        return value


class LedgerConfigured(LedgerEvent, SettingsBody): ...


ConfigureLedger = _command(
    "configure_ledger", SettingsBody, LedgerConfigured,
    "Record the ledger's settings: organisation name and time zone (`jixiao init`).")

SETTINGS_EVENTS: tuple[type[LedgerEvent], ...] = (LedgerConfigured,)
SETTINGS_COMMANDS = (ConfigureLedger,)
