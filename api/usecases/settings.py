"""The ledger's settings (`jixiao init`): recorded as an event, read back for the time
zone a time typed without one is read in; with a shipped scheme, the ledger starts on it
(its adoption is the second event of the same batch, so both are written or neither)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from api.usecases.ledger import ApplyResult, Batch, apply_batch
from api.usecases.ports import Caller, Workspace
from domain.application import shipped_scheme_names
from domain.errors import InvalidRequestError
from domain.settings import DEFAULT_TIME_ZONE

__all__ = ["DEFAULT_TIME_ZONE", "LedgerSettings", "check", "record_settings"]


@dataclass(frozen=True)
class LedgerSettings:
    organisation: str | None = None
    time_zone: str = DEFAULT_TIME_ZONE
    scheme: str | None = None  # a shipped scheme to start on (`jixiao scheme list`)


NO_SHIPPED = ("--scheme: 没有名为「{name}」的内置方案。{hint}内置方案 (shipped schemes): {known} "
              "(no shipped scheme {name!r}; see `jixiao scheme list`)")


def check(settings: LedgerSettings) -> None:
    """Refuse an unknown zone or scheme before anything is created."""
    names = shipped_scheme_names()
    if settings.scheme is not None and settings.scheme not in names:
        guess = difflib.get_close_matches(settings.scheme, names, n=1)
        hint = f"是不是「{guess[0]}」？(did you mean {guess[0]}?) " if guess else ""
        raise InvalidRequestError(NO_SHIPPED.format(name=settings.scheme, hint=hint,
                                                    known=", ".join(names)))
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
    rows: list[tuple[str, dict[str, Any]]] = [("init", row)]
    if settings.scheme is not None:
        rows.append(("--scheme", {"type": "adopt_scheme", "scheme": settings.scheme}))
    return apply_batch(ws, caller, Batch(rows))
