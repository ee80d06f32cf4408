"""A write on the server checked against the fold from the snapshot of closed years, on
SQLite and PostgreSQL: a department head's correction of an open quarter's score is
recorded without the server folding the sealed year, and the store then holds what a
server without snapshots records (its retry is answered as the first write); a bad row
is refused with the same problems; a correction of the sealed year falls back to the
fold of every event. One small generated hospital: 2026 closed, 2027 open."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from uuid import UUID

from builders import cli_for
from seeding import serve

from api.storage.session import Session
from api.usecases import users
from api.usecases.ports import Caller
from bench.generator import iter_commands, shape_for
from domain.events import DeductionRecorded, ScoreRecorded

OPEN = "2027-Q1"


def _ledger(store: Any, tmp_path: Path) -> dict[str, str]:
    """2026 closed by `jixiao close` (its last close snapshots it); the token of a head of
    every department."""
    cli = cli_for(store.backend, store.env)
    path = tmp_path / "two-years.jsonl"
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in
                            iter_commands(shape_for("smoke", years=2, staff=8), 0)))
    cli.ok("apply", str(path))
    for period in [*(f"2026-Q{q}" for q in range(1, 5)), "2026-YE"]:
        cli.ok("close", "--period", period)
    with Session(store.env) as session:
        departments = sorted(session.facts().department_ids())
        return {role: users.add_user(session, Caller("seed"), users.NewUser(
            role, role, role, departments if role == "department_head" else []))
            for role in ("department_head",)}


def test_a_server_write_is_checked_on_the_snapshot_and_records_what_the_full_fold_would(  # type: ignore[no-untyped-def]
        store, tmp_path) -> None:
    tokens = _ledger(store, tmp_path)
    auth = {"Authorization": f"Bearer {tokens['department_head']}"}
    with Session({**store.env, "JIXIAO_SNAPSHOTS": "off"}) as probe:
        stored = probe.ledger.max_position()
        score = next(e for e in probe.facts().live.values()
                     if isinstance(e, ScoreRecorded) and e.period == OPEN)
        late = next(e for e in probe.facts().live.values()
                    if isinstance(e, DeductionRecorded) and e.period == "2026-Q2")
    row = {"type": "record_score", "period": OPEN, "employee_id": score.employee_id,
           "item": score.item, "points": str(score.points + 1),
           "supersedes": str(score.originator_id), "reason": "recounted",
           "idempotency_key": "sealed-write-1"}
    bad = {**row, "idempotency_key": "sealed-write-2", "employee_id": "NOBODY"}
    opened: list[Session] = []

    def opening(env: Mapping[str, str]) -> Session:
        opened.append(Session(env))
        return opened[-1]

    off_env = {**store.env, "JIXIAO_SNAPSHOTS": "off"}
    with serve(store.env, opening) as lean, serve(off_env) as full:
        written = lean.post("/commands", headers=auth, json=row)
        assert written.status_code == 201, written.text
        assert written.headers["Idempotent-Replayed"] == "false"
        assert 0 < opened[0].held_events < stored * 3 / 4  # the sealed year not folded
        retried = full.post("/commands", headers=auth, json=row)
        assert retried.headers["Idempotent-Replayed"] == "true"
        assert retried.json()["events"] == written.json()["events"]
        refused = [server.post("/commands", headers=auth, json=bad) for server in (lean, full)]
        assert refused[0].status_code == refused[1].status_code == 422
        assert refused[0].json() == refused[1].json()
        # A correction of the sealed year: checked against every event, as without snapshots.
        correction = {"type": "record_deduction", "period": "2026-Q2",
                      "employee_id": late.employee_id, "kind": "late", "minutes": 3,
                      "supersedes": str(late.originator_id), "reason": "appeal upheld"}
        corrected = lean.post("/commands", headers=auth, json=correction)
        assert corrected.status_code == 201, corrected.text
        assert opened[0].held_events > stored
    with Session(off_env) as after:
        assert after.ledger.max_position() == stored + 2  # the two writes, nothing else
        event = written.json()["events"][0]
        held = after.facts().events[UUID(event["id"])]
        assert after.facts().positions[held.originator_id] == event["position"]
        assert after.facts().live.get(score.originator_id) is None  # it was corrected
        assert after.verify_chain().ok
