"""The snapshot of the fold of every event (api/storage/facts_snapshot.py), on SQLite and
PostgreSQL: a session that folded leaves it at its close; the next session's first fold
starts from it and folds only the events after it, to the same facts and the same
answers (a what-if's payout byte for byte) as the fold of every event. A damaged,
rewritten, foreign or out-of-date snapshot is not read: the fold reads every event, with
the same answer, and names a failed check among the session's warnings."""

from __future__ import annotations

import hashlib
import io
import json
import os
import pickle
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

import pytest
from builders import GOLDEN, Cli, cli_for

from api.cli_launch import main as launcher
from api.storage import facts_snapshot
from api.storage.session import Session
from domain.application import Ledger
from domain.facts import Facts

PERIOD = "2026-Q1"


def _cli(store: Any, **setting: str) -> Cli:
    return Cli({**cli_for(store.backend, store.env).environ, **setting})


def _applied(store: Any) -> dict[str, str]:
    """example-1 recorded by `jixiao apply` (whose session leaves the snapshot); the
    store's session environment."""
    _cli(store).ok("apply", str(GOLDEN / "example-1/commands.jsonl"))
    return dict(store.env)


def _row(env: dict[str, str]) -> tuple[int, str, str, str, bytes] | None:
    """(position, chain head, code, SHA-256, body) of the stored snapshot, or None."""
    with Session(env) as session:
        return session._head._row()


def _set(env: dict[str, str], **columns: Any) -> None:
    """Overwrite columns of the stored snapshot (as someone editing the store would)."""
    mark = "%s" if env.get("PERSISTENCE_MODULE") == "eventsourcing.postgres" else "?"
    with Session({**env, "JIXIAO_SNAPSHOTS": "off"}) as session:
        db = session.view.connection  # type: ignore[attr-defined]
        for name, value in columns.items():
            db.execute(f"UPDATE jixiao_facts_snapshots SET {name} = {mark}", (value,))


def _state(facts: Facts) -> Any:
    """Everything a fold keeps, comparable."""
    index = facts.index

    def ids(table: dict[Any, list[Any]]) -> dict[Any, list[Any]]:
        return {key: [e.originator_id for e in items] for key, items in table.items()}

    return (
        [(i, facts.positions[i], e.model_dump()) for i, e in facts.events.items()],
        list(facts.live), dict(facts.replaced_by), dict(facts.unique),
        {p: c.originator_id for p, c in facts.closes.items()}, list(facts.invalid),
        facts.last_position, facts.last_recorded_at, facts.revision,
        facts.settings.originator_id if facts.settings else None,
        [s.originator_id for s in index.schemes], ids(index.departments), ids(index.roster),
        ids(index.leaves), ids(index.by_period), ids(index.by_year), ids(index.by_employee),
    )


def _fold_reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The position after which each read of the store for a fold started."""
    starts: list[int] = []
    real = Ledger.read_pages

    def spy(self: Ledger, after: int = 0, page_size: int | None = None) -> Any:
        starts.append(after)
        return real(self, after, page_size)

    monkeypatch.setattr(Ledger, "read_pages", spy)
    return starts


def _full_fold(env: dict[str, str]) -> Any:
    with Session({**env, "JIXIAO_SNAPSHOTS": "off"}) as session:
        return _state(session.ledger.facts())


def _correction(env: dict[str, str], tmp_path: Path) -> Path:
    """A batch correcting one of zhang's late entries (in the snapshot) and voiding one of
    wang's: later events that change facts the snapshot holds."""
    with Session({**env, "JIXIAO_SNAPSHOTS": "off"}) as session:
        events = list(session.ledger.facts().live.values())
    late = next(e for e in events if getattr(e, "employee_id", None) == "zhang"
                and getattr(e, "kind", None) == "late")
    other = next(e for e in events if getattr(e, "employee_id", None) == "wang"
                 and type(e).__name__ == "DeductionRecorded")
    rows = [{"type": "record_deduction", "period": PERIOD, "employee_id": "zhang",
             "kind": "late", "minutes": 2, "supersedes": str(late.originator_id),
             "reason": "appeal upheld"},
            {"type": "void_entry", "target_id": str(other.originator_id),
             "reason": "recorded twice"}]
    path = tmp_path / "correction.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def test_a_session_leaves_a_snapshot_the_next_fold_starts_from(
        store: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env = _applied(store)
    row = _row(env)
    assert row is not None
    position = row[0]
    _cli(store).ok("apply", str(_correction(env, tmp_path)))
    assert _row(env) == row  # two events later: not worth writing again
    expected = _full_fold(env)
    starts = _fold_reads(monkeypatch)
    with Session(env) as session:
        facts = session.ledger.facts()
        assert not session.integrity_warnings
    assert starts == [position]  # only the events after the snapshot were read
    assert facts.last_position > position
    assert _state(facts) == expected


