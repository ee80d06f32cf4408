"""The chain verification page names what it found in the reader's language: an auditor
reading Chinese sees every finding in Chinese, one who chose English sees English."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from web_support import Demo, sign_in

from api.http.app import create_app
from api.http.settings import ServerSettings
from api.web.sessions import LANGUAGE_COOKIE

ALTERED = 10  # the notification position whose stored bytes are changed


@pytest.fixture(scope="module")
def auditor(demo: Demo) -> Iterator[TestClient]:
    connection = sqlite3.connect(demo.env["SQLITE_DBNAME"], isolation_level=None)
    try:  # one stored event's bytes changed behind the ledger's back (its JSON stays valid)
        changed = connection.execute(
            "UPDATE stored_events SET state = CAST(CAST(state AS TEXT) || ' ' AS BLOB) "
            "WHERE rowid = ?", (ALTERED,)).rowcount
    finally:
        connection.close()
    assert changed == 1
    with TestClient(create_app(ServerSettings(store_env=demo.env))) as client:
        sign_in(client, "auditor", demo.passwords["auditor"])
        yield client


def _findings(html: str) -> list[str]:
    alert = html.split('role="alert"', 1)[1].split("</div>", 1)[0]
    return [item.split("</li>", 1)[0] for item in alert.split("<li>")[1:]]


def test_the_page_names_an_altered_event_in_chinese_by_default(auditor: TestClient) -> None:
    page = auditor.get("/web/audit/verify?again=1")
    assert page.status_code == 200
    [finding] = _findings(page.text)
    assert finding.startswith(f"已篡改：位置 {ALTERED} 的事件 ")
    assert "其存储字节的哈希与链上记录的链节不再相符" in finding
    assert "altered" not in finding
    assert "stored bytes" not in finding


def test_the_page_names_it_in_english_under_the_switch(auditor: TestClient) -> None:
    auditor.cookies.set(LANGUAGE_COOKIE, "en")
    try:
        page = auditor.get("/web/audit/verify?again=1")
    finally:
        auditor.cookies.delete(LANGUAGE_COOKIE)
    [finding] = _findings(page.text)
    assert finding.startswith("Altered: event ")  # a line of its own, in sentence case
    assert f"at position {ALTERED}" in finding
    assert "its stored bytes no longer hash to the chain&#39;s link" in finding
