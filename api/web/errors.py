"""Errors on a page's address answer with a page: an unknown /web/… path (404), a
malformed one (FastAPI's checks of path and query), and a fault nobody caught (500), in
the reader's language with a link home, never a stack trace. Every other address (the
JSON API) keeps the API's JSON answers, which these handlers pass the error on to."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import PlainTextResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.http.errors import (
    STATUS_BY_ERROR,
    handle_error,
    handle_http_exception,
    handle_request_validation,
)
from api.http.hardening import with_security_headers
from api.web import deps
from api.web.templating import render
from domain.errors import DomainError, Problem

PAGE_PREFIXES = ("/web/", "/language/")
PAGE_PATHS = frozenset({"/", "/web", "/login", "/logout"})


def is_page(request: Request) -> bool:
    path = request.url.path
    return path in PAGE_PATHS or path.startswith(PAGE_PREFIXES)


def error_page(request: Request, status: int, code: str,
               problems: list[Problem] | None = None) -> Response:
    template = "fragments/error.html" if request.headers.get("hx-request") else "error.html"
    return render(request, template, {"status": status, "code": code, "message": None,
                                      "problems": problems or []}, status_code=status)


async def http_error(request: Request, error: Exception) -> Response:
    """Starlette's 404 (no such page) and 405 (wrong method)."""
    assert isinstance(error, StarletteHTTPException)
    if not is_page(request):
        return await handle_http_exception(request, error)
    await deps.viewer_if_any(request)  # no handler ran to say who is signed in
    return error_page(request, error.status_code, f"http_{error.status_code}")


async def invalid_request(request: Request, error: Exception) -> Response:
    """A page's path that fails its checks (a period like 2026-Q9) names no page that
    exists: a 404 page; a query or form that fails them, a 422 page naming the field.
    The API keeps its 422 with the problems."""
    assert isinstance(error, RequestValidationError)
    if not is_page(request):
        return await handle_request_validation(request, error)
    problems = [Problem(str(loc[0]) if loc else "request", ".".join(map(str, loc[1:])),
                        str(detail.get("msg", "invalid")))
                for detail in error.errors() for loc in [tuple(detail.get("loc", ()))]]
    await deps.viewer_if_any(request)
    if any(p.where == "path" for p in problems):
        return error_page(request, 404, "not_found")
    return error_page(request, 422, "rejected", problems)


async def domain_error(request: Request, error: Exception) -> Response:
    """A domain error a page did not answer itself (`deps.page` does for most; the store
    out of reach fails the sign-in's first use of it): the error page with the API's
    status, reason and Retry-After, not the API's JSON."""
    if not is_page(request) or not isinstance(error, DomainError):  # a token's is the API's
        return await handle_error(request, error)
    return deps.error_page(request, error)


async def server_error(request: Request, _: Exception) -> Response:
    """A fault: the server's log has the trace (Starlette re-raises it after answering)."""
    if not is_page(request):
        return with_security_headers(
            request, PlainTextResponse("Internal Server Error", status_code=500))
    return with_security_headers(request, error_page(request, 500, "internal"))


def install(app: FastAPI) -> None:
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, invalid_request)
    for kind, _ in STATUS_BY_ERROR:  # as the API's handlers are keyed (the closest wins)
        app.add_exception_handler(kind, domain_error)
    app.add_exception_handler(Exception, server_error)
