"""The four kinds of domain error. The shells map them once: HTTP status codes in
`api/http`, exit codes in `api/cli.py`. Messages say what to do next."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from domain.records import frozen_record


class DomainError(Exception):
    code: ClassVar[str] = "domain_error"


class InvalidRequestError(DomainError):
    code = "invalid_request"


class NotFoundError(DomainError):
    code = "not_found"


class ConflictError(DomainError):
    code = "conflict"


class ForbiddenError(DomainError):
    code = "forbidden"


class PeriodClosedError(ConflictError):
    code = "period_closed"

    def __init__(self, period: str) -> None:
        super().__init__(f"{period} is closed; record a correction, it will be restated")


class BusyError(ConflictError):
    """The store is held by another writer, or the write ran out of time; nothing was
    written and the same request may simply be sent again (HTTP 503, Retry-After)."""

    code = "busy"

    def __init__(self, message: str, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class StoreUnavailableError(BusyError):
    """The database server cannot be reached, refused the login, or dropped the
    connection: nothing was written (HTTP 503 with Retry-After, exit code 6 as busy).
    Its message names the server, the database and the user, never the password."""

    code = "store_unavailable"


class DatabaseUnreachableError(StoreUnavailableError):
    """`StoreUnavailableError` from the database's connection (refused, a login refused,
    no such database, lost): its message names the server, the database and the user,
    for the CLI's user and the server's log; an HTTP caller is told only that the store
    is unavailable (api/http/errors.py)."""


class ReadOnlyStoreError(ConflictError):
    """The ledger may not be written here (a copy on read-only media, a file or folder
    this user may not write, or opened read-only on purpose): nothing was written, and
    sending it again will not help (HTTP 409, exit code 4)."""

    code = "read_only"


class MissingGrantError(InvalidRequestError):
    """The store's database role lacks a privilege the verb needs (a table it may not
    read or write, a schema it may not change): said naming the table and the GRANT to
    ask for, nothing written (exit code 2, HTTP 422), never the driver's traceback."""

    code = "missing_grant"


class InvariantError(AssertionError):
    """A broken invariant is a bug, never bad input: it must stop the calculation."""


def invariant(condition: bool, message: str) -> None:
    """An assertion that `python -O` cannot switch off."""
    if not condition:
        raise InvariantError(message)


@frozen_record
class Problem:
    """One reason an input was refused: where (row or line), which field, and why."""

    where: str
    field: str
    reason: str

    def __str__(self) -> str:
        field = f" {self.field}:" if self.field else ""
        return f"{self.where}:{field} {self.reason}"


class RejectedError(InvalidRequestError):
    """Every problem of a batch at once, so the user can fix them all in one go."""

    code = "rejected"

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        lines = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(
            f"{len(self.problems)} problem(s); nothing was written:\n{lines}"
        )
