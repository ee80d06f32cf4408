"""Snapshots of closed years: a fold that starts from them holds only the open years.

A year is sealed when every period of it that pays (each quarter with a pool, and its year
end) is closed and no restatement of it is outstanding. Its snapshot keeps, in stored
form, the events the open years still read (the roster, departments, schemes, pools,
closes, users, settings …), and drops the bulk of per-period facts (scores, deductions,
attendance …) of the sealed years, naming them only by id. The stored row is hash-checked
the way a statement row is (`projections.views.StoredStatement`).

A fold from a snapshot answers the open periods exactly as a fold of every event does: a
sealed period's figures are frozen (its statement is the closed one, and nothing of it is
outstanding), so an open quarter settles nothing for it. The fold gives up, and the
caller folds every event, as soon as an event after the snapshot could change a sealed
year: a correction or void of a dropped fact, a fact of a sealed period or year, or a
change dated on or before the last sealed day (a back-dated transfer, a scheme version).
A question about a sealed period itself, or about a position before the snapshot, is
answered from every event (`Seal.upto` → `refold`), never from the snapshot.
"""

from __future__ import annotations

import base64
import bisect
import json
from collections.abc import Callable, Container, Iterable, Iterator, Mapping, Sequence
from dataclasses import field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from pydantic import BaseModel

from domain.envelope import InvalidEntry
from domain.events import (
    AppealFiled,
    EntryVoided,
    LedgerEvent,
    PeriodClosed,
    PoolDeclared,
)
from domain.facts import Facts, cycle_collection_paused
from domain.periods import Period
from domain.records import frozen_record, mutable_record
from domain.scheme import canonical_dumps
from projections.chain_links import StoredRecord
from projections.restatement import restatement_of
from projections.views import StoredStatement, content_sha256, payable_periods

if TYPE_CHECKING:
    from domain.application import Ledger

SNAPSHOT_FORMAT = 1
KEY_PREFIX = "sealed-through-"
# Facts of a sealed year that stay in the fold: an open quarter lists the payable quarters
# (pools) and the closes; an entry that could not be read stays reported.
RESIDENT_TYPES = (PoolDeclared, PeriodClosed, InvalidEntry)


class SortedIds(Sequence[bytes]):
    """Event ids as one sorted run of 16-byte values: 16 bytes an id in memory, where a
    set of UUIDs takes about 100."""

    def __init__(self, blob: bytes) -> None:
        self._blob = blob

    @classmethod
    def of(cls, ids: Iterable[UUID]) -> SortedIds:
        return cls(b"".join(sorted(i.bytes for i in ids)))

    def __len__(self) -> int:
        return len(self._blob) // 16

    def __getitem__(self, at: Any) -> Any:
        if isinstance(at, slice):
            raise TypeError("SortedIds is read one id at a time")
        return self._blob[16 * at:16 * at + 16]

    def __contains__(self, event_id: object) -> bool:
        if not isinstance(event_id, UUID):
            return False
        key = event_id.bytes
        at = bisect.bisect_left(self, key)
        return at < len(self) and self[at] == key

    def text(self) -> str:
        return base64.b64encode(self._blob).decode()


class StoredNotHeld:
    """The ids a fold from a snapshot left out, without holding them (a sorted run of them
    grows with every sealed year, 16 bytes an event): an id the store holds that the fold
    does not. `held` is the fold's events, set when it is made. An id stored since the fold
    was caught up counts too: the caller then folds every event, which is always right."""

    def __init__(self, stored: Callable[[UUID], bool]) -> None:
        self._stored = stored
        self.held: Container[UUID] = ()

    def __contains__(self, event_id: object) -> bool:
        return isinstance(event_id, UUID) and event_id not in self.held and \
            self._stored(event_id)


def year_of(event: LedgerEvent) -> int | None:
    """The year a fact belongs to (by its period or year field), or None."""
    period = event.__dict__.get("period")
    if isinstance(period, str):
        try:
            return Period.parse(period).year
        except ValueError:
            return None
    year = event.__dict__.get("year")
    return year if isinstance(year, int) else None


