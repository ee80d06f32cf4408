"""A stored event as the readers hand it to the decoder: the four columns of a row.

eventsourcing's `StoredEvent` is a dataclass of its persistence module, and importing
that module imports its domain module too (≈14 ms of CPU: most of a what-if's share of
eventsourcing). The read side (domain/stored_reader.py, the decoder, the snapshots'
refold) needs only the four values, by name or in this order, as eventsourcing's own
has them, so a read-only process (a what-if) need not import eventsourcing at all. The
write side and eventsourcing's recorders keep eventsourcing's class."""

from __future__ import annotations

from typing import Any, NamedTuple, Protocol


class StoredBody(NamedTuple):
    """The columns of one stored event (eventsourcing's `StoredEvent`'s fields, in its
    order)."""

    originator_id: Any
    originator_version: int
    topic: str
    state: bytes


class StoredColumns(Protocol):
    """What the decoder reads of a stored event: a `StoredBody`, or eventsourcing's own
    `StoredEvent` (the write side's, and its recorders')."""

    @property
    def originator_id(self) -> Any: ...

    @property
    def originator_version(self) -> int: ...

    @property
    def topic(self) -> str: ...

    @property
    def state(self) -> bytes: ...
