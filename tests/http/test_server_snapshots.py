"""The server's long-lived session and the what-if read from the snapshot of closed years,
on SQLite and PostgreSQL: an auditor's payout and what-if of the open year fold only what
the snapshot keeps and the open year (sign-in and the access log included), answering
exactly as a server with snapshots off; a late correction to the sealed year, written by
another process while the server runs, stops the snapshot serving; an as-of time before
it was taken reads every event. One small generated hospital: 2026 closed, 2027 open.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from builders import cli_for
from seeding import serve

from api.storage.session import Session
from api.usecases import users
from api.usecases.ports import Caller
from bench.generator import iter_commands, shape_for
from domain.events import DeductionRecorded, ScoreRecorded

OPEN = "2027-Q1"


def _ledger(store: Any, tmp_path: Path) -> str:
    """2026 closed by `jixiao close` (its last close snapshots it); an auditor's token."""
    cli = cli_for(store.backend, store.env)
    path = tmp_path / "two-years.jsonl"
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in
                            iter_commands(shape_for("smoke", years=2, staff=8), 0)))
    cli.ok("apply", str(path))
    for period in [*(f"2026-Q{q}" for q in range(1, 5)), "2026-YE"]:
        cli.ok("close", "--period", period)
    with Session(store.env) as session:
        return users.add_user(session, Caller("seed"), users.NewUser("aud", "aud", "auditor"))


def _what_if(session: Session) -> list[dict[str, Any]]:
    """One of the open quarter's scores, corrected."""
    score = next(e for e in session.facts().live.values()
                 if isinstance(e, ScoreRecorded) and e.period == OPEN)
    return [{"type": "record_score", "period": OPEN, "employee_id": score.employee_id,
             "item": score.item, "points": str(score.points + 1),
             "supersedes": str(score.originator_id), "reason": "what if it were higher"}]


def _reads(client: Any, token: str, batch: list[dict[str, Any]]) -> list[Any]:
    auth = {"Authorization": f"Bearer {token}"}
    payout = client.get(f"/periods/{OPEN}/payout", headers=auth)
    what_if = client.post(f"/periods/{OPEN}/payout/what-if", headers=auth, json=batch)
    assert payout.status_code == what_if.status_code == 200, (payout.text, what_if.text)
    return [payout.json(), what_if.json()]


def test_the_server_and_its_what_if_fold_from_the_snapshot_until_a_late_correction(  # type: ignore[no-untyped-def]
        store, tmp_path) -> None:
    token = _ledger(store, tmp_path)
    with Session({**store.env, "JIXIAO_SNAPSHOTS": "off"}) as probe:
        batch = _what_if(probe)
        stored = probe.ledger.max_position()
        late = next(e for e in probe.facts().live.values()
                    if isinstance(e, DeductionRecorded) and e.period == "2026-Q2")
    opened: list[Session] = []

    def opening(env: Mapping[str, str]) -> Session:
        opened.append(Session(env))
        return opened[-1]

    off_env = {**store.env, "JIXIAO_SNAPSHOTS": "off"}
    with serve(store.env, opening) as lean, serve(off_env) as full:
        answers = _reads(lean, token, batch)
        assert answers == _reads(full, token, batch)
        assert answers[0] != answers[1]  # the what-if changed the quarter
        # Sign-in, the reads, the what-if and their access records held the sealed
        # year's bulk facts nowhere: only what the snapshot keeps and the open year.
        assert 0 < opened[0].held_events < stored * 3 / 4
        # A late correction to the sealed year, by another process: the server's next
        # reads see it and fold every event, as the server without snapshots does.
        correction = tmp_path / "late.jsonl"
        correction.write_text(json.dumps({
            "type": "record_deduction", "period": "2026-Q2", "employee_id": late.employee_id,
            "kind": "late", "minutes": 3, "supersedes": str(late.originator_id),
            "reason": "appeal upheld after the close"}) + "\n")
        cli_for(store.backend, store.env).ok("apply", str(correction))
        corrected = _reads(lean, token, batch)
        assert corrected == _reads(full, token, batch)
        assert any(s["period"] == "2026-Q2" for s in corrected[0]["restatements"])
        assert opened[0].held_events > stored
