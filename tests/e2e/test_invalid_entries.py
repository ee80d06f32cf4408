"""One bad stored value costs one entry, not the ledger: an event written by an older
version with a value now out of range (a score of 1e5000) is reported as an invalid
entry, and every other figure reads as before, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from uuid import uuid4, uuid5

from builders import GOLDEN, cli_for
from fastapi.testclient import TestClient

from api.http.app import create_app
from api.http.settings import ServerSettings
from domain.application import IDEMPOTENCY_NAMESPACE, Ledger
from domain.events import ScoreRecorded


def _store_unchecked(env: dict[str, str], event: ScoreRecorded) -> None:
    """What an older version wrote: straight to the recorder, no validation on the way."""
    ledger = Ledger(env)
    try:
        ledger.recorder.insert_events([ledger.mapper.to_stored_event(event)])
    finally:
        ledger.close()


def test_a_stored_score_out_of_range_is_reported_and_the_rest_still_pays(store) -> None:  # type: ignore[no-untyped-def]
    cli = cli_for(store.backend, store.env)
    cli.ok("apply", str(GOLDEN / "example-1" / "commands.jsonl"))
    before = cli.payout("2026-Q1")
    bad_id = uuid4()
    _store_unchecked(store.env, ScoreRecorded.model_construct(
        originator_id=bad_id, originator_version=1,
        recorded_at=datetime(2026, 4, 2, tzinfo=UTC), actor="old-version",
        reason="typo", rule_ref=None, evidence_ref=None, idempotency_key=None,
        supersedes=uuid5(IDEMPOTENCY_NAMESPACE, "ex1-qty-li"),
        period="2026-Q1", employee_id="li", item="quantity", points=Decimal("1E+5000")))

    run = cli("payout", "--period", "2026-Q1", "--json")
    assert run.code == 0, run.err
    after = json.loads(run.out)
    invalid = after.pop("invalid_entries")
    assert after == before
    assert [(e["id"], e["type"]) for e in invalid] == [(str(bad_id), "ScoreRecorded")]
    assert "points" in invalid[0]["reason"]
    assert str(bad_id) in run.err
    assert "invalid" in run.err
    # The table for people says the same on stderr; other commands keep working.
    table = cli("payout", "--period", "2026-Q1")
    assert table.code == 0
    assert str(bad_id) in table.err
    assert cli("reconcile", "--period", "2026-Q1").code == 0
    assert cli.ok("explain", "--period", "2026-Q1", "--employee", "li").out


def test_over_http_the_payout_names_the_invalid_entry_and_answers_200(store) -> None:  # type: ignore[no-untyped-def]
    cli = cli_for(store.backend, store.env)
    cli.ok("apply", str(GOLDEN / "example-1" / "commands.jsonl"))
    token = cli.ok("users", "add", "fin", "--name", "Finance", "--role",
                   "finance").out.strip().splitlines()[-1]
    bad_id = uuid4()
    _store_unchecked(store.env, ScoreRecorded.model_construct(
        originator_id=bad_id, originator_version=1,
        recorded_at=datetime(2026, 4, 2, tzinfo=UTC), actor="old-version",
        reason=None, rule_ref=None, evidence_ref=None, idempotency_key=None, supersedes=None,
        period="2026-Q1", employee_id="wang", item="quantity", points=Decimal("-1E+5000")))
    app = create_app(ServerSettings(store_env=store.env))
    try:
        with TestClient(app, raise_server_exceptions=False) as client:
            headers = {"Authorization": f"Bearer {token}"}
            payout = client.get("/periods/2026-Q1/payout", headers=headers)
            assert payout.status_code == 200, payout.text
            assert [e["id"] for e in payout.json()["invalid_entries"]] == [str(bad_id)]
            for path in ("/periods/2026-Q1/reconciliation", "/audit/events",
                         "/periods/2026-Q1/explain?employee=wang"):
                assert client.get(path, headers=headers).status_code == 200, path
    finally:
        app.state.ledger.close()
