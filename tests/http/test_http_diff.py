"""`GET /periods/{p}/diff`: `events` keeps every event in between, as clients have read it;
beside it, `events_behind` names those about a figure that moved (each with the rows it
is about and its rule) and `other_events` counts the rest by type; a head sees none of
the others', not even their count."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from builders import GOLDEN, cli_for
from fastapi.testclient import TestClient

from api.http.app import create_app
from api.http.settings import ServerSettings
from api.storage.session import Session
from api.usecases import users
from api.usecases.ports import Caller
from api.usecases.users import NewUser


@pytest.fixture
def client(store, tmp_path) -> Iterator[tuple[TestClient, dict[str, str], int]]:  # type: ignore[no-untyped-def]
    """Worked example 3, 2026-Q1 closed, withheld for everyone paid, then corrected; the
    client, a token per reader, and how many were withheld."""
    cli = cli_for(store.backend, store.env)
    cli.ok("apply", str(GOLDEN / "example-3" / "commands.jsonl"))
    cli.ok("close", "--period", "2026-Q1")
    paid = sorted({p["employee_id"] for p in cli.payout("2026-Q1")["people"]})
    batch = tmp_path / "withholding.jsonl"
    batch.write_text("".join(
        f'{{"type": "record_withholding", "pay_period": "2026-Q1", "employee_id": "{p}", '
        f'"tax_withheld_cny": "100.00"}}\n' for p in paid), encoding="utf-8")
    cli.ok("apply", str(batch))
    cli.ok("apply", str(GOLDEN / "example-3" / "correction.jsonl"))
    with Session(store.env) as session:
        tokens = {"auditor": users.add_user(session, Caller("seed"),
                                            NewUser("aud", "审计", "auditor")),
                  "head": users.add_user(session, Caller("seed"), NewUser(
                      "head-icu", "主任", "department_head", department_ids=["icu"])),
                  "ward": users.add_user(session, Caller("seed"), NewUser(
                      "head-ward", "主任", "department_head", department_ids=["ward"]))}
    with TestClient(create_app(ServerSettings(store_env=store.env))) as client:
        yield client, tokens, len(paid)


def diff(client: TestClient, token: str, **params: str) -> dict[str, Any]:
    answer = client.get("/periods/2026-Q1/diff", params={"from": "closed", **params},
                        headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.text
    return answer.json()  # type: ignore[no-any-return]


EVENT_FIELDS = {"id", "type", "actor", "recorded_at", "effective", "reason", "supersedes"}


def test_events_keeps_every_event_and_the_reading_is_beside_it(
        client: tuple[TestClient, dict[str, str], int]) -> None:
    http, tokens, withheld = client
    body = diff(http, tokens["auditor"])
    kinds = [event["type"] for event in body["events"]]
    assert kinds.count("WithholdingRecorded") == withheld  # every event, as before
    assert all(set(event) == EVENT_FIELDS for event in body["events"])  # the same shape
    correction = next(e for e in body["events"] if e["type"] == "DepartmentFiguresRecorded")
    assert correction["reason"] == "appeal upheld: workload double-counted"
    [behind] = body["events_behind"]
    assert behind["id"] == correction["id"]
    assert behind["moved"][0] == "ward"  # the department, then its people
    assert set(behind["moved"]) == {"ward"} | {r["id"] for r in body["people"]}
    assert body["other_events"] == [{"type": "WithholdingRecorded", "count": withheld}]


def test_a_head_sees_nothing_of_the_other_departments_events(
        client: tuple[TestClient, dict[str, str], int]) -> None:
    http, tokens, _ = client
    body = diff(http, tokens["head"])
    assert (body["people"], body["departments"], body["events"]) == ([], [], [])
    assert (body["events_behind"], body["other_events"]) == ([], [])
    assert body["total"] is None


def test_a_head_whose_people_moved_sees_them_and_no_count_of_the_rest(
        client: tuple[TestClient, dict[str, str], int]) -> None:
    http, tokens, _ = client
    body = diff(http, tokens["ward"])
    shown = {r["id"] for r in (*body["people"], *body["departments"])}
    assert "ward" in shown
    [behind] = body["events_behind"]
    assert set(behind["moved"]) == shown
    assert [e["id"] for e in body["events"]] == [behind["id"]]
    assert body["other_events"] == []  # the withholdings of the ward's people too
