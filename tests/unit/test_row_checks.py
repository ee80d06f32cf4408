"""`Ledger.check_rows` (domain/row_checks.py) gives, for any mix of good rows, bad rows and
rows of no known type, what validating each row with pydantic alone gives: the same
commands in row order, the same problems in the same order and words, and the ids a
refused hire or department would have defined (so later rows do not cascade)."""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from domain.application import Ledger
from domain.batch_rules import problems_from_validation
from domain.errors import Problem
from domain.events import COMMANDS_BY_TYPE
from domain.strict_input import window_context
from tests.unit.test_command_checking import ODD_VALUES, ROWS, assert_same

WINDOW = (date(2000, 1, 1), date(2099, 12, 31))
ODD_TYPES: list[Any] = ["no_such_command", None, 7, ["record_score"]]
BY_TYPE = {row["type"]: row for row in ROWS}
FIELDS = sorted({name for row in ROWS for name in row if name != "type"})


def by_pydantic(rows: list[tuple[str, dict[str, Any]]]
                ) -> tuple[list[tuple[str, BaseModel]], list[Problem], frozenset[str]]:
    """What check_rows must give: each row validated by pydantic, on its own."""
    context = window_context(WINDOW)
    commands: list[tuple[str, BaseModel]] = []
    problems: list[Problem] = []
    pending: set[str] = set()
    for where, row in rows:
        kind = row.get("type")
        model = COMMANDS_BY_TYPE.get(kind) if isinstance(kind, str) else None
        if model is None:
            problems.append(Problem(where, "type", f"unknown command type {kind!r}; "
                                    "`jixiao schema` lists them"))
            continue
        try:
            commands.append((where, model.model_validate(dict(row), context=context)))
        except ValidationError as error:
            problems += problems_from_validation(where, error)
            if kind in ("hire_employee", "define_department"):
                pending.update(str(row[name]) for name in ("employee_id", "department_id")
                               if isinstance(row.get(name), str))
    return commands, problems, frozenset(pending)


@st.composite
def rows(draw: st.DrawFn) -> dict[str, Any]:
    """A fixture row, as it is or with one field changed or dropped, or a row of an odd
    type."""
    if draw(st.integers(0, 9)) == 0:
        return {"type": draw(st.sampled_from(ODD_TYPES)), "employee_id": "E1"}
    row = dict(draw(st.sampled_from(sorted(BY_TYPE.values(), key=lambda r: r["type"]))))
    change = draw(st.integers(0, 3))
    name = draw(st.sampled_from(FIELDS))
    if change == 1:
        row[name] = draw(st.sampled_from(ODD_VALUES))
    elif change == 2:
        row.pop(name, None)
    return row


@settings(max_examples=150, deadline=None)
@given(st.lists(rows(), max_size=40))
def test_check_rows_gives_what_pydantic_gives_row_by_row(batch: list[dict[str, Any]]) -> None:
    numbered = [(f"line {n}", row) for n, row in enumerate(batch, 1)]
    commands, problems, pending = Ledger.check_rows(numbered, WINDOW)
    expected_commands, expected_problems, expected_pending = by_pydantic(numbered)
    assert [where for where, _ in commands] == [where for where, _ in expected_commands]
    for (_, fast), (_, slow) in zip(commands, expected_commands, strict=True):
        assert_same(fast, slow)
    assert problems == expected_problems
    assert pending == expected_pending


def test_a_refused_hire_and_department_name_their_ids() -> None:
    hire = {**BY_TYPE["hire_employee"], "employee_id": "E77", "hired_on": "2026-13-01"}
    department = {**BY_TYPE["define_department"], "department_id": "D77", "kind": "nope"}
    score = {**BY_TYPE["record_score"], "points": "x"}  # refused: names no id
    _, problems, pending = Ledger.check_rows(
        [("a", hire), ("b", department), ("c", score)], WINDOW)
    assert {problem.where for problem in problems} == {"a", "b", "c"}
    assert pending >= {"E77", "D77"}
