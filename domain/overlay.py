"""A dict layered over another that it never changes: what a what-if's facts hold.

`Facts.with_events` gave a what-if copies of the fold's tables (1.85 M events, their
positions, the live subset and the uniqueness keys for a province: 0.35 s of a 1.5 s
what-if) to change a handful of entries. A `Layered` dict holds only what the what-if
changed, in its own storage, and reads everything else from the base dict: an entry set
here hides the base's, an entry removed here is remembered as gone. Iteration gives what a
copy changed the same way would give, in the same order (a changed entry keeps its place;
one removed and set again, and every new one, come after the base's, in the order set).

It is a `dict` so that the fold's typed tables keep their type; every method the fold
and its readers use is overridden. Its own storage is not the whole mapping, so C code
that reads a dict's storage directly would see only the changes: nothing in the ledger
does (`dict(layered)` and `list(layered)` go through the overrides). The base must not
change while a layer reads it: `Facts` turns its layers into plain copies before it
applies an event to facts a what-if was made from (`Facts._release_layers`).
"""

from __future__ import annotations

from collections.abc import ItemsView, Iterator, KeysView, Mapping, ValuesView
from typing import Any, TypeVar, overload

K = TypeVar("K")
V = TypeVar("V")
D = TypeVar("D")

_MISSING: Any = object()


class Layered(dict[K, V]):
    """The base dict with this layer's changes (see the module)."""

    __slots__ = ("_base", "_gone")

    def __init__(self, base: Mapping[K, V]) -> None:
        super().__init__()
        self._base = base
        self._gone: set[K] = set()  # base keys removed here (possibly set again since)

    # ------------------------------------------------------------------ reads

    def __getitem__(self, key: K) -> V:
        if dict.__contains__(self, key):
            return dict.__getitem__(self, key)
        if key in self._gone:
            raise KeyError(key)
        return self._base[key]

    @overload
    def get(self, key: K, default: None = None, /) -> V | None: ...
    @overload
    def get(self, key: K, default: V | D, /) -> V | D: ...

    def get(self, key: K, default: Any = None, /) -> Any:
        if dict.__contains__(self, key):
            return dict.__getitem__(self, key)
        if key in self._gone:
            return default
        return self._base.get(key, default)

    def __contains__(self, key: object) -> bool:
        if dict.__contains__(self, key):
            return True
        return key not in self._gone and key in self._base

    def __len__(self) -> int:
        base, gone = self._base, self._gone
        added = sum(1 for key in dict.__iter__(self) if key in gone or key not in base)
        return len(base) - len(gone) + added

    def __bool__(self) -> bool:
        return len(self) > 0

    def _appended(self) -> Iterator[K]:
        """This layer's keys that are not in the base's order: new, or removed and set
        again, in the order set."""
        base, gone = self._base, self._gone
        return (key for key in dict.__iter__(self) if key in gone or key not in base)

    def added_over(self, base: Mapping[K, V]) -> list[V] | None:
        """The values of the keys this layer has and `base` has not, in order, when this
        layer is directly over `base`; else None (ask the whole mapping)."""
        if base is not self._base:
            return None
        return [dict.__getitem__(self, key) for key in self._appended() if key not in base]

    def __iter__(self) -> Iterator[K]:
        gone = self._gone
        if gone:
            yield from (key for key in self._base if key not in gone)
        else:
            yield from self._base
        yield from self._appended()

    def __reversed__(self) -> Iterator[K]:
        yield from reversed(list(self._appended()))
        gone = self._gone
        yield from (key for key in reversed(self._base.keys()) if key not in gone)  # type: ignore[call-overload]

    def _items(self, keys: Iterator[K]) -> Iterator[tuple[K, V]]:
        own = dict.get
        base = self._base
        if not dict.__len__(self):
            return ((key, base[key]) for key in keys)
        return ((key, value if (value := own(self, key, _MISSING)) is not _MISSING
                 else base[key]) for key in keys)

    def keys(self) -> _Keys[K]:  # type: ignore[override]
        return _Keys(self)

    def values(self) -> _Values[V]:  # type: ignore[override]
        return _Values(self)

    def items(self) -> _Items[K, V]:  # type: ignore[override]
        return _Items(self)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Mapping) or len(self) != len(other):
            return False
        return all(key in other and other[key] == value for key, value in self.items())

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = None

    def __repr__(self) -> str:
        return f"Layered({dict(self.items())!r})"

    def copy(self) -> dict[K, V]:
        return dict(self.items())

    # ------------------------------------------------------------------ changes

    def __setitem__(self, key: K, value: V) -> None:
        dict.__setitem__(self, key, value)

    def __delitem__(self, key: K) -> None:
        if self.pop(key, _MISSING) is _MISSING:
            raise KeyError(key)

    @overload
    def pop(self, key: K, /) -> V: ...
    @overload
    def pop(self, key: K, default: V, /) -> V: ...
    @overload
    def pop(self, key: K, default: D, /) -> V | D: ...

    def pop(self, key: K, default: Any = _MISSING, /) -> Any:
        in_base = key not in self._gone and key in self._base
        if dict.__contains__(self, key):
            value = dict.pop(self, key)
            if key in self._base:
                self._gone.add(key)
            return value
        if in_base:
            self._gone.add(key)
            return self._base[key]
        if default is _MISSING:
            raise KeyError(key)
        return default

    def setdefault(self, key: K, default: V = None, /) -> V:  # type: ignore[assignment]
        value = self.get(key, _MISSING)
        if value is _MISSING:
            self[key] = default
            return default
        return value  # type: ignore[no-any-return]

    def update(self, *args: Any, **kwargs: Any) -> None:
        for key, value in dict(*args, **kwargs).items():
            self[key] = value

    def popitem(self) -> tuple[K, V]:
        raise TypeError("a layered dict keeps no order to pop from")

    def clear(self) -> None:
        raise TypeError("a layered dict is cleared by copying it")

    def __or__(self, other: Any) -> Any:
        return NotImplemented

    def __ior__(self, other: Any) -> Any:
        return NotImplemented

    def __reduce__(self) -> Any:
        return (dict, (dict(self.items()),))


class _Keys(KeysView[K]):
    def __init__(self, layered: Layered[K, Any]) -> None:
        super().__init__(layered)
        self._layered = layered

    def __iter__(self) -> Iterator[K]:
        return iter(self._layered)

    def __reversed__(self) -> Iterator[K]:
        return reversed(self._layered)


class _Values(ValuesView[V]):
    def __init__(self, layered: Layered[Any, V]) -> None:
        super().__init__(layered)
        self._layered = layered

    def __iter__(self) -> Iterator[V]:
        return (value for _, value in self._layered._items(iter(self._layered)))

    def __reversed__(self) -> Iterator[V]:
        return (value for _, value in self._layered._items(reversed(self._layered)))


class _Items(ItemsView[K, V]):
    def __init__(self, layered: Layered[K, V]) -> None:
        super().__init__(layered)
        self._layered = layered

    def __iter__(self) -> Iterator[tuple[K, V]]:
        return self._layered._items(iter(self._layered))

    def __reversed__(self) -> Iterator[tuple[K, V]]:
        return self._layered._items(reversed(self._layered))


def plain(table: dict[K, V]) -> dict[K, V]:
    """A plain dict with the same entries in the same order."""
    return dict(table.items()) if isinstance(table, Layered) else table
