"""A large batch on PostgreSQL is encoded into the COPY as the server takes it in, and the
ledger folds its own events before the commit (api/storage/postgres_copy.py,
`Ledger.save`; issue 18, target 2). On both backends: the cached facts after a write are
the facts a fresh fold of the store gives, after a sequence gap too, and a batch refused
by the store after it was folded leaves no trace in them. The audit chain's links go in
one COPY too."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import pytest
from eventsourcing.persistence import IntegrityError, StoredEvent
from eventsourcing.persistence import IntegrityError as PersistenceIntegrityError

from api.storage.chain import catch_up_chain, open_chain, stored_records
from api.storage.postgres_copy import COPY_FROM_ROWS
from api.storage.session import open_ledger
from domain.application import Ledger
from domain.errors import ConflictError
from projections.audit import GENESIS, extend_chain

BATCH = COPY_FROM_ROWS + 50  # large enough for the COPY


def _rows(first: int, count: int) -> list[tuple[str, dict[str, str]]]:
    setup = [{"type": "adopt_scheme", "scheme": "xinghe-county-hospital"},
             {"type": "define_department", "department_id": "internal", "name": "内科",
              "kind": "clinical", "risk_coefficient": "1", "effective_on": "2026-01-01"}]
    hires = [{"type": "hire_employee", "employee_id": f"E{n:04d}", "name": f"员工{n}",
              "department_id": "internal", "title_grade": "practitioner",
              "hired_on": "2020-01-01"} for n in range(first, first + count)]
    rows = (setup if first == 0 else []) + hires
    return [(f"row {n}", row) for n, row in enumerate(rows, start=1)]


def _fold(ledger: Ledger) -> tuple[int, dict[Any, int]]:
    facts = ledger.facts()
    return facts.last_position, dict(facts.positions)


def _fresh(env: dict[str, str]) -> tuple[int, dict[Any, int]]:
    ledger = open_ledger(env)
    try:
        return _fold(ledger)
    finally:
        ledger.close()


def test_the_cached_facts_are_the_stored_ones_after_a_gap(
        store: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    ledger = open_ledger(store.env)
    forgotten: list[bool] = []
    monkeypatch.setattr(ledger, "forget_facts", lambda: forgotten.append(True))
    try:
        first = ledger.record(ledger.parse_commands(_rows(0, BATCH)), "clerk").recorded[0]
        assert _fold(ledger) == _fresh(store.env)
        # A batch the store refuses (a duplicate at its end): PostgreSQL's sequence keeps
        # the ids it drew for the rows before it, so the next batch's ids start later.
        with pytest.raises(IntegrityError):
            ledger.recorder.insert_events(
                [StoredEvent(uuid4(), 1, "tests:Nothing", b"{}") for _ in range(BATCH)]
                + [StoredEvent(first.originator_id, first.originator_version,
                               "tests:Nothing", b"{}")])
        previous = ledger.max_position()
        report = ledger.record(ledger.parse_commands(_rows(BATCH, BATCH)), "clerk")
        assert len(report.recorded) == BATCH
        assert forgotten == []  # folded as written, at the ids the store gave them
        last, positions = _fold(ledger)
        if store.backend == "postgres":
            assert last - BATCH > previous  # the gap
        assert (last, positions) == _fresh(store.env)
        assert last == ledger.max_position()
        assert [positions[e.originator_id] for e in report.recorded] == list(
            range(last - BATCH + 1, last + 1))
    finally:
        ledger.close()


def test_a_batch_refused_after_it_was_folded_leaves_no_trace(store: Any) -> None:
    ledger = open_ledger(store.env)
    try:
        ledger.record(ledger.parse_commands(_rows(0, 3)), "clerk")
        before = _fold(ledger)
        events, _ = ledger.prepare(ledger.parse_commands(_rows(3, BATCH)), "clerk")
        with pytest.raises((IntegrityError, ConflictError)):
            ledger.save(*events, events[0])  # a duplicate: the whole batch fails
        assert _fold(ledger) == before == _fresh(store.env)
        ledger.record(ledger.parse_commands(_rows(3, BATCH)), "clerk")
        assert _fold(ledger) == _fresh(store.env)
    finally:
        ledger.close()


def test_a_failing_fold_writes_nothing(pg_env: dict[str, str]) -> None:
    # PostgreSQL only: the streamed COPY is PostgreSQL's.
    ledger = open_ledger(pg_env)
    try:
        recorder = ledger.recorder
        recorder.insert_events([StoredEvent(uuid4(), 1, "tests:Nothing", b"{}")])
        seen: list[tuple[int, int]] = []

        def during(before: int, expected: int) -> None:
            seen.append((before, expected))
            raise RuntimeError("the fold failed")

        rows = [(uuid4(), 1, "tests:Nothing", b"{}") for _ in range(BATCH)]
        with pytest.raises(RuntimeError):
            recorder.stream_rows(iter([rows[:10], rows[10:]]), during=during)
        assert seen == [(1, 2)]
        assert recorder.max_notification_id() == 1
        ids = recorder.stream_rows(iter([rows[:10], rows[10:]]))
        assert list(ids) == list(range(2, 2 + BATCH))  # the aborted COPY drew no ids
    finally:
        ledger.close()


def test_the_chain_refuses_links_it_holds_and_keeps_its_head(store: Any) -> None:
    """The chain's links go in one COPY on PostgreSQL (api/storage/chain.py): a position
    already chained still fails the whole save, as the INSERT per link did."""
    ledger = open_ledger(store.env)
    try:
        ledger.record(ledger.parse_commands(_rows(0, 5)), "clerk")
        chain = open_chain(ledger)
        assert catch_up_chain(ledger, chain) == ledger.max_position()
        head = chain.tracking()
        links = extend_chain(GENESIS, list(stored_records(ledger)))
        assert [link.link for link in chain.all_links()] == [link.link for link in links]
        with pytest.raises(PersistenceIntegrityError):
            chain.save(links[-2:], expected=head[0])
        assert chain.tracking() == head
        assert [link.link for link in chain.all_links()] == [link.link for link in links]
    finally:
        ledger.close()


def test_a_fold_failing_half_way_writes_nothing_and_is_dropped(
        pg_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    # PostgreSQL only: only the streamed COPY folds before its commit.
    ledger = open_ledger(pg_env)
    try:
        ledger.record(ledger.parse_commands(_rows(0, 3)), "clerk")
        before = _fold(ledger)
        events, _ = ledger.prepare(ledger.parse_commands(_rows(3, BATCH)), "clerk")
        facts = ledger.facts()
        whole = facts.apply_page

        def half(page: list[Any]) -> None:
            whole(page[:len(page) // 2])
            raise RuntimeError("the fold failed half-way")

        monkeypatch.setattr(facts, "apply_page", half)
        with pytest.raises(RuntimeError):
            ledger.save(*events)
        assert ledger.max_position() == before[0]
        assert _fold(ledger) == before == _fresh(pg_env)
    finally:
        ledger.close()
