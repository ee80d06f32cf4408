"""What the use cases need from storage, and who is asking.

`Workspace` is implemented by `api.storage.session.Session`; the use cases never open a
store themselves, so a shell decides how long a store stays open (one CLI invocation, or
the server's ledger thread).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, Protocol
from zoneinfo import ZoneInfo

from domain.errors import InvalidRequestError, Problem, RejectedError
from domain.events import LedgerEvent
from domain.facts import Facts
from domain.periods import Period
from domain.records import frozen_record
from domain.users import User, UserDirectory
from projections.figure_tree import FigureSource

if TYPE_CHECKING:
    from domain.application import Ledger
    from projections.audit import ChainReport

ORGANISATION_ZONE = ZoneInfo("Asia/Shanghai")


class Workspace(Protocol):
    """One store: its ledger, the statements view and the hash chain."""

    @property
    def ledger(self) -> Ledger: ...

    def facts(self) -> Facts: ...

    def lean_facts(self, period: Period, cutoff: datetime | None = None) -> Facts | None:
        """Facts from a snapshot of closed years for one later period, or None
        (api/usecases/period_facts.py)."""
        ...

    def snapshot_facts(self, period: Period) -> Facts | None:
        """A fold from a snapshot for one computation of `period` now, even when the
        fold of every event is held; None when none serves."""
        ...

    def seal_closed_years(self, period: Period) -> str | None:
        """After a close: snapshot the year it completed, if any; a notice when this
        role may not keep the snapshot (the close stands)."""
        ...

    def users(self) -> UserDirectory: ...

    def record_aside(self, rows: Sequence[tuple[str, Mapping[str, Any]]], actor: str) -> None:
        """Record reads of personal data (the access log): as `Ledger.record` does, but
        without folding the sealed years when a snapshot of them serves."""
        ...

    def sealed_facts(self) -> Facts | None:
        """The fold from a snapshot of closed years kept for now, or None (then the fold of
        every event): what a write is checked against first (api/usecases/sealed_writes.py)."""
        ...

    def save_checked(self, events: Sequence[LedgerEvent]) -> None:
        """Write events checked against `sealed_facts`, all or none."""
        ...

    def drop_sealed_facts(self) -> None:
        """Let the kept fold from a snapshot go (a chunked batch was folded into it but
        not all written there): `sealed_facts` makes it again when next asked."""
        ...

    def statement_json(self, period: Period, *, departments_only: bool = False
                       ) -> dict[str, Any]:
        """A period's statement from the caught-up view (computed when not stored).
        `departments_only`: a stored row's "departments" may be all that is parsed (the
        rows' checks are the same; a computed or flagged statement is given whole)."""
        ...

    def stored_figures(self, period: Period) -> AbstractContextManager[FigureSource | None]:
        """The period's statement and figures as the caught-up view keeps them, while
        open; None when the view cannot serve them unchanged (the caller recomputes)."""
        ...

    def chain_up(self) -> None: ...

    def chain_up_quietly(self) -> None:
        """Chain new events; a racing chainer doing it instead is not an error."""
        ...

    def chain_head_at(self, position: int) -> str: ...

    def verify_chain(self) -> ChainReport: ...


@frozen_record
class Caller:
    """Who is asking. `user` None is the store's owner (the command line, which can write
    the store anyway): the user rules are checked, no role. `actor` is recorded on every
    event written."""

    actor: str
    user: User | None = None

    @classmethod
    def of(cls, user: User) -> Caller:
        return cls(user.user_id, user)


def today_utc() -> date:
    return datetime.now(UTC).date()


def today_local() -> date:
    """Today in the organisation's zone (Asia/Shanghai): the day a person means."""
    return datetime.now(ORGANISATION_ZONE).date()


def as_utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def known_as_of(ws: Workspace, moment: datetime, field: str = "as_of") -> datetime:
    """A read's "as known at" instant, in UTC, inside the ledger's window of business dates
    (issue 14: every date that enters is in the window, on reads as on writes)."""
    first, last = ws.ledger.day_window()
    if not first <= moment.date() <= last:
        raise RejectedError([Problem(
            "query", field,
            f"{moment.date().isoformat()} is outside the ledger's window of dates "
            f"({first.isoformat()} to {last.isoformat()})")])
    return as_utc(moment)


def parse_period(text: str) -> Period:
    try:
        return Period.parse(text)
    except ValueError as error:
        raise InvalidRequestError(str(error)) from None


def parse_instant(text: str) -> datetime:
    """An ISO timestamp, UTC unless zoned."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidRequestError(f"{text!r} is not an ISO timestamp such as "
                                  "2026-04-05T12:00:00+08:00") from None
    return as_utc(moment)
