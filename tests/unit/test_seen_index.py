"""domain/seen_index.py: a batch's memory of the keys it has seen answers as a dict would,
whether an entry is recent or on disk, and holds a few bytes a key, not a dict entry."""

from __future__ import annotations

import tracemalloc
import uuid

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.seen_index import SeenIndex

# Keys that share the bitmap's low bits and the runs' middle bits with one another, so
# that only the full comparison tells them apart.
_LOW = st.sampled_from([0, 1, (1 << 23) - 1])
_MIDDLE = st.sampled_from([0, 7])
_HIGH = st.integers(min_value=0, max_value=3)
KEYS = st.builds(lambda high, middle, low: (high << 64) | (middle << 32) | low,
                 _HIGH, _MIDDLE, _LOW)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(KEYS, st.integers(min_value=1, max_value=9)), max_size=40),
       st.lists(KEYS, max_size=10), st.integers(min_value=1, max_value=4))
def test_it_answers_as_a_dict_across_flushes(writes: list[tuple[int, int]],
                                             asked: list[int], flush: int) -> None:
    index: SeenIndex[int] = SeenIndex(flush)
    expected: dict[int, int] = {}
    for key, value in writes:
        assert index.get(key) == expected.get(key)
        index[key] = value
        expected[key] = value
    for key in [*asked, *expected]:
        assert index.get(key) == expected.get(key)
        assert (key in index) == (key in expected)
    index.close()


def test_a_count_carries_on_from_the_disk() -> None:
    index: SeenIndex[int] = SeenIndex(2)
    key = uuid.uuid4().int
    for _ in range(7):  # a row repeated across flushes, as identical rows of a sheet are
        index[key] = (index.get(key) or 0) + 1
        index[uuid.uuid4().int] = 1
    assert index[key] == 7
    index.close()


def _held(count: int) -> int:
    keys = [uuid.uuid4().int for _ in range(count)]
    tracemalloc.start()
    try:
        index: SeenIndex[str] = SeenIndex(500)
        for number, key in enumerate(keys):
            index[key] = f"第 {number} 行"
        held = tracemalloc.get_traced_memory()[0]
        assert index.get(keys[count // 2]) == f"第 {count // 2} 行"
        return held
    finally:
        tracemalloc.stop()


def test_memory_held_grows_by_a_few_bytes_a_key() -> None:
    small, large = _held(2_000), _held(20_000)
    # A dict of the same would add ≈150 bytes a key; the index adds its 4-byte middles.
    assert large - small < 18_000 * 8, (small, large)
