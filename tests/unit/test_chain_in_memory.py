"""The chain a session that may not write keeps in memory over the stored one
(api/storage/chain.py `ChainInMemory`): the owner's catch-up, committed while a reader
saves its own links, is a conflict to verify again, never the tracking row "damaged"."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from eventsourcing.persistence import IntegrityError

from api.storage.chain import GENESIS, ChainInMemory, ChainStore
from domain.errors import ConflictError
from projections.chain_links import ChainLink


def _link(position: int) -> ChainLink:
    return ChainLink(position=position, originator_id="x", originator_version=1,
                     topic="t", link=f"{position:064x}")


class OwnerCommitsMidway(ChainStore):
    """The stored chain at position 5; the owner's catch-up to 7 (its links and the
    tracking row in one transaction) commits right after the reader's first query."""

    def __init__(self, damaged: bool = False) -> None:
        self._queries = 0
        self._damaged = damaged  # links after the tracked position, tracking never moves

    def _committed(self) -> bool:
        self._queries += 1
        return self._queries > 1

    def tracking(self) -> tuple[int, str]:
        moved = self._committed() and not self._damaged
        return (7, _link(7).link) if moved else (5, _link(5).link)

    def links(self, after: int = 0, limit: int = 2000) -> list[ChainLink]:
        there = self._committed() or self._damaged
        return [_link(p) for p in (6, 7) if p > after and there][:limit]

    def link_at_or_before(self, position: int) -> str:
        return GENESIS

    def save(self, links: Sequence[ChainLink], expected: int) -> None:
        raise AssertionError("a reader writes nothing")


@pytest.mark.parametrize("first_query_at", [0, 1])
def test_the_owners_catch_up_meanwhile_is_a_conflict(first_query_at: int) -> None:
    stored = OwnerCommitsMidway()
    stored._queries = first_query_at  # the commit before or after the first query
    with pytest.raises(ConflictError):
        ChainInMemory(stored).save([_link(6)], expected=5)


def test_links_after_a_tracking_row_that_never_moves_are_damage() -> None:
    with pytest.raises(IntegrityError):
        ChainInMemory(OwnerCommitsMidway(damaged=True)).save([_link(6)], expected=5)


class Stored(ChainStore):
    """A stored chain at `position`, which the owner's catch-ups move on."""

    def __init__(self, position: int) -> None:
        self.position = position

    def tracking(self) -> tuple[int, str]:
        return self.position, _link(self.position).link

    def links(self, after: int = 0, limit: int = 2000) -> list[ChainLink]:
        return [_link(p) for p in range(after + 1, self.position + 1)][:limit]

    def link_at_or_before(self, position: int) -> str:
        return _link(min(position, self.position)).link

    def save(self, links: Sequence[ChainLink], expected: int) -> None:
        raise AssertionError("a reader writes nothing")


def test_links_the_owner_has_since_stored_are_not_kept_in_memory() -> None:
    """A long-running reader (`jixiao serve` as an auditor) chains what the owner has not;
    once the owner's catch-up has stored past them its links are read from the store,
    so the memory held is the owner's lag, not every event written since the start."""
    stored = Stored(5)
    chain = ChainInMemory(stored)
    chain.save([_link(6), _link(7)], expected=5)
    assert chain.tracking()[0] == 7
    stored.position = 9  # the owner chained 6 to 9
    assert chain.tracking() == (9, _link(9).link)
    assert chain._added == []
    assert [k.position for k in chain.links(after=5)] == [6, 7, 8, 9]
    chain.save([_link(10)], expected=9)
    assert [k.position for k in chain.links(after=5)] == [6, 7, 8, 9, 10]