def target_of(event: LedgerEvent) -> UUID | None:
    if isinstance(event, EntryVoided):
        return event.target_id
    supersedes = event.__dict__.get("supersedes")
    return supersedes if isinstance(supersedes, UUID) else None


def _dates(event: LedgerEvent) -> Iterator[date]:
    """The business dates an event carries (not its recording time)."""
    for value in event.__dict__.values():
        if isinstance(value, date) and not isinstance(value, datetime):
            yield value


# ------------------------------------------------------------------ which years seal


def sealable_through(facts: Facts) -> int | None:
    """The last year of the run of sealable years from the first paying year, or None.
    A year seals when every payable period of it is closed and none of its quarters has a
    restatement outstanding."""
    by_year: dict[int, list[Period]] = {}
    for period in payable_periods(facts):
        by_year.setdefault(period.year, []).append(period)
    through = None
    for year in sorted(by_year):
        periods = sorted(by_year[year])
        if any(facts.close_of(str(p)) is None for p in periods):
            break
        if any(_outstanding(facts, p) for p in periods if p.kind == "quarter"):
            break
        through = year
    return through


def _outstanding(facts: Facts, period: Period) -> bool:
    """Whether a closed quarter has a restatement outstanding. Recomputing it folds the
    facts at each later close, so first the cheap sufficient answer: nothing recorded
    since its close touches it, so nothing of it was ever restated."""
    if not _touched_since_close(facts, period):
        return False
    restatement = restatement_of(facts, period)
    return any(delta.outstanding_cny for delta in restatement.people)


def _touched_since_close(facts: Facts, period: Period) -> bool:
    close = facts.close_of(str(period))
    if close is None:
        return True
    text, last_day = str(period), period.last_day
    for event_id, event in facts.events.items():
        if facts.positions[event_id] <= close.position or isinstance(event, PeriodClosed):
            continue
        target = facts.events.get(target_of(event))  # type: ignore[arg-type]
        if text in (event.__dict__.get("period"), target and target.__dict__.get("period")):
            return True
        if event.__dict__.get("year") == period.year:
            return True
        if year_of(event) is None and any(day <= last_day for day in _dates(event)):
            return True
    return False


def dropped_ids(facts: Facts, through: int) -> set[UUID] | None:
    """The facts of the years up to `through` a fold from the snapshot leaves out, or None
    when a resident fact corrects a dropped one (the years then do not seal)."""
    dropped: set[UUID] = set()
    for event_id, event in sorted(facts.events.items(), key=lambda i: facts.positions[i[0]]):
        target = target_of(event)
        year = year_of(event)
        sealed = year is not None and year <= through
        if isinstance(event, RESIDENT_TYPES) or not (sealed or target in dropped):
            if target in dropped:
                return None
            continue
        dropped.add(event_id)
    return dropped


def snapshot_row(facts: Facts, records: Iterable[StoredRecord],
                 chain_head: str | None = None) -> StoredStatement | None:
    """The stored snapshot of the facts' sealable years, or None when no year seals.
    `records` are the stored events up to the facts' last position, in order;
    `chain_head` the hash chain's link there, checked before the snapshot serves."""
    through = sealable_through(facts)
    if through is None:
        return None
    dropped = dropped_ids(facts, through)
    if dropped is None:
        return None
    resident = [[r.position, str(r.originator_id), r.originator_version, r.topic,
                 r.state.decode()] for r in records
                if r.position <= facts.last_position and r.originator_id not in dropped]
    periods = sorted(str(p) for p in payable_periods(facts) if p.year <= through)
    # The latest recording time of any event it covers: an as-of read before that did not
    # know all of them (recording times need not rise with positions).
    taken_at = max((e.recorded_at for e in facts.events.values()), default=None)
    last = facts.last_recorded_at
    body = canonical_dumps({
        "format": SNAPSHOT_FORMAT, "through": through, "position": facts.last_position,
        "chain_head": chain_head,
        "taken_at": taken_at.isoformat() if taken_at else None,
        "last_recorded_at": last.isoformat() if last else None, "periods": periods,
        "dropped": SortedIds.of(dropped).text(), "resident": resident})
    return StoredStatement(f"{KEY_PREFIX}{through}", "ok", body, content_sha256(body),
                           facts.last_position)


