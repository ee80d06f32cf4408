"""`cycle_collection_paused` (domain/facts.py): what a batch made while the cycle collector
was paused is promoted to the oldest generation untraversed when it resumes, so no young
pass over the whole batch is owed; a cycle made during the pause is still collected by a
full pass; objects the host froze stay frozen; in a chunked write the survivors are frozen
with its chunks' (issue 18, targets 2 and 3)."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest
from builders import WARD_AND_OFFICE, memory_ledger

from domain.chunked_writes import Chunk, record_chunks
from domain.facts import FrozenHolders, cycle_collection_paused


class _Node:
    def __init__(self) -> None:
        self.other: _Node | None = None


@pytest.fixture
def collector_on(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # No holder from an earlier test in this process (a server session left open).
    monkeypatch.setattr(FrozenHolders, "count", 0)
    monkeypatch.setattr(FrozenHolders, "chunked", 0)
    was_enabled = gc.isenabled()
    gc.enable()
    try:
        yield
    finally:
        if not was_enabled:
            gc.disable()


@pytest.mark.usefixtures("collector_on")
def test_a_batch_leaves_no_young_pass_owed() -> None:
    threshold = gc.get_threshold()[0]
    gc.collect()
    passes = [generation["collections"] for generation in gc.get_stats()]
    with cycle_collection_paused():
        kept = [[number] for number in range(20 * threshold)]
    after = [generation["collections"] for generation in gc.get_stats()]
    assert gc.isenabled()
    assert after == passes, "a pass over the batch's objects followed the pause"
    assert len(kept) == 20 * threshold


@pytest.mark.usefixtures("collector_on")
def test_a_cycle_made_in_the_pause_is_still_collected() -> None:
    with cycle_collection_paused():
        first, second = _Node(), _Node()
        first.other, second.other = second, first
        watch = weakref.ref(first)
        del first, second
    assert watch() is not None  # only the collector frees a cycle
    gc.collect()
    assert watch() is None


@pytest.mark.usefixtures("collector_on")
def test_what_the_host_froze_stays_frozen() -> None:
    FrozenHolders.hold()  # as the server's session does when it freezes
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        assert frozen > 0
        with cycle_collection_paused():
            _ = [[number] for number in range(1000)]
        # Still frozen (promoting would have unfrozen them all: 0); a frozen object freed
        # meanwhile (a finished thread's, a weak reference's) leaves the count, so not ==.
        assert 0 < gc.get_freeze_count() <= frozen
    finally:
        FrozenHolders.release()
        gc.unfreeze()


@pytest.mark.usefixtures("collector_on")
def test_in_a_chunked_write_the_survivors_are_frozen_with_its_chunks() -> None:
    # domain/chunked_writes.py freezes what each chunk leaves alive and unfreezes it at its
    # end; a pause inside it (a chunk's row checks) freezes its survivors too, so no young
    # pass over a chunk's commands follows the pause.
    threshold = gc.get_threshold()[0]
    gc.collect()
    FrozenHolders.hold(chunked=True)
    try:
        passes = [generation["collections"] for generation in gc.get_stats()]
        with cycle_collection_paused():
            kept = [[number] for number in range(20 * threshold)]
        after = [generation["collections"] for generation in gc.get_stats()]
        assert gc.isenabled()
        assert after == passes, "a pass over the chunk's objects followed the pause"
        assert gc.get_freeze_count() >= len(kept)
    finally:
        FrozenHolders.release(chunked=True)
        gc.unfreeze()
    assert FrozenHolders.chunked == 0
    assert gc.get_freeze_count() == 0


def _chunks(*, fail: bool) -> Iterator[Chunk]:
    """Two chunks of the ward and office rows, each read in a pause (as `checked`'s row
    checks in api/usecases/streaming.py); a read error after the first when `fail`."""
    ledger = memory_ledger()
    commands = ledger.parse_commands([(f"row {n}", row)
                                      for n, row in enumerate(WARD_AND_OFFICE, 1)])
    for part in (commands[:1], commands[1:]):
        with cycle_collection_paused():
            _ = [[number] for number in range(5000)]
        yield Chunk(part)
        if fail:
            raise OSError("the file went away")


@pytest.mark.usefixtures("collector_on")
@pytest.mark.parametrize("fail", [False, True], ids=["written", "raised"])
def test_a_chunked_write_unfreezes_all_it_and_its_pauses_froze(fail: bool) -> None:
    # The pauses inside a chunked write freeze their survivors with its chunks'; all of it
    # is the write's to hand back at its end, whether it wrote or raised.
    gc.unfreeze()
    ledger = memory_ledger()
    try:
        record_chunks(ledger, _chunks(fail=fail), "test")
    except OSError:
        assert fail
    assert (FrozenHolders.count, FrozenHolders.chunked) == (0, 0)
    assert gc.get_freeze_count() == 0


@pytest.mark.usefixtures("collector_on")
def test_a_chunked_write_leaves_the_hosts_frozen_objects_frozen() -> None:
    gc.unfreeze()
    FrozenHolders.hold()  # as the server's session does when it freezes
    gc.freeze()
    held = gc.get_freeze_count()
    try:
        record_chunks(memory_ledger(), _chunks(fail=False), "test")
        assert (FrozenHolders.count, FrozenHolders.chunked) == (1, 0)
        assert gc.get_freeze_count() >= held
    finally:
        FrozenHolders.release()
        gc.unfreeze()


@pytest.mark.usefixtures("collector_on")
def test_a_pause_never_counts_the_frozen_objects(monkeypatch: pytest.MonkeyPatch) -> None:
    # gc.get_freeze_count walks every frozen object: after a server froze a large fold,
    # asking it at each fold's end made every later fold pay that walk.
    def walked() -> int:
        raise AssertionError("gc.get_freeze_count walked the frozen objects")

    monkeypatch.setattr(gc, "get_freeze_count", walked)
    with cycle_collection_paused():
        _ = [[number] for number in range(1000)]
    FrozenHolders.hold()
    try:
        with cycle_collection_paused():
            _ = [[number] for number in range(1000)]
    finally:
        FrozenHolders.release()


def test_a_paused_collector_stays_paused() -> None:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        with cycle_collection_paused():
            pass
        assert not gc.isenabled()
    finally:
        if was_enabled:
            gc.enable()
