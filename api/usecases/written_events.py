"""The events a chunked write recorded, read back from the store when asked for.

A batch of 200,000 rows records as many events; keeping them for the answer held the
whole input in memory (api/usecases/streaming.py). The answer counts them and reads
them, or their positions, from the store only if a caller looks at them: the shells
print the count. Both read through the workspace's ledger: look at them before the
workspace is closed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, overload
from uuid import UUID

from domain.events import LedgerEvent

if TYPE_CHECKING:
    from domain.application import Ledger


class WrittenEvents(Sequence[LedgerEvent]):
    """The events at the positions after `first` up to `last`, in order."""

    def __init__(self, ledger: Ledger, first: int, last: int) -> None:
        self._ledger, self._first, self._last = ledger, first, last

    def __len__(self) -> int:
        return self._last - self._first

    def __iter__(self) -> Iterator[LedgerEvent]:
        return (event for _, event in self.positioned())

    def positioned(self) -> Iterator[tuple[int, LedgerEvent]]:
        for position, event in self._ledger.read(after=self._first):
            if position > self._last:
                return
            yield position, event

    @overload
    def __getitem__(self, index: int) -> LedgerEvent: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[LedgerEvent]: ...

    def __getitem__(self, index: int | slice) -> LedgerEvent | Sequence[LedgerEvent]:
        if isinstance(index, slice):
            return list(self)[index]
        at = index + len(self) if index < 0 else index
        if not 0 <= at < len(self):
            raise IndexError(index)
        return next(self._ledger.read(after=self._first + at))[1]


class WrittenPositions(Mapping[UUID, int]):
    """Positions of the retried events (known) and of the written ones (read from the
    store, ids only, the first time one is asked for)."""

    def __init__(self, known: Mapping[UUID, int], written: WrittenEvents) -> None:
        self._known, self._written = known, written
        self._read: dict[UUID, int] | None = None

    def _all(self) -> Mapping[UUID, int]:
        if self._read is None:
            self._read = {event.originator_id: position
                          for position, event in self._written.positioned()}
            self._read.update(self._known)
        return self._read

    def __getitem__(self, key: UUID) -> int:
        if key in self._known:
            return self._known[key]
        return self._all()[key]

    def __iter__(self) -> Iterator[UUID]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())
