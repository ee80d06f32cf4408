"""The write side of the HTTP API: commands in, events out, all or nothing.

A request's rows (one command, or a JSON array) are parsed and checked by the ledger
itself (`Ledger.check_rows`, `Ledger.record`), so every problem comes back named by row
and field, exactly as `jixiao apply` names them by line. Before anything is checked
against the ledger's rules the caller's right to write each row is checked; a request
with any forbidden row is refused whole (403). The authenticated user id is the actor
of every event. An `Idempotency-Key` becomes the command's `idempotency_key` (row `i`
of a batch gets `<key>:<i>`), so a retry returns the first result and records nothing.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from uuid import uuid5

from pydantic import BaseModel

from api.http.access import check_writes
from api.storage.chain import chain_head_at
from api.http.present import event_json
from api.http.runtime import Backend
from domain.application import IDEMPOTENCY_NAMESPACE
from domain.errors import ConflictError, InvalidRequestError, Problem, RejectedError
from domain.events import ClosePeriod, LedgerEvent, PeriodClosed
from domain.facts import Facts
from domain.periods import Period
from domain.users import User, user_problems
from projections.restatement import statement_for, statement_sha256

Rows = list[tuple[str, dict[str, Any]]]


@dataclass(frozen=True)
class CommandResult:
    events: list[dict[str, Any]]
    replayed: bool  # every event was already recorded: an idempotent retry

    def to_json(self) -> dict[str, Any]:
        return {"events": self.events}


def today_utc() -> date:
    return datetime.now(UTC).date()


# ---------------------------------------------------------------------------- parsing


def parse_json(raw: bytes) -> Any:
    """JSON with exact numbers: a fraction stays the decimal text it was written as."""
    try:
        text = raw.decode("utf-8-sig")
        return json.loads(text, parse_float=lambda s: s, parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError) as error:
        raise RejectedError([Problem("body", "", f"not valid JSON: {error}")]) from None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number here")


def single_rows(body: Any, key: str | None) -> Rows:
    if not isinstance(body, dict):
        raise RejectedError([Problem("body", "", "a command is a JSON object with a type; "
                                     "send a JSON array to POST /commands/batch")])
    return _keyed([("body", body)], key, single=True)


def batch_rows(body: Any, key: str | None, rows_max: int) -> Rows:
    if not isinstance(body, list):
        raise RejectedError([Problem("body", "", "a batch is a JSON array of commands")])
    if not body:
        raise RejectedError([Problem("body", "", "the batch is empty")])
    if len(body) > rows_max:
        raise RejectedError([Problem("body", "", f"at most {rows_max} commands per batch; "
                                     "split the batch")])
    problems = [Problem(f"row {i}", "", "each row must be a JSON object")
                for i, row in enumerate(body) if not isinstance(row, dict)]
    if problems:
        raise RejectedError(problems)
    return _keyed([(f"row {i}", row) for i, row in enumerate(body)], key, single=False)


def _keyed(rows: Rows, key: str | None, *, single: bool) -> Rows:
    """The header's key on every row: itself for one command, `<key>:<index>` in a batch."""
    if key is None:
        return rows
    keyed: Rows = []
    problems = []
    for index, (where, row) in enumerate(rows):
        row_key = key if single else f"{key}:{index}"
        if "idempotency_key" in row and row["idempotency_key"] != row_key:
            problems.append(Problem(where, "idempotency_key", "given both in the body and "
                                    "by the Idempotency-Key header; give it once"))
        keyed.append((where, {**row, "idempotency_key": row_key}))
    if problems:
        raise RejectedError(problems)
    return keyed


# ---------------------------------------------------------------------------- recording


def submit(backend: Backend, user: User, rows: Rows, today: date | None = None) -> CommandResult:
    """Check every row (right to write, shape, ledger rules) and record all or none."""
    ledger = backend.ledger
    facts = backend.facts()
    commands, problems, pending = ledger.check_rows(rows)
    check_writes(user, rows, commands, facts, today or today_utc())
    problems += user_problems(backend.users(), unrecorded(commands, facts),
                              lambda d: d in facts.department_ids())
    try:
        report = ledger.record(commands, user.user_id, prior_problems=problems, pending=pending)
    except RejectedError as error:
        order = {where: index for index, (where, _) in enumerate(rows)}
        raise RejectedError(sorted(error.problems, key=lambda p: (
            order.get(p.where.split(" (", 1)[0], len(order)), p.where))) from None
    _chain_quietly(backend)
    return _result(backend, [*report.recorded, *report.already_recorded],
                   replayed=not report.recorded)


def unrecorded(commands: Sequence[tuple[str, BaseModel]],
               facts: Facts) -> list[tuple[str, BaseModel]]:
    """The commands that are not retries of an entry already recorded under their key
    (a retry is the ledger's to answer with the first result, not a new registration)."""
    return [(where, command) for where, command in commands
            if not (key := getattr(command, "idempotency_key", None))
            or uuid5(IDEMPOTENCY_NAMESPACE, key) not in facts.events]


def _chain_quietly(backend: Backend) -> None:
    """Chain the new events now. If another process is extending the chain at this
    moment it will chain them too; the write has succeeded either way."""
    try:
        backend.chain_up()
    except ConflictError:
        pass


def _result(backend: Backend, events: Sequence[LedgerEvent], *, replayed: bool) -> CommandResult:
    positions = backend.facts().positions
    ordered = sorted(events, key=lambda e: positions[e.originator_id])
    return CommandResult([event_json(positions[e.originator_id], e) for e in ordered],
                         replayed=replayed and bool(events))


def close_period(backend: Backend, user: User, period_text: str, reason: str | None,
                 key: str | None) -> CommandResult:
    """What `jixiao close` does: freeze the statement at the current position and record
    its hash (and, once the close carries it, the chain head at that position)."""
    period = parse_period(period_text)
    facts = backend.facts()
    row: dict[str, Any] = {"type": "close_period", "period": str(period), "reason": reason,
                           "position": facts.last_position}
    check_writes(user, [("close", row)], [], facts, today_utc())
    if key is not None:
        # A retry: the statement has moved on by the close itself, so compare the period.
        earlier = facts.events.get(uuid5(IDEMPOTENCY_NAMESPACE, key))
        if isinstance(earlier, PeriodClosed) and earlier.period == str(period):
            return _result(backend, [earlier], replayed=True)
    row["statement_sha256"] = statement_sha256(statement_for(facts, period))
    if "chain_head" in ClosePeriod.model_fields:  # once the close records it
        row["chain_head"] = chain_head_at(backend.ledger, backend.chain, facts.last_position)
    if key is not None:
        row["idempotency_key"] = key
    return submit(backend, user, [("close", row)])


def parse_period(text: str) -> Period:
    try:
        return Period.parse(text)
    except ValueError as error:
        raise InvalidRequestError(str(error)) from None

