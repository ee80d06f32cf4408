"""A session's fold from a snapshot of closed years, for a question about one period after
them (`Session.lean_facts`), and the snapshot taken when a close completes a year.

What a snapshot holds and when a fold from it gives up is `projections.snapshots`; where
the rows are kept and how they are checked, `api.storage.snapshots`. Here is which reads
may start from one: a statement, reconciliation or explanation of one period after every
sealed year, as known now or at an instant no earlier than the snapshot was taken. Such a
read needs its own period's facts, the roster, schemes and closes (all held), and earlier
closes' cut-offs through `Facts.upto`, which folds every event before the snapshot
(`Seal.upto`). A write is checked against the kept fold first
(api/usecases/sealed_writes.py), as a what-if of an open period and the access log are.
Every other read (a person's history, the audit, a sealed period) reads the fold of every
event, and so does a session that has made that fold already: the server's long-lived
session keeps one fold, never two.

A snapshot that fails its checks is named in the session's warnings, as an edited
statement row is, and the read folds every event."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, MutableSequence, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from api.storage.snapshots import (
    SnapshotsNotWritable,
    SnapshotStore,
    existing_snapshots,
    facts_from_snapshot,
    open_snapshots,
    take_snapshot,
)
from domain.errors import ConflictError
from domain.events import LedgerEvent, loaded_family
from domain.facts import Facts
from domain.periods import Period
from domain.written import CONCURRENT_WRITE
from projections.snapshots import KEY_PREFIX, Seal, checked_on_seal, fold_later
from projections.views import payable_periods

if TYPE_CHECKING:
    from api.storage.chain import ChainStore
    from domain.application import Ledger

# Environment switch: "off" folds every event for every read (a comparison, or a store
# whose snapshots are to be ignored).
SNAPSHOTS_SETTING = "JIXIAO_SNAPSHOTS"

# A session's warning, in English whoever reads it (the server's session serves every
# language); worded where shown (api/i18n/findings.py `warning_text`).
SNAPSHOT_REFUSED = "a snapshot failed its check; computed from every event: {problem}"


def tampered_snapshot(problem: str) -> str:
    return SNAPSHOT_REFUSED.format(problem=problem)


class LeanFolds:
    """One session's snapshot reads: the store opened once, the fold from the newest
    snapshot that serves kept for the ledger's position it was made at."""

    def __init__(self, env: Mapping[str, str], ledger: Ledger,
                 warnings: MutableSequence[str],
                 connection: Callable[[], Any] | None = None,
                 chain: Callable[[], ChainStore] | None = None) -> None:
        """`connection`: as for `open_snapshots`; `chain`: the session's (`facts_from_snapshot`)."""
        self._chain = chain
        self._env = env
        self._connection = connection
        self._ledger = ledger
        self._warnings = warnings
        self._store: SnapshotStore | None = None
        self._opened = env.get(SNAPSHOTS_SETTING) == "off"  # off: as if none were kept
        self._now: tuple[int, Facts | None] | None = None  # (max position, fold or None)

    def facts_for(self, period: Period, cutoff: datetime | None) -> Facts | None:
        """The facts from a snapshot that answer `period` as known at `cutoff` (None:
        now), or None when none serves (then read the fold of every event)."""
        store = self._snapshots()
        if store is None:
            return None
        if cutoff is None:
            facts = self._current(store)
        else:
            facts = self._checked(lambda problems: facts_from_snapshot(
                self._ledger, store, cutoff, problems, self._chain))
        seal = facts.sealed if facts is not None else None
        if not isinstance(seal, Seal) or period.year <= seal.through:
            return None
        return facts

    def current(self) -> Facts | None:
        """The fold from the newest snapshot that serves now, for what every sealed year
        leaves unchanged (the users, who are never dropped), or None."""
        store = self._snapshots()
        return None if store is None else self._current(store)

    def record_aside(self, rows: Sequence[tuple[str, Mapping[str, Any]]], actor: str) -> bool:
        """Record reads of personal data (the access log, which no other fact reads)
        checked against the kept fold from a snapshot, as `Ledger.record` checks them
        against the fold of every event, so that logging a read folds no sealed year.
        False, with nothing written, when no fold from a snapshot is kept or the entries
        are not only access records that leave the sealed years alone."""
        facts = self.current()
        events = None if facts is None else checked_on_seal(self._ledger, facts, rows, actor,
                                                             datetime.now(UTC))
        access = loaded_family("domain.access_log", "ACCESS_EVENTS")  # the check imported it
        if events is None or not all(isinstance(e, access) for e in events):
            return False
        self.save(events)
        return True

    def save(self, events: Sequence[LedgerEvent]) -> None:
        """Write events checked against the kept fold (`checked_on_seal`), all or none;
        the fold takes them in when next asked for, as it takes in another process's."""
        # A write's error, imported with the write: a read need not import eventsourcing.
        from eventsourcing.persistence import IntegrityError  # noqa: PLC0415

        try:
            self._ledger.save(*events)
        except IntegrityError as error:
            raise ConflictError(CONCURRENT_WRITE) from error

    def held_events(self) -> int:
        facts = self._now[1] if self._now is not None else None
        return 0 if facts is None else len(facts.events)

    def forget(self) -> None:
        """The fold of every event is made: drop this one (it only doubled memory)."""
        self._now = None

    def _current(self, store: SnapshotStore) -> Facts | None:
        position = self._ledger.max_position()
        if self._now is not None and self._now[0] != position and self._caught_up():
            self._now = (position, self._now[1])
        if self._now is None or self._now[0] != position:
            self._now = (position, self._checked(
                lambda problems: facts_from_snapshot(self._ledger, store, None, problems,
                                                     self._chain)))
        return self._now[1]

    def _caught_up(self) -> bool:
        """Bring the kept fold up to the store by the events after it, as the ledger's own
        fold is (a server answering one read after another); False when there is none or
        a new event could change a sealed year (then it is made again, or not at all)."""
        facts = self._now[1] if self._now is not None else None
        seal = facts.sealed if facts is not None else None
        if facts is None or not isinstance(seal, Seal):
            return False
        return fold_later(facts, seal, self._ledger.read(after=facts.last_position))

    def _checked(self, fold: Callable[[list[str]], Facts | None]) -> Facts | None:
        problems: list[str] = []
        facts = fold(problems)
        for problem in problems:
            warning = tampered_snapshot(problem)
            if warning not in self._warnings:
                self._warnings.append(warning)
        return facts

    def _snapshots(self) -> SnapshotStore | None:
        if not self._opened:
            self._opened = True
            self._store = existing_snapshots(self._env, self._connection)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()


