"""A computation's result and the figures it wrote, remembered beside the facts.

Used for the department level of a quarter (`projections.payout.department_memo`,
`projections.department_scores`): each step runs once on a scratch ledgerbook that reads
the run's book for what the step reads (`ReadThrough`), and a later run with the same
inputs attaches the figures it wrote as written (`Ledgerbook.attach`), so that the
figures, in their order, and every explanation are the ones a computation gives. The key
must hold every input: events and the scheme by identity (kept alive with the result),
figures read from the run's book by value.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from domain.facts import Facts
from projections.figure_tree import figure_subject
from projections.figures import Figure, Ledgerbook
from projections.memo import memo_of

T = TypeVar("T")


class ReadThrough(Ledgerbook):
    """A scratch book for one remembered step: it keeps only the figures the step writes
    and reads the run's book for the others."""

    __slots__ = ("_through",)

    def __init__(self, through: Ledgerbook) -> None:
        super().__init__()
        self._through = through

    def get(self, key: str) -> Figure | None:
        own = super().get(key)
        return self._through.get(key) if own is None else own


def remembered(facts: Facts, name: str, key: Hashable, *, kept: Any, book: Ledgerbook,
               compute: Callable[[Ledgerbook], T]) -> T:
    """`compute(book)`, or its remembered result with its figures attached to `book`.
    `kept`: what the key names by identity, kept alive with the result."""
    memo: dict[Hashable, tuple[T, dict[str, Figure], tuple[str, ...], Any]] = (
        memo_of(facts).setdefault(name, {}))
    known = memo.get(key)
    if known is None:
        scratch = ReadThrough(book)
        result = compute(scratch)
        written = scratch.figures
        subjects = tuple(dict.fromkeys(map(figure_subject, written)))
        known = memo[key] = (result, written, subjects, kept)
    book.attach(known[1], known[2])
    return known[0]
