"""A department's split among its people, memoised under all of its inputs.

`split_department_pay` is a pure function of the department's settled line, its members'
scores (in order) and the scheme, and writes only its own figures. A what-if that moves
one person moves one department's split: the others are taken from the memo, their
figures attached to the new ledgerbook as written (`Ledgerbook.attach`), so the
statement, its figures and every explanation are the ones a full recomputation gives
(tests/properties/test_incremental_whatif.py compares the two). Kept beside the facts
(`memo_of`) and carried into a what-if's facts like the individual scores
(`projections.whatif.carry_over`): the key holds every input, so it cannot go stale. A
new process's what-if takes the splits the stored statement made with the same inputs
(`projections.payout.seeded_splits`).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from domain.facts import Facts
from domain.scheme import Scheme
from projections.figures import Figure, Ledgerbook
from projections.memo import memo_of
from projections.payout.department import split_department_pay
from projections.payout.seeded_splits import split_from_store
from projections.payout.statement import DepartmentLine
from projections.scoring import PersonScore

DEPARTMENT_SPLITS = "department_splits"

# (the result, the figures it wrote with their subjects, the members the key names by
# identity, kept alive).
Split = tuple[tuple[DepartmentLine, dict[str, Decimal]],
              tuple[Mapping[str, Figure], tuple[str, ...]], tuple[PersonScore, ...]]


def split_memoised(facts: Facts, line: DepartmentLine, members: list[PersonScore],
                   scheme: tuple[Scheme, str],
                   book: Ledgerbook) -> tuple[DepartmentLine, Mapping[str, Decimal]]:
    """`split_department_pay`, or its remembered result and figures for these inputs.
    `scheme` is the scheme and its SHA-256 (computed once per run: it hashes the whole
    scheme's canonical JSON)."""
    memo: dict[Any, Split] = memo_of(facts).setdefault(DEPARTMENT_SPLITS, {})
    # Members by identity: a what-if's unchanged people are the very scores memoised
    # before it (projections.scoring), and hashing every score's fractions was most of
    # a what-if's split stage. Equal scores in other objects only miss the memo.
    key = (line, tuple(map(id, members)), scheme[0].key, scheme[1])
    known = memo.get(key)
    stored = None if known is not None else split_from_store(facts, line, members, scheme)
    if stored is not None:
        (settled_line, stored_shares), figures = stored
        known = memo[key] = ((settled_line, stored_shares), (figures, _subjects(line, members)),
                             tuple(members))
    if known is None:
        # Written apart and attached (Ledgerbook.attach): the split reads no other figure.
        scratch = Ledgerbook()
        result = split_department_pay(line, members, scheme[0], scratch)
        known = memo[key] = ((result[0], dict(result[1])),
                             (scratch.figures, _subjects(line, members)),
                             tuple(members))
    (settled, shares), (written, subjects), _ = known
    book.attach(written, subjects)
    return settled, shares  # the remembered shares themselves: read, never changed


def _subjects(line: DepartmentLine, members: list[PersonScore]) -> tuple[str, ...]:
    """The subjects of a split's figures (`Ledgerbook.attach`)."""
    return (f"dept:{line.department_id}", *(f"person:{m.employee_id}" for m in members))
