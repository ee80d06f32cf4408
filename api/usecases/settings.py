"""The ledger's settings (`jixiao init`, `jixiao settings`, `GET`/`POST /settings`):
recorded as an event, read back for the time zone a time typed without one is read in
and for the window of business dates new commands may carry. Each change records every
setting, the unchanged ones carried over, so the latest event is the whole truth. With a
shipped scheme, `init` starts the ledger on it (its adoption is in the same batch, so
all are written or none)."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from api.usecases.ledger import ApplyResult, Batch, apply_batch
from api.usecases.ports import Caller, Workspace
from domain.close_review import approval_required
from domain.errors import InvalidRequestError, Problem, RejectedError
from domain.records import frozen_record
from domain.settings import DEFAULT_TIME_ZONE, LedgerConfigured, date_window
from domain.shipped_schemes import shipped_scheme_names

__all__ = ["CHANGEABLE", "DEFAULT_TIME_ZONE", "LedgerSettings", "change_settings",
           "changes_of", "check", "read_settings", "record_settings"]

# What `change_settings` takes. Two-person close is recorded by a command of its own
# (`set_close_approval`), so its event says who turned it on or off.
CHANGEABLE = ("organisation", "time_zone", "dates_from", "dates_to", "report_figures",
              "close_approval")
# The settings that are a yes or no (JSON true/false): nothing else is taken for them.
SWITCHES = ("report_figures", "close_approval")


@frozen_record
class LedgerSettings:
    organisation: str | None = None
    time_zone: str = DEFAULT_TIME_ZONE
    # A new ledger needs a second person to close a period (issue 14); a one-person
    # office turns it off, and the ledger records that it did.
    close_approval: bool = True
    # The business dates new commands may carry; None is the default edge.
    dates_from: date | None = None
    dates_to: date | None = None
    scheme: str | None = None  # a shipped scheme to start on (`jixiao scheme list`)
    # Reports carry their figures maps unless asked not to (issue 15); a new ledger's
    # default, off for ledgers whose settings predate it.
    report_figures: bool = True

    def to_json(self) -> dict[str, Any]:
        first, last = date_window(None)
        return {"organisation": self.organisation, "time_zone": self.time_zone,
                "close_approval": self.close_approval,
                "dates_from": (self.dates_from or first).isoformat(),
                "dates_to": (self.dates_to or last).isoformat(),
                "report_figures": self.report_figures}


NOT_A_ZONE = "--time-zone: {zone} is not an IANA time zone such as Asia/Shanghai"
NO_SHIPPED = ("--scheme: no shipped scheme {name!r}; the shipped schemes: {known} (`jixiao "
              "scheme list`)")
NO_SHIPPED_GUESS = ("--scheme: no shipped scheme {name!r}; did you mean {guess}? The shipped "
                    "schemes: {known} (`jixiao scheme list`)")


def check(settings: LedgerSettings) -> None:
    """Refuse an unknown zone or scheme before anything is created."""
    names = shipped_scheme_names()
    if settings.scheme is not None and settings.scheme not in names:
        guess = difflib.get_close_matches(settings.scheme, names, n=1)
        if guess:
            raise InvalidRequestError(NO_SHIPPED_GUESS.format(
                name=settings.scheme, guess=guess[0], known=", ".join(names)))
        raise InvalidRequestError(NO_SHIPPED.format(name=settings.scheme,
                                                    known=", ".join(names)))
    try:
        ZoneInfo(settings.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidRequestError(
            NOT_A_ZONE.format(zone=repr(settings.time_zone))) from None


def record_settings(ws: Workspace, caller: Caller, settings: LedgerSettings) -> ApplyResult:
    approval = {"type": "set_close_approval", "required": settings.close_approval}
    rows: list[tuple[str, dict[str, Any]]] = [("init", _settings_row(settings)),
                                              ("init", approval)]
    if settings.scheme is not None:
        rows.append(("--scheme", {"type": "adopt_scheme", "scheme": settings.scheme}))
    return apply_batch(ws, caller, Batch(rows))


def _settings_row(settings: LedgerSettings) -> dict[str, Any]:
    row: dict[str, Any] = {"type": "configure_ledger", "time_zone": settings.time_zone}
    if settings.report_figures:
        row["report_figures"] = True
    if settings.organisation:
        row["organisation"] = settings.organisation
    for name in ("dates_from", "dates_to"):
        value = getattr(settings, name)
        if value is not None:
            row[name] = value.isoformat()
    return row


def read_settings(ws: Workspace, caller: Caller) -> LedgerSettings:
    """The settings in force: the latest recorded, or the defaults of a ledger without
    any (UTC for times typed without a zone, as such ledgers always read them)."""
    facts = ws.facts()
    latest = next((e for e in reversed(facts.live.values())
                   if isinstance(e, LedgerConfigured)), None)
    approval = approval_required(facts)
    if latest is None:
        return LedgerSettings(time_zone="UTC", close_approval=approval, report_figures=False)
    return LedgerSettings(latest.organisation, latest.time_zone, approval,
                          latest.dates_from, latest.dates_to,
                          report_figures=bool(latest.report_figures))


def changes_of(body: object) -> Mapping[str, Any]:
    """A request body as settings changes: a JSON object, or a named 422."""
    if not isinstance(body, dict):
        raise RejectedError([Problem("body", "-", "must be a JSON object of settings")])
    return body


def change_settings(ws: Workspace, caller: Caller,
                    changes: Mapping[str, Any]) -> LedgerSettings:
    """Record the settings with `changes` applied (organisation, time_zone, dates_from,
    dates_to, report_figures; a null date is back to the default edge; close_approval as
    its own `set_close_approval`, in the same batch). Administrators, over HTTP. The
    window applies to the commands that come after it; what is recorded stays as is."""
    problems = [Problem("settings", str(key), f"not a setting; one of {', '.join(CHANGEABLE)}")
                for key in changes if key not in CHANGEABLE]
    problems += [Problem("settings", key, "must be true or false")
                 for key in SWITCHES if key in changes and not isinstance(changes[key], bool)]
    if problems or not changes:
        raise RejectedError(problems or [Problem("settings", "-", "nothing to change")])
    rows: list[tuple[str, dict[str, Any]]] = []
    configured = {k: v for k, v in changes.items() if k != "close_approval"}
    if configured:
        row = {**_settings_row(read_settings(ws, caller)), **configured}
        if row.get("organisation") is None:
            row.pop("organisation", None)
        rows.append(("settings", row))
    if "close_approval" in changes:
        rows.append(("settings", {"type": "set_close_approval",
                                  "required": changes["close_approval"]}))
    apply_batch(ws, caller, Batch(rows))
    return read_settings(ws, caller)