class FoldedLedger:
    """The ledger as the view's catch-up reads it, with a fold from a snapshot for its
    fold: the statements of the open periods it renders are the same from either
    (`projections.snapshots`), so catching up after a read's access record folds no
    sealed year. Only for a view already past the snapshot's position, so every event
    the catch-up takes in is in that fold."""

    def __init__(self, ledger: Ledger, facts: Facts) -> None:
        self._ledger = ledger
        self._facts = facts

    def max_position(self) -> int:
        return self._ledger.max_position()

    def facts(self) -> Facts:
        return self._facts

    def read(self, after: int = 0) -> Iterator[tuple[int, LedgerEvent]]:
        return self._ledger.read(after=after)


# The snapshot is a speed-up: a close that completed a year stands without it. A role
# granted reads and writes only (docs/deploy.md) may not make its table, or write it
# when the owner made it after the grant; the close is then told so, not crashed after
# its PeriodClosed was recorded (a retry is refused as already closed).
UNSEALED_YEAR = ("the close is recorded, but the snapshot of the closed year {year} was not "
                 "kept: this database role {role} may not make or write the table "
                 "jixiao_snapshots (a speed-up only: reads fold every event and give the "
                 "same figures); ask the schema's owner to run GRANT CREATE ON SCHEMA "
                 "{schema} TO {role}, or GRANT SELECT, INSERT, UPDATE ON jixiao_snapshots "
                 "TO {role} once it exists; the next close that completes a year keeps "
                 "it (docs/deploy.md)")
INSUFFICIENT_PRIVILEGE = "42501"  # PostgreSQL's SQLSTATE (postgres_limits.py: no psycopg here)


def seal_after_close(env: Mapping[str, str], ledger: Ledger, facts: Facts,
                     period: Period, notices: MutableSequence[str]) -> str | None:
    """After `period`'s close: when every payable period of its year is now closed and no
    snapshot covers the year yet, snapshot the sealable years (their restatements are
    checked there). Returns a notice when this role may not keep the snapshot (also
    added to `notices`, the session's, for the command line), else None."""
    year = period.year
    periods = [p for p in payable_periods(facts) if p.year == year]
    if not periods or any(facts.close_of(str(p)) is None for p in periods):
        return None
    try:
        store = open_snapshots(env)
        try:
            if not any(_through(row.period) >= year for row in store.rows()):
                take_snapshot(ledger, store)
        finally:
            store.close()
    except Exception as error:
        if not isinstance(error, SnapshotsNotWritable) and \
                getattr(error, "sqlstate", None) != INSUFFICIENT_PRIVILEGE:
            raise
        from psycopg import sql  # noqa: PLC0415 - only PostgreSQL has roles

        notice = UNSEALED_YEAR.format(
            year=year, role=sql.Identifier(env.get("POSTGRES_USER", "")).as_string(None),
            schema=sql.Identifier(env.get("POSTGRES_SCHEMA") or "public").as_string(None))
        notices.append(notice)
        return notice
    return None


def _through(key: str) -> int:
    text = key.removeprefix(KEY_PREFIX)
    return int(text) if text.isdigit() else -1
