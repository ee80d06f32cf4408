"""The facts snapshot's body (api/storage/facts_snapshot.py) gives back the fold it was
made of, for every stored ledger of the old-ledger fixture (every kind of event the
scenarios record, corrections and voids among them), and its unpickler builds nothing
but the fold's own classes."""

from __future__ import annotations

import os
import pickle
import shutil
from pathlib import Path
from typing import Any

import pytest

from api.storage.facts_snapshot import FORMAT, decode, encode
from domain.application import Ledger
from domain.facts import Facts

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "old_ledger"
STORES = sorted(p.name for p in FIXTURE.iterdir() if (p / "ledger.db").exists())


def _state(facts: Facts) -> Any:
    index = facts.index

    def ids(table: dict[Any, list[Any]]) -> dict[Any, list[Any]]:
        return {key: [e.originator_id for e in items] for key, items in table.items()}

    return (
        [(i, facts.positions[i], type(e), e.__dict__, e.__pydantic_fields_set__)
         for i, e in facts.events.items()],
        list(facts.live), dict(facts.replaced_by), dict(facts.unique),
        {p: c.originator_id for p, c in facts.closes.items()}, list(facts.invalid),
        facts.last_position, facts.last_recorded_at, facts.revision,
        facts.settings.originator_id if facts.settings else None,
        [s.originator_id for s in index.schemes], ids(index.departments), ids(index.roster),
        ids(index.leaves), ids(index.by_period), ids(index.by_year), ids(index.by_employee),
    )


@pytest.mark.parametrize("name", STORES)
def test_a_body_gives_back_the_fold(name: str, tmp_path: Path) -> None:
    db = tmp_path / "ledger.db"
    shutil.copyfile(FIXTURE / name / "ledger.db", db)
    ledger = Ledger({"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(db)})
    try:
        facts = ledger.facts()
        again = decode(encode(facts))
    finally:
        ledger.close()
    assert facts.events
    assert _state(again) == _state(facts)
    # Live facts are the very events of `events`, as in a fold (one object, indexed twice).
    assert all(again.live[i] is again.events[i] for i in again.live)
    assert again.index.owned is None
    assert not again.index.parsed  # parsed schemes are a cache, parsed again when asked


def test_a_body_naming_anything_else_is_refused(tmp_path: Path) -> None:
    marker = tmp_path / "ran"

    class Evil:
        def __reduce__(self) -> Any:
            return os.system, (f"touch {marker}",)

    with pytest.raises(pickle.UnpicklingError):
        decode(pickle.dumps((FORMAT, Evil()), protocol=5))
    assert not marker.exists()


def test_a_body_of_another_format_is_refused() -> None:
    with pytest.raises(ValueError, match="format"):
        decode(pickle.dumps((FORMAT + 1, {}), protocol=5))
