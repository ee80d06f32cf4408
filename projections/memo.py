"""Results computed from one fold of the facts, kept beside the facts, not on them.

A report of Q4 computes Q1–Q3 for the bank, and restatements, views, diffs and what-ifs
ask for the same periods again: each result is kept per facts object, under a name
("statements", "people" …), and dropped as soon as the facts change (their revision
moves) or are collected. The domain knows nothing of it.
"""

from __future__ import annotations

import threading
import weakref
from typing import Any

from domain.facts import Facts

# Reentrant: a collection inside `memo_of` may run `_forget_key` on this thread.
_LOCK = threading.RLock()
# id(facts) → (a weak reference to them, their revision when filled, the memo).
_MEMOS: dict[int, tuple[weakref.ref[Facts], int, dict[str, Any]]] = {}


def memo_of(facts: Facts) -> dict[str, Any]:
    """The memo of these facts as they stand now: empty after any change to them."""
    key = id(facts)
    with _LOCK:
        entry = _MEMOS.get(key)
        if entry is not None and entry[0]() is facts and entry[1] == facts.revision:
            return entry[2]
        memo: dict[str, Any] = {}
        _MEMOS[key] = (weakref.ref(facts, lambda _: _forget_key(key)), facts.revision, memo)
        return memo


def is_memoised(facts: Facts, name: str, key: Any) -> bool:
    """Whether a result is kept for these facts as they stand, without computing it."""
    return key in memo_of(facts).get(name, {})


def forget(facts: Facts) -> int:
    """Drop what is memoised for these facts (a cold measurement); how many names were."""
    with _LOCK:
        entry = _MEMOS.pop(id(facts), None)
    return len(entry[2]) if entry is not None and entry[0]() is facts else 0


def _forget_key(key: int) -> None:
    # Called when the facts are collected; the id may already name a newer entry.
    with _LOCK:
        entry = _MEMOS.get(key)
        if entry is not None and entry[0]() is None:
            del _MEMOS[key]
