"""A batch too large to hold, checked chunk by chunk and written in one transaction.

Part of the write side (domain/application.py's `Ledger.record_chunks`): each chunk is
checked against the facts as the earlier chunks leave them, and its events are encoded
once, into a temporary file, not kept; only when every chunk has passed are they read
back, a chunk at a time, into one transaction. So a bad row anywhere still writes
nothing, and memory holds a chunk of rows, commands and stored events, not the input.

The earlier chunks' plain entries (scores, deductions, attendance … that correct
nothing: the bulk of any large import) are not folded into those facts: folding them
held every event of the input (470 MiB for 200,000 rows). What a later check reads of
them is kept instead in a lean index: the batch's `seen_ids` (every id it used, with
the row that used it: an id there and not in the facts is an unfolded plain entry, or a
refused row's; past a chunk on disk, domain/seen_index.py, so that memory does not grow
with the rows) and each one's one-per-period key in the facts' `unique`. A later command
that names one of them (a correction, a void, an appeal) has it read back from the spool
(where its place is its position) and folded in first, so every check sees what a
single batch would. The facts are then not the ledger's as written: they are let go after the
write and read again from the store when next asked for.

A chunk that fails does not stop the checking: the rest is still checked, so the caller
hears of every problem at once as with a single batch. Its rows that passed are taken
into the facts being checked against, and the ids its refused hires and departments
would define are carried on, so a refused row brings no cascade of "unknown" problems.
"""

from __future__ import annotations

import gc
import pickle
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import field
from datetime import UTC, datetime
from typing import IO, Any, Protocol
from uuid import UUID

from eventsourcing.persistence import IntegrityError, StoredEvent
from pydantic import BaseModel

from domain.check_plans import policy_inputs
from domain.errors import ConflictError, Problem, RejectedError
from domain.events import (
    AssessmentRecorded,
    AttendanceRecorded,
    CmeCreditsRecorded,
    DeductionRecorded,
    DepartmentDefined,
    EmployeeHired,
    EntryVoided,
    LedgerEvent,
    SchemeAdopted,
    ScoreRecorded,
)
from domain.facts import Facts, FrozenHolders, cycle_collection_paused, uniqueness_key
from domain.records import frozen_record, mutable_record
from domain.seen_index import SeenIds, SeenIndex
from domain.stored_encoding import StoredRow
from domain.written import CONCURRENT_WRITE, Written

# Entries no check of another plain entry reads beyond its id, its position and its
# one-per-period key (domain/validation.py's BatchScope): kept out of the fold.
LEAN_TYPES: tuple[type[LedgerEvent], ...] = (
    ScoreRecorded, DeductionRecorded, AttendanceRecorded, AssessmentRecorded,
    CmeCreditsRecorded)


class NotOnThisFold(Exception):
    """A batch checked against a fold from a snapshot (`record_chunks`' `facts`) whose
    answer could differ from the fold of every event's: a row was refused or is a retry,
    an event could change a sealed year, or the store already holds one of its ids (the
    sealed years' events are not in that fold). Nothing was written; check it again
    against the fold of every event, which answers as it always has."""


@frozen_record
class Chunk:
    """Commands read from one part of the input, with what was wrong before they became
    commands (rows that did not parse) and the ids those rows would define."""

    commands: Sequence[tuple[str, BaseModel]]
    problems: Sequence[Problem] = ()
    pending: frozenset[str] = frozenset()


class Spool:
    """Stored events of the checked chunks, in a temporary file, in order (pickled rows of
    our own making, read back by the process that wrote them)."""

    def __init__(self) -> None:
        self._file: IO[bytes] = tempfile.TemporaryFile(prefix="jixiao-batch-")
        self.count = 0

    def add(self, rows: list[StoredRow]) -> None:
        if rows:
            pickle.dump(rows, self._file, protocol=pickle.HIGHEST_PROTOCOL)
            self.count += len(rows)

    def chunks(self) -> Iterator[list[StoredRow]]:
        self._file.flush()
        self._file.seek(0)
        while True:
            try:
                yield pickle.load(self._file)  # noqa: S301 - this process's own temp file
            except EOFError:
                return

    def close(self) -> None:
        self._file.close()


