"""Writing: a batch of commands (a JSON Lines file, a spreadsheet import, an HTTP request), all
or nothing, with every problem named by line or row and field."""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid5

from pydantic import BaseModel

from api.usecases.access import check_writes
from api.usecases.ports import Caller, Workspace, today_utc
from api.usecases.sealed_writes import write_on_seal
from api.usecases.stored_banks import stored_statements
from api.usecases.stored_scores import seed_stored_scores
from domain.errors import InvalidRequestError, NotFoundError, Problem, RejectedError
from domain.events import LedgerEvent
from domain.facts import Facts
from domain.ledger_reads import IDEMPOTENCY_NAMESPACE
from domain.periods import Period
from domain.records import frozen_record
from domain.strict_input import loads_strict
from domain.users import user_problems
from projections.whatif import preview

if TYPE_CHECKING:
    from domain.application import Ledger

Rows = list[tuple[str, dict[str, Any]]]
Progress = Callable[[str, int, int], None]
HIDDEN_FIELDS = {"originator_id", "originator_version", "token_sha256"}


@frozen_record
class Batch:
    """Rows of commands, each named where it came from ("line 3", "row 0"), with the
    problems found before they became rows (lines that are not JSON objects).

    `numbered`: the rows come from a file, so problems are listed by line number; else by
    the rows' order. `precheck_users`: check user registrations against the directory
    before the ledger does (the HTTP API's and `jixiao users`' order of problems)."""

    rows: Rows
    prior_problems: tuple[Problem, ...] = ()
    numbered: bool = False
    precheck_users: bool = True


@frozen_record
class ApplyResult:
    # A chunked write's are read back from the store when looked at (written_events.py).
    recorded: Sequence[LedgerEvent]
    already_recorded: tuple[LedgerEvent, ...]
    last_position: int
    positions: Mapping[UUID, int]

    @property
    def replayed(self) -> bool:
        """Every event was already recorded: an idempotent retry."""
        return not self.recorded and bool(self.already_recorded)

    def events_json(self) -> list[dict[str, Any]]:
        """The events, recorded and retried, in position order, as the wire shows them."""
        events = [*self.recorded, *self.already_recorded]
        ordered = sorted(events, key=lambda e: self.positions[e.originator_id])
        return [event_json(self.positions[e.originator_id], e) for e in ordered]


def event_json(position: int, event: LedgerEvent, *, live: bool | None = None) -> dict[str, Any]:
    """An event on the wire: its stored fields, plus position, id, type and effective time.
    A user's token hash is left out: it is a credential's fingerprint, not audit data."""
    body = {k: v for k, v in event.model_dump(mode="json").items() if k not in HIDDEN_FIELDS}
    shown: dict[str, Any] = {
        "position": position,
        "id": str(event.originator_id),
        "type": type(event).__name__,
        "effective": event.effective,
        **body,
    }
    if live is not None:
        shown["live"] = live
    return shown


# ---------------------------------------------------------------------------- applying


def apply_batch(ws: Workspace, caller: Caller, batch: Batch, *,
                progress: Progress | None = None, today: date | None = None) -> ApplyResult:
    """Check every row (the caller's right to write it, its shape, the ledger's rules) and
    record all the rows or none; the audit chain then covers the new events."""
    if not batch.prior_problems:
        written = write_on_seal(ws, caller, batch.rows, today or today_utc(),
                                batch.precheck_users)
        if written is not None:
            return ApplyResult(written[0], (), written[2], written[1])
    ledger = ws.ledger
    facts = ws.facts()
    commands, found, pending = ledger.check_rows(batch.rows, ledger.day_window())
    if caller.user is not None:
        check_writes(caller.user, batch.rows, commands, facts, today or today_utc())
    problems = [*batch.prior_problems, *found]
    if batch.precheck_users:
        problems += user_problems(ws.users(), unrecorded(commands, facts),
                                  lambda d: d in facts.department_ids())
    try:
        report = ledger.record(commands, caller.actor, closed=closed_periods(ledger),
                               progress=progress, prior_problems=problems, pending=pending)
    except RejectedError as error:
        raise RejectedError(ordered_problems(batch, error.problems)) from None
    ws.chain_up_quietly()
    positions = ws.facts().positions
    # Only these events' positions, copied: the result is read after the store moved on.
    return ApplyResult(report.recorded, report.already_recorded, report.last_position,
                       {e.originator_id: positions[e.originator_id]
                        for e in (*report.recorded, *report.already_recorded)})


def ordered_problems(batch: Batch, problems: Sequence[Problem]) -> list[Problem]:
    if batch.numbered:
        return sorted(problems, key=_line_order)
    order = {where: index for index, (where, _) in enumerate(batch.rows)}
    return sorted(problems, key=lambda p: (order.get(p.where.split(" (", 1)[0], len(order)),
                                           p.where))


