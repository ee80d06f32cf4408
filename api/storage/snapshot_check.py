"""`verify`'s check of the stored snapshot of the fold (api/storage/facts_snapshot.py).

A session trusts a snapshot whose MAC, code, position and chain link check out, and
never compares its facts with the events: that is a fold of every event, the cost the
snapshot saves. `verify` walks every event anyway, so it pays it once: the snapshot's
MAC under this environment's key, the chain's link at its position, its body decoded by
the same exact-allowlist unpickler a session uses (and only after the MAC), and then its
facts compared with a fold of the stored events up to its position. That fold is taken
in from the rows the chain's walk reads (`walked_records`), so the log is read and
decoded once. Anything else is a finding of kind "snapshot" (worded by
api/i18n/findings.py).

Without a key nothing of the snapshot can be trusted or checked, and the report says so
(`SnapshotCheck.state`); a snapshot of another version of the code is never read by
this one, and is not checked either. Nor is one whose MAC does not match this key: that
is the old snapshot right after a key change (until a verb that folds writes a new one),
or a forgery by someone without the key, and a session never uses it, so it cannot have
changed any answer (its MAC is computed before the walk, which then folds nothing for
it). A finding there would make every key change an alarm that auditors
learn to ignore; the report says it was not checked, and why. A snapshot that does pass
the MAC and still is not the fold (position, chain link, body, facts) is a finding: the
key's holder or a bug wrote it."""

from __future__ import annotations

import hmac
from collections.abc import Callable, Iterator
from dataclasses import field
from itertools import takewhile
from typing import TYPE_CHECKING, Any

from api.storage.chain import ChainStore, stored_records
from api.storage.facts_codec import code_version, decode
from api.storage.facts_snapshot import FactsSnapshots, mac_of
from api.storage.facts_snapshot import Row as SnapshotRow
from domain.facts import Facts
from domain.ledger_reads import read_stored
from domain.records import frozen_record, mutable_record
from domain.stored_reader import Row, decode_rows
from projections.audit import Finding, StoredRecord

if TYPE_CHECKING:
    from domain.application import Ledger

KIND = "snapshot"
# SnapshotCheck.state: what `verify` could say of the stored snapshot.
CHECKED, NO_KEY, NONE_STORED = "checked", "no_key", "none"
OTHER_CODE, OTHER_KEY, NOT_GRANTED = "other_code", "other_key", "not_granted"
# Each check that makes a finding (its text: api/i18n/findings.py DETAILS).
SNAPSHOT_REASONS = ("snapshot_pieces", "snapshot_beyond", "snapshot_chain",
                    "snapshot_unreadable", "snapshot_differs")


@mutable_record
class WalkedFold:
    """The fold of the stored events up to `upto` (a stored snapshot's position), taken in
    from the very rows the chain's walk reads (`walked_records`): the check needs no
    second read of the log. `done` once the walk has folded through `upto`."""

    upto: int
    facts: Facts = field(default_factory=Facts)
    done: bool = False


def walked_records(ledger: Ledger, fold: WalkedFold) -> Iterator[StoredRecord]:
    """`stored_records(ledger)` in the ledger's pages, each page of rows up to `fold.upto`
    also decoded as `Ledger.read` decodes them (domain/stored_reader.py's `decode_rows`:
    the same events as its reader gives) and folded onto `fold.facts`. The caller pauses
    the cycle collector for the walk, as `Facts.fold` does for a fold. Anything the
    decoding or fold raises leaves the fold undone: the walk goes on as the chain's, and
    the check folds on its own (so it fails, or not, as it always did)."""
    limit, given_up = ledger.page_size, False

    def take_in(rows: list[Row]) -> None:
        nonlocal given_up
        if fold.done or given_up:
            return
        if not rows or rows[0][0] > fold.upto:  # the store ends before `upto`, or skips it
            fold.done = True
            return
        try:
            page = decode_rows(ledger.mapper, rows, read_stored)
            if page:
                fold.facts.apply_page([item for item in page if item[0] <= fold.upto])
        except Exception:  # the records are still the chain's: only the fold is dropped
            fold.facts, given_up = Facts(), True
            return
        # The store ends before (or at) `upto`, or this page reached it.
        fold.done = len(rows) < limit or rows[-1][0] >= fold.upto

    return stored_records(ledger, limit=limit, seen=take_in)


@frozen_record
class SnapshotCheck:
    state: str
    position: int | None = None
    findings: tuple[Finding, ...] = ()


