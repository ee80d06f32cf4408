"""The event listings never show a credential's hash (a bearer token's SHA-256, a
password's argon2 hash) in any shell: the use case that lists events leaves them out,
so the CLI's `jixiao events --json`, the API's /audit/events and the auditor's page all
show that a token or password was set, by whom and when, never its hash. And the
auditor's history filters by period: an entry of it, its close, every step of an
appeal against one of its entries."""

from __future__ import annotations

import json
from typing import Any

import pytest
from builders import cli_for
from fastapi.testclient import TestClient
from journey_support import Ledger
from web_support import Demo, copy_demo, sign_in

from api.http.app import create_app
from api.http.settings import ServerSettings
from api.storage.session import Session
from api.usecases import audit
from api.usecases.ports import Caller
from api.usecases.users import NewUser, add_user

HASH_MARKS = ("$argon2", "token_sha256", "password_argon2")


@pytest.fixture(scope="module")
def ledger(demo_master: Demo, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The demo ledger (passwords and tokens set for its accounts), with 2026-Q1 closed and
    an appeal of one of its entries decided, and a token for an API auditor."""
    demo = copy_demo(demo_master, tmp_path_factory.mktemp("listings"))
    journey = Ledger(demo.env)
    journey.close_q1()
    appeal = journey.file_appeal()
    journey.decide(appeal)
    with Session(demo.env) as session:
        token = add_user(session, Caller("demo"), NewUser("api-auditor", "审计 机", "auditor"))
    return {"demo": demo, "token": token, "appeal": appeal}


def every_event(env: dict[str, str]) -> list[dict[str, Any]]:
    with Session(env) as session:
        return audit.audit_events(session, Caller("demo"), audit.AuditQuery(limit=10_000))[
            "events"]


def test_the_use_case_lists_credential_events_without_their_hashes(
        ledger: dict[str, Any]) -> None:
    events = every_event(ledger["demo"].env)
    kinds = {e["type"] for e in events}
    assert {"PasswordSet", "UserRegistered"} <= kinds  # the listing has them, hashless
    assert [e for e in events if set(e) & audit.CREDENTIAL_FIELDS] == []
    assert all(e.get("user_id") for e in events if e["type"] == "PasswordSet")
    with Session(ledger["demo"].env) as session:
        lines = audit.latest_events(session, Caller("demo"), 10_000)
    assert [line.fields for line in lines if set(line.fields) & audit.CREDENTIAL_FIELDS] == []


def test_the_cli_lists_events_without_hashes(ledger: dict[str, Any]) -> None:
    out = cli_for("sqlite", ledger["demo"].env).ok("events", "--limit", "10000", "--json").out
    rows = [json.loads(line) for line in out.splitlines()]
    assert any(row["type"] == "PasswordSet" for row in rows)
    assert [mark for mark in HASH_MARKS if mark in out] == []


def test_the_api_lists_events_without_hashes(ledger: dict[str, Any]) -> None:
    with TestClient(create_app(ServerSettings(store_env=ledger["demo"].env))) as client:
        answer = client.get("/audit/events", params={"limit": 1000, "type": "set_password"},
                            headers={"Authorization": f"Bearer {ledger['token']}"})
        assert answer.status_code == 200, answer.text
        assert answer.json()["events"]
        assert [mark for mark in HASH_MARKS if mark in answer.text] == []
        registered = client.get("/audit/events", params={"type": "register_user"},
                                headers={"Authorization": f"Bearer {ledger['token']}"})
        assert registered.json()["events"]
        assert "token_sha256" not in registered.text


@pytest.fixture(scope="module")
def auditor(ledger: dict[str, Any]) -> TestClient:
    demo: Demo = ledger["demo"]
    client = TestClient(create_app(ServerSettings(store_env=demo.env)))
    sign_in(client, "auditor", demo.passwords["auditor"])
    return client


def test_the_auditor_page_lists_events_without_hashes(auditor: TestClient) -> None:
    page = auditor.get("/web/audit", params={"type": "set_password"}).text
    assert page.count("PasswordSet") >= 2
    assert [mark for mark in HASH_MARKS if mark in page] == []


def test_the_auditor_filters_the_history_by_period(auditor: TestClient,
                                                   ledger: dict[str, Any]) -> None:
    page = auditor.get("/web/audit", params={"period": "2026-Q1", "type": "PeriodClosed"}).text
    assert page.count(">PeriodClosed</small></td>") == 1  # 2026-Q1's close, not another's
    other = auditor.get("/web/audit", params={"period": "2026-Q2", "type": "PeriodClosed"}).text
    assert ">PeriodClosed</small></td>" not in other
    for step in ("AppealFiled", "AppealAssigned", "AppealDecided"):
        about_q1 = auditor.get("/web/audit", params={"period": "2026-Q1", "type": step}).text
        assert ledger["appeal"] in about_q1, step
        about_q3 = auditor.get("/web/audit", params={"period": "2026-Q3", "type": step}).text
        assert ledger["appeal"] not in about_q3, step
    entries = auditor.get("/web/audit", params={"period": "2026-Q3", "type": "ScoreRecorded"})
    assert "2026-Q3" in entries.text
    assert "2026-Q1" not in entries.text.split("<tbody>", 1)[1]


def test_the_api_filters_events_by_period(ledger: dict[str, Any]) -> None:
    with TestClient(create_app(ServerSettings(store_env=ledger["demo"].env))) as client:
        answer = client.get("/audit/events", params={"period": "2026-Q1", "limit": 1000},
                            headers={"Authorization": f"Bearer {ledger['token']}"})
    events = answer.json()["events"]
    everything = [e for e in every_event(ledger["demo"].env) if e.get("period") == "2026-Q1"]
    assert {e["id"] for e in everything} <= {e["id"] for e in events}
    assert {e.get("period") for e in events} <= {"2026-Q1", None}
