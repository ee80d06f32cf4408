"""A large batch written while the store takes it in (issue 18, target 2).

Part of the write side (domain/application.py's `Ledger.save`), for a recorder that
streams (the PostgreSQL COPY, api/storage/postgres_copy.py `stream_rows`): the events are
encoded a chunk at a time, each chunk handed over while the next is encoded, and folded
into the ledger's cached facts once all are handed over, while the store finishes taking
them in, instead of each step waiting for the one before. The fold happens before the
commit, at the ids the store says the rows will get: a batch the store then refuses, or
numbers otherwise, drops the cached facts, which the next `facts()` reads anew (as a
chunked batch does, domain/chunked_writes.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Protocol

from domain.envelope import LedgerEvent
from domain.facts import Facts
from domain.stored_encoding import StoredRow
from domain.written import Written

ENCODE_CHUNK = 500  # events encoded at a time while the store takes the ones before

Stream = Callable[..., Sequence[int]]


class StreamingLedger(Protocol):
    """What `save_streamed` uses of the ledger (domain/application.py's `Ledger`)."""

    def stored_rows(self, events: Sequence[LedgerEvent]) -> list[StoredRow]: ...

    def forget_facts(self) -> None: ...

    def remember_written(self, written: Written | None) -> None: ...


def stream_of(recorder: Any, count: int) -> Stream | None:
    """The recorder's streamed write when it has one and `count` rows are worth it."""
    stream: Stream | None = getattr(recorder, "stream_rows", None)
    if stream is None or count < getattr(recorder, "copy_from_rows", 0):
        return None
    return stream


def save_streamed(ledger: StreamingLedger, facts: Facts, events: list[LedgerEvent],
                  stream: Stream) -> None:
    """Write `events` through `stream`, folding them into `facts` (the ledger's cached
    fold, not caught up) when nothing else was written since it."""
    first = facts.last_position + 1
    rows: list[StoredRow] = []
    folded_at = 0

    def encoded() -> Iterator[list[StoredRow]]:
        for start in range(0, len(events), ENCODE_CHUNK):
            chunk = ledger.stored_rows(events[start:start + ENCODE_CHUNK])
            rows.extend(chunk)
            yield chunk

    def fold(before: int, expected: int) -> None:
        nonlocal folded_at
        if before + 1 == first:  # under the recorder's lock: nothing else came first
            folded_at = expected  # first: a fold that fails half-way is dropped too
            facts.apply_page(list(enumerate(events, start=expected)))

    try:
        positions = stream(encoded(), during=fold)
    except BaseException:
        if folded_at:  # folded, then not written
            ledger.forget_facts()
        raise
    if folded_at and not positions_follow(positions, folded_at, len(events)):
        ledger.forget_facts()  # numbered otherwise than expected: read them back
        folded_at = 0
    chain = getattr(ledger, "fold_chain", None)
    if folded_at and chain is not None:
        chain.wrote(folded_at, rows)
    ledger.remember_written(Written(folded_at, lambda: iter((rows,))) if folded_at else None)


def positions_follow(positions: Iterable[int] | None, first: int, count: int) -> bool:
    """Whether `positions` are first, first + 1, … (count of them): a range is compared
    by its bounds, not element by element."""
    if positions is None:
        return count == 0
    if isinstance(positions, range):
        return positions == range(first, first + count)
    return list(positions) == list(range(first, first + count))