@frozen_record
class StoredSnapshot:
    """The stored snapshot as `verify` reads it, once: its row whatever its code (None:
    none, or `broken`: a row there that is not one body), this environment's key, and
    whether the row is of this code and its MAC matches the key (`signed`)."""

    row: SnapshotRow | None
    broken: bool
    key: bytes | None = field(repr=False)  # a secret: never in a repr or a log
    signed: bool
    ungranted: bool = False  # a table there that this role may not read (no row read)

    @property
    def checkable_position(self) -> int | None:
        """The position whose fold the check compares with the snapshot, or None: the
        check folds nothing for any other (no key, another code, another key)."""
        return self.row[0] if self.row is not None and self.signed else None


def read_snapshot(snapshots: FactsSnapshots) -> StoredSnapshot:
    """The stored snapshot and the key, read and the MAC computed once for the check."""
    row, broken = snapshots.stored_row()
    key = snapshots.key()  # an unreadable key file is named among the warnings
    signed = key is not None and row is not None and row[2] == code_version() and (
        hmac.compare_digest(mac_of(key, row[2], row[0], row[1], row[4]), row[3]))
    return StoredSnapshot(row, broken, key, signed, snapshots.ungranted)


def check_snapshot(snapshots: FactsSnapshots, ledger: Ledger, chain: ChainStore,
                   walked: WalkedFold | None = None,
                   stored: StoredSnapshot | None = None) -> SnapshotCheck:
    """The stored snapshot checked against the stored events (see the module's note);
    `walked`: the fold the chain's walk took in, used when it is up to the snapshot's
    position (else the events are folded here); `stored`: the snapshot as read before
    the walk, when it was (else read here)."""
    found = read_snapshot(snapshots) if stored is None else stored
    row, key = found.row, found.key
    if found.ungranted:  # the owner made it after this role's grant: not checked, said so
        return SnapshotCheck(NOT_GRANTED)
    if key is None:  # said only when there is a snapshot to check
        return SnapshotCheck(NONE_STORED if row is None and not found.broken else NO_KEY)
    if row is None:
        if found.broken:  # a row there, but its pieces are not one body
            return SnapshotCheck(CHECKED, None, (snapshot_finding("snapshot_pieces", None),))
        return SnapshotCheck(NONE_STORED)
    position, chain_head, code, _, body = row
    if code != code_version():
        return SnapshotCheck(OTHER_CODE, position)
    if not found.signed:
        return SnapshotCheck(OTHER_KEY, position)  # never used: see the module's note
    problem = _problem(position, chain_head, ledger, chain)
    if problem is not None:
        return SnapshotCheck(CHECKED, position, (problem,))
    try:
        facts = decode(body)
    except Exception as error:  # the unpickler's refusal, or a body that breaks it
        return SnapshotCheck(CHECKED, position, (snapshot_finding(
            "snapshot_unreadable", position, error=type(error).__name__),))
    folded = (walked.facts if walked is not None and walked.done and walked.upto == position
              else Facts.fold(takewhile(lambda item: item[0] <= position, ledger.read())))
    if facts.last_position != position or fold_state(facts) != fold_state(folded):
        return SnapshotCheck(CHECKED, position, (snapshot_finding("snapshot_differs", position),))
    return SnapshotCheck(CHECKED, position)


def _problem(position: int, chain_head: str, ledger: Ledger,
             chain: ChainStore) -> Finding | None:
    """What is wrong with a snapshot signed under this key, besides its facts."""
    last = ledger.max_position()
    if position > last:
        return snapshot_finding("snapshot_beyond", position, position=position, last=last)
    if chain.link_at_or_before(position) != chain_head:
        return snapshot_finding("snapshot_chain", position, head=chain_head[:12])
    return None


def snapshot_finding(reason: str, at: int | None, **values: Any) -> Finding:
    """A finding of kind "snapshot": one of SNAPSHOT_REASONS, with its figures."""
    return Finding(KIND, at, None, None, reason=reason,
                   values=tuple((name, value) for name, value in values.items()))


def fold_state(facts: Facts, event: Callable[[Any], Any] = lambda event: event,
               ) -> tuple[Any, ...]:
    """Everything a fold keeps, comparable: each event as `event` gives it (itself, by
    default) with its position, in order, and every table by the ids it holds (a fold's
    tables share the events). The snapshot tests compare a load with its fold by it too."""
    index = facts.index

    def ids(table: dict[Any, list[Any]]) -> dict[Any, list[Any]]:
        return {key: [e.originator_id for e in items] for key, items in table.items()}

    return (
        [(i, facts.positions[i], event(e)) for i, e in facts.events.items()],
        list(facts.live), dict(facts.replaced_by), dict(facts.unique),
        {period: close.originator_id for period, close in facts.closes.items()},
        list(facts.invalid), facts.last_position, facts.last_recorded_at, facts.revision,
        facts.settings.originator_id if facts.settings else None,
        [scheme.originator_id for scheme in index.schemes], ids(index.departments),
        ids(index.roster), ids(index.leaves), ids(index.by_period), ids(index.by_year),
        ids(index.by_employee),
    )
