"""What a large batch has seen so far, kept out of memory: the ids it used with the row
that used each (domain/chunked_writes.py), a sheet's content keys with how many identical
rows came before (api/sheets/rows.py).

Each of those grew by one dict entry a row (≈200 bytes: 40 MiB for a 200,000-row
import). Here the latest entries are a dict; every `FLUSH` entries they go, sorted, to a
temporary file as one run, of which memory keeps a sorted array of 4 bytes a key. A fixed
bitmap answers the common question ("is this key new?") without looking further: two bits
a key, from its low bits and from its high ones. Only a key with both bits set (a repeat,
or about one new key in 1,700 at 200,000) is looked for in the runs' arrays, every run's
(one bit a key was one new key in 42, and those lookups grew with the rows times the
runs); only a key found there is read back from the file and compared in full. So memory
holds 4 bytes a key beyond a fixed 2 MiB.

Keys are 128-bit ints: an id's `.int`, or 16 bytes of a digest read as one.
"""

from __future__ import annotations

import pickle
import tempfile
from array import array
from bisect import bisect_left
from collections import OrderedDict
from typing import IO, Generic, Protocol, TypeVar

V = TypeVar("V", str, int)

FLUSH = 5000  # entries kept as a dict before they go to disk: a chunk's rows
_BITS = 1 << 24  # 2 MiB of bits, two a key: at 200,000 keys one new key in 1,700 has both
# The bitmap's second bit: bits 96 up, apart from the low ones, the middle ones and a
# UUID's version and variant bits (76-79, 62-63), which are the same in every id.
_HIGH = 96
_RUNS_READ = 2  # runs kept read back: a file's repeats tend to come from nearby rows


class SeenIds(Protocol):
    """What a batch's check asks of the ids used so far (a dict does it too)."""

    def __contains__(self, key: int, /) -> bool: ...

    def __getitem__(self, key: int, /) -> str: ...

    def __setitem__(self, key: int, value: str, /) -> None: ...


class SeenIndex(Generic[V]):
    """A mapping from 128-bit keys to a where-label or a count that holds in memory the
    last `FLUSH` entries, a fixed bitmap and 4 bytes a key; the rest in a temporary file.
    A key set again is found with its latest value (the newest run is read first)."""

    def __init__(self, flush: int | None = None) -> None:
        self._recent: dict[int, V] = {}
        self._flush_at = flush or FLUSH
        self._bits: bytearray | None = None
        # Run n: its keys' middle bits in key order at middles[starts[n]:starts[n + 1]],
        # its entries at offsets[n] of the file. One array each, not objects per run:
        # small objects left between chunks keep the allocator's pages from being reused.
        self._middles = array("I")
        self._starts = array("Q", [0])
        self._offsets = array("Q")
        self._file: IO[bytes] | None = None
        self._read: OrderedDict[int, dict[int, V]] = OrderedDict()
        self._flushed = 0

    def get(self, key: int) -> V | None:
        value = self._recent.get(key)
        if value is not None or self._bits is None:
            return value
        bits, low, high = self._bits, key & (_BITS - 1), (key >> _HIGH) & (_BITS - 1)
        if not (bits[low >> 3] & (1 << (low & 7)) and bits[high >> 3] & (1 << (high & 7))):
            return None
        middle, middles, starts = _middle(key), self._middles, self._starts
        for number in range(len(self._offsets) - 1, -1, -1):
            end = starts[number + 1]
            at = bisect_left(middles, middle, starts[number], end)
            if at < end and middles[at] == middle:
                found = self._entries(number).get(key)
                if found is not None:
                    return found
        return None

    def __contains__(self, key: int) -> bool:
        return self.get(key) is not None

    def __getitem__(self, key: int) -> V:
        value = self.get(key)
        if value is None:
            raise KeyError(key)
        return value

    def __setitem__(self, key: int, value: V) -> None:
        self._recent[key] = value
        if len(self._recent) >= self._flush_at:
            self.flush()

    def __len__(self) -> int:
        """Entries set (a key set again after a flush counts again: progress, not size)."""
        return self._flushed + len(self._recent)

    def flush(self) -> None:
        """The recent entries to disk as one run: memory keeps their bits and middles."""
        if not self._recent:
            return
        if self._file is None or self._bits is None:
            self._bits = bytearray(_BITS >> 3)
            self._file = tempfile.TemporaryFile(prefix="jixiao-seen-")
        bits = self._bits
        for key in self._recent:
            low, high = key & (_BITS - 1), (key >> _HIGH) & (_BITS - 1)
            bits[low >> 3] |= 1 << (low & 7)
            bits[high >> 3] |= 1 << (high & 7)
        offset = self._file.seek(0, 2)
        pickle.dump(self._recent, self._file, protocol=pickle.HIGHEST_PROTOCOL)
        self._middles.extend(sorted(map(_middle, self._recent)))
        self._starts.append(len(self._middles))
        self._offsets.append(offset)
        self._flushed += len(self._recent)
        self._recent = {}

    def close(self) -> None:
        """Remove the file (a dropped index's is removed when it is collected)."""
        if self._file is not None:
            self._file.close()
            self._file = None
        self._bits = None
        self._middles, self._starts, self._offsets = array("I"), array("Q", [0]), array("Q")
        self._recent, self._flushed = {}, 0
        self._read.clear()

    def _entries(self, number: int) -> dict[int, V]:
        kept = self._read.get(number)
        if kept is not None:
            self._read.move_to_end(number)
            return kept
        assert self._file is not None  # runs are made with the file
        self._file.seek(self._offsets[number])
        entries: dict[int, V] = pickle.load(self._file)  # noqa: S301 - our own temp file
        self._read[number] = entries
        if len(self._read) > _RUNS_READ:
            self._read.popitem(last=False)
        return entries


def _middle(key: int) -> int:
    """Bits 32-63 of a key: apart from the bitmap's low bits, so the two sift apart."""
    return (key >> 32) & 0xFFFFFFFF