def _line_order(problem: Problem) -> tuple[int, str]:
    number = problem.where.rsplit(" ", 1)[-1]
    return (int(number) if number.isdigit() else 0, problem.where)


def closed_periods(ledger: Ledger) -> frozenset[str]:
    """The periods a batch may not touch besides those the ledger knows are closed."""
    return frozenset()


def unrecorded(commands: Sequence[tuple[str, BaseModel]],
               facts: Facts) -> list[tuple[str, BaseModel]]:
    """The commands that are not retries of an entry already recorded under their key
    (a retry is the ledger's to answer with the first result, not a new registration)."""
    return [(where, command) for where, command in commands
            if not (key := getattr(command, "idempotency_key", None))
            or uuid5(IDEMPOTENCY_NAMESPACE, key) not in facts.events]


def what_if(ws: Workspace, caller: Caller, batch: Batch, base: Facts | None = None,
            period: Period | None = None, *, figures: bool = False) -> Facts:
    """The facts as if the batch were recorded, checked like a real batch; nothing is
    written. Given the `period` to be reported, its people's scores on `base` are read
    from the caught-up view when it serves, so only those the batch concerns are scored
    again; and, unless the report reads its `figures`, the splits of the departments
    they leave unmoved (`seed_stored_scores`)."""
    commands, found, _ = ws.ledger.check_rows(batch.rows, ws.ledger.day_window())
    problems = [*batch.prior_problems, *found]
    if problems:
        raise RejectedError(ordered_problems(batch, problems))
    if period is not None:
        seed_stored_scores(ws, base if base is not None else ws.facts(), period,
                           splits=not figures)
    return preview(ws.ledger, commands, caller.actor, base=base,
                   stored=stored_statements(ws, base))


# ---------------------------------------------------------------------------- files


def apply_file(ws: Workspace, caller: Caller, path: str, *,
               progress: Progress | None = None) -> ApplyResult:
    """`jixiao apply`: a JSON Lines file of commands, all or nothing."""
    return apply_batch(ws, caller, read_jsonl_batch(path), progress=progress)


def read_jsonl_batch(path: str) -> Batch:
    rows, digest, problems = read_jsonl(path)
    return Batch(with_default_keys(rows, digest), tuple(problems), numbered=True,
                 precheck_users=False)


def read_jsonl(path: str) -> tuple[Rows, str, list[Problem]]:
    """Rows of a JSON Lines file with their line numbers, the file's digest, and the lines
    that are not JSON objects. Blank lines and lines starting with '#' are skipped."""
    try:
        raw = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except FileNotFoundError:
        raise NotFoundError(f"no file {path!r}") from None
    except IsADirectoryError:
        raise InvalidRequestError(f"{path!r} is a directory, not a JSON Lines file") from None
    digest = hashlib.sha256(raw).hexdigest()[:16]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise RejectedError([Problem(f"byte {error.start}", "", "the file is not UTF-8; "
                                     "save it as UTF-8")]) from None
    rows: Rows = []
    problems: list[Problem] = []
    for number, line in enumerate(text.splitlines(), start=1):
        parsed = parse_line(number, line)
        if isinstance(parsed, Problem):
            problems.append(parsed)
        elif parsed is not None:
            rows.append(parsed)
    return rows, digest, problems


def parse_line(number: int, line: str) -> tuple[str, dict[str, Any]] | Problem | None:
    """One line of a JSON Lines file as a row named by its number, or its problem; None
    for a blank line or a comment."""
    stripped = line.strip()
    if not stripped or stripped.startswith("#"):
        return None
    where = f"line {number}"
    try:
        row = loads_strict(stripped)
    except json.JSONDecodeError as error:
        # Python's own place ("line 1 column 2 (char 1)") named a line 1 inside every line
        # of the file; the column is counted on the line as the file has it.
        column = error.colno + len(line) - len(line.lstrip())
        return Problem(where, "", f"not valid JSON at column {column}: {error.msg}")
    except (ValueError, RecursionError) as error:
        return Problem(where, "", f"not valid JSON: {error}")
    if not isinstance(row, dict):
        return Problem(where, "", "each line must be a JSON object")
    return where, row


def with_default_keys(rows: Rows, digest: str) -> Rows:
    """A line without an idempotency key gets one from the file's digest and its line, so
    applying the same file twice records it once."""
    keyed = []
    for where, row in rows:
        key = f"file:{digest}:{where.removeprefix('line ')}"
        keyed.append((where, row if "idempotency_key" in row else {**row, "idempotency_key": key}))
    return keyed
