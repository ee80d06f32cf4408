"""domain/chunked_writes.py: the entry ids a later chunk's commands name (a correction's
target, a voided or contested entry) are found wherever a command holds one, so that the
plain entries of earlier chunks they name are folded in before the check."""

from __future__ import annotations

from uuid import UUID, uuid4

from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel

from domain.chunked_writes import _ids_in_commands


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