@mutable_record
class ChunkedBatch:
    """What the checking of a chunked batch carries from one chunk to the next."""

    start: int = 0  # the position before the batch's first event
    position: int = 0  # the position the last event taken in will have
    seen_ids: SeenIndex[str] = field(default_factory=SeenIndex)  # id's int → its row
    lean: int = 0  # plain entries taken in and not folded (the lean index's)
    pending: set[str] = field(default_factory=set)
    problems: list[Problem] = field(default_factory=list)
    policy_events: list[LedgerEvent] = field(default_factory=list)  # what derivations read
    recorded: int = 0  # events to write (counted, not kept)
    retries: list[LedgerEvent] = field(default_factory=list)
    spool: Spool = field(default_factory=Spool)

    def take(self, items: Sequence[tuple[str, LedgerEvent]], retries: Sequence[LedgerEvent],
             problems: Sequence[Problem]) -> list[LedgerEvent]:
        """The chunk's events to fold into the facts the next chunks are checked against:
        all when it passed, else those of rows with no problem."""
        self.retries += retries
        self.problems += problems
        refused = {problem.where for problem in problems}
        events = []
        read = (*policy_inputs(), SchemeAdopted, EntryVoided)  # once, not per event
        for where, event in items:
            if where in refused:
                if isinstance(event, EmployeeHired):
                    self.pending.add(event.employee_id)
                elif isinstance(event, DepartmentDefined):
                    self.pending.add(event.department_id)
                continue
            events.append(event)
            if isinstance(event, read) or event.supersedes is not None:
                # `derivation_events` may need it: a policy input, a scheme, or a
                # correction (which may withdraw one).
                self.policy_events.append(event)
        if not self.problems:
            self.recorded += len(events)
        return events


class ChunkedLedger(Protocol):
    """What `record_chunks` uses of the ledger (domain/application.py's `Ledger`)."""

    mapper: Any
    recorder: Any

    def facts(self) -> Facts: ...

    def forget_facts(self) -> None: ...

    def max_position(self) -> int: ...

    def check_chunk(self, commands: Sequence[tuple[str, BaseModel]], actor: str,
                    facts: Facts, recorded_at: datetime, *,
                    prior_problems: Sequence[Problem] = (),
                    pending: frozenset[str] = frozenset(),
                    seen_ids: SeenIds | None = None,
                    ) -> tuple[list[tuple[str, LedgerEvent]], list[LedgerEvent],
                               list[Problem]]: ...

    def derived(self, facts: Facts, events: Sequence[LedgerEvent],
                recorded_at: datetime) -> list[LedgerEvent]: ...

    def remember_written(self, written: Written | None) -> None: ...

    def stored_rows(self, events: Sequence[LedgerEvent]) -> list[StoredRow]: ...


@frozen_record
class ChunkedReport:
    """What was written: a count and the positions after `first_position` (the events
    themselves are in the store, not kept), and the idempotent retries."""

    recorded: int
    already_recorded: tuple[LedgerEvent, ...]  # idempotent retries: the first result
    first_position: int
    last_position: int
    retry_positions: dict[UUID, int] = field(default_factory=dict)


def record_chunks(ledger: ChunkedLedger, chunks: Iterable[Chunk], actor: str, *,
                  progress: Callable[[str, int, int], None] | None = None,
                  now: datetime | None = None, facts: Facts | None = None,
                  fits: Callable[[Sequence[LedgerEvent]], bool] | None = None,
                  ) -> ChunkedReport:
    """`Ledger.record` for a batch read in chunks: each chunk checked against the facts
    with the chunks before it, all saved in one transaction once every chunk has passed,
    or none. RejectedError names every problem of every chunk (the facts are then read
    again from the store: the checked chunks had been folded in).

    `facts`: a fold from a snapshot to check against instead of the ledger's fold of
    every event, with `fits` saying whether events checked on it were checked as that
    fold would (projections/snapshots.py's `fits_seal`). NotOnThisFold, with nothing
    written, as soon as the answer could differ. The checked chunks are folded into
    `facts` either way: the caller lets them go."""
    recorded_at = now or datetime.now(UTC)
    lean = facts is not None
    facts = facts if facts is not None else ledger.facts()
    start, kept = facts.last_position, False
    batch = ChunkedBatch(start=start, position=start)
    frozen_by_host = FrozenHolders.hold(chunked=True)  # held before: the host's to unfreeze
    try:
        _check_each(ledger, chunks, actor, facts, batch, recorded_at=recorded_at, lean=lean,
                    fits=fits, progress=progress)
        if batch.problems:
            raise RejectedError(batch.problems)
        derived = ledger.derived(facts, batch.policy_events, recorded_at)
        if lean and fits is not None and not fits(derived):
            raise NotOnThisFold
        batch.recorded += len(derived)
        _take_in(ledger, facts, batch, derived)
        if progress is not None:
            progress("writing", batch.spool.count, batch.spool.count)
        try:
            written = _write_spooled(ledger, batch.spool, start)
        except ConflictError as error:
            if lean:  # perhaps a retry of a sealed year's entry: the full fold knows
                raise NotOnThisFold from error
            raise
        if written:
            # The spool (a file, not memory) is kept for the chain's catch-up to take.
            ledger.remember_written(Written(start + 1, batch.spool.chunks, batch.spool.close))
            kept = True
            if batch.lean and not lean:
                ledger.forget_facts()  # they lack the plain entries: read when next asked
    except BaseException:
        if not lean:
            ledger.forget_facts()
        raise
    finally:
        FrozenHolders.release(chunked=True)
        if not frozen_by_host:
            gc.unfreeze()
        if not kept:
            batch.spool.close()
        batch.seen_ids.close()
    last = start + batch.spool.count if kept else ledger.max_position()
    return ChunkedReport(batch.recorded, tuple(batch.retries), start, last,
                         {e.originator_id: facts.positions[e.originator_id]
                          for e in batch.retries})


