"""The ledger's settings (`jixiao init`): recorded as an event, read back for the time
zone a time typed without one is read in."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from api.usecases.ledger import ApplyResult, Batch, apply_batch
from api.usecases.ports import Caller, Workspace
from domain.errors import InvalidRequestError
from domain.settings import DEFAULT_TIME_ZONE

__all__ = ["DEFAULT_TIME_ZONE", "LedgerSettings", "check", "record_settings"]


@dataclass(frozen=True)
class LedgerSettings:
    organisation: str | None = None
    time_zone: str = DEFAULT_TIME_ZONE
    # A new ledger needs a second person to close a period (issue 14); a one-person
    # office turns it off, and the ledger records that it did.
    close_approval: bool = True


def check(settings: LedgerSettings) -> None:
    """Refuse an unknown zone before anything is created."""
    try:
        ZoneInfo(settings.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidRequestError(
            f"时区无效 / --time-zone: {settings.time_zone!r} is not an IANA time zone such "
            "as Asia/Shanghai") from None


def record_settings(ws: Workspace, caller: Caller, settings: LedgerSettings) -> ApplyResult:
    row = {"type": "configure_ledger", "time_zone": settings.time_zone}
    if settings.organisation:
        row["organisation"] = settings.organisation
    approval = {"type": "set_close_approval", "required": settings.close_approval}
    return apply_batch(ws, caller, Batch([("init", row), ("init", approval)]))
