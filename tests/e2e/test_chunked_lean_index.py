"""Later chunks of a long `jixiao apply` are checked against a lean index of the earlier
chunks' plain entries, not a fold of their events (issue 18 target 3, issue 13: memory
that does not grow with the rows). A command naming one of those entries still sees it,
as in one batch. Chunks are a few lines long here so that small files cross them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from builders import cli_for

from api.storage.session import Session
from api.usecases import streaming
from api.usecases.ports import Caller
from domain import seen_index
from domain.application import Ledger, idempotency_id
from domain.events import DeductionRecorded

CHUNK = 3


def _write(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                    encoding="utf-8")
    return path


SETUP = [{"type": "adopt_scheme", "scheme": "xinghe-county-hospital"},
         {"type": "define_department", "department_id": "internal", "name": "内科",
          "kind": "clinical", "risk_coefficient": "1", "effective_on": "2026-01-01"},
         *({"type": "hire_employee", "employee_id": name, "name": name,
            "department_id": "internal", "title_grade": "practitioner",
            "hired_on": "2020-01-01"} for name in ("a", "b"))]


def _late(employee_id: str, minutes: int, key: str, **more: Any) -> dict[str, Any]:
    return {"type": "record_deduction", "period": "2026-Q1", "employee_id": employee_id,
            "kind": "late", "count": "1", "minutes": str(minutes), "reason": "迟到",
            "idempotency_key": key, **more}


def _attendance(employee_id: str, key: str) -> dict[str, Any]:
    return {"type": "record_attendance", "period": "2026-Q1", "employee_id": employee_id,
            "scheduled_days": "60", "idempotency_key": key}


def test_earlier_chunks_entries_are_not_folded_into_the_facts_checked_against(
        sqlite_env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cli = cli_for("sqlite", sqlite_env)
    cli.ok("apply", str(_write(tmp_path / "setup.jsonl", SETUP)))
    monkeypatch.setattr(streaming, "CHUNK_ROWS", CHUNK)
    monkeypatch.setattr(seen_index, "FLUSH", CHUNK)
    held: list[int] = []
    check_chunk = Ledger.check_chunk

    def counted(self: Ledger, commands: Any, actor: str, facts: Any, *args: Any,
                **kwargs: Any) -> Any:
        held.append(len(facts.events))
        return check_chunk(self, commands, actor, facts, *args, **kwargs)

    monkeypatch.setattr(Ledger, "check_chunk", counted)
    rows = [_late("ab"[n % 2], 6 + n, f"late-{n}") for n in range(12)]
    path = _write(tmp_path / "lates.jsonl", rows)
    with streaming.open_jsonl(str(path)) as source, Session(sqlite_env) as session:
        applied = streaming.apply_jsonl(session, Caller("clerk"), source)
        recorded = list(applied.recorded)  # read back from the store when looked at
        last = applied.positions[recorded[-1].originator_id]
    assert len(held) == 4, held
    assert len(set(held)) == 1, held  # the ledger's events at each chunk, no more
    assert len(applied.recorded) == 12
    assert [e.originator_id for e in recorded] == [idempotency_id(f"late-{n}")
                                                  for n in range(12)]
    assert all(isinstance(e, DeductionRecorded) for e in recorded)
    assert last == applied.last_position


def test_a_later_chunk_sees_the_entries_it_names_and_their_one_per_period_keys(
        sqlite_env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    setup = _write(tmp_path / "setup.jsonl", SETUP)
    rows = [_late("a", 10, "k1"), _attendance("a", "att-a"), _late("b", 12, "k2"),
            _late("b", 14, "k3"), _late("a", 16, "k4"), _late("b", 18, "k5"),
            _late("a", 11, "k1-fixed", supersedes=str(idempotency_id("k1"))),
            {"type": "void_entry", "target_id": str(idempotency_id("k2")),
             "reason": "记错了", "idempotency_key": "void-k2"}]
    good = _write(tmp_path / "good.jsonl", rows)
    twice = _write(tmp_path / "twice.jsonl", [*rows, _attendance("a", "att-a-again")])
    whole = cli_for("sqlite", {"SQLITE_DBNAME": str(tmp_path / "whole.db")})
    whole.ok("apply", str(setup))
    whole.ok("apply", str(good))
    monkeypatch.setattr(streaming, "CHUNK_ROWS", CHUNK)
    monkeypatch.setattr(seen_index, "FLUSH", CHUNK)
    cli = cli_for("sqlite", sqlite_env)
    cli.ok("apply", str(setup))
    run = cli("apply", str(twice))
    assert run.code == 2, run.err
    assert "line 9: period: already recorded (attendance 2026-Q1 a)" in run.err, run.err
    assert "line 7" not in run.err, run.err
    assert "line 8" not in run.err, run.err
    assert "recorded 8 event(s)" in cli.ok("apply", str(good)).out
    assert _events(cli) == _events(whole)
    assert "recorded 0 event(s); 8 already recorded" in cli.ok("apply", str(good)).out


def _events(cli: Any) -> list[dict[str, Any]]:
    shown = [json.loads(line) for line in
             cli.ok("events", "--json", "--limit", "1000").out.splitlines()]
    return [{k: v for k, v in event.items() if k != "recorded_at"} for event in shown]
