"""The facts as known at an instant come from the session's folded facts; they must be
exactly what folding the store up to that instant gives."""

from __future__ import annotations

import json
from datetime import timedelta

from builders import GOLDEN, memory_ledger, record

from api.usecases.as_of import facts_known_at
from domain.application import Ledger
from domain.facts import Facts


class _Workspace:
    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger

    def facts(self) -> Facts:
        return self.ledger.facts()


def _ledger() -> Ledger:
    ledger = memory_ledger()
    lines = (GOLDEN / "example-1" / "commands.jsonl").read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines if line.strip() and line[0] != "#"]
    half = len(rows) // 2
    record(ledger, *rows[:half])  # two writes: two distinct recorded_at instants at least
    record(ledger, *rows[half:])
    return ledger


def test_every_cut_off_gives_the_store_fold() -> None:
    ledger = _ledger()
    ws = _Workspace(ledger)
    events = list(ledger.facts().events.values())
    instants = sorted({e.recorded_at for e in events})
    cut_offs = [instants[0] - timedelta(seconds=1), *instants,
                instants[-1] + timedelta(days=1)]
    assert len(instants) >= 2
    for cut_off in cut_offs:
        ours = facts_known_at(ws, cut_off)  # type: ignore[arg-type]
        stored = ledger.facts(cutoff=cut_off)
        assert list(ours.events) == list(stored.events)
        assert list(ours.live) == list(stored.live)
        assert ours.positions == stored.positions
        assert ours.last_position == stored.last_position
        assert ours.unique == stored.unique


def test_after_the_last_event_it_is_the_live_facts() -> None:
    ledger = _ledger()
    ws = _Workspace(ledger)
    last = max(e.recorded_at for e in ledger.facts().events.values())
    assert facts_known_at(ws, last + timedelta(hours=1)) is ledger.facts()  # type: ignore[arg-type]
