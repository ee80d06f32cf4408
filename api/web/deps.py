"""Who is looking at a page: the signed-in session (cookie), its user as the ledger
knows them now (a disabled user is signed out at once), and the CSRF check of every
form and htmx request. Errors become a page in the reader's language, never a trace."""

from __future__ import annotations

import functools
import logging
import secrets
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, ParamSpec, TypeVar

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.http.errors import as_told, retry_headers, status_of
from api.http.runtime import LedgerThread
from api.i18n import use_language
from api.i18n.messages import shown
from api.storage.session import Session
from api.usecases.ports import Caller
from api.web.sessions import COOKIE, CSRF_FIELD, CSRF_HEADER, SessionStore, WebSession
from api.web.templating import language_of, message_line, render
from domain.errors import DomainError
from domain.records import frozen_record
from domain.users import User

log = logging.getLogger(__name__)
P = ParamSpec("P")
T = TypeVar("T")


class SignInRequiredError(Exception):
    """No live session: the page sends the reader to the sign-in form."""


class CsrfError(Exception):
    """A form or htmx request without this session's CSRF token (→ 403, nothing done)."""


@frozen_record
class Viewer:
    user: User
    session: WebSession

    @property
    def caller(self) -> Caller:
        return Caller.of(self.user)

    @property
    def csrf(self) -> str:
        return self.session.csrf


def sessions(request: Request) -> SessionStore:
    return request.app.state.web_sessions  # type: ignore[no-any-return]


def ledger(request: Request) -> LedgerThread:
    return request.app.state.ledger  # type: ignore[no-any-return]


def _user(ws: Session, user_id: str) -> User | None:
    user = ws.users().users.get(user_id)
    return None if user is None or user.disabled else user


async def current_viewer(request: Request) -> Viewer:
    store = sessions(request)
    session = store.find(request.cookies.get(COOKIE))
    if session is None:
        raise SignInRequiredError
    user = await ledger(request).run(_user, session.user_id)
    if user is None:
        store.close(session.session_id)
        raise SignInRequiredError
    viewer = Viewer(user, session)
    # An error page drawn after the page's handler (api/web/errors.py) keeps the menu.
    request.state.viewer = viewer
    return viewer


async def viewer_if_any(request: Request) -> Viewer | None:
    """Who is signed in, for a page no handler drew (an unknown address): None when
    nobody is, or when the ledger cannot say (the error page then shows no menu)."""
    known = getattr(request.state, "viewer", None)
    if known is not None:
        return known  # type: ignore[no-any-return]
    try:
        return await current_viewer(request)
    except (SignInRequiredError, DomainError):
        return None
    except Exception:
        # The answer is decided already (a 404, a 422): a fault looking up the reader for
        # the menu made it a 500. The log has the trace; the page goes without the menu.
        log.exception("the error page could not tell who is signed in; drawn without a menu")
        return None


CurrentViewer = Annotated[Viewer, Depends(current_viewer)]


async def checked_viewer(request: Request, viewer: CurrentViewer) -> Viewer:
    """The viewer of a state-changing request, which must carry the session's CSRF token
    (a form field, or the header htmx sends from /static/js/app.js)."""
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        value = (await request.form()).get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not sent or not secrets.compare_digest(sent, viewer.csrf):
        raise CsrfError
    return viewer


CheckedViewer = Annotated[Viewer, Depends(checked_viewer)]


async def run(request: Request, fn: Callable[..., T], *args: Any) -> T:
    """A use case on the ledger thread (the session it opens is its workspace)."""
    return await ledger(request).run(fn, *args)


def page(handler: Callable[P, Awaitable[Response]]) -> Callable[P, Awaitable[Response]]:
    """A page handler whose domain errors (refused, not found, invalid) become an error
    page with the API's status and reason."""

    @functools.wraps(handler)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> Response:
        try:
            return await handler(*args, **kwargs)
        except DomainError as error:
            request = kwargs.get("request")
            assert isinstance(request, Request)
            return error_page(request, error)

    return wrapper


def error_page(request: Request, error: DomainError) -> HTMLResponse:
    error = as_told(error)  # a database out of reach named to nobody but the log
    status = status_of(error)
    with use_language(language_of(request)):
        problems = [shown(p, blocked=error.code == "calculation_blocked")
                    for p in getattr(error, "problems", None) or []]
        message = first_line(error)
    template = "fragments/error.html" if request.headers.get("hx-request") else "error.html"
    page = render(request, template, {"status": status, "code": error.code,
                                      "message": message, "problems": problems},
                  status_code=status)
    # A busy or unreachable store says when to ask again, as the API's answer does.
    page.headers.update(retry_headers(error) or {})
    return page


def first_line(error: DomainError) -> str:
    """An error's message (its headline, above a list of problems) as the page's reason
    line shows it: translated, in sentence case by `message_line`'s rule."""
    text = str(error)
    if getattr(error, "problems", None):
        text = text.split("\n", 1)[0].rstrip().rstrip(":")  # as `headline` reads it
    return message_line(text)


def sign_in_redirect(request: Request, _: Exception) -> Response:
    target = "/login"
    if request.method == "GET" and request.url.path != "/":
        target += f"?next={request.url.path}"
    if request.headers.get("hx-request"):
        return Response(status_code=204, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


def csrf_refused(request: Request, _: Exception) -> Response:
    return render(request, "error.html", {"status": 403, "code": "csrf",
                                          "message": None, "problems": []}, status_code=403)
