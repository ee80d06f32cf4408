"""Contract (SQLite and PostgreSQL): a store holding a stored entry that no longer reads (an
`InvalidEntry`: a value a past version stored unchecked) still gets a snapshot of the fold.
It used to get none: the body's writer refused the entry's reasons (`UnreadableValue`), so
every what-if on such a store folded every event. The snapshot is still signed only over
rows that hashed into the stored chain, and when it serves the entry stays isolated and is
reported exactly as a fold of every event reports it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from builders import (
    GOLDEN,
    Cli,
    cli_for,
    fold_state,
    snapshot_key_file,
    snapshot_row,
    unchecked_score,
)

from api.storage.chain import open_chain
from api.storage.facts_snapshot import SNAPSHOTS_SETTING
from api.storage.session import Session
from api.storage.snapshot_key import SNAPSHOT_KEY_ENV
from domain.envelope import InvalidEntry

OFF = {SNAPSHOTS_SETTING: "off"}


def _store_one_unreadable_entry(env: dict[str, str]) -> UUID:
    """A score of 1e5000 stored as a past version did (unchecked), then chained."""
    bad = unchecked_score()
    with Session({**env, **OFF}) as session:
        session.ledger.recorder.insert_events([session.ledger.mapper.to_stored_event(bad)])
        session.chain_up()
    return bad.originator_id


@pytest.fixture
def env(store: Any, tmp_path: Path) -> dict[str, str]:
    """example-1 and one unreadable entry after it, and no snapshot yet; a snapshot key."""
    keyed = {**store.env, SNAPSHOT_KEY_ENV: str(snapshot_key_file(tmp_path / "snap.key"))}
    cli = cli_for(store.backend, store.env)
    Cli({**cli.environ, **OFF}).ok("apply", str(GOLDEN / "example-1/commands.jsonl"))
    _store_one_unreadable_entry(keyed)
    assert snapshot_row(keyed) is None
    return keyed


def test_a_fold_with_an_invalid_entry_leaves_a_snapshot_signed_over_the_chain(
        env: dict[str, str]) -> None:
    with Session(env) as session:
        facts = session.ledger.facts()
        assert any(isinstance(e, InvalidEntry) for e in facts.invalid.values())
        last = facts.last_position
    row = snapshot_row(env)
    assert row is not None
    position, chain_head = row[0], row[1]
    assert position == last
    with Session({**env, **OFF}) as session:  # the head it signed is the stored chain's
        assert open_chain(session.ledger).link_at_or_before(position) == chain_head


def test_a_served_snapshot_keeps_the_invalid_entry_isolated_and_reported_alike(
        store: Any, env: dict[str, str]) -> None:
    with Session(env) as session:  # folds every event, and leaves the snapshot
        session.ledger.facts()
    with Session({**env, **OFF}) as session:
        folded = session.ledger.facts()
        expected_state = fold_state(folded, lambda e: (e, e.__pydantic_fields_set__))
        expected_report = json.dumps(folded.invalid_entries(), sort_keys=True)
        [bad_id] = folded.invalid
    with Session(env) as session:
        served = session.ledger.facts()
        assert session._head._base == served.last_position  # the snapshot served
        assert not session.integrity_warnings
        assert fold_state(served, lambda e: (e, e.__pydantic_fields_set__)) == expected_state
        assert list(served.invalid) == [bad_id]
        assert bad_id not in served.live
        assert json.dumps(served.invalid_entries(), sort_keys=True) == expected_report
        problems = served.invalid[bad_id].problems  # type: ignore[attr-defined]
        assert [(p, p.__pydantic_fields_set__) for p in problems] == [
            (p, p.__pydantic_fields_set__)
            for p in folded.invalid[bad_id].problems]  # type: ignore[attr-defined]
    verify = Cli({**cli_for(store.backend, store.env).environ,
                  SNAPSHOT_KEY_ENV: env[SNAPSHOT_KEY_ENV]}).ok("verify")
    assert f"snapshot of the fold at position {served.last_position}: the same facts" \
        in verify.out
