"""`@frozen_record` is `@dataclass(frozen=True)`, `@mutable_record` is `@dataclass`: the same
methods, made with less compiling.

Python 3.11's dataclass compiles each method it writes from source text, one `exec` a
method, ≈0.05 ms each: six a frozen class (`__init__`, `__repr__`, `__eq__`, `__hash__`,
`__setattr__`, `__delattr__`), ten with order. A CLI start creates forty such classes
before it does any work. `__repr__`, `__eq__`, `__hash__` and the orderings compare or show
a tuple of the fields, so here they are closures over one `attrgetter` instead, with what
dataclass gives, value for value: the same fields (`compare`, `hash`, `repr` of `field()`),
the same tuples hashed (so sets and dicts of records keep their order), the same text, the
same `NotImplemented` for another class, and a method the class writes itself kept.
tests/unit/test_records.py checks each against the dataclass it stands for. A record with
no docstring gets its name and field names as one (dataclass writes its signature there,
through inspect, ≈0.07 ms a class); pydantic's schemas skip both alike.
"""

from collections.abc import Callable
from dataclasses import Field, dataclass, field, fields
from operator import attrgetter, eq, ge, gt, le, lt
from reprlib import recursive_repr
from typing import Any, TypeVar, dataclass_transform, overload

T = TypeVar("T")


@overload
def frozen_record(cls: type[T], /) -> type[T]: ...
@overload
def frozen_record(*, order: bool = False) -> Callable[[type[T]], type[T]]: ...


@dataclass_transform(frozen_default=True, field_specifiers=(field, Field))
def frozen_record(cls: type[T] | None = None, /, *, order: bool = False) -> Any:
    """`@dataclass(frozen=True)` (or with `order=True`), its comparisons and repr built
    without compiling them."""
    if cls is None:
        return lambda given: _record(given, order, frozen=True)
    return _record(cls, order, frozen=True)


@dataclass_transform(field_specifiers=(field, Field))
def mutable_record(cls: type[T], /) -> type[T]:
    """`@dataclass`: a record whose fields may be set (a working state, an index being
    built), unhashable like dataclass's, its comparison and repr built as above."""
    return _record(cls, False, frozen=False)


def _record(cls: type[T], order: bool, *, frozen: bool) -> type[T]:
    # Whether the class wrote its own __hash__, as dataclass decides it: a class that
    # defines __eq__ gets __hash__ = None from Python, which is not a choice of its own.
    own_hash = cls.__dict__.get("__hash__", None) is not None or (
        "__hash__" in cls.__dict__ and "__eq__" not in cls.__dict__)
    undocumented = not cls.__dict__.get("__doc__")
    if undocumented:  # or dataclass writes its signature there, through inspect
        cls.__doc__ = cls.__name__
    made: type[T] = dataclass(frozen=frozen, repr=False, eq=False)(cls)
    every = fields(made)  # type: ignore[arg-type]
    if undocumented:
        made.__doc__ = f"{made.__name__}({', '.join(f.name for f in every)})"
    compared = _key([f for f in every if f.compare])
    _add(made, "__repr__", _repr([f.name for f in every if f.repr]))
    _add(made, "__eq__", _compare(compared, eq))
    if order:
        for name, method in (("__lt__", lt), ("__le__", le), ("__gt__", gt), ("__ge__", ge)):
            if name in made.__dict__:  # as dataclass refuses it
                raise TypeError(f"Cannot overwrite attribute {name} in class {made.__name__}. "
                                "Consider using functools.total_ordering")
            _add(made, name, _compare(compared, method))
    if not own_hash and not frozen:  # as dataclass: a mutable value that compares is unhashable
        made.__hash__ = None  # type: ignore[assignment]
    elif not own_hash:
        hashed = _key([f for f in every if (f.compare if f.hash is None else f.hash)])
        made.__hash__ = _named(made, "__hash__", lambda self: hash(hashed(self)))  # type: ignore[method-assign]
    return made


def _key(chosen: list[Field[Any]]) -> Callable[[Any], tuple[Any, ...]]:
    """The tuple of the chosen fields' values, as dataclass builds it (a tuple always,
    also of one field or none)."""
    names = [f.name for f in chosen]
    if len(names) > 1:
        return attrgetter(*names)
    if names:
        one = attrgetter(names[0])
        return lambda self: (one(self),)
    return lambda self: ()


def _compare(key: Callable[[Any], tuple[Any, ...]],
             method: Callable[[tuple[Any, ...], tuple[Any, ...]], bool]) -> Callable[..., Any]:
    def compare(self: Any, other: Any) -> Any:
        if other.__class__ is self.__class__:
            return method(key(self), key(other))
        return NotImplemented

    return compare


def _repr(names: list[str]) -> Callable[[Any], str]:
    @recursive_repr("...")  # as dataclass's: a record inside itself shows as ...
    def __repr__(self: Any) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in names)
        return f"{self.__class__.__qualname__}({shown})"

    return __repr__


def _add(cls: type, name: str, method: Callable[..., Any]) -> None:
    if name not in cls.__dict__:  # a method the class writes itself stays, as in dataclass
        setattr(cls, name, _named(cls, name, method))


def _named(cls: type, name: str, method: Callable[..., Any]) -> Callable[..., Any]:
    method.__name__ = name
    method.__qualname__ = f"{cls.__qualname__}.{name}"
    return method
