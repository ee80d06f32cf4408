"""/docs and /redoc work on a machine with no internet (issue 12): every script, style and
icon comes from the server itself, and Swagger UI starts under `script-src 'self'`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from browser import CHROMIUM, LAUNCH, running_server
from fastapi.testclient import TestClient

from api.http.app import create_app
from api.http.settings import ServerSettings

URL_ATTRIBUTE = re.compile(r"""(?:src|href|spec-url)=["']([^"']+)["']""")
# ReDoc's "powered by" logo is an image on its vendor's CDN, written by the bundle itself;
# the policy refuses it before any request leaves, and the page works without it.
REFUSED_BY_POLICY = {"/docs": [], "/redoc": ["https://cdn.redoc.ly/redoc/logo-mini.svg"]}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite",
           "SQLITE_DBNAME": str(tmp_path_factory.mktemp("docs") / "ledger.db")}
    with TestClient(create_app(ServerSettings(store_env=env))) as test_client:
        yield test_client


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_the_docs_pages_name_no_external_url(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    html = response.text
    assert "http://" not in html
    assert "https://" not in html
    assert "//" not in "".join(URL_ATTRIBUTE.findall(html))
    urls = URL_ATTRIBUTE.findall(html)
    assert urls, "the page loads nothing at all"
    for url in urls:
        assert url.startswith("/"), url
        assert client.get(url).status_code == 200, url


def test_swagger_ui_needs_no_inline_script(client: TestClient) -> None:
    html = client.get("/docs").text
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.S)
    assert scripts
    assert all("src=" in attributes and not body.strip() for attributes, body in scripts)
    policy = client.get("/docs").headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy
    assert "unsafe-inline" not in policy.split("script-src", 1)[1].split(";", 1)[0]
    assert "cdn.jsdelivr.net" not in policy


@pytest.mark.parametrize(("path", "rendered"), [
    ("/docs", ".opblock-summary-path"),
    ("/redoc", "[data-section-id^='operation/']"),
])
def test_the_docs_render_with_the_internet_blocked(tmp_path: Path, path: str,
                                                   rendered: str) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    assert CHROMIUM.exists(), "install Debian's chromium (python3 dev.py test does)"
    blocked: list[str] = []
    violations: list[str] = []
    with running_server(tmp_path) as base, sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(**LAUNCH)
        page = browser.new_page(viewport={"width": 1280, "height": 900})

        def only_loopback(route: object) -> None:
            request = route.request  # type: ignore[attr-defined]
            if urlsplit(request.url).hostname == "127.0.0.1" or request.url.startswith(
                    ("data:", "blob:")):
                route.continue_()  # type: ignore[attr-defined]
            else:
                blocked.append(request.url)
                route.abort()  # type: ignore[attr-defined]

        page.route("**/*", only_loopback)
        page.on("console", lambda message: violations.append(message.text)
                if "Content Security Policy" in message.text else None)
        page.goto(base + path)
        page.wait_for_selector(rendered, timeout=30_000)
        operations = page.locator(rendered).count()
        # Kept beside the test's files to look at: tmp_path is printed on failure.
        page.screenshot(path=str(tmp_path / f"api{path.replace('/', '-')}.png"))
        browser.close()
    assert operations >= 10
    assert blocked == []
    assert [url for url in REFUSED_BY_POLICY[path] if url in " ".join(violations)] == \
        REFUSED_BY_POLICY[path]
    assert len(violations) == len(REFUSED_BY_POLICY[path]), violations
