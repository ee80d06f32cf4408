"""The pure core of closed-year snapshots: the compact id set, and which later events
stop a snapshot from serving (projections/snapshots.py)."""

from __future__ import annotations

from datetime import date
from itertools import islice
from uuid import UUID, uuid4

import pytest
from builders import memory_ledger, record

from bench.generator import iter_commands, shape_for
from domain.events import DepartmentDefined, EmployeeHired
from domain.facts import Facts
from domain.scheme import canonical_dumps
from projections.snapshots import (
    SNAPSHOT_FORMAT,
    NotASnapshot,
    Seal,
    SortedIds,
    StoredNotHeld,
    read_snapshot,
    year_of,
)
from projections.views import StoredStatement, content_sha256


def _seal(through: int, dropped: list[UUID]) -> Seal:
    return Seal(through, 10, None, frozenset({f"{through}-Q1"}), SortedIds.of(dropped),
                lambda position: Facts())


def _setup_facts() -> Facts:
    ledger = memory_ledger()
    record(ledger, *islice(iter_commands(shape_for("smoke"), 0), 30))
    return ledger.facts()


def test_sorted_ids_hold_exactly_the_ids_given() -> None:
    ids = [uuid4() for _ in range(200)]
    held = SortedIds.of(ids[:100])
    assert len(held) == 100
    assert all(i in held for i in ids[:100])
    assert not any(i in held for i in ids[100:])
    assert "not an id" not in held


def test_a_change_dated_in_a_sealed_year_stops_the_snapshot_a_later_one_does_not() -> None:
    facts = _setup_facts()
    department = next(e for e in facts.events.values() if isinstance(e, DepartmentDefined))
    hire = next(e for e in facts.events.values() if isinstance(e, EmployeeHired))
    assert department.effective_on == date(2026, 1, 1)
    assert _seal(2026, []).breaks(department)  # on a sealed day
    assert not _seal(2025, []).breaks(department)  # after the sealed years
    assert _seal(hire.hired_on.year, []).breaks(hire)


def test_a_correction_of_a_dropped_fact_stops_the_snapshot() -> None:
    facts = _setup_facts()
    department = next(e for e in facts.events.values() if isinstance(e, DepartmentDefined))
    corrected = department.model_copy(update={"supersedes": uuid4(),
                                              "effective_on": date(2027, 1, 1)})
    assert not _seal(2026, []).breaks(corrected)
    assert _seal(2026, [corrected.supersedes]).breaks(corrected)


def test_the_year_of_a_fact_is_its_period_or_year() -> None:
    facts = _setup_facts()
    assert {year_of(e) for e in facts.events.values()} <= {None, 2026}


def test_a_body_that_is_not_a_snapshot_is_refused() -> None:
    body = '{"format": 99}'
    row = StoredStatement("sealed-through-2026", "ok", body, content_sha256(body), 1)
    with pytest.raises(ValueError, match="format 99"):
        read_snapshot(row, lambda position: Facts())


def _body(resident: list[list[object]]) -> StoredStatement:
    body = canonical_dumps({
        "format": SNAPSHOT_FORMAT, "through": 2026, "position": 9, "chain_head": "ab",
        "taken_at": None, "last_recorded_at": None, "periods": ["2026-Q1"],
        "dropped": SortedIds.of([uuid4()]).text(), "resident": resident})
    return StoredStatement("sealed-through-2026", "ok", body, content_sha256(body), 9)


def test_resident_events_read_one_at_a_time_are_those_stored() -> None:
    # States that look like the body's own marks, in Chinese, and an empty list.
    states = ['{"name":"张三"}', '],"taken_at":"x"', '"resident":[1]', "{}"]
    resident = [[n + 1, str(uuid4()), n, f"domain.events:E{n}", state]
                for n, state in enumerate(states)]
    row = _body(resident)
    read = list(read_snapshot(row, lambda position: Facts()).resident)
    assert [(p, [r.position, str(r.originator_id), r.originator_version, r.topic,
                 r.state.decode()]) for p, r in read] == [(e[0], e) for e in resident]
    assert read_snapshot(row, lambda position: Facts()).seal.through == 2026
    assert list(read_snapshot(_body([]), lambda position: Facts()).resident) == []


def test_a_resident_event_that_does_not_read_is_named_when_folded() -> None:
    row = _body([[1, "not a uuid", 0, "domain.events:E", "{}"]])
    snapshot = read_snapshot(row, lambda position: Facts())  # the rest reads
    with pytest.raises(NotASnapshot, match="resident event"):
        list(snapshot.resident)


def test_a_dropped_id_is_one_the_store_holds_and_the_fold_does_not() -> None:
    held, dropped, unknown = uuid4(), uuid4(), uuid4()
    asked: list[UUID] = []

    def stored(event_id: UUID) -> bool:
        asked.append(event_id)
        return event_id in (held, dropped)

    ids = StoredNotHeld(stored)
    ids.held = {held: None}
    assert dropped in ids
    assert held not in ids
    assert unknown not in ids
    assert None not in ids
    assert asked == [dropped, unknown]  # a held id asks the store nothing
