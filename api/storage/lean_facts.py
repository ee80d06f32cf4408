"""A session's fold from a snapshot of closed years, for a question about one period after
them (`Session.lean_facts`), and the snapshot taken when a close completes a year.

What a snapshot holds and when a fold from it gives up is `projections.snapshots`; where
the rows are kept and how they are checked, `api.storage.snapshots`. Here is which reads
may start from one: a statement, reconciliation or explanation of one period after every
sealed year, as known now or at an instant no earlier than the snapshot was taken. Such a
read needs its own period's facts, the roster, schemes and closes (all held), and earlier
closes' cut-offs through `Facts.upto`, which folds every event before the snapshot
(`Seal.upto`). Every other read (a person's history, the audit, a sealed period, a
what-if, whose batch is checked against the whole fold) reads the fold of every event, and
so does a session that has made that fold already: the server's long-lived session keeps
one fold, never two.

A snapshot that fails its checks is named in the session's warnings, as an edited
statement row is, and the read folds every event."""

from __future__ import annotations

from collections.abc import Callable, Mapping, MutableSequence
from datetime import datetime

from api.storage.snapshots import (
    SnapshotStore,
    existing_snapshots,
    facts_from_snapshot,
    open_snapshots,
    take_snapshot,
)
from domain.application import Ledger
from domain.facts import Facts
from domain.periods import Period
from projections.snapshots import KEY_PREFIX, Seal
from projections.views import payable_periods

# Environment switch: "off" folds every event for every read (a comparison, or a store
# whose snapshots are to be ignored).
SNAPSHOTS_SETTING = "JIXIAO_SNAPSHOTS"


def tampered_snapshot(problem: str) -> str:
    return (f"快照未通过校验，已从全部事件计算 / a snapshot failed its check; computed from "
            f"every event: {problem}")


class LeanFolds:
    """One session's snapshot reads: the store opened once, the fold from the newest
    snapshot that serves kept for the ledger's position it was made at."""

    def __init__(self, env: Mapping[str, str], ledger: Ledger,
                 warnings: MutableSequence[str]) -> None:
        self._env = env
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
                self._ledger, store, cutoff, problems))
        seal = facts.sealed if facts is not None else None
        if not isinstance(seal, Seal) or period.year <= seal.through:
            return None
        return facts

    def forget(self) -> None:
        """The fold of every event is made: drop this one (it only doubled memory)."""
        self._now = None

    def _current(self, store: SnapshotStore) -> Facts | None:
        position = self._ledger.max_position()
        if self._now is None or self._now[0] != position:
            self._now = (position, self._checked(
                lambda problems: facts_from_snapshot(self._ledger, store, None, problems)))
        return self._now[1]

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
            self._store = existing_snapshots(self._env)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()


def seal_after_close(env: Mapping[str, str], ledger: Ledger, facts: Facts,
                     period: Period) -> str | None:
    """After `period`'s close: when every payable period of its year is now closed and no
    snapshot covers the year yet, snapshot the sealable years (their restatements are
    checked there). Returns the key written, or None."""
    year = period.year
    periods = [p for p in payable_periods(facts) if p.year == year]
    if not periods or any(facts.close_of(str(p)) is None for p in periods):
        return None
    store = open_snapshots(env)
    try:
        if any(_through(row.period) >= year for row in store.rows()):
            return None
        row = take_snapshot(ledger, store)
        return None if row is None else row.period
    finally:
        store.close()


def _through(key: str) -> int:
    text = key.removeprefix(KEY_PREFIX)
    return int(text) if text.isdigit() else -1
