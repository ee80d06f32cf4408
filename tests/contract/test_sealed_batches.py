"""A chunked batch and `appeal assign` / `appeal decide` checked on the fold from the
snapshot of closed years, on SQLite and PostgreSQL: of the open year, they never fold
every event (the ledger's own fold stays empty, the session holds fewer events than are
stored) and record what snapshots off (`JIXIAO_SNAPSHOTS=off`) records; a refused batch,
a batch touching the sealed year, and an appeal about a sealed year's entry go the full
way and are answered as without snapshots. One small generated hospital: 2026 closed,
2027 open."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from builders import Cli, cli_for

from api.storage.session import Session
from api.usecases.ports import Caller
from api.usecases.streaming import apply_jsonl, open_jsonl
from bench.generator import iter_commands, shape_for
from domain.errors import RejectedError
from domain.events import DeductionRecorded, LedgerEvent, ScoreRecorded

OPEN = "2027-Q1"
SEALED = "2026-Q2"


def _jsonl(path: Path, *rows: dict[str, Any]) -> str:
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows))
    return str(path)


def _build(store: Any, tmp_path: Path, before_close: list[tuple[str, ...]] | None = None
           ) -> Cli:
    """Two years (and `before_close`'s verbs), then 2026 closed by `jixiao close`."""
    cli = cli_for(store.backend, store.env)
    rows = list(iter_commands(shape_for("smoke", years=2, staff=8), 0))
    cli.ok("apply", _jsonl(tmp_path / "two-years.jsonl", *rows))
    for argv in before_close or []:
        cli.ok(*argv)
    for period in [*(f"2026-Q{q}" for q in range(1, 5)), "2026-YE"]:
        cli.ok("close", "--period", period)
    return cli


def _entries(env: dict[str, str], kind: type[LedgerEvent], period: str) -> list[Any]:
    with Session({**env, "JIXIAO_SNAPSHOTS": "off"}) as probe:
        return [e for e in probe.facts().live.values()
                if isinstance(e, kind) and e.__dict__.get("period") == period]


def _stored(env: dict[str, str]) -> int:
    with Session(env) as probe:
        return probe.ledger.max_position()


def _corrections(scores: list[ScoreRecorded], key: str) -> list[dict[str, Any]]:
    return [{"type": "record_score", "period": s.period, "employee_id": s.employee_id,
             "item": s.item, "points": str(s.points + 1), "supersedes": str(s.originator_id),
             "reason": "recounted", "idempotency_key": f"{key}-{n}"}
            for n, s in enumerate(scores)]


def _apply(env: dict[str, str], path: str) -> tuple[Any, int, bool]:
    """A chunked apply (3 lines a chunk) in a session of its own: (result, events the
    ledger's own fold held, whether the session held the fold of every event)."""
    with Session(env) as session, open_jsonl(path) as source:
        result = apply_jsonl(session, Caller("test"), source, chunk_rows=3)
        return result, session.ledger.held_events(), session._folded


def test_a_chunked_batch_of_the_open_year_is_checked_on_the_snapshot(  # type: ignore[no-untyped-def]
        store, tmp_path) -> None:
    _build(store, tmp_path)
    off = {**store.env, "JIXIAO_SNAPSHOTS": "off"}
    stored = _stored(store.env)
    scores = _entries(store.env, ScoreRecorded, OPEN)[:8]
    batch = _jsonl(tmp_path / "open.jsonl", *_corrections(scores, "chunked-open"))

    result, full, folded = _apply(store.env, batch)
    assert (full, folded) == (0, False)  # the sealed year never folded
    assert len(result.recorded) == len(scores)
    assert _stored(store.env) == stored + len(scores)
    # The store holds what the full fold checks as written: a retry there writes nothing.
    again, _, _ = _apply(off, batch)
    assert (len(again.recorded), len(again.already_recorded)) == (0, len(scores))
    with Session(off) as after:
        assert not any(s.originator_id in after.facts().live for s in scores)
        assert after.verify_chain().ok

    # A retry, a refused row, a row of the sealed year: the full way, as without snapshots.
    retried, full, _ = _apply(store.env, batch)
    assert full > stored
    assert (len(retried.recorded), len(retried.already_recorded)) == (0, len(scores))
    bad = _jsonl(tmp_path / "bad.jsonl", *_corrections(scores[:2], "chunked-bad")[:1],
                 *({**row, "employee_id": "NOBODY"} for row in
                   _corrections(_entries(store.env, ScoreRecorded, OPEN)[:4], "chunked-bad2")))
    refusals = []
    for env in (store.env, off):
        with pytest.raises(RejectedError) as refused:
            _apply(env, bad)
        refusals.append(refused.value.problems)
    assert refusals[0] == refusals[1]
    assert any("NOBODY" in str(problem) for problem in refusals[0])
    late = _entries(store.env, DeductionRecorded, SEALED)[0]
    sealed = _jsonl(tmp_path / "sealed.jsonl", *_corrections(
        _entries(store.env, ScoreRecorded, OPEN)[:4], "chunked-mixed"), {
        "type": "record_deduction", "period": SEALED, "employee_id": late.employee_id,
        "kind": "late", "minutes": 3, "supersedes": str(late.originator_id),
        "reason": "appeal upheld", "idempotency_key": "chunked-sealed"})
    written, full, _ = _apply(store.env, sealed)
    assert full > stored
    assert len(written.recorded) == 5
    with Session(off) as after:
        assert late.originator_id not in after.facts().live
        assert after.ledger.max_position() == stored + len(scores) + 5
        assert after.verify_chain().ok


def _file(appeal: str, entry: LedgerEvent, day: str) -> tuple[str, ...]:
    return ("appeal", "file", "--appeal-id", appeal, "--employee",
            str(entry.__dict__["employee_id"]), "--entry", str(entry.originator_id),
            "--grounds", "counted twice", "--received-on", day, "--filed-on", day)


def test_appeal_assign_and_decide_of_the_open_year_fold_from_the_snapshot(  # type: ignore[no-untyped-def]
        store, tmp_path, folds) -> None:
    rows = list(iter_commands(shape_for("smoke", years=2, staff=8), 0))
    cli = cli_for(store.backend, store.env)
    cli.ok("apply", _jsonl(tmp_path / "two-years.jsonl", *rows))
    late = _entries(store.env, DeductionRecorded, SEALED)[0]
    # An appeal about a 2026 entry, filed before 2026 closed: its entry is left out of
    # the snapshot, so acting on it must read every event.
    cli.ok(*_file("A-SEALED", late, "2026-07-03"))
    cli.ok("calendar", "record-notice", "--year", "2027", "--notice", "测试用通知",
           "--holiday", "2027-01-01")  # deadlines of 2027 are counted in working days
    for period in [*(f"2026-Q{q}" for q in range(1, 5)), "2026-YE"]:
        cli.ok("close", "--period", period)
    stored = _stored(store.env)
    score = _entries(store.env, ScoreRecorded, OPEN)[0]

    folds.clear()
    cli.ok(*_file("A-OPEN", score, "2027-04-03"))
    cli.ok("appeal", "assign", "A-OPEN", "--reviewer", "reviewer-wu")
    cli.ok("appeal", "decide", "A-OPEN", "--outcome", "revoke", "--reason", "recounted",
           "--decided-on", "2027-04-10", "--actor", "reviewer-wu")
    assert len(folds) == 3
    for full, held in folds:
        assert full == 0  # the sealed year never folded
        assert 0 < held < stored * 3 / 4

    folds.clear()
    cli.ok("appeal", "assign", "A-SEALED", "--reviewer", "reviewer-wu")
    cli.ok("appeal", "decide", "A-SEALED", "--outcome", "revoke", "--reason", "wrong shift",
           "--decided-on", "2027-04-10", "--actor", "reviewer-wu")
    assert [full > stored for full, _ in folds] == [True, True]
    with Session({**store.env, "JIXIAO_SNAPSHOTS": "off"}) as after:
        facts = after.facts()
        # Each revoke voided its entry, the sealed year's one included.
        assert score.originator_id not in facts.live
        assert late.originator_id not in facts.live
        assert after.verify_chain().ok
