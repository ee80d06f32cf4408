"""What a write leaves behind: the stored rows of the ledger's last write (`Written`), for
the reader that would read them back, and the words for the race a write can lose.
Below the three ways of writing (domain/application.py's whole batch,
domain/chunked_writes.py, domain/streamed_writes.py), so that a process that only reads,
as a what-if does, imports none of the chunked write."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from domain.records import mutable_record

if TYPE_CHECKING:
    from domain.stored_encoding import StoredRow

# The same race for a batch saved whole (domain/application.py) and chunk by chunk.
CONCURRENT_WRITE = ("another writer recorded one of these entries at the same time; "
                    "nothing was written, run the command again")


@mutable_record
class Written:
    """The stored rows of the ledger's last write, from the position of the first: what a
    reader that needs them (the audit chain's catch-up) takes instead of reading them back
    from the store. `pages` yields lists of rows; `close` frees what holds them."""

    first: int
    pages: Callable[[], Iterator[list[StoredRow]]]
    close: Callable[[], None] = lambda: None
