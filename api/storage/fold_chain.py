"""The hash chain's links computed over the very rows a session's fold takes in, as it takes
them in: what lets a facts snapshot be signed only for a fold of the stored events.

A snapshot signed from the fold as it is held, under the stored chain's head, would sign
whatever the store held while it was folded: someone who can write the database could
edit an event for as long as one session folds, put it back, and leave a signed fold of
the edited event behind. Here every row the fold decodes (domain/stored_reader.py's
`read_page`, its `seen`) and every row the session wrote and folded itself is hashed into
the chain from GENESIS, or from the head of the snapshot that served (checked against the
stored chain when it was loaded). The snapshot is written only when the link computed at
the fold's last position is the stored chain's link there (facts_snapshot.py's `keep`).

Anything this cannot follow (a fold taken in by another path, rows not right after the
last one hashed) marks it lost: then no snapshot is written by this session."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from domain.stored_reader import Row
from projections.chain_links import GENESIS, extend_head


class HashedFold:
    """The chain head over the rows folded so far (`position`, `head`), or `lost`."""

    def __init__(self, position: int = 0, head: str = GENESIS) -> None:
        self.position = position
        self.head = head
        self.lost = False

    def read(self, before: int, rows: list[Row]) -> None:
        if self.lost or before != self.position:
            self.lost = True
            return
        try:
            head = extend_head(self.head, rows)
        except (ValueError, TypeError, AttributeError, ArithmeticError):
            # A row the chain's own walk could not read either (an id that is no UUID):
            # the fold decides about it as before; this fold is just not signed.
            self.lost = True
            return
        if rows:
            self.position, self.head = rows[-1][0], head

    def wrote(self, first: int, rows: Sequence[tuple[Any, int, str, bytes]]) -> None:
        self.read(first - 1, [(first + offset, *row) for offset, row in enumerate(rows)])

    def restart(self) -> None:
        self.position, self.head, self.lost = 0, GENESIS, False

    def signable(self, position: int) -> str | None:
        """The head computed at `position`, if the fold was hashed up to exactly it."""
        return None if self.lost or self.position != position else self.head
