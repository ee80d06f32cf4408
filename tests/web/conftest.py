"""Fixtures of the web pages' tests: the demo hospital year with one account per role
(the same as `jixiao demo --serve`), written once per run and copied fresh for each test
module; a TestClient signed in as a role; and, for the browser journeys, Debian's
Chromium driven by Playwright (never a downloaded browser)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from web_support import Demo, copy_demo

from api.http.app import create_app
from api.http.settings import ServerSettings
from api.storage.session import Session, store_env
from api.usecases.demo import DemoRequest, write_demo_year
from api.usecases.demo_accounts import create_demo_accounts
from api.usecases.ports import Caller

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="session")
def demo_master(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    folder = tmp_path_factory.mktemp("web-demo")
    db = str(folder / "demo.db")
    env = store_env(db, {})
    written = write_demo_year(DemoRequest(db, {}))
    assert written.balanced
    with Session(env) as session:
        accounts = create_demo_accounts(session, Caller("demo"))
    return Demo(env, {a.user_id: a.password for a in accounts})


@pytest.fixture(scope="module")
def demo(demo_master: Demo, tmp_path_factory: pytest.TempPathFactory) -> Demo:
    """A fresh copy of the demo ledger for one test module."""
    return copy_demo(demo_master, tmp_path_factory.mktemp("web-copy"))


@pytest.fixture(scope="module")
def app_client(demo: Demo) -> Iterator[TestClient]:
    with TestClient(create_app(ServerSettings(store_env=demo.env))) as client:
        yield client


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        # A failure, never a skip: `python3 dev.py test` installs it, so a missing browser
        # is a broken setup, not a reason to run fewer tests.
        pytest.fail("Debian's Chromium is not installed (apt-get install chromium "
                    "fonts-noto-cjk; `python3 dev.py test` does it)")
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                              args=["--no-sandbox"])
        yield launched
        launched.close()