def test_a_what_if_answers_the_same_from_the_snapshot(store: Any, tmp_path: Path) -> None:
    env = _applied(store)
    _cli(store).ok("apply", str(_correction(env, tmp_path)))
    batch = tmp_path / "what-if.jsonl"
    batch.write_text(json.dumps({"type": "record_deduction", "period": PERIOD,
                                 "employee_id": "wang", "kind": "late",
                                 "minutes": 90}) + "\n", encoding="utf-8")
    argv = ["payout", "--period", PERIOD, "--with", str(batch)]
    answers = []
    for setting in ("on", "off", "on"):
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            code = launcher(argv, environ=_cli(store, JIXIAO_SNAPSHOTS=setting).environ)
        assert code == 0, err.getvalue()
        assert "snapshot" not in err.getvalue()
        answers.append(out.getvalue())
    assert answers[0] == answers[1] == answers[2]
    assert "wang" in answers[0]


def _damaged_cases(row: tuple[Any, ...], marker: Path) -> dict[str, dict[str, Any]]:
    body = bytearray(row[4])
    body[len(body) // 2] ^= 0xFF

    class Evil:
        def __reduce__(self) -> Any:
            return os.system, (f"touch {marker}",)

    evil = pickle.dumps((facts_snapshot.FORMAT, Evil()), protocol=5)
    return {
        "body": {"body": bytes(body)},
        "chain": {"chain_head": "0" * 64},
        "position": {"position": row[0] + 5},
        "evil": {"body": evil, "sha256": hashlib.sha256(evil).hexdigest()},
    }


@pytest.mark.parametrize("damage", ["body", "chain", "position", "evil"])
def test_a_damaged_snapshot_is_named_and_every_event_folded(
        store: Any, damage: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env = _applied(store)
    row = _row(env)
    assert row is not None
    marker = tmp_path / "ran"
    _set(env, **_damaged_cases(row, marker)[damage])
    expected = _full_fold(env)
    starts = _fold_reads(monkeypatch)
    with Session(env) as session:
        facts = session.ledger.facts()
        warnings = list(session.integrity_warnings)
    assert starts[0] == 0
    assert _state(facts) == expected
    assert len(warnings) == 1
    assert "facts snapshot failed its check" in warnings[0]
    assert not marker.exists()  # nothing a body names is run


def test_a_snapshot_of_other_code_is_folded_afresh_and_replaced(
        store: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    env = _applied(store)
    _set(env, code="another version")
    expected = _full_fold(env)
    starts = _fold_reads(monkeypatch)
    with Session(env) as session:
        assert _state(session.ledger.facts()) == expected
        assert not session.integrity_warnings
    assert starts[0] == 0
    row = _row(env)
    assert row is not None
    assert row[2] == facts_snapshot.code_version()  # the session wrote it anew


def test_many_later_events_write_it_again(store: Any, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    env = _applied(store)
    first = _row(env)
    assert first is not None
    monkeypatch.setattr(facts_snapshot, "REFRESH_EVENTS", 1)
    _cli(store).ok("apply", str(_correction(env, tmp_path)))
    again = _row(env)
    assert again is not None
    assert again[0] > first[0]


def test_snapshots_off_neither_reads_nor_writes_one(store: Any) -> None:
    off = {**store.env, "JIXIAO_SNAPSHOTS": "off"}
    _cli(store, JIXIAO_SNAPSHOTS="off").ok("apply", str(GOLDEN / "example-1/commands.jsonl"))
    assert _row(off) is None
    env = _applied(store)  # the same file again: recorded once, the snapshot written now
    _set(env, code="another version")
    with Session(off) as session:
        session.ledger.facts()
    row = _row(env)
    assert row is not None
    assert row[2] == "another version"


def test_a_body_kept_in_many_pieces_reads_back_whole(
        store: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(facts_snapshot, "PIECE", 997)
    env = _applied(store)
    row = _row(env)
    assert row is not None
    expected = _full_fold(env)
    starts = _fold_reads(monkeypatch)
    with Session(env) as session:
        assert _state(session.ledger.facts()) == expected
        assert not session.integrity_warnings
    assert starts == [row[0]]
    mark = "%s" if store.backend == "postgres" else "?"
    with Session({**env, "JIXIAO_SNAPSHOTS": "off"}) as session:
        db = session.view.connection  # type: ignore[attr-defined]
        pieces = db.execute("SELECT count(*) FROM jixiao_facts_snapshots").fetchone()[0]
        db.execute(f"DELETE FROM jixiao_facts_snapshots WHERE piece = {mark}", (pieces // 2,))
    assert pieces > 2
    with Session(env) as session:
        assert _state(session.ledger.facts()) == expected
        assert "pieces are not one body" in session.integrity_warnings[0]


def test_an_as_of_read_before_later_events_answers_as_without_it(
        store: Any, tmp_path: Path) -> None:
    """The snapshot is of a prefix of the log: a read as known before the events after it
    (here: before the correction) is cut from the facts' events in order, the same with
    the snapshot as without."""
    env = _applied(store)
    with Session({**env, "JIXIAO_SNAPSHOTS": "off"}) as session:
        instant = session.ledger.facts().last_recorded_at
    assert instant is not None
    _cli(store).ok("apply", str(_correction(env, tmp_path)))
    answers = []
    for setting, as_of in (("on", instant), ("off", instant), ("on", None)):
        argv = ["payout", "--period", PERIOD, "--json"]
        argv += ["--as-of", as_of.isoformat()] if as_of else []
        answers.append(_cli(store, JIXIAO_SNAPSHOTS=setting).ok(*argv).out)
    assert answers[0] == answers[1]
    assert answers[0] != answers[2]  # the correction is known now, not then
