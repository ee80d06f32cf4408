"""domain/chunked_writes.py: the entry ids a later chunk's commands name (a correction's
target, a voided or contested entry) are found wherever a command holds one, so that the
plain entries of earlier chunks they name are folded in before the check."""

from __future__ import annotations

from types import UnionType
from typing import Union, get_args, get_origin
from uuid import UUID, uuid4

from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel

from domain.chunked_writes import _ids_in_commands
from domain.events import COMMANDS_BY_TYPE


class _Named(BaseModel):
    target: UUID | None = None
    target_text: str = ""
    targets: list[UUID] = []
    pair: tuple[UUID, ...] = ()
    reason: str = ""
    count: int = 0


def test_ids_are_found_at_the_top_as_text_and_in_lists() -> None:
    one, two, three, four = (uuid4() for _ in range(4))
    command = _Named(target=one, target_text=str(two), targets=[three], pair=(four,),
                     reason="x" * 36, count=36)  # 36 characters, not an id
    assert _ids_in_commands([("line 1", command), ("line 2", _Named())]) == [
        one, two, three, four]


@given(st.lists(st.one_of(st.uuids(), st.text(min_size=30, max_size=40),
                          st.integers()), max_size=6))
def test_a_text_is_an_id_only_when_it_reads_as_one(values: list[object]) -> None:
    commands = [(f"line {n}", _Named(target=v) if isinstance(v, UUID) else
                 _Named(target_text=v) if isinstance(v, str) else _Named(count=v))
                for n, v in enumerate(values)]
    expected = []
    for value in values:
        if isinstance(value, UUID):
            expected.append(value)
        elif isinstance(value, str) and len(value) == 36:
            try:
                expected.append(UUID(value))
            except ValueError:
                pass
    assert _ids_in_commands(commands) == expected


def _holds_an_id(annotation: object) -> bool:
    return annotation is UUID or any(_holds_an_id(arg) for arg in get_args(annotation))


def test_every_command_field_that_can_hold_an_id_is_where_the_search_looks() -> None:
    """The search reads a command's fields at the top and in lists or tuples of ids; a
    command type given an id inside a nested model or a mapping must fail here, not go
    unsearched (its target would not be folded in before the check)."""
    holding = set()
    for name, model in COMMANDS_BY_TYPE.items():
        for field, info in model.model_fields.items():
            annotation = info.annotation
            if not _holds_an_id(annotation):
                continue
            holding.add(field)
            shapes = {get_origin(arg) for arg in (annotation, *get_args(annotation))}
            assert shapes <= {None, Union, UnionType, list, tuple}, (name, field, annotation)
            for arg in get_args(annotation):
                for inner in get_args(arg):
                    assert inner in (UUID, Ellipsis), (name, field, annotation)
    assert {"supersedes", "target_id", "contested_entry_id"} <= holding
