"""Errors on a page's address answer with a page in the reader's language (Chinese
first, English by the language switch) with a link home, never a trace; every other
address, the JSON API's, keeps the API's JSON error body."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import pytest
from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.testclient import TestClient
from httpx import Response
from web_support import Demo, sign_in

from api.http.app import create_app
from api.http.settings import ServerSettings
from api.web import deps
from api.web.sessions import LANGUAGE_COOKIE
from domain.errors import BusyError, InvalidRequestError

HOME_LINK = '<a href="/">'
# A refusal that begins with a department's id, as the domain words one (its template
# is "{department} is an admin department; …").
ID_FIRST = ("internal is an admin department; workload, revenue and cost are recorded for "
            "clinical departments")


def _get_then_sign_out(client: TestClient, path: str) -> Response:
    """The page at `path`; the client's cookies (session, language) cleared after it."""
    try:
        return client.get(path)
    finally:
        client.cookies.clear()


@pytest.fixture(scope="module")
def app_with_a_fault(demo: Demo) -> Iterator[TestClient]:
    app = create_app(ServerSettings(store_env=demo.env))

    @app.get("/web/fault-for-the-test")
    async def fault() -> None:
        raise RuntimeError("a fault nobody caught")

    @app.get("/fault-for-the-test")
    async def api_fault() -> None:
        raise RuntimeError("a fault nobody caught")

    @app.get("/web/refusal-for-the-test")
    @deps.page
    async def refusal(request: Request) -> HTMLResponse:
        raise InvalidRequestError(ID_FIRST)

    # The server's log still gets the trace; the test looks at what the reader gets.
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def is_html(answer: object) -> bool:
    return str(getattr(answer, "headers", {}).get("content-type", "")).startswith("text/html")


@pytest.mark.parametrize(("language", "headline"), [
    ("zh_CN", "未找到，或您无权查看"), ("en", "Not found, or not yours to see.")])
def test_an_unknown_page_is_a_404_page_in_the_readers_language(
        app_with_a_fault: TestClient, language: str, headline: str) -> None:
    app_with_a_fault.cookies.set(LANGUAGE_COOKIE, language)
    answer = _get_then_sign_out(app_with_a_fault, "/web/no-such-page")
    assert answer.status_code == 404
    assert is_html(answer)
    assert headline in answer.text
    assert HOME_LINK in answer.text


def test_a_page_path_that_fails_its_checks_is_a_404_page(app_with_a_fault: TestClient,
                                                           demo: Demo) -> None:
    sign_in(app_with_a_fault, "finance", demo.passwords["finance"])
    answer = _get_then_sign_out(app_with_a_fault, "/web/periods/2026-Q9")
    assert answer.status_code == 404
    assert is_html(answer)
    assert "未找到" in answer.text
    assert HOME_LINK in answer.text


def test_a_page_query_that_fails_its_checks_names_the_field(app_with_a_fault: TestClient,
                                                             demo: Demo) -> None:
    sign_in(app_with_a_fault, "auditor", demo.passwords["auditor"])
    answer = _get_then_sign_out(app_with_a_fault, "/web/audit?after=-3")
    assert answer.status_code == 422
    assert is_html(answer)
    assert "after" in answer.text
    assert HOME_LINK in answer.text


@pytest.mark.parametrize(("language", "reason"), [
    ("zh_CN", "没有申诉 'NO-SUCH'"), ("en", "No appeal 'NO-SUCH'")])
def test_a_domain_error_on_a_page_reads_in_the_readers_language(
        app_with_a_fault: TestClient, demo: Demo, language: str, reason: str) -> None:
    sign_in(app_with_a_fault, "auditor", demo.passwords["auditor"])
    app_with_a_fault.cookies.set(LANGUAGE_COOKIE, language)
    answer = _get_then_sign_out(app_with_a_fault, "/web/appeals/NO-SUCH")
    assert answer.status_code == 404
    assert reason in answer.text.replace("&#39;", "'")
    assert HOME_LINK in answer.text


def test_a_refused_page_is_a_403_page_with_a_link_home(app_with_a_fault: TestClient,
                                                       demo: Demo) -> None:
    sign_in(app_with_a_fault, "employee", demo.passwords["employee"])
    answer = _get_then_sign_out(app_with_a_fault, "/web/audit")
    assert answer.status_code == 403
    assert is_html(answer)
    assert "您无权执行此操作" in answer.text
    assert HOME_LINK in answer.text


@pytest.mark.parametrize(("language", "headline"), [
    ("zh_CN", "服务器出错"), ("en", "Something went wrong on the server")])
def test_a_fault_on_a_page_is_a_500_page_without_a_trace(
        app_with_a_fault: TestClient, language: str, headline: str) -> None:
    app_with_a_fault.cookies.set(LANGUAGE_COOKIE, language)
    answer = _get_then_sign_out(app_with_a_fault, "/web/fault-for-the-test")
    assert answer.status_code == 500
    assert is_html(answer)
    assert headline in answer.text
    assert HOME_LINK in answer.text
    assert "RuntimeError" not in answer.text
    assert "nobody caught" not in answer.text


def test_the_api_keeps_its_json_errors(app_with_a_fault: TestClient) -> None:
    unknown = app_with_a_fault.get("/no-such-route")
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "http_404"
    invalid = app_with_a_fault.get("/periods/2026-Q1/payout", params={"as_of": "soon"},
                                   headers={"Authorization": "Bearer nobody"})
    assert invalid.headers["content-type"].startswith("application/json")
    fault = app_with_a_fault.get("/fault-for-the-test")
    assert fault.status_code == 500
    assert not is_html(fault)


