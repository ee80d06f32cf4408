"""A department head's entry grid (issue 12): one row a person of their department, one
column an entered item of the scheme (and the scheduled days of attendance); a preview of
the effect on the department before anything is saved, and the save itself. The grid's
cells become ordinary `record_score` / `record_attendance` rows, checked and recorded by
the same code as `jixiao apply` and the API; a changed cell supersedes the entry it
replaces."""

from __future__ import annotations

from datetime import date
from typing import Any

from api.usecases.access import check_writes, current_department, require_department
from api.usecases.imports import _scheme_document
from api.usecases.ledger import ApplyResult, Batch, apply_batch, what_if
from api.usecases.payslip import department_name
from api.usecases.ports import Caller, Workspace, parse_period, today_utc
from api.usecases.queries import list_employees
from domain.errors import ForbiddenError, RejectedError
from domain.facts import Facts
from domain.records import frozen_record
from projections.diff import diff_statements

ATTENDANCE = "scheduled_days"  # the grid's column for attendance
DEDUCTION = "deduction:"  # a cell `deduction:<kind>` adds that many occurrences of a kind


@frozen_record
class Cell:
    employee_id: str
    column: str  # an entered item, or ATTENDANCE
    value: str


def _current(facts: Facts, period: str) -> dict[tuple[str, str], tuple[str, str]]:
    """(employee, column) → (value, entry id) of the live entries of the period."""
    found: dict[tuple[str, str], tuple[str, str]] = {}
    for event in facts.live.values():
        if getattr(event, "period", None) != period:
            continue
        kind = type(event).__name__
        if kind == "ScoreRecorded":
            key = (event.employee_id, event.item)  # type: ignore[attr-defined]
            found[key] = (str(event.points), str(event.originator_id))  # type: ignore[attr-defined]
        elif kind == "AttendanceRecorded":
            key = (event.employee_id, ATTENDANCE)  # type: ignore[attr-defined]
            found[key] = (str(event.scheduled_days),  # type: ignore[attr-defined]
                          str(event.originator_id))
    return found


def entry_grid(ws: Workspace, caller: Caller, period: str, department_id: str,
               today: date | None = None) -> dict[str, Any]:
    """The grid of one department and period as recorded now."""
    facts = ws.facts()
    if caller.user is not None:
        require_department(caller.user, facts, department_id)
    parse_period(period)
    people = [p for p in list_employees(ws, caller, today or today_utc())
              if p["department_id"] == department_id and p["left_on"] is None]
    items = _entered_items(facts)
    current = _current(facts, period)
    columns = [*items, ATTENDANCE]
    deductions = _deductions(facts, period)
    # Departments by the names people know them by (as defined at the period's end).
    choices = (sorted(caller.user.department_ids) if caller.user is not None
               else facts.department_ids())
    return {"period": period, "department_id": department_id,
            "department_name": department_name(ws, department_id, period),
            "department_choices": [{"id": d, "name": department_name(ws, d, period)}
                                   for d in choices],
            "columns": columns,
            "deduction_kinds": counted_deduction_kinds(facts),
            "rows": [{"employee_id": p["employee_id"], "name": p["name"],
                      "cells": {c: current.get((p["employee_id"], c), ("", ""))[0]
                                for c in columns},
                      "deductions": deductions.get(p["employee_id"], [])} for p in people]}


def counted_deduction_kinds(facts: Facts) -> list[str]:
    """The scheme's deduction kinds that a count alone records (not those that need the
    minutes late or a discretionary number of points: the import takes those)."""
    kinds = _scheme_document(facts).get("deductions", {})
    return [kind for kind, rule in kinds.items() if isinstance(rule, dict)
            and not rule.get("minute_bands") and not rule.get("discretionary")]


