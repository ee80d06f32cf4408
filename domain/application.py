"""The write side: one eventsourcing Application that validates commands and saves events.

This is the only module of `domain/` that touches the outside world (the clock, uuid4,
package files and the store); the shells hand it its storage settings. What it does
without writing (reading, folding, checking, previewing) is `LedgerReads`
(domain/ledger_reads.py), which a read-only process uses without eventsourcing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import IntegrityError, Mapper, Recording, StoredEvent, Transcoder
from eventsourcing.utils import get_topic
from pydantic import BaseModel

from domain.errors import ConflictError, Problem
from domain.events import LedgerEvent
from domain.facts import cycle_collection_paused
from domain.ledger_reads import (
    APPLICATION_NAME,
    DERIVED_NAMESPACE,
    IDEMPOTENCY_NAMESPACE,
    PAGE_SIZE,
    SQLITE_PAGE_SIZE,
    LedgerReads,
    Progress,
    StoredEventDecoder,
    idempotency_id,
    read_stored,
)
from domain.records import frozen_record
from domain.written import CONCURRENT_WRITE, Written

if TYPE_CHECKING:  # imported with their first use (`PydanticMapper.to_stored_event`)
    from domain.stored_encoding import StoredRow

# Also where the shells and tests have always found them (domain/ledger_reads.py's).
__all__ = ["APPLICATION_NAME", "DERIVED_NAMESPACE", "IDEMPOTENCY_NAMESPACE", "PAGE_SIZE",
           "SQLITE_PAGE_SIZE", "Ledger", "Progress", "PydanticMapper", "RecordReport",
           "idempotency_id", "read_stored"]


class PydanticMapper(StoredEventDecoder, Mapper[UUID]):
    """Stores a pydantic event as canonical JSON (sorted keys, decimals as strings), so the
    same event has the same bytes on SQLite and PostgreSQL; reads as `StoredEventDecoder`."""

    def __init__(self, transcoder: Transcoder | None = None, **_: Any) -> None:
        Mapper.__init__(self, transcoder=transcoder)  # type: ignore[arg-type]
        StoredEventDecoder.__init__(self)

    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        # The writers (domain/stored_encoding.py) with the first write: a read never
        # encodes, and a what-if's start need not import them.
        from domain.stored_encoding import STATE_WRITERS, state_writer  # noqa: PLC0415

        event: LedgerEvent = domain_event
        cls = type(event)
        return StoredEvent(event.originator_id, event.originator_version, get_topic(cls),
                           (STATE_WRITERS.get(cls) or state_writer(cls))(event))

    def to_stored_rows(self, events: Iterable[LedgerEvent]) -> list[StoredRow]:
        """The rows `to_stored_event` would give, as the tuples our recorders insert."""
        from domain.stored_encoding import stored_rows_of  # noqa: PLC0415 - see to_stored_event
        return stored_rows_of(events)


@frozen_record
class RecordReport:
    recorded: tuple[LedgerEvent, ...]
    already_recorded: tuple[LedgerEvent, ...]  # idempotent retries: the first result
    last_position: int


class Ledger(Application[UUID], LedgerReads):
    name = APPLICATION_NAME  # pinned: it names the store's tables and tracking rows

    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        super().__init__(env=dict(env or {}))
        self._written: Written | None = None
        self.init_reads()

    def construct_mapper(self) -> Mapper[UUID]:
        return PydanticMapper(transcoder=self.construct_transcoder())

    def record(
        self,
        commands: Sequence[tuple[str, BaseModel]],
        actor: str,
        *,
        closed: frozenset[str] = frozenset(),
        progress: Progress | None = None,
        now: datetime | None = None,
        prior_problems: Sequence[Problem] = (),
        pending: frozenset[str] = frozenset(),
    ) -> RecordReport:
        """Check every command, then save all their events in one transaction, or none.
        `prior_problems` (rows that did not parse) refuse the batch too, after the valid
        rows have been checked, so the caller hears of every problem at once."""
        # Nearly all a batch allocates stays alive in the facts: no cycle-collector pass.
        with cycle_collection_paused():
            events, retries = self.prepare(
                commands, actor, closed=closed, progress=progress, now=now,
                prior_problems=prior_problems, pending=pending)
            if progress is not None:
                progress("writing", len(events), len(events))
            if events:
                try:
                    self.save(*events)
                except IntegrityError as error:
                    raise ConflictError(CONCURRENT_WRITE) from error
        self.facts()  # catch up, so the next batch checks against these too
        return RecordReport(tuple(events), tuple(retries), self._facts.last_position)

    def remember_written(self, written: Written | None) -> None:
        """Keep the stored rows of the last write for `take_written` (the previous ones,
        if nobody took them, are let go)."""
        if self._written is not None:
            self._written.close()
        self._written = written

    def take_written(self) -> Written | None:
        """The stored rows of the last write, once: the chain's catch-up hashes these
        instead of reading them back from the store."""
        written, self._written = self._written, None
        return written

    def save(self, *objs: Any, **kwargs: Any) -> list[Recording[UUID]]:
        """Application.save, for ledger events straight to the recorder: no runtime Protocol
        check per object, no Recording per event (slow at volume); returns no recordings,
        the positions are in the facts."""
        # Asked per type, not per event: isinstance through ABCMeta was ≈1 ms a hospital.
        if kwargs or not objs or not all(issubclass(cls, LedgerEvent)
                                         for cls in set(map(type, objs))):
            return super().save(*objs, **kwargs)
        from domain.stored_encoding import insert_rows  # noqa: PLC0415 - see to_stored_event
        from domain.streamed_writes import positions_follow, save_streamed, stream_of  # noqa: PLC0415
        events: list[LedgerEvent] = list(objs)
        stream = stream_of(self.recorder, len(events))
        if stream is not None:  # the PostgreSQL COPY, overlapped with our own work
            save_streamed(self, self._facts, events, stream)
            return []
        rows = self.stored_rows(events)
        positions = insert_rows(self.recorder, rows)
        # Fold our own events straight in when nothing else was written in between; else
        # the next catch-up reads them back from the store with whatever came first.
        first = self._facts.last_position + 1
        if positions_follow(positions, first, len(events)):
            self._facts.apply_page(list(enumerate(events, start=first)))
            if self.fold_chain is not None:
                self.fold_chain.wrote(first, rows)
            self.remember_written(Written(first, lambda: iter((rows,))))
        else:
            self.remember_written(None)
        return []

    def stored_rows(self, events: Sequence[LedgerEvent]) -> list[StoredRow]:
        """The stored rows of `events`, from our mapper's bulk path when it is ours."""
        if isinstance(self.mapper, PydanticMapper):
            return self.mapper.to_stored_rows(events)
        stored = [self.mapper.to_stored_event(event) for event in events]
        return [(s.originator_id, s.originator_version, s.topic, s.state) for s in stored]
