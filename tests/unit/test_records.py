"""`@frozen_record` stands for `@dataclass(frozen=True)` (domain/records.py): each pair of
classes below is declared twice, once each way, and must answer alike, value for value."""

from __future__ import annotations

import pickle
from dataclasses import FrozenInstanceError, dataclass, field, fields, replace
from decimal import Decimal
from typing import Any

import pytest

from domain.records import frozen_record, mutable_record


def _both(order: bool = False) -> tuple[type, type]:
    """The same class body as a dataclass and as a record."""

    def body() -> dict[str, Any]:
        return {
            "__annotations__": {"name": "str", "amount": "Decimal", "tags": "tuple[str, ...]",
                                "note": "str", "cache": "dict[str, int]"},
            "amount": Decimal(0),
            "tags": (),
            "note": field(default="", compare=False),
            "cache": field(default_factory=dict, repr=False, hash=False, compare=True),
            "__module__": __name__,
        }

    plain = dataclass(frozen=True, order=order)(type("Line", (), body()))
    made = frozen_record(order=order)(type("Line", (), body())) if order else frozen_record(
        type("Line", (), body()))
    return plain, made


VALUES: list[dict[str, Any]] = [
    {"name": "a"},
    {"name": "a", "amount": Decimal("1.50"), "tags": ("x",)},
    {"name": "a", "amount": Decimal("1.5"), "tags": ("x",), "note": "other"},
    {"name": "b", "note": "n"},
    {"name": "a", "cache": {"k": 1}},
]


def test_a_record_equals_hashes_and_shows_as_its_dataclass() -> None:
    plain, made = _both()
    for left in VALUES:
        assert repr(made(**left)) == repr(plain(**left))
        if not left.get("cache"):
            assert hash(made(**left)) == hash(plain(**left))
        for right in VALUES:
            assert (made(**left) == made(**right)) == (plain(**left) == plain(**right))
            assert (made(**left) != made(**right)) == (plain(**left) != plain(**right))
    assert made(name="a").__eq__(plain(name="a")) is NotImplemented
    assert made(name="a") != plain(name="a")


def test_a_record_with_order_sorts_as_its_dataclass() -> None:
    plain, made = _both(order=True)
    for left in VALUES[:4]:
        for right in VALUES[:4]:
            for name in ("__lt__", "__le__", "__gt__", "__ge__"):
                assert (getattr(made(**left), name)(made(**right))
                        == getattr(plain(**left), name)(plain(**right))), name
    with pytest.raises(TypeError):
        _ = made(name="a") < plain(name="a")


def test_a_record_is_a_frozen_dataclass() -> None:
    plain, made = _both()
    line = made(name="a")
    with pytest.raises(FrozenInstanceError):
        line.name = "b"  # type: ignore[attr-defined]
    assert replace(line, name="b") == made(name="b")
    assert [f.name for f in fields(made)] == [f.name for f in fields(plain)]
    assert made.__match_args__ == plain.__match_args__  # type: ignore[attr-defined]
    # Undocumented, its doc names the fields (dataclass's also gives their types, through
    # inspect); pydantic's schemas skip both alike, as they start with the class's name.
    assert made.__doc__ == "Line(name, amount, tags, note, cache)"
    assert plain.__doc__.startswith("Line(name: ")
    assert made.__eq__.__qualname__ == "Line.__eq__"


def test_a_record_keeps_the_methods_its_class_writes() -> None:
    @frozen_record
    class Own:
        value: int

        def __repr__(self) -> str:
            return "own"

        def __eq__(self, other: object) -> bool:
            return True

        def __hash__(self) -> int:
            return 7

    @frozen_record
    class EqOnly:  # noqa: PLW1641 - dataclass's rule for this case is what is tested
        value: int

        def __eq__(self, other: object) -> bool:
            return True

    assert (repr(Own(1)), Own(1) == Own(2), hash(Own(1))) == ("own", True, 7)
    assert (Own.__doc__, EqOnly.__doc__) == ("Own(value)", "EqOnly(value)")
    # As dataclass does: a class that writes only __eq__ still gets the fields' hash.
    assert (EqOnly(1) == EqOnly(2), hash(EqOnly(1))) == (True, hash((1,)))


def test_a_record_inside_itself_shows_as_dots() -> None:
    @frozen_record
    class Node:
        children: list[Any]

    node = Node([])
    node.children.append(node)
    assert repr(node) == f"{Node.__qualname__}(children=[...])"


def test_records_of_one_field_or_none_hash_their_tuple() -> None:
    @frozen_record
    class One:
        value: int

    @frozen_record
    class Empty:
        pass

    assert (hash(One(3)), hash(Empty())) == (hash((3,)), hash(()))
    assert (Empty() == Empty(), repr(Empty())) == (True, f"{Empty.__qualname__}()")


@frozen_record
class Pickled:
    """A documented record keeps its docstring."""

    value: int


def test_a_record_pickles() -> None:
    assert pickle.loads(pickle.dumps(Pickled(2))) == Pickled(2)
    assert Pickled.__doc__ == "A documented record keeps its docstring."


def test_a_mutable_record_is_a_dataclass_that_does_not_hash() -> None:
    plain = dataclass(type("State", (), {"__annotations__": {"rows": "list[int]", "n": "int"},
                                          "n": 0, "__module__": __name__}))
    made = mutable_record(type("State", (), {"__annotations__": {"rows": "list[int]", "n": "int"},
                                             "n": 0, "__module__": __name__}))
    state = made([1])
    state.n = 2
    assert (repr(state), repr(made([]))) == (repr(plain([1], 2)), repr(plain([])))
    assert (state == made([1], 2), state != made([1])) == (True, True)
    assert (made.__hash__, plain.__hash__) == (None, None)
    assert made.__dataclass_params__.frozen is False  # type: ignore[attr-defined]
