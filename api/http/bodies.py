"""Request bodies of the HTTP API: JSON with exact numbers, one command or a batch.

The rows are then checked by the use case (`api.usecases.ledger.apply_batch`) like the
lines of `jixiao apply`, so every problem comes back named by row and field. An
`Idempotency-Key` becomes the command's `idempotency_key` (row `i` of a batch gets
`<key>:<i>`), so a retry returns the first result and records nothing.
"""

from __future__ import annotations

from typing import Any

from api.usecases.ledger import Rows
from domain.errors import Problem, RejectedError
from domain.strict_input import loads_strict

# ---------------------------------------------------------------------------- parsing


def parse_json(raw: bytes) -> Any:
    """JSON with exact numbers (a fraction stays the decimal text it was written as), no
    key given twice and no deeper than the limit (domain/strict_input.py)."""
    try:
        text = raw.decode("utf-8-sig")
        return loads_strict(text)
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise RejectedError([Problem("body", "", f"not valid JSON: {error}")]) from None


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
