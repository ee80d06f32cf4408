"""A ledger's own settings, recorded as an event (`jixiao init`, `jixiao settings`): the
organisation's name, the time zone a time typed without one is read in, and the window
of business dates its commands may carry. The latest event wins (each records every
setting); a ledger without one (made before `init` existed) reads such times as UTC, as
it always did, and takes dates from 2000-01-01 to 2099-12-31."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BeforeValidator, Field, field_validator, model_validator

from domain.envelope import Frozen, LedgerEvent, Text, _command
from domain.limits import DAY_FIRST_DEFAULT, DAY_LAST_DEFAULT
from domain.strict_input import to_window_edge

WindowEdge = Annotated[date | None, BeforeValidator(to_window_edge)]

DEFAULT_TIME_ZONE = "Asia/Shanghai"


class SettingsBody(Frozen):
    organisation: Text | None = None
    time_zone: str = Field(default=DEFAULT_TIME_ZONE, max_length=64)
    # The business dates new commands may carry (None: the default edge). Optional, so
    # settings recorded before the window was a setting read as they did.
    dates_from: WindowEdge = None
    dates_to: WindowEdge = None
    # Reports (`payout`, `restatement`, `grades` as JSON) carry every intermediate as a
    # named figure unless asked not to (issue 15, item 1). `jixiao init` turns it on;
    # None (settings recorded before it) is off, so stored ledgers' reports stay
    # byte-identical.
    report_figures: bool | None = None

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not an IANA time zone such as Asia/Shanghai") \
                from None
        return value

    @model_validator(mode="after")
    def _window_not_empty(self) -> SettingsBody:
        first, last = date_window(self)
        if first > last:
            raise ValueError(f"dates_from {first} is after dates_to {last}: no date would "
                             "be taken")
        return self


def date_window(settings: SettingsBody | None) -> tuple[date, date]:
    """The first and last business date new commands may carry."""
    if settings is None:
        return DAY_FIRST_DEFAULT, DAY_LAST_DEFAULT
    return (settings.dates_from or DAY_FIRST_DEFAULT, settings.dates_to or DAY_LAST_DEFAULT)


class LedgerConfigured(LedgerEvent, SettingsBody): ...


ConfigureLedger = _command(
    "configure_ledger", SettingsBody, LedgerConfigured,
    "Record the ledger's settings: organisation name, time zone and the window of "
    "business dates (`jixiao init`, `jixiao settings`).")

SETTINGS_EVENTS: tuple[type[LedgerEvent], ...] = (LedgerConfigured,)
SETTINGS_COMMANDS = (ConfigureLedger,)
