"""Retrying is safe: the same Idempotency-Key returns the first response and records
nothing new; a request that fails writes nothing; two writers racing for one entry get
one event and a 409 — on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from seeding import Served, seeded, serve

from api.storage.session import Session
from domain.application import APPLICATION_NAME, Ledger

SCORE = {"type": "record_score", "period": "2026-Q3", "employee_id": "li",
         "item": "quantity", "points": "41"}
BATCH = [
    {"type": "record_score", "period": "2026-Q3", "employee_id": "zhang", "item": "quantity",
     "points": "38"},
    {"type": "record_deduction", "period": "2026-Q3", "employee_id": "wang", "kind": "late",
     "minutes": 12},
]


def test_a_retried_command_returns_the_first_response_and_records_once(store) -> None:  # type: ignore[no-untyped-def]
    with serve(store.env) as client:
        served = seeded(store.env, client)
        before = served.event_count()
        first = served.post("head", "/commands", SCORE, key="retry-me")
        again = served.post("head", "/commands", SCORE, key="retry-me")
        assert first.status_code == again.status_code == 201
        assert first.json() == again.json()
        assert (first.headers["Idempotent-Replayed"], again.headers["Idempotent-Replayed"]) == (
            "false", "true")
        assert served.event_count() == before + 1
        [event] = first.json()["events"]
        assert (event["actor"], event["idempotency_key"]) == ("head-internal", "retry-me")
        served.close()


def test_a_retried_user_registration_returns_the_first_response(store) -> None:  # type: ignore[no-untyped-def]
    registration = {"type": "register_user", "user_id": "zhang-user", "name": "Zhang",
                    "role": "employee", "employee_id": "zhang", "token_sha256": "cd" * 32}
    with serve(store.env) as client:
        served = seeded(store.env, client)
        first = served.post("administrator", "/commands", registration, key="user-zhang")
        again = served.post("administrator", "/commands", registration, key="user-zhang")
        assert (first.status_code, again.status_code) == (201, 201), again.text
        assert first.json() == again.json()
        assert "token_sha256" not in first.json()["events"][0]  # never shown
        served.close()


def test_a_retried_batch_records_once_with_a_key_per_row(store) -> None:  # type: ignore[no-untyped-def]
    with serve(store.env) as client:
        served = seeded(store.env, client)
        before = served.event_count()
        first = served.post("head", "/commands/batch", BATCH, key="batch-7")
        again = served.post("head", "/commands/batch", BATCH, key="batch-7")
        assert first.status_code == again.status_code == 201
        assert first.json() == again.json()
        assert [e["idempotency_key"] for e in first.json()["events"]] == ["batch-7:0",
                                                                          "batch-7:1"]
        assert served.event_count() == before + 2
        served.close()


def test_a_key_reused_for_a_different_command_is_refused_and_writes_nothing(store) -> None:  # type: ignore[no-untyped-def]
    with serve(store.env) as client:
        served = seeded(store.env, client)
        assert served.post("head", "/commands", SCORE, key="once").status_code == 201
        before = served.event_count()
        other = served.post("head", "/commands", {**SCORE, "points": "42"}, key="once")
        assert other.status_code == 422
        assert [(p["where"], p["field"]) for p in other.json()["error"]["problems"]] == [
            ("body", "idempotency_key")]
        assert served.event_count() == before
        served.close()


def test_a_failed_request_writes_nothing(store) -> None:  # type: ignore[no-untyped-def]
    with serve(store.env) as client:
        served = seeded(store.env, client)
        before = served.event_count()
        bad_row = [*BATCH, {"type": "record_attendance", "period": "2026-Q3",
                            "employee_id": "nobody", "scheduled_days": "60"}]
        assert served.post("head", "/commands/batch", bad_row, key="k").status_code == 422
        outside = [*BATCH, {**SCORE, "employee_id": "chen"}]
        assert served.post("head", "/commands/batch", outside, key="k").status_code == 403
        assert served.event_count() == before
        # ... and the same key still works for the right batch afterwards.
        assert served.post("head", "/commands/batch", BATCH, key="k").status_code == 201
        assert served.event_count() == before + 2
        served.close()


class RacingLedger(Ledger):
    """A ledger that, once armed, lets a rival process record the same entry between its
    checks and its save: the interleaving two servers on one store can hit."""

    name = APPLICATION_NAME  # eventsourcing names a subclass after itself unless pinned

    def __init__(self, env: Mapping[str, str]) -> None:
        super().__init__(env)
        self.store_env = dict(env)
        self.rival_row: Mapping[str, Any] | None = None

    def save(self, *objs: Any, **kwargs: Any) -> Any:
        row, self.rival_row = self.rival_row, None
        if row is not None:
            rival = Ledger(self.store_env)
            try:
                rival.record(rival.parse_commands([("rival", row)]), "rival")
            finally:
                rival.close()
        return super().save(*objs, **kwargs)


def test_a_concurrent_writer_of_the_same_entry_gets_409_and_one_event(store) -> None:  # type: ignore[no-untyped-def]
    racing: list[RacingLedger] = []

    def open_racing_session(env: Mapping[str, str]) -> Session:
        session = Session(env)
        session.ledger.close()
        session.ledger = racer = RacingLedger(env)
        racing.append(racer)
        return session

    with serve(store.env) as plain:  # seed through one server, race through another
        tokens = seeded(store.env, plain).tokens
    with serve(store.env, open_racing_session) as client:
        served = Served(store.env, client, tokens)
        assert served.get("auditor", "/me").status_code == 200  # its ledger is open
        before = served.event_count()
        racing[0].rival_row = {**SCORE, "idempotency_key": "contested"}
        lost = served.post("head", "/commands", SCORE, key="contested")
        assert lost.status_code == 409, lost.text
        assert lost.json()["error"]["code"] == "conflict"
        assert served.event_count() == before + 1  # the rival's, once
        retried = served.post("head", "/commands", SCORE, key="contested")
        assert retried.status_code == 201
        assert retried.json()["events"][0]["actor"] == "rival"  # the first result
        assert served.event_count() == before + 1
        served.close()