def _deductions(facts: Facts, period: str) -> dict[str, list[dict[str, Any]]]:
    """employee → the live deductions of the period (kind and count), in recorded order."""
    found: dict[str, list[dict[str, Any]]] = {}
    for event in facts.live.values():
        if type(event).__name__ == "DeductionRecorded" and \
                getattr(event, "period", None) == period:
            found.setdefault(event.employee_id, []).append(  # type: ignore[attr-defined]
                {"kind": event.kind, "count": event.count})  # type: ignore[attr-defined]
    return found


def _entered_items(facts: Facts) -> list[str]:
    """The items a department enters, in the scheme's order (the newest pay scheme)."""
    items = _scheme_document(facts).get("items", {})
    return [name for name, rule in items.items() if isinstance(rule, dict) and rule.get("entered")]


def _outside(facts: Facts, department_id: str, cells: list[Cell]) -> None:
    """The grid takes only its own people's cells: a cell of anyone else is refused before
    anything about that person (even whether they have an entry) is looked at."""
    today = today_utc()
    strangers = sorted({c.employee_id for c in cells
                        if current_department(facts, c.employee_id, today) != department_id})
    if strangers:
        raise ForbiddenError(f"{', '.join(strangers)}: not in the grid of department "
                             f"{department_id}")


def _rows(facts: Facts, period: str, cells: list[Cell], reason: str | None) -> Batch:
    current = _current(facts, period)
    rows: list[tuple[str, dict[str, Any]]] = []
    for cell in cells:
        before = current.get((cell.employee_id, cell.column))
        if (before is not None and before[0] == cell.value) or cell.value == "":
            continue  # unchanged, or left empty
        where = f"{cell.employee_id}.{cell.column}"
        if cell.column.startswith(DEDUCTION):  # always a new entry, never a replacement
            rows.append((where, {"type": "record_deduction", "period": period,
                                 "employee_id": cell.employee_id,
                                 "kind": cell.column.removeprefix(DEDUCTION),
                                 "count": cell.value}))
            continue
        if cell.column == ATTENDANCE:
            row: dict[str, Any] = {"type": "record_attendance", "period": period,
                                   "employee_id": cell.employee_id,
                                   "scheduled_days": cell.value}
        else:
            row = {"type": "record_score", "period": period, "employee_id": cell.employee_id,
                   "item": cell.column, "points": cell.value}
        if before is not None:
            row["supersedes"] = before[1]
            row["reason"] = reason
        rows.append((where, row))
    return Batch(rows)


PREVIEW_REASON = "preview"  # a correction's reason is asked for when saving, not to preview


def preview_entry(ws: Workspace, caller: Caller, period: str, department_id: str,
                  cells: list[Cell]) -> dict[str, Any]:
    """The department's people now and as if the changed cells were saved; nothing is
    written. Refused, like the save, for anyone outside the caller's departments."""
    facts = ws.facts()
    if caller.user is not None:
        require_department(caller.user, facts, department_id)
    _outside(facts, department_id, cells)
    batch = _rows(facts, period, cells, PREVIEW_REASON)
    commands, found, _ = ws.ledger.check_rows(batch.rows)
    if caller.user is not None:  # the caller's right first, as `apply_batch` checks it
        check_writes(caller.user, batch.rows, commands, facts, today_utc())
    if found:
        raise RejectedError(found)
    after = what_if(ws, caller, batch, facts) if batch.rows else facts
    report = diff_statements(parse_period(period), (facts, "now"), (after, "preview"))
    people = [r for r in report["people"] if r["department_id"] == department_id]
    departments = [r for r in report["departments"] if r["id"] == department_id]
    return {"period": period, "changes": len(batch.rows), "people": people,
            "departments": departments}


def save_entry(ws: Workspace, caller: Caller, period: str, department_id: str,
               cells: list[Cell], *, reason: str | None = None) -> ApplyResult:
    """Record the changed cells; a changed recorded value needs `reason`."""
    facts = ws.facts()
    if caller.user is not None:
        require_department(caller.user, facts, department_id)
    _outside(facts, department_id, cells)
    return apply_batch(ws, caller, _rows(facts, period, cells, reason))