# ------------------------------------------------------------------ folding from one


@mutable_record
class Seal:
    """What a fold from a snapshot carries (`Facts.sealed`)."""

    through: int
    position: int
    taken_at: datetime | None
    periods: frozenset[str]
    dropped: SortedIds | StoredNotHeld
    # Every event up to a position, folded: for what the snapshot cannot answer.
    refold: Callable[[int], Facts] = field(repr=False)

    @property
    def last_day(self) -> date:
        return date(self.through, 12, 31)

    def settled(self, period: str) -> bool:
        """A sealed period: frozen, nothing of it outstanding."""
        return period in self.periods

    def upto(self, facts: Facts, position: int) -> Facts:
        if position < self.position:
            return self.refold(position)
        cut = Facts.fold((facts.positions[event_id], event)
                         for event_id, event in facts.events.items()
                         if facts.positions[event_id] <= position)
        cut.sealed = self
        return cut

    def breaks(self, event: LedgerEvent) -> bool:
        """Whether an event after the snapshot could change a sealed year."""
        if target_of(event) in self.dropped:
            return True
        for name in ("contested_entry_id", "target_id"):
            if event.__dict__.get(name) in self.dropped:
                return True
        year = year_of(event)
        if year is not None and year <= self.through:
            return True
        return any(day <= self.last_day for day in _dates(event))


@frozen_record
class Snapshot:
    seal: Seal
    # Read one entry at a time as the fold takes it in (`resident_entries`), once.
    resident: Iterable[tuple[int, StoredRecord]]
    last_recorded_at: datetime | None  # of the event at the snapshot's position
    chain_head: str | None  # the chain's link at its position when it was taken


# The body is canonical JSON (sorted keys, no spaces), and the resident events' states are
# strings in it, whose quotes are escaped: these two marks occur only around its list.
_RESIDENT_OPENS = '"resident":['
_RESIDENT_CLOSES = '],"taken_at":'


def read_snapshot(row: StoredStatement, refold: Callable[[int], Facts],
                  dropped: StoredNotHeld | None = None) -> Snapshot:
    """A stored snapshot's content (the caller has checked its hash). ValueError, KeyError
    or TypeError when the body is not one; NotASnapshot when its resident events do not
    read, found as they are folded."""
    body = row.body
    start, end = body.find(_RESIDENT_OPENS), body.rfind(_RESIDENT_CLOSES)
    start += len(_RESIDENT_OPENS)
    # Without its list the rest is small; a body without one fails below, as not one.
    data = json.loads(f"{body[:start]}{body[end:]}" if start <= end else body)
    if data["format"] != SNAPSHOT_FORMAT:
        raise ValueError(f"snapshot format {data['format']} is not {SNAPSHOT_FORMAT}")
    if start > end or data["resident"] != []:
        raise ValueError("snapshot body has no list of resident events where it belongs")
    taken_at = datetime.fromisoformat(data["taken_at"]) if data["taken_at"] else None
    seal = Seal(int(data["through"]), int(data["position"]), taken_at,
                frozenset(data["periods"]),
                dropped or SortedIds(base64.b64decode(data["dropped"])), refold)
    last = data["last_recorded_at"]
    return Snapshot(seal, resident_entries(body, start, end),
                    datetime.fromisoformat(last) if last else None, data.get("chain_head"))


def resident_entries(body: str, start: int, end: int) -> Iterator[tuple[int, StoredRecord]]:
    """The resident events between `start` and `end` of a snapshot's body, decoded one at
    a time: parsing the whole list first left its freed entries scattered among the
    fold's objects, and the process kept the pages (the 1.24x of a five-year ledger)."""
    decoder = json.JSONDecoder()
    at = start
    while at < end:
        try:
            (p, i, v, t, s), at = decoder.raw_decode(body, at)
            record = StoredRecord(int(p), UUID(i), int(v), str(t), str(s).encode())
        except (ValueError, TypeError) as error:
            raise NotASnapshot(f"resident event at {at}: {error}") from error
        yield record.position, record
        if at < end and body[at] != ",":
            raise NotASnapshot(f"no comma after the resident event ending at {at}")
        at += 1


