"""One bad stored value costs one entry, not the ledger: an event written by an older
version with a value now out of range (a score of 1e5000) is reported as an invalid
entry, and every other figure reads as before, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from uuid import UUID, uuid4, uuid5

from builders import GOLDEN, cli_for, unchecked_score
from eventsourcing.persistence import StoredEvent
from fastapi.testclient import TestClient

from api.http.app import create_app
from api.http.settings import ServerSettings
from domain.application import IDEMPOTENCY_NAMESPACE, Ledger
from domain.events import ScoreRecorded


def _store_unchecked(env: dict[str, str], event: ScoreRecorded, *edited: StoredEvent) -> None:
    """What an older version wrote (and any rows edited by hand): straight to the
    recorder, no validation on the way."""
    ledger = Ledger(env)
    try:
        ledger.recorder.insert_events([ledger.mapper.to_stored_event(event), *edited])
    finally:
        ledger.close()


def test_a_stored_score_out_of_range_is_reported_and_the_rest_still_pays(store) -> None:  # type: ignore[no-untyped-def]
    cli = cli_for(store.backend, store.env)
    cli.ok("apply", str(GOLDEN / "example-1" / "commands.jsonl"))
    before = cli.payout("2026-Q1")
    bad_id = uuid4()
    _store_unchecked(store.env, unchecked_score(
        originator_id=bad_id, reason="typo", supersedes=uuid5(IDEMPOTENCY_NAMESPACE, "ex1-qty-li"),
        employee_id="li", item="quantity"))

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
    with _finance_over_a_bad_score(store) as (client, headers, bad_id):
        payout = client.get("/periods/2026-Q1/payout", headers=headers)
        assert payout.status_code == 200, payout.text
        assert [e["id"] for e in payout.json()["invalid_entries"]] == [str(bad_id)]
        for path in ("/periods/2026-Q1/reconciliation", "/audit/events",
                     "/periods/2026-Q1/explain?employee=wang"):
            assert client.get(path, headers=headers).status_code == 200, path


def test_each_reason_is_worded_in_the_readers_language_and_json_stays_english(store) -> None:  # type: ignore[no-untyped-def]
    """One altered stored value and one edited topic: `payout` words both reasons in
    Chinese by default and in English with `--lang en`, from the structure the domain
    hands over; `--json` is the same in every language and keeps the English reason.
    Run twice: the second answer may come from the warm view's note."""
    cli = cli_for(store.backend, store.env)
    cli.ok("apply", str(GOLDEN / "example-1" / "commands.jsonl"))
    bad_id, edited_id = uuid4(), uuid4()
    _store_unchecked(store.env, unchecked_score(originator_id=bad_id, employee_id="li",
                                                item="quantity"), StoredEvent(
        originator_id=edited_id, originator_version=1, topic="domain.events:ScoreWiped",
        state=b'{"recorded_at": "2026-04-02T00:00:00+00:00", "actor": "someone"}'))
    for _ in range(2):
        chinese = cli("payout", "--period", "2026-Q1", "--lang", "zh")
        assert chinese.code == 0, chinese.err
        assert f"警告：账本中的条目 {bad_id}（ScoreRecorded）无法读取" in chinese.err
        assert "points：绝对值应小于 1,000,000，实际为 '1E+5000'" in chinese.err
        assert f"条目 {edited_id}（ScoreWiped）" in chinese.err
        assert "本版本没有条目类型 ScoreWiped" in chinese.err
        assert not re.search(r"must|unknown|event type|warning", chinese.err), chinese.err
        english = cli("payout", "--period", "2026-Q1", "--lang", "en")
        assert "points: must be less than 1,000,000 in size" in english.err
        assert "this version has no entry type ScoreWiped" in english.err
        assert not re.search(r"[\u4e00-\u9fff]", english.err), english.err
        as_json = cli("payout", "--period", "2026-Q1", "--json", "--lang", "zh")
        assert as_json.out == cli("payout", "--period", "2026-Q1", "--json",
                                  "--lang", "en").out
        reasons = {e["id"]: e["reason"] for e in json.loads(as_json.out)["invalid_entries"]}
        assert reasons[str(edited_id)] == "unknown event type: 'ScoreWiped'"
        assert reasons[str(bad_id)].startswith("points: must be less than 1,000,000")


def test_over_http_the_detail_is_in_the_readers_language_beside_the_english_reason(store) -> None:  # type: ignore[no-untyped-def]
    with _finance_over_a_bad_score(store) as (client, headers, _):
        zh = client.get("/periods/2026-Q1/payout", headers=headers).json()
        en = client.get("/periods/2026-Q1/payout",
                        headers={**headers, "Accept-Language": "en"}).json()
        [zh_entry], [en_entry] = zh["invalid_entries"], en["invalid_entries"]
        assert zh_entry["reason"] == en_entry["reason"]
        assert zh_entry["reason"].startswith("points: must be less than")
        assert zh_entry["detail"].startswith("points：绝对值应小于")
        assert en_entry["detail"] == en_entry["reason"]
        assert [p["code"] for p in zh_entry["problems"]] == ["value_error"]


@contextmanager
def _finance_over_a_bad_score(store) -> Iterator[tuple[TestClient, dict[str, str], UUID]]:  # type: ignore[no-untyped-def]
    """Example 1 applied and a score a past version stored out of range: a client of the
    app over that store, a finance user's headers, and the score's id."""
    cli = cli_for(store.backend, store.env)
    cli.ok("apply", str(GOLDEN / "example-1" / "commands.jsonl"))
    token = cli.ok("users", "add", "fin", "--name", "Finance", "--role",
                   "finance").out.strip().splitlines()[-1]
    bad_id = uuid4()
    _store_unchecked(store.env, unchecked_score(originator_id=bad_id, employee_id="wang",
                                                item="quantity", points=Decimal("-1E+5000")))
    app = create_app(ServerSettings(store_env=store.env))
    try:
        with TestClient(app, raise_server_exceptions=False) as client:
            yield client, {"Authorization": f"Bearer {token}"}, bad_id
    finally:
        app.state.ledger.close()
