"""A report after several closes restates each closed period at its own cut-off, and that
one restates the closed period before it, and so on: each cut-off is folded once, and
the folds are not all held at once nor kept after (a three-year hospital's close held
every cut-off, 7 GB)."""

from __future__ import annotations

import gc
import json
import weakref
from typing import Any

import pytest
from builders import GOLDEN, memory_ledger, record

from domain.application import Ledger
from domain.facts import Facts
from domain.periods import Period
from projections.restatement import statement_for, statement_sha256

QUARTERS = ("2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4")


def _rows(name: str) -> list[dict[str, Any]]:
    lines = (GOLDEN / name).read_text().splitlines()
    return [json.loads(line) for line in lines if line.strip() and not line.startswith("#")]


def _closed_ledger() -> Ledger:
    """Example 3 with each 2026 quarter closed, a late correction after each close (so
    every closed quarter is restated in the next), as `jixiao close` records them."""
    ledger = memory_ledger()
    rows = _rows("example-3/commands.jsonl")
    record(ledger, *rows)
    for number, quarter in enumerate(QUARTERS, start=1):
        facts = ledger.facts()
        statement = statement_for(facts, Period.parse(quarter))
        record(ledger, {"type": "close_period", "period": quarter, "reason": "test",
                        "position": facts.last_position,
                        "statement_sha256": statement_sha256(statement)})
        ward = next(r for r in rows if r["type"] == "record_department_figures"
                    and r["period"] == quarter and r["department_id"] == "ward")
        record(ledger, {**ward, "workload_actual": str(600 - 25 * number),
                        "idempotency_key": f"late-{quarter}", "reason": "late correction",
                        "supersedes": str(facts.unique[("figures", quarter, "ward")])})
    return ledger


class _Folds:
    """Every fold made while counting, and how many of the earlier ones were alive at
    each new fold."""

    def __init__(self) -> None:
        self.made: list[weakref.ref[Facts]] = []
        self.alive_at_each: list[int] = []

    def count(self, fold: Any) -> Any:
        def counted(events: Any) -> Facts:
            self.alive_at_each.append(sum(1 for ref in self.made if ref() is not None))
            facts = fold(events)
            self.made.append(weakref.ref(facts))
            return facts
        return staticmethod(counted)


@pytest.fixture
def folds(monkeypatch: pytest.MonkeyPatch) -> _Folds:
    counter = _Folds()
    monkeypatch.setattr(Facts, "fold", counter.count(Facts.fold))
    return counter


def test_each_closed_cutoff_is_folded_once_and_let_go(folds: _Folds) -> None:
    ledger = _closed_ledger()
    facts = Facts.fold(ledger.read())  # fresh: nothing of the closes computed on it
    folds.made.clear()
    folds.alive_at_each.clear()
    statement = statement_for(facts, Period.parse("2027-Q1"))
    assert statement.restatements  # 2026-Q4's late correction is paid here
    assert len(folds.made) == len(QUARTERS)  # one cut-off per close, none twice
    assert max(folds.alive_at_each) <= 1  # the one being used, at most
    gc.collect()
    assert all(ref() is None for ref in folds.made)  # none kept once the answer is known
    # Asked again: the frozen statements are kept beside the facts, nothing is refolded.
    assert statement_for(facts, Period.parse("2026-Q2")) is statement_for(
        facts, Period.parse("2026-Q2"))
    assert len(folds.made) == len(QUARTERS)


def test_the_same_answers_as_a_report_of_each_quarter_on_its_own() -> None:
    ledger = _closed_ledger()
    together = ledger.facts()
    reports = {q: statement_for(together, Period.parse(q)).to_json()
               for q in (*QUARTERS, "2027-Q1")}
    for quarter, report in reports.items():
        alone = Facts.fold(ledger.read())  # a fresh fold: nothing computed before
        assert statement_for(alone, Period.parse(quarter)).to_json() == report
