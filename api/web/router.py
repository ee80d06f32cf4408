"""The pages in the app: `install(app)` (one line in api/http/app.py) keeps the session
store, adds every page router and turns a missing sign-in or CSRF token into the right
answer (the sign-in form; a 403 page), and errors on a page's address into a page."""

from __future__ import annotations

from fastapi import FastAPI

from api.http.settings import ServerSettings
from api.web import errors
from api.web.deps import CsrfError, SignInRequiredError, csrf_refused, sign_in_redirect
from api.web.pages import ROUTERS
from api.web.sessions import SessionStore


def install(app: FastAPI) -> None:
    settings: ServerSettings = app.state.settings
    app.state.web_sessions = SessionStore(settings.session_idle_s, settings.clock)
    for router in ROUTERS:
        app.include_router(router, include_in_schema=False)
    app.add_exception_handler(SignInRequiredError, sign_in_redirect)
    app.add_exception_handler(CsrfError, csrf_refused)
    errors.install(app)
