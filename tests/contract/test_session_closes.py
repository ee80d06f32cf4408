"""A session reads the recorded closes once a verb (a what-if reads four statements, each
checked against its period's close), on SQLite and PostgreSQL: again after an event is
added and at the server's next request, and every closed statement is still checked
against the chain at its close."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from builders import cli_for

from api.storage import session as session_module
from api.storage.session import Session
from bench.generator import iter_commands, shape_for
from domain.periods import Period

CLOSED = [Period.parse(p) for p in ("2026-Q1", "2026-Q2")]


def _closed_store(store: Any, tmp_path: Path) -> None:
    cli = cli_for(store.backend, store.env)
    rows = iter_commands(shape_for("smoke", years=1, staff=8), 0)
    path = tmp_path / "year.jsonl"
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows))
    cli.ok("apply", str(path))
    for period in CLOSED:
        cli.ok("close", "--period", str(period))


def test_the_closes_are_read_once_a_verb_and_still_checked(  # type: ignore[no-untyped-def]
        store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _closed_store(store, tmp_path)
    reads: list[int] = []
    checks: list[str] = []
    real_read, real_check = session_module.recorded_closes, session_module.check_closed

    def counted_read(ledger: Any) -> Any:
        reads.append(ledger.max_position())
        return real_read(ledger)

    def counted_check(ledger: Any, chain: Any, period: str, close: Any) -> None:
        checks.append(period)
        real_check(ledger, chain, period, close)

    monkeypatch.setattr(session_module, "recorded_closes", counted_read)
    monkeypatch.setattr(session_module, "check_closed", counted_check)
    with Session(store.env) as session:
        first = [session.statement_json(period) for period in (*CLOSED, *CLOSED)]
        assert len(reads) == 1
        assert checks == [str(p) for p in (*CLOSED, *CLOSED)]  # each use still checked
        session.begin_verb()  # the server's next request reads them afresh
        again = [session.statement_json(period) for period in CLOSED]
        assert len(reads) == 2
        assert again == first[:2]
    with Session(store.env) as session:  # a new process: read once more
        session.statement_json(CLOSED[0])
        assert len(reads) == 3
        position = session.ledger.max_position()
        session.ledger.max_position = lambda: position + 1  # type: ignore[method-assign]
        session.statement_json(CLOSED[0])  # an event added since: read again
        assert len(reads) == 4
