"""The server's long-lived session freezes what a verb left alive once the process's peak
memory has grown (`Session.settle`, after every request on the ledger thread): the fold
is then out of the cycle collector's sight, so no full pass walks it again (the first
after a large fold took seconds); a verb that grew nothing freezes nothing, so young
objects stay collectable."""

from __future__ import annotations

import gc
from collections.abc import Iterator, Mapping

import pytest
from seeding import seeded, serve

from api.storage import session as sessions
from api.storage.session import Session


@pytest.fixture
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    try:
        yield
    finally:
        gc.unfreeze()  # hand everything back: later tests count on the collector


def test_a_request_that_folded_freezes_the_fold(  # type: ignore[no-untyped-def]
        store, monkeypatch, unfrozen) -> None:
    opened: list[Session] = []

    def opening(env: Mapping[str, str]) -> Session:
        opened.append(Session(env))
        return opened[-1]

    monkeypatch.setattr(sessions, "FREEZE_GROWTH", 0)  # any growth, as a large fold's
    with serve(store.env, opening) as client:
        served = seeded(store.env, client)
        try:
            assert served.get("auditor", "/audit/events").status_code == 200  # every event
            held = opened[0].ledger.held_events()
            assert held > 0
            facts = opened[0].ledger.facts()  # as the request left it (and caught up)
            tracked = {id(o) for o in gc.get_objects()}  # the generations, not the frozen
            assert gc.get_freeze_count() > 0
            assert id(facts) not in tracked
            frozen = [id(event) not in tracked for event in facts.events.values()]
            assert sum(frozen) >= held - 1  # the request's own access record may follow
            # No growth since: nothing more is frozen, the young stay the collector's.
            monkeypatch.setattr(sessions, "FREEZE_GROWTH", 1 << 40)
            young: list[list[int]] = [[1], [2]]
            assert served.get("auditor", "/audit/events").status_code == 200
            assert any(o is young for o in gc.get_objects())
        finally:
            served.close()


def test_settle_freezes_only_after_growth(monkeypatch, unfrozen) -> None:  # type: ignore[no-untyped-def]
    session = Session({"PERSISTENCE_MODULE": "eventsourcing.sqlite",
                       "SQLITE_DBNAME": ":memory:"})
    try:
        monkeypatch.setattr(sessions, "FREEZE_GROWTH", 1 << 40)
        session.settle()
        assert gc.get_freeze_count() == 0
        monkeypatch.setattr(sessions, "FREEZE_GROWTH", 0)
        session.settle()
        assert gc.get_freeze_count() > 0
    finally:
        session.close()
