"""The one table from error kinds to HTTP status codes, and the one error body.

Routes never catch domain errors: the domain raises one of its four kinds, the shell
raises `AuthenticationError`, FastAPI raises `RequestValidationError` for a malformed
path, query or header; all of them leave through `handle_error` with this body:

    {"error": {"code": "rejected", "message": "…",
               "problems": [{"where": "row 2", "field": "minutes", "reason": "…"}]}}
"""

from __future__ import annotations

import logging
from typing import Any, TypeVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.http.auth import AuthenticationError, TooManyAttemptsError
from api.i18n import negotiate, use_language
from api.i18n.messages import headline, translate
from domain.errors import (
    BusyError,
    ConflictError,
    DatabaseUnreachableError,
    DomainError,
    ForbiddenError,
    InvalidRequestError,
    MissingGrantError,
    NotFoundError,
    Problem,
    RejectedError,
    StoreUnavailableError,
)


class BodyTooLargeError(RejectedError):
    """A request body over the server's configured size (`body_bytes_max`): 413."""

    code = "too_large"


# Most specific first. RejectedError and CalculationBlockedError (projections.payout)
# are InvalidRequestErrors; PeriodClosedError is a ConflictError.
STATUS_BY_ERROR: tuple[tuple[type[Exception], int], ...] = (
    (AuthenticationError, 401),
    (TooManyAttemptsError, 429),
    (BodyTooLargeError, 413),
    (ForbiddenError, 403),
    (NotFoundError, 404),
    (BusyError, 503),
    (ConflictError, 409),
    (InvalidRequestError, 422),
    (DomainError, 400),
)

class ProblemBody(BaseModel):
    where: str  # "body", "row 3" (a batch's array index), "query", a period …
    field: str
    reason: str


class ErrorDetail(BaseModel):
    code: str  # unauthenticated, forbidden, not_found, conflict, rejected, …
    message: str
    problems: list[ProblemBody]


class ErrorBody(BaseModel):
    error: ErrorDetail


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": text} for status, text in (
        (401, "no bearer token, or one that names no enabled user"),
        (403, "the caller's role or scope does not allow it; nothing was written"),
        (404, "an unknown employee, department, figure or route"),
        (409, "a conflict with the ledger's state (a racing writer, a period not closed)"),
        (413, "the request body is larger than the server takes; nothing was written"),
        (422, "invalid input, named by row and field; nothing was written"),
        (429, "too many failed sign-ins from this client or for this account; retry after "
              "`Retry-After` s"),
        (503, "another writer holds the store, or the database cannot be reached (server "
              "down, login refused, connection lost); nothing was written, retry after the "
              "`Retry-After` seconds"),
    )
}


# A database out of reach (down, a login refused, no such database, the link lost): its
# message names the server, the database and the user, which a token holder need not
# learn; the caller is told this, and the server's log keeps what it said.
STORE_DOWN = ("the server's database cannot be reached just now: nothing was written; "
              "retry after the Retry-After seconds; the server's log says why, for its "
              "administrator")
DOWN_LOGGED = "jixiao serve: %s; the request was answered 503"
# Likewise a privilege the server's database role lacks: its message names the role, the
# schema (and the ledger's postgresql://host:port/database) and the GRANT, and is met at
# the session's open, before the token is checked: anyone who sent any bearer token, or
# any name at the sign-in page, was told them. Only the server's administrator can act
# on it, and the log tells them.
GRANT_MISSING = ("the server's database role lacks a privilege this request needs: "
                 "nothing was written; the server's log names the GRANT to run, for its "
                 "administrator")
GRANT_LOGGED = "jixiao serve: %s; the request was answered 422"
log = logging.getLogger(__name__)
E = TypeVar("E", bound=Exception)


def as_told(error: E) -> E | StoreUnavailableError | MissingGrantError:
    """`error` as an HTTP caller is told it (the API's body, a page): a database out of
    reach, or a privilege its role lacks, without the details of the server's database,
    which are logged."""
    if isinstance(error, DatabaseUnreachableError):
        log.error(DOWN_LOGGED, error)
        return StoreUnavailableError(STORE_DOWN, error.retry_after_s)
    if isinstance(error, MissingGrantError):
        log.error(GRANT_LOGGED, error)
        return MissingGrantError(GRANT_MISSING)
    return error


def status_of(error: Exception) -> int:
    for kind, status in STATUS_BY_ERROR:
        if isinstance(error, kind):
            return status
    raise error  # not ours to map: a bug, and a 500


def error_body(error: Exception) -> dict[str, Any]:
    """The body in the current language: `message` and each `reason` are translated (see
    api/i18n/messages.py); `code`, `where` and `field` never are."""
    problems = getattr(error, "problems", None) or []
    # With problems, the headline alone: the problems follow, one by one.
    message = headline(str(error)) if problems else translate(str(error))
    return {"error": {
        "code": getattr(error, "code", "error"),
        "message": message,
        "problems": [{"where": p.where, "field": p.field, "reason": translate(p.reason)}
                     for p in problems],
    }}


def language_of(request: Request) -> str:
    return negotiate(request.headers.get("accept-language"))


def retry_headers(error: Exception) -> dict[str, str] | None:
    """When to ask again: a busy store or too many attempts says so."""
    if isinstance(error, BusyError | TooManyAttemptsError):
        return {"Retry-After": str(error.retry_after_s)}
    return None


async def handle_error(request: Request, error: Exception) -> JSONResponse:
    error = as_told(error)
    status = status_of(error)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    headers = retry_headers(error) or headers
    with use_language(language_of(request)):
        body = error_body(error)
    return JSONResponse(body, status_code=status, headers=headers)


async def handle_request_validation(request: Request, error: Exception) -> JSONResponse:
    """FastAPI's own checks of path, query and headers, in the same shape as ours."""
    assert isinstance(error, RequestValidationError)
    problems = []
    for detail in error.errors():
        location = [str(part) for part in detail.get("loc", ())]
        where = location[0] if location else "request"
        field = ".".join(location[1:])
        # a validator's own ValueError, without pydantic's prefix, as the domain's
        # (domain/batch_rules.py), so that its template words it
        reason = str(detail.get("msg", "invalid")).removeprefix("Value error, ")
        problems.append(Problem(where, field, reason))
    return await handle_error(request, RejectedError(problems))


async def handle_http_exception(request: Request, error: Exception) -> JSONResponse:
    """Starlette's own 404 (no such route) and 405 (wrong method), in our shape."""
    assert isinstance(error, StarletteHTTPException)
    with use_language(language_of(request)):
        message = translate(str(error.detail))
    body = {"error": {"code": f"http_{error.status_code}", "message": message,
                      "problems": []}}
    return JSONResponse(body, status_code=error.status_code, headers=error.headers)


def install_error_handlers(app: FastAPI) -> None:
    for kind, _ in STATUS_BY_ERROR:
        app.add_exception_handler(kind, handle_error)
    app.add_exception_handler(RequestValidationError, handle_request_validation)
    app.add_exception_handler(StarletteHTTPException, handle_http_exception)
