"""The dependencies routes ask for, as `Annotated` aliases: the ledger thread, the
settings, the authenticated user (and the use cases' caller they are), and the common
path, query and header parameters."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Header, HTTPException, Path, Query, Request
from fastapi.security import (
    HTTPAuthorizationCredentials,
    HTTPBasic,
    HTTPBasicCredentials,
    HTTPBearer,
)
from pydantic import BeforeValidator, Field

from api.http.auth import AuthenticationError, authenticate, client_address
from api.http.bodies import parse_json
from api.http.errors import BodyTooLargeError
from api.http.limits import SignInLimiters
from api.http.runtime import LedgerThread
from api.http.settings import PAGE_SIZE_MAX, ServerSettings
from api.usecases.ports import Caller
from domain.errors import Problem
from domain.strict_input import INTEGER_TEXT
from domain.users import User


def get_ledger(request: Request) -> LedgerThread:
    return request.app.state.ledger  # type: ignore[no-any-return]


def get_settings(request: Request) -> ServerSettings:
    return request.app.state.settings  # type: ignore[no-any-return]


LedgerDep = Annotated[LedgerThread, Depends(get_ledger)]
SettingsDep = Annotated[ServerSettings, Depends(get_settings)]

bearer = HTTPBearer(
    auto_error=False, bearerFormat="opaque",
    description="A per-user token (`jixiao users add` prints it once); the server keeps "
                "only its SHA-256.")


class AccountSignIn(HTTPBasic):
    """`Authorization: Basic` with the user id as the name and the token as the
    password: a sign-in that names its account, so failures count against the account
    (docs/security.md). Malformed credentials are a failed sign-in like any other."""

    async def __call__(self, request: Request) -> HTTPBasicCredentials | None:  # type: ignore[override]
        try:
            return await super().__call__(request)
        except HTTPException:
            return HTTPBasicCredentials(username="", password="")


basic = AccountSignIn(auto_error=False, description=(
    "The user id and the same token, for sign-ins that name their account (the sign-in "
    "form); failures are then limited per account as well as per address."))


async def current_user(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    named: Annotated[HTTPBasicCredentials | None, Depends(basic)],
    ledger: LedgerDep,
    request: Request,
    settings: SettingsDep,
) -> User:
    token = credentials.credentials if credentials else named.password if named else None
    if token is None:
        raise AuthenticationError("send `Authorization: Bearer <token>`; an administrator "
                                  "gives you a token (`jixiao users add`)")
    limiters: SignInLimiters = request.app.state.sign_in_limiters
    peer = request.client.host if request.client else None
    address = client_address(peer, request.headers.get("x-forwarded-for"),
                             settings.trusted_proxies)
    account = named.username if named else None
    limiters.by_address.check([address])
    if account:
        limiters.by_account.check([account])
    try:
        user = await ledger.run(authenticate, token)
        if account is not None and user.user_id != account:
            raise AuthenticationError("the token is not this account's")
    except AuthenticationError:
        limiters.by_address.failed([address])
        if account:
            limiters.by_account.failed([account])
        raise
    # An account locked by failures named against it stays locked whatever the
    # address or the scheme of the next sign-in: that is what limits a guesser who
    # spreads their attempts over many addresses.
    limiters.by_account.check([user.user_id])
    return user


CurrentUser = Annotated[User, Depends(current_user)]


async def current_caller(user: CurrentUser) -> Caller:
    return Caller.of(user)


CurrentCaller = Annotated[Caller, Depends(current_caller)]


async def json_body(request: Request, settings: SettingsDep) -> Any:
    """The request body as JSON, numbers with a fraction kept as exact decimal text."""
    too_large = BodyTooLargeError([Problem("body", "", f"larger than "
                                           f"{settings.body_bytes_max} bytes")])
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > settings.body_bytes_max:
        raise too_large
    # Read in pieces and stop at the limit: a body without a (truthful) length must not
    # be held whole before it is refused.
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > settings.body_bytes_max:
            raise too_large
        chunks.append(chunk)
    return parse_json(b"".join(chunks))


JsonBody = Annotated[Any, Depends(json_body)]

PeriodPath = Annotated[str, Path(
    description="2026-Q1 … 2026-Q4, or 2026-YE (the year-end distribution)",
    examples=["2026-Q1"], max_length=16)]
EmployeePath = Annotated[str, Path(examples=["li"], max_length=64)]
DepartmentPath = Annotated[str, Path(examples=["internal"], max_length=64)]
AsOf = Annotated[datetime | None, Query(
    description="only events recorded up to this instant (ISO 8601; UTC unless zoned)")]
IdempotencyKey = Annotated[str | None, Header(
    alias="Idempotency-Key", min_length=1, max_length=180,
    description="makes the command safe to retry: the same key returns the first result "
                "and records nothing new (row i of a batch uses `<key>:<i>`)")]

# In English: FastAPI validates before the request's language is set; the refusal is
# worded with it (api/http/errors.py, through the templates of api/i18n/messages.py).
NOT_ASCII_INTEGER = ("must be an integer written in ASCII digits only (no plus sign, "
                       "spaces, separators or other scripts' digits), got {value}")


def ascii_integer(value: Any) -> Any:
    """An integer query parameter as the JSON body's integers: ASCII digits (and a
    minus) only. FastAPI alone would read `+1`, ` 1`, `1_0` and `１` as numbers."""
    if isinstance(value, str) and INTEGER_TEXT.fullmatch(value) is None:
        raise ValueError(NOT_ASCII_INTEGER.format(value=repr(value)))
    return value


# The range sits in `Field` beside the validator, not in `Query`: there the OpenAPI
# schema would lose its minimum and maximum.
AsciiInteger = BeforeValidator(ascii_integer)
After = Annotated[int, Field(ge=0), AsciiInteger,
                  Query(description="page after this notification position")]
Limit = Annotated[int, Field(ge=1, le=PAGE_SIZE_MAX), AsciiInteger,
                  Query(description="events per page")]
ListAfter = Annotated[str | None, Query(
    max_length=200, description="page after this cursor: the `next_after` of the page before")]
ListLimit = Annotated[int | None, Field(ge=1, le=PAGE_SIZE_MAX), AsciiInteger, Query(
    description="rows per page (default: the whole list, unpaged)")]
