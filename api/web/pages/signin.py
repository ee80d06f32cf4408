"""Sign-in, sign-out and the language switch. Sign-in failures count against the same
limiters as the API's bearer tokens (per client address and per account)."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from api.http.auth import TooManyAttemptsError, client_address
from api.http.hardening import secure_cookie
from api.http.limits import SignInLimiters
from api.http.settings import ServerSettings
from api.usecases.passwords import check_password
from api.web.deps import CheckedViewer, run, sessions
from api.web.sessions import COOKIE, LANGUAGE_COOKIE
from api.web.templating import render

router = APIRouter()
LOGIN_COOKIE = "jixiao_login"  # the sign-in form's own CSRF token (before any session)
YEAR_S = 365 * 24 * 3600


def _settings(request: Request) -> ServerSettings:
    return request.app.state.settings  # type: ignore[no-any-return]


def safe_next(target: str | None) -> str:
    """Only a path on this site: never `//elsewhere` or `https://…` (open redirect)."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/"


def _form(request: Request, next_path: str, error: str | None = None,
          status_code: int = 200, user_id: str = "") -> Response:
    token = secrets.token_urlsafe(24)
    response = render(request, "login.html", {"login_token": token, "next": next_path,
                                              "error": error, "user_id": user_id},
                      status_code=status_code)
    response.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite="strict",
                        secure=secure_cookie(request), path="/login")
    return response


@router.get("/login")
async def login_form(request: Request, next: str | None = None) -> Response:
    return _form(request, safe_next(next))


@router.post("/login")
async def login(request: Request, user_id: Annotated[str, Form(max_length=64)],
                password: Annotated[str, Form(max_length=256)],
                login_token: Annotated[str, Form(max_length=64)] = "",
                next: Annotated[str, Form(max_length=500)] = "/") -> Response:
    target = safe_next(next)
    expected = request.cookies.get(LOGIN_COOKIE, "")
    if not expected or not secrets.compare_digest(expected, login_token):
        return _form(request, target, "expired", 403)
    limiters: SignInLimiters = request.app.state.sign_in_limiters
    settings = _settings(request)
    peer = request.client.host if request.client else None
    keys_address = [client_address(peer, request.headers.get("x-forwarded-for"),
                                    settings.trusted_proxies)]
    keys_account = [f"account:{user_id}"]
    try:
        limiters.by_address.check(keys_address)
        limiters.by_account.check(keys_account)
    except TooManyAttemptsError as error:
        return _form(request, target, f"locked:{error.retry_after_s}", 429, user_id)
    user = await run(request, check_password, user_id, password)
    if user is None:
        limiters.by_address.failed(keys_address)
        limiters.by_account.failed(keys_account)
        return _form(request, target, "wrong", 401, user_id)
    limiters.by_account.succeeded(keys_account)
    session = sessions(request).open(user.user_id)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(COOKIE, session.session_id, httponly=True, samesite="strict",
                        secure=secure_cookie(request), path="/")
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    return response


@router.post("/logout")
async def logout(request: Request, viewer: CheckedViewer) -> Response:
    sessions(request).close(viewer.session.session_id)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


@router.get("/language/{language}")
async def language(request: Request, language: str, next: str | None = None
                   ) -> Response:
    """Remember the reader's language in a cookie (zh_CN or en) and go back."""
    chosen = "en" if language == "en" else "zh_CN"
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(LANGUAGE_COOKIE, chosen, max_age=YEAR_S, httponly=True,
                        samesite="strict", secure=secure_cookie(request), path="/")
    return response