class NotASnapshot(ValueError):
    """A snapshot body whose resident events do not read (found while folding them)."""


def fold_from(snapshot: Snapshot, decode: Callable[[StoredRecord], LedgerEvent],
              later: Iterable[tuple[int, LedgerEvent]]) -> Facts | None:
    """The facts from a snapshot and the events after it, or None when one of those
    events could change a sealed year (then every event must be folded)."""
    seal = snapshot.seal
    facts = Facts.fold((position, decode(record)) for position, record in snapshot.resident)
    if isinstance(seal.dropped, StoredNotHeld):
        seal.dropped.held = facts.events  # the same dict as later events are applied
    facts.sealed = seal
    facts.last_position = seal.position
    facts.last_recorded_at = snapshot.last_recorded_at
    return facts if fold_later(facts, seal, later) else None


def fold_later(facts: Facts, seal: Seal, later: Iterable[tuple[int, LedgerEvent]]) -> bool:
    """Apply the events after the facts' last position to a fold from a snapshot (a
    session keeping it caught up); False, and the facts are to be dropped, as soon as one
    could change a sealed year."""
    with cycle_collection_paused():
        for position, event in later:
            if position <= facts.last_position:
                continue
            if seal.breaks(event):
                return False
            facts.apply(position, event)
    return True


def checked_on_seal(ledger: Ledger, facts: Facts, rows: Sequence[tuple[str, Mapping[str, Any]]],
                    actor: str, now: datetime) -> list[LedgerEvent] | None:
    """The events `rows` would record, checked against `facts`, a fold from a snapshot, as
    `Ledger.record` checks them against the fold of every event; None when that answer
    could differ from the full fold's: the check found a problem (the full fold names it),
    a row repeats a stored entry, or an event could change a sealed year."""
    if not isinstance(facts.sealed, Seal):
        return None
    commands, found, _ = ledger.check_rows(rows, ledger.day_window(facts))
    return None if found else events_on_seal(ledger, facts, commands, actor, now)


def events_on_seal(ledger: Ledger, facts: Facts, commands: Sequence[tuple[str, BaseModel]],
                   actor: str, now: datetime) -> list[LedgerEvent] | None:
    """As `checked_on_seal`, for commands already parsed: with what the escalation policies
    derive from them, as `Ledger.prepare` gives them."""
    seal = facts.sealed
    if not isinstance(seal, Seal):
        return None
    items, retries, problems = ledger.check_chunk(commands, actor, facts, now)
    if problems or retries:
        return None
    events = [event for _, event in items]
    events += ledger.derived(facts, events, now)
    if any(event.originator_id in seal.dropped for event in events) or \
            not fits_seal(facts, seal, events):
        return None
    return events


def fits_seal(facts: Facts, seal: Seal, events: Sequence[LedgerEvent]) -> bool:
    """Whether events checked against `facts`, a fold from a snapshot, were checked as the
    fold of every event checks them: none could change a sealed year, and none acts on an
    appeal about a sealed year's entry or payout line. Every appeal event is resident, but
    such an appeal's contested entry is not: the recusal of the reviewer who recorded it,
    and the void or correction a decision derives from it, read that entry."""
    if any(seal.breaks(event) for event in events):
        return False
    named = {appeal for event in events
             if isinstance(appeal := event.__dict__.get("appeal_id"), str)}
    if not named:
        return True
    filings = [event for event in (*events, *facts.live.values())
               if isinstance(event, AppealFiled) and event.appeal_id in named]
    return not any(_about_sealed(seal, filed) for filed in filings)


def _about_sealed(seal: Seal, filed: AppealFiled) -> bool:
    if filed.contested_entry_id is not None and filed.contested_entry_id in seal.dropped:
        return True
    period = filed.contested_period
    return period is not None and Period.parse(period).year <= seal.through
