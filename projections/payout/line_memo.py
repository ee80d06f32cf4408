"""The statement's person lines and their order, memoised under all of their inputs.

A province's statement has 100,000 person lines, sorted by department and id; building
and sorting them took about 0.7 s of every what-if, which moves one person's line. A
line is a pure function of the person's score and their three amounts, and the order a
pure function of the people: each is remembered beside the facts (people by identity:
the scores are themselves memoised, `projections.scoring`, and kept alive here) and
carried into a what-if's facts like the scores (`projections.whatif.carry_over`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from operator import attrgetter
from typing import Any

from domain.facts import Facts
from domain.money import ZERO
from projections.memo import memo_of
from projections.payout.statement import PersonLine
from projections.scoring import PersonScore

PERSON_LINES = "person-lines"
LAST_ORDER = "last-line-order"  # (the people last ordered, kept alive; their order)
_place = attrgetter("department_id", "employee_id")
LINE_ORDERS = "line-orders"


def in_line_order(facts: Facts, people: Sequence[PersonScore]) -> list[PersonScore]:
    """`people` sorted by department, then id: the statement's order."""
    last = memo_of(facts).get(LAST_ORDER)
    if last is not None and last[0] is people:  # the pay stage's, asked again to reconcile
        return last[1]  # type: ignore[no-any-return]
    memo: dict[tuple[tuple[str, str], ...], list[int]] = memo_of(facts).setdefault(
        LINE_ORDERS, {})
    # Keyed by what the order depends on, not by the people: a what-if's rescored person
    # is a new object in the same place.
    key = tuple(map(_place, people))
    order = memo.get(key)
    if order is None:
        order = memo[key] = sorted(range(len(key)), key=key.__getitem__)
    ordered = [people[at] for at in order]
    memo_of(facts)[LAST_ORDER] = (people, ordered)
    return ordered


def person_lines(facts: Facts, ordered: Sequence[PersonScore], pay: Mapping[str, Decimal],
                 post_bonus: Mapping[str, Decimal],
                 study_leave: Mapping[str, Decimal]) -> tuple[PersonLine, ...]:
    """One line per person, in the order given."""
    memo: dict[tuple[int, ...], tuple[Any, PersonLine]] = (
        memo_of(facts).setdefault(PERSON_LINES, {}))
    lines: list[PersonLine] = []
    append, get = lines.append, memo.get
    pay_of, bonus_of, leave_of = pay.get, post_bonus.get, study_leave.get
    for person in ordered:
        employee_id = person.employee_id
        amounts = (pay_of(employee_id, ZERO), bonus_of(employee_id, ZERO),
                   leave_of(employee_id, ZERO))
        # The amounts by identity too (kept alive with the line): an unchanged department's
        # shares are the very amounts its memoised split gave (split_memo), and formatting
        # 300,000 amounts to key them by text was most of this loop. Most people have no
        # post bonus and no study-leave pay (ZERO): a shorter key.
        key = ((id(person), id(amounts[0])) if amounts[1] is ZERO and amounts[2] is ZERO
               else (id(person), *map(id, amounts)))
        known = get(key)
        if known is None:
            line = PersonLine(employee_id, person.name, person.department_id, person.category,
                              "paid" if person.participates else "excluded", person.reason,
                              person.score, person.ratio, person.points, *amounts)
            known = memo[key] = ((person, amounts), line)
        append(known[1])
    return tuple(lines)
