"""The server's long-lived session freezes what a verb left alive once the process's peak
memory has grown (`Session.settle`, after every request on the ledger thread): the fold
is then out of the cycle collector's sight, so no full pass walks it again (the first
after a large fold took seconds); a verb that grew nothing freezes nothing, so young
objects stay collectable."""

from __future__ import annotations

import gc
import io
from collections.abc import Iterator, Mapping

import pytest
from openpyxl import Workbook
from seeding import seeded, serve

from api.sheets import rows as sheet_rows
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


def test_an_import_leaves_no_garbage_frozen(tmp_path, monkeypatch, unfrozen) -> None:  # type: ignore[no-untyped-def]
    """A workbook imported into a server that has frozen its folds: the chunked write
    freezes what is alive after each chunk (domain/chunked_writes.py), the workbook's
    reader too, whose cycles (openpyxl's workbook, `iterparse`'s class) are garbage once
    the import is done and, frozen, never collected: ≈75 objects an import, for the
    server's life. The same file again records nothing, so leaves nothing alive."""
    env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite",
           "SQLITE_DBNAME": str(tmp_path / "ledger.db")}
    monkeypatch.setattr(sheet_rows, "CHUNK_ROWS", 1)  # the chunked write, as a large file's
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["期间", "工号", "类别", "项目", "分钟"])
    for employee in ("zhang", "li", "wang"):
        sheet.append(["2026-Q2", employee, "deduction", "late", 40])
    data = io.BytesIO()
    book.save(data)
    imports = 5
    with serve(env) as client:
        served = seeded(env, client)
        try:
            def imported() -> int:
                reply = client.post("/imports/entries", params={"filename": "late.xlsx"},
                                    headers=served.headers("head"), content=data.getvalue())
                assert reply.status_code == 201, reply.text
                return int(reply.json()["recorded"])

            monkeypatch.setattr(sessions, "FREEZE_GROWTH", 0)  # it froze its folds
            assert imported() == 3
            monkeypatch.setattr(sessions, "FREEZE_GROWTH", 1 << 40)
            gc.unfreeze()  # a server that froze only what is alive: no garbage frozen yet
            gc.collect()
            gc.freeze()
            assert [imported() for _ in range(imports)] == [0] * imports
            gc.unfreeze()
            garbage = _collected()  # what those imports froze that nothing holds
        finally:
            served.close()
    # The request's own machinery (the client's, the executor's future) in flight at the
    # last chunk's freeze is frozen too, as for any request, however many imports ran.
    assert [kind for kind in garbage if kind.startswith(IMPORT_MODULES)] == []


IMPORT_MODULES = ("openpyxl", "xml", "zipfile", "defusedxml", "api.", "domain.")


def _collected() -> list[str]:
    """The module and name of each kind of object collected now (a class by its own)."""
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        gc.collect()
        kinds = [garbage if isinstance(garbage, type) else type(garbage)
                 for garbage in gc.garbage]
        return [f"{kind.__module__}.{kind.__qualname__}" for kind in kinds]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
