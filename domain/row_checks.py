"""Checking a batch's raw rows into commands (`Ledger.check_rows`): every problem at once.

Each row goes first to its command type's fast check (domain/command_checking.py), which
never refuses: a row it does not take is validated by pydantic, which takes it or words
every problem as it always has.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

from domain.batch_rules import problems_from_validation
from domain.command_checking import command_checker, memos_for
from domain.errors import Problem
from domain.events import command_model
from domain.facts import cycle_collection_paused
from domain.stored_decoding import NotFast

Kind = tuple[type[BaseModel], Callable[..., BaseModel] | None]


def check_rows(
    rows: Sequence[tuple[str, Mapping[str, Any]]], context: dict[str, Any]
) -> tuple[list[tuple[str, BaseModel]], list[Problem], frozenset[str]]:
    """(valid commands, problems of the others, ids the invalid rows would define), the
    rows validated with `context` (`window_context` of the ledger's day window)."""
    problems: list[Problem] = []
    commands: list[tuple[str, BaseModel]] = []
    pending: set[str] = set()
    memos = memos_for(context)
    # type text → (its model, its fast check or None), asked once a type, not per row.
    kinds: dict[Any, Kind] = {}
    add = commands.append
    with cycle_collection_paused():  # validation makes no cycles worth a pass
        for where, row in rows:
            kind = row.get("type")
            known = kinds.get(kind) if type(kind) is str else None
            if known is None:
                known = _command_kind(kind)
                if known is None:
                    problems.append(Problem(where, "type", f"unknown command type {kind!r}; "
                                            "`jixiao schema` lists them"))
                    continue
                kinds[kind] = known
            model, fast = known
            if fast is not None:
                try:  # pydantic's validation below decides (and words) any refusal
                    add((where, fast(row, context, memos)))
                    continue
                except NotFast:
                    pass
            command, found = _validated(where, row, model, context)
            if command is not None:
                add((where, command))
            else:
                problems += found
                pending.update(_pending_ids(row))
    return commands, problems, frozenset(pending)


def _validated(where: str, row: Mapping[str, Any], model: type[BaseModel],
               context: dict[str, Any]) -> tuple[BaseModel | None, list[Problem]]:
    """pydantic's validation of a row: its command, or its problems."""
    try:
        return model.model_validate(dict(row), context=context), []
    except ValidationError as error:
        return None, problems_from_validation(where, error)


def _pending_ids(row: Mapping[str, Any]) -> list[str]:
    """The ids a refused hire or department would have defined: later rows naming them
    are not told of an unknown employee or department as well."""
    if row.get("type") not in ("hire_employee", "define_department"):
        return []
    return [str(row[field]) for field in ("employee_id", "department_id")
            if isinstance(row.get(field), str)]


def _command_kind(kind: object) -> Kind | None:
    """A row's command model and its fast check (None: pydantic checks it), or None for a
    type no command has."""
    model = command_model(kind) if isinstance(kind, str) else None
    if model is None:
        return None
    fast = command_checker(model)
    return model, (fast.check if fast is not None else None)