def _check_each(ledger: ChunkedLedger, chunks: Iterable[Chunk], actor: str, facts: Facts,
                batch: ChunkedBatch, *, recorded_at: datetime, lean: bool,
                fits: Callable[[Sequence[LedgerEvent]], bool] | None,
                progress: Callable[[str, int, int], None] | None) -> None:
    """Each chunk checked against `facts` with the chunks before it, then folded in."""
    for chunk in chunks:
        with cycle_collection_paused():  # as in `Ledger.record`
            _fold_named(ledger, facts, batch, chunk.commands)
            items, retries, problems = ledger.check_chunk(
                chunk.commands, actor, facts, recorded_at, prior_problems=chunk.problems,
                pending=chunk.pending | batch.pending, seen_ids=batch.seen_ids)
            taken = batch.take(items, retries, problems)
            if lean and (problems or retries or chunk.problems or (
                    fits is not None and not fits(taken))):
                raise NotOnThisFold
            _take_in(ledger, facts, batch, taken)
        # What is alive now (the facts, the chunks' events) stays alive: the cycle
        # collector's full passes need not walk it again for each later chunk, which
        # made a batch's time grow with the square of its size.
        gc.freeze()
        if progress is not None:
            progress("checking", len(batch.seen_ids), 0)
    if progress is not None:  # the caller's total was an estimate (a workbook's)
        progress("checking", len(batch.seen_ids), len(batch.seen_ids))
    batch.seen_ids.close()  # checked: its bitmap and arrays are not held through the write


def _take_in(ledger: ChunkedLedger, facts: Facts, batch: ChunkedBatch,
             events: list[LedgerEvent]) -> None:
    """Each event at the position it will have: a plain entry into the lean index, any
    other folded in; all spooled (a refused batch's too: a later command may name one)."""
    unique = facts.unique
    for event in events:
        batch.position += 1
        if type(event) in LEAN_TYPES and event.supersedes is None:
            batch.lean += 1
            key = uniqueness_key(event)
            if key is not None:
                unique[key] = event.originator_id
        else:
            facts.apply(batch.position, event)
    facts.last_position = batch.position
    batch.spool.add(ledger.stored_rows(events))


def _fold_named(ledger: ChunkedLedger, facts: Facts, batch: ChunkedBatch,
                commands: Sequence[tuple[str, BaseModel]]) -> None:
    """Fold in, from the spool, the plain entries of earlier chunks these commands name
    (a correction's target, a voided or contested entry): then they are checked against
    them as in one batch."""
    if not batch.lean:
        return
    seen, folded = batch.seen_ids, facts.events
    named = {value for value in _ids_in_commands(commands)
             if value.int in seen and value not in folded}
    if not named:
        return
    position = batch.start
    for rows in batch.spool.chunks():
        for row in rows:
            position += 1
            if row[0] in named:
                event = ledger.mapper.to_domain_event(StoredEvent(*row))
                key = uniqueness_key(event)
                if key is not None and facts.unique.get(key) == event.originator_id:
                    del facts.unique[key]  # the fold sets it again, as its own
                facts.apply(position, event)
    facts.last_position = batch.position


def _ids_in_commands(commands: Sequence[tuple[str, BaseModel]]) -> list[UUID]:
    """The entry ids the commands' fields hold (at the top, or in a list of them). One
    loop over every command's values, not a generator a command: asked of every command
    after a batch's first chunk, it was ≈1.2 µs a row (≈3 % of a 200,000-row apply)."""
    found: list[UUID] = []
    for _, command in commands:
        for value in command.__dict__.values():
            kind = type(value)
            if kind is str:
                if len(value) == 36:  # a UUID as text
                    try:
                        found.append(UUID(value))
                    except ValueError:
                        pass
            elif kind is UUID:
                found.append(value)
            elif isinstance(value, list | tuple):
                found += [item for item in value if type(item) is UUID]
    return found


def _write_spooled(ledger: ChunkedLedger, spool: Spool, start: int) -> bool:
    """The spooled events in one transaction: a recorder of ours (api/storage) takes them
    chunk by chunk, any other all at once. Positions other than those folded (another
    writer came in between) make the facts be read again; True when they are those."""
    insert_chunks = getattr(ledger.recorder, "insert_row_chunks", None)
    try:
        if insert_chunks is not None:
            positions: Sequence[int] = insert_chunks(spool.chunks())
        else:
            positions = list(ledger.recorder.insert_events(
                [StoredEvent(*row) for rows in spool.chunks() for row in rows]) or ())
    except IntegrityError as error:
        raise ConflictError(CONCURRENT_WRITE) from error
    expected = range(start + 1, start + 1 + spool.count)  # compared, not listed: 7 MiB
    if len(positions) != len(expected) or any(
            got != want for got, want in zip(positions, expected, strict=True)):
        ledger.forget_facts()
        return False
    return True
