"""Folding a page at a time (`Facts.apply_page`, the store's path) gives exactly the facts
that applying each event in turn gives, corrections and voids included: the page fold
keeps a page's new facts aside and merges them in (domain/fold_plans.py)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from builders import GOLDEN, memory_ledger, record

from domain.application import Ledger
from domain.facts import Facts


def _ledger() -> Ledger:
    ledger = memory_ledger()
    lines = (GOLDEN / "example-3" / "commands.jsonl").read_text().splitlines()
    rows = [json.loads(line) for line in lines if line.strip() and not line.startswith("#")]
    record(ledger, *rows)
    facts = ledger.facts()
    ward = next(r for r in rows if r["type"] == "record_department_figures"
                and r["department_id"] == "ward")
    key = ("figures", ward["period"], "ward")
    record(ledger, {**ward, "workload_actual": "575", "idempotency_key": "late",
                    "reason": "late correction", "supersedes": str(facts.unique[key])})
    some = next(e for e in ledger.facts().live.values() if "employee_id" in e.__dict__)
    record(ledger, {"type": "void_entry", "target_id": str(some.originator_id),
                    "reason": "entered twice"})
    record(ledger, *rows[-3:])  # more simple facts after the correction and the void
    return ledger


def _shape(facts: Facts) -> dict[str, Any]:
    index = facts.index
    return {
        "events": list(facts.events), "live": list(facts.live),
        "positions": list(facts.positions.items()), "unique": list(facts.unique.items()),
        "replaced_by": list(facts.replaced_by.items()), "revision": facts.revision,
        "last": (facts.last_position, facts.last_recorded_at),
        "by_employee": {k: [e.originator_id for e in v] for k, v in index.by_employee.items()},
        "by_period": {k: [e.originator_id for e in v] for k, v in index.by_period.items()},
        "by_year": {k: [e.originator_id for e in v] for k, v in index.by_year.items()},
    }


@pytest.mark.parametrize("page_size", [1, 7, 10_000])
def test_pages_fold_as_each_event_does(page_size: int) -> None:
    ledger = _ledger()
    events = list(ledger.read())
    one_by_one = Facts.fold(events)
    assert len(one_by_one.replaced_by) == 2  # the correction and the void are in it
    paged = Facts()
    for start in range(0, len(events), page_size):
        paged.apply_page(events[start:start + page_size])
    assert _shape(paged) == _shape(one_by_one)


@pytest.mark.parametrize("page_size", [1, 2, 7, 10_000])
def test_the_last_recorded_at_is_the_last_folded_event_s_in_page_order(page_size: int) -> None:
    # Set once a page (domain/fold_plans.py): still the last event's in the page's order,
    # not the latest instant, and still the right one when a page ends with an event that
    # `Facts.apply` folds (a hire, a correction, a void).
    ledger = _ledger()
    start = datetime(2030, 1, 1, tzinfo=UTC)
    events = [(position, event.model_copy(update={"recorded_at": start - timedelta(
        seconds=number * 7 % 13)})) for number, (position, event) in enumerate(ledger.read())]
    assert len({event.recorded_at for _, event in events}) > 3
    for end in range(1, len(events) + 1):
        paged = Facts()
        for first in range(0, end, page_size):
            paged.apply_page(events[first:min(first + page_size, end)])
        assert _shape(paged) == _shape(Facts.fold(events[:end]))
