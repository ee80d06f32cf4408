"""The fast check of rows into commands (domain/command_checking.py) is pydantic's
validation, never looser: every command it builds is the one pydantic builds, down to the
value types and the fields set, and every row pydantic refuses it hands back to pydantic
(which words the error as always)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from domain.application import Ledger
from domain.command_checking import (
    COMPILE_AFTER,
    SHAPES_MAX,
    CommandChecker,
    _Code,
    command_checker,
)
from domain.events import COMMANDS_BY_TYPE
from domain.stored_decoding import NotFast
from domain.strict_input import window_context

TESTS = Path(__file__).resolve().parents[1]
CONTEXT = window_context((date(2000, 1, 1), date(2099, 12, 31)))


def fixture_rows() -> list[dict[str, Any]]:
    rows = []
    for path in sorted(TESTS.rglob("*.jsonl")):
        for text in path.read_text(encoding="utf-8").splitlines():
            line = text.strip()
            if line and not line.startswith("#"):
                row = json.loads(line)
                if isinstance(row, dict) and row.get("type") in COMMANDS_BY_TYPE:
                    rows.append(row)
    return rows


ROWS = fixture_rows()
ODD_VALUES = ["", " 1", "1 ", "１２", "1e5", "1_000", 3.0, True, None, [], {}, "x" * 501,
              -1, 0, 10**20, "2026-02-30", "2026-Q5", "E\n1", "Ｅ0001", "12.50", "-3",
              "00000000-0000-0000-0000-000000000000", {"sick": "1"}]


def assert_same(fast: BaseModel, slow: BaseModel) -> None:
    assert type(fast) is type(slow)
    assert list(fast.__dict__) == list(slow.__dict__)
    for name, value in slow.__dict__.items():
        assert type(fast.__dict__[name]) is type(value), name
        assert fast.__dict__[name] == value, name
    assert fast.model_fields_set == slow.model_fields_set
    assert fast.model_dump_json() == slow.model_dump_json()


# This module's own checkers: compiling the process-wide ones here would leave every
# later test in the worker with no loop to go through.
CHECKERS: dict[type[BaseModel], CommandChecker] = {}


def compare(row: dict[str, Any], memos: dict[Any, Any]) -> str:
    model = COMMANDS_BY_TYPE[row["type"]]
    try:
        slow = model.model_validate(dict(row), context=CONTEXT)
    except ValidationError:
        slow = None
    if command_checker(model) is None:
        return "pydantic"
    checker = CHECKERS.get(model) or CHECKERS.setdefault(model, CommandChecker(model))
    # Both ways a type's rows are checked (its first rows by the loop, the rest by the
    # generated function): each on memos of its own, which they must fill alike, then
    # each with the memos as the other left them.
    alone: tuple[dict[Any, Any], dict[Any, Any]] = ({}, {})
    outcomes = {checked_as(checker.loop, row, slow, alone[0]),
                checked_as(checker.compiled(), row, slow, alone[1])}
    assert alone[0] == alone[1], f"the loop and the generated check memoise {row} apart"
    outcomes |= {checked_as(check, row, slow, memos)
                 for check in (checker.loop, checker.compiled(), checker.loop)}
    # The check generated for rows with exactly this row's keys, of a checker of its own
    # (each checker makes one, for the keys of the row it is made at).
    shape = (model, frozenset(row))
    shaped = SHAPED.get(shape) or SHAPED.setdefault(shape, CommandChecker(model))
    own: tuple[dict[Any, Any], dict[Any, Any]] = ({}, {})
    outcomes |= {checked_as(shaped.loop, row, slow, own[0]),
                 checked_as(shaped.compiled_for(row), row, slow, own[1]),
                 checked_as(shaped.compiled_for(row), row, slow, memos)}
    assert own[0] == own[1], f"the loop and the shaped check memoise {row} apart"
    assert len(outcomes) == 1, f"the loop and the generated checks differ on {row}"
    return outcomes.pop()


SHAPED: dict[tuple[type[BaseModel], frozenset[str]], CommandChecker] = {}


def checked_as(check: Any, row: dict[str, Any], slow: BaseModel | None,
               memos: dict[Any, Any]) -> str:
    try:
        fast = check(row, CONTEXT, memos)
    except NotFast:
        return "declined"
    assert slow is not None, f"the fast check accepted a row pydantic refuses: {row}"
    assert_same(fast, slow)
    return "fast"


def test_the_fixture_rows_check_alike_and_most_take_the_fast_path() -> None:
    memos: dict[Any, Any] = {}
    outcomes = [compare(row, memos) for row in ROWS + ROWS]  # twice: memo hits too
    assert len({row["type"] for row in ROWS}) >= 20
    assert outcomes.count("fast") > len(outcomes) / 2


def test_every_field_of_every_kind_given_odd_values_is_checked_as_pydantic_checks_it(
        ) -> None:
    """One fixture row per command type; each of its model's fields set to each odd value
    in turn, and left out, after the original row has filled the memo."""
    by_type = {row["type"]: row for row in ROWS}
    declined = 0
    for row in by_type.values():
        memos: dict[Any, Any] = {}
        compare(row, memos)
        for name in [*COMMANDS_BY_TYPE[row["type"]].model_fields, "unknown_field"]:
            if name == "type":
                continue
            dropped = {key: value for key, value in row.items() if key != name}
            outcomes = [compare(dropped, memos)] + [
                compare({**row, name: value}, memos) for value in ODD_VALUES]
            declined += outcomes.count("declined")
    assert declined > 0


@pytest.mark.parametrize("row", [
    {"type": "record_deduction", "period": "2026-Q1", "employee_id": "E1", "kind": "late",
     "count": "0"},
    {"type": "record_deduction", "period": "2026-Q1", "employee_id": "E1", "kind": "late",
     "supersedes": "00000000-0000-0000-0000-000000000001"},
    {"type": "record_attendance", "period": "2026-Q1", "employee_id": "E1",
     "scheduled_days": "2", "absence_days": {"sick": "3"}},
])
def test_a_bad_row_is_refused_with_pydantic_s_words(row: dict[str, Any]) -> None:
    _, problems, _ = Ledger.check_rows([("line 1", row)])
    with pytest.raises(ValidationError) as error:
        COMMANDS_BY_TYPE[row["type"]].model_validate(dict(row), context=CONTEXT)
    assert len(problems) == len(error.value.errors()) >= 1
    assert all(problem.where == "line 1" for problem in problems)


def test_a_date_accepted_under_one_day_window_is_checked_again_under_another() -> None:
    row = {"type": "define_department", "department_id": "internal", "name": "内科",
           "kind": "clinical", "risk_coefficient": "1", "effective_on": "2026-01-01"}
    wide = (date(2000, 1, 1), date(2099, 12, 31))
    narrow = (date(2027, 1, 1), date(2027, 12, 31))
    assert Ledger.check_rows([("line 1", row)], wide)[1] == []
    _, problems, _ = Ledger.check_rows([("line 1", row)], narrow)
    assert [(p.field, "outside" in p.reason) for p in problems] == [("effective_on", True)]


CODE_VALUES = ["E0001", "Ｅ0001", "张三", "e.1-x_y", "_E1", "-E1", ".E", "E 1", "E0001\n",
               "\nE1", "a" * 64, "a" * 65, "Ｅ" * 65, "١٢٣", "²", "x²", "½", "é", "e\u0301",
               "\u0301e", "ǅ", "", "E\u200d1", "ｶﾞ", b"E1", 1, None]


def test_ids_are_checked_as_pydantic_checks_them_ascii_by_the_ascii_reading() -> None:
    """Code fields (ids, kinds, items) take the pattern's ASCII reading for ASCII texts
    and the field's own validators for the rest: the same commands as pydantic, refusals
    left to pydantic, whichever comes first into the memo."""
    by_type = {row["type"]: row for row in ROWS}
    checked = fast = 0
    for kind, row in by_type.items():
        checker = command_checker(COMMANDS_BY_TYPE[kind])
        if checker is None:
            continue
        for name, field, _ in checker.fields:
            if not isinstance(field, _Code):
                continue
            for values in (CODE_VALUES, CODE_VALUES[::-1]):
                memos: dict[Any, Any] = {}
                for value in values:
                    checked += 1
                    fast += compare({**row, name: value}, memos) == "fast"
    assert checked > 500
    assert fast > checked / 4


def test_fields_of_equal_annotations_share_one_memo_across_commands() -> None:
    """A batch names each employee in its hires, scores and deductions: the id is checked
    once, not once per command type; a field of another annotation keeps its own memo."""
    # The memo is per annotation: Code's holds employees, departments and items alike.
    hire = command_checker(COMMANDS_BY_TYPE["hire_employee"])
    score = command_checker(COMMANDS_BY_TYPE["record_score"])
    assert hire is not None
    assert score is not None
    names = [name for name, _, _ in hire.fields], [name for name, _, _ in score.fields]
    employee = (hire.memo_keys[names[0].index("employee_id")],
                score.memo_keys[names[1].index("employee_id")])
    assert employee[0] == employee[1]
    assert score.memo_keys[names[1].index("period")] not in hire.memo_keys
    memos: dict[Any, Any] = {}
    compare({"type": "hire_employee", "employee_id": "e1", "name": "E", "department_id": "d",
             "title_grade": "senior", "hired_on": "2020-01-01"}, memos)
    shared = memos[employee[0]]  # every Code field's: ids, departments, title grades
    assert shared["e1"] == "e1"
    before = dict(shared)
    assert compare({"type": "record_score", "period": "2026-Q1", "employee_id": "e1",
                    "item": "quantity", "points": "3"}, memos) == "fast"
    assert {key: shared[key] for key in before} == before  # found where the hire left it


def test_a_type_s_first_rows_are_looped_and_the_rest_go_to_the_generated_check() -> None:
    """Compiling a type's check costs more than looping over its few rows: it is made at
    the COMPILE_AFTER-th row past the first ones, and a check looked up before then (a
    batch looks each type's up once) hands on to it."""
    checker = CommandChecker(COMMANDS_BY_TYPE["record_score"])
    row = {"type": "record_score", "period": "2026-Q1", "employee_id": "E1",
           "item": "quantity", "points": "3"}
    held = checker.check
    memos: dict[Any, Any] = {}
    firsts = [held(row, CONTEXT, memos) for _ in range(COMPILE_AFTER)]
    assert checker._compiled is None
    after = held(row, CONTEXT, memos)
    assert checker._compiled is not None
    assert checker.check is checker._compiled
    slow = COMMANDS_BY_TYPE["record_score"].model_validate(row, context=CONTEXT)
    for command in [*firsts, after, checker(row, CONTEXT, memos)]:
        assert_same(command, slow)


def test_rows_with_other_keys_than_the_shaped_check_s_are_checked_as_pydantic_checks_them(
        ) -> None:
    """The generated check is made for the keys of the row it is made at (a file's rows
    of a type come in a few shapes); a row with other keys (one more, one fewer, as many
    but another, an unknown one, not a dict) goes to the loop, then to a check made for
    its own keys, up to SHAPES_MAX of them, then to the general check, and is checked as
    pydantic checks it all along."""
    model = COMMANDS_BY_TYPE["record_score"]
    checker = CommandChecker(model)
    base = {"type": "record_score", "period": "2026-Q1", "employee_id": "E1",
            "item": "quantity", "points": "3", "reason": "why"}
    shaped = checker.compiled_for(base)
    assert checker.check is shaped
    assert checker._general is None
    fewer = {key: value for key, value in base.items() if key != "reason"}
    others: list[Any] = [{**base, "rule_ref": "R1"}, fewer, {**fewer, "rule_ref": "R1"},
                         {**fewer, "points": None}, {**base, "colour": "red"},
                         MappingProxyType(base), {**base, "reason": ""}]
    memos: dict[Any, Any] = {}
    outcomes = set()
    for row in [base, *others] * ((SHAPES_MAX + 1) * (COMPILE_AFTER + 1) // len(others) + 1):
        try:
            slow = model.model_validate(dict(row), context=CONTEXT)
        except ValidationError:
            slow = None
        outcomes.add((len(row), checked_as(shaped, row, slow, memos)))
    assert checker._general is not None  # past the loop, the general check took them
    assert {outcome for _, outcome in outcomes} == {"fast", "declined"}


def test_a_type_makes_at_most_shapes_max_shaped_checks_then_the_general_one(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Each shaped check is compiled code kept for the process (a server's): a type whose
    rows come in more key sets than SHAPES_MAX gets no more of them, the general check
    takes the rest, and every row is still checked as pydantic checks it."""
    made: list[frozenset[str]] = []
    compile_shape = CommandChecker._compile_shape

    def counted(self: CommandChecker, row: Any, other: Any) -> Any:
        made.append(frozenset(row))
        return compile_shape(self, row, other)

    monkeypatch.setattr(CommandChecker, "_compile_shape", counted)
    model = COMMANDS_BY_TYPE["record_score"]
    checker = CommandChecker(model)
    base = {"type": "record_score", "period": "2026-Q1", "employee_id": "E1",
            "item": "quantity", "points": "3"}
    optional = ["reason", "rule_ref", "evidence_ref", "idempotency_key"]
    shapes = [base, *({**base, name: "x"} for name in optional),
              *({**base, name: "x", "reason": "why"} for name in optional[1:])]
    assert len(shapes) > SHAPES_MAX + 2
    memos: dict[Any, Any] = {}
    for row in shapes:
        slow = model.model_validate(dict(row), context=CONTEXT)
        for _ in range(COMPILE_AFTER + 1):
            assert checked_as(checker, row, slow, memos) == "fast"
    assert len(made) == len(set(made)) == SHAPES_MAX
    assert checker._general is not None