@pytest.mark.parametrize("path", ["/web/fault-for-the-test", "/fault-for-the-test"])
def test_a_fault_carries_the_security_headers_of_every_other_answer(
        app_with_a_fault: TestClient, path: str) -> None:
    """Starlette answers a fault outside the middleware that adds the headers, so the
    500 answer must get them by itself."""
    ordinary = app_with_a_fault.get("/web/no-such-page")
    fault = app_with_a_fault.get(path)
    assert fault.status_code == 500
    for name in ("Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options",
                 "Referrer-Policy", "Cache-Control", "Cross-Origin-Opener-Policy"):
        assert name in ordinary.headers
        assert fault.headers.get(name) == ordinary.headers[name], name


def test_a_page_whose_store_is_busy_says_when_to_ask_again(demo: Demo) -> None:
    """A page that answers its own domain errors (`deps.page`) sends Retry-After with
    its 503, as the API's answer and the sign-in's error page do."""
    app = create_app(ServerSettings(store_env=demo.env))

    @app.get("/web/busy-for-the-test")
    @deps.page
    async def busy(request: Request) -> HTMLResponse:
        raise BusyError("the ledger is busy", 3)

    with TestClient(app, raise_server_exceptions=False) as client:
        answer = client.get("/web/busy-for-the-test")
    assert answer.status_code == 503
    assert is_html(answer)
    assert answer.headers["Retry-After"] == "3"


SIGN_OUT = {"zh_CN": "退出", "en": "Sign out"}


@pytest.mark.parametrize("language", ["zh_CN", "en"])
@pytest.mark.parametrize("case", [
    ("finance", "/web/no-such-page", 404),  # no handler ran: nothing said who is signed in
    ("employee", "/web/audit", 403),
    ("auditor", "/web/audit?after=-3", 422)])
def test_a_signed_in_reader_keeps_the_menu_on_an_error_page(
        app_with_a_fault: TestClient, demo: Demo, language: str,
        case: tuple[str, str, int]) -> None:
    role, path, status = case
    sign_in(app_with_a_fault, role, demo.passwords[role])
    app_with_a_fault.cookies.set(LANGUAGE_COOKIE, language)
    answer = _get_then_sign_out(app_with_a_fault, path)
    assert answer.status_code == status
    assert '<nav class="menu"' in answer.text
    assert '<div class="who">' in answer.text
    assert 'action="/logout"' in answer.text
    assert SIGN_OUT[language] in answer.text
    assert '<nav class="lang"' in answer.text


def test_nobody_signed_in_gets_no_menu_on_an_error_page(app_with_a_fault: TestClient) -> None:
    answer = _get_then_sign_out(app_with_a_fault, "/web/no-such-page")
    assert answer.status_code == 404
    assert '<nav class="menu"' not in answer.text
    assert '<nav class="lang"' in answer.text


def _reason(answer: Response) -> str:
    found = re.search(r'<p class="reason">([^<]*)</p>', answer.text)
    assert found, answer.text[-1500:]
    return html.unescape(found.group(1))


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_an_error_pages_reason_keeps_the_id_it_begins_with(
        app_with_a_fault: TestClient, language: str) -> None:
    """Sentence case made 「Internal is an admin department」 of the department internal."""
    app_with_a_fault.cookies.set(LANGUAGE_COOKIE, language)
    reason = _reason(_get_then_sign_out(app_with_a_fault, "/web/refusal-for-the-test"))
    assert reason.startswith("internal ")
    assert ("workload" in reason) == (language == "en")


@pytest.mark.parametrize(("language", "begins"), [("en", "An employee may not read"),
                                                  ("zh_CN", "职工")])
def test_an_error_pages_reason_begins_a_sentence_with_a_role(
        app_with_a_fault: TestClient, demo: Demo, language: str, begins: str) -> None:
    """A value of words (the role) begins the sentence as a word does."""
    sign_in(app_with_a_fault, "employee", demo.passwords["employee"])
    app_with_a_fault.cookies.set(LANGUAGE_COOKIE, language)
    assert _reason(_get_then_sign_out(app_with_a_fault, "/web/audit")).startswith(begins)


def test_a_fault_looking_up_the_reader_leaves_a_404_a_404(
        app_with_a_fault: TestClient, demo: Demo,
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    """The 404 page of an address no handler serves asks who is signed in, for its menu;
    a fault there (not a domain error: the ledger's read of the user failing) made the
    404 a 500. It is logged, and the page is drawn without the menu. (A page that exists
    looks its reader up first, itself: the same fault there is that page's 500.)"""
    sign_in(app_with_a_fault, "finance", demo.passwords["finance"])

    def fault(*_: object) -> None:
        raise RuntimeError("the user could not be read")

    monkeypatch.setattr(deps, "_user", fault)
    with caplog.at_level("ERROR", logger="api.web.deps"):
        answer = _get_then_sign_out(app_with_a_fault, "/web/no-such-page")
    assert answer.status_code == 404, answer.text[-800:]
    assert is_html(answer)
    assert HOME_LINK in answer.text
    assert '<nav class="menu"' not in answer.text
    logged = [r for r in caplog.records if r.name == "api.web.deps"]
    assert logged
    assert logged[0].exc_info is not None
    assert "the user could not be read" in str(logged[0].exc_info[1])
