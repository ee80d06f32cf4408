"""A read-only run on PostgreSQL (`JIXIAO_READ_ONLY=1`, or an auditor's role granted only
reads) sends no statement that writes: no INSERT, UPDATE, DELETE, COPY, nor DDL, on any
connection, seen by wrapping psycopg's cursors. On a ledger with a closed year (a
snapshot of it kept), a report of a later period checks the snapshot's chain head; that
check opened the chain as a writer does, and sent the tracking row's
`INSERT … WHERE NOT EXISTS`, which the READ ONLY transaction refused: a traceback
(exit 1) for `payout --with`, `explain`, `reconcile`. The owner's runs still send it."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from builders import Cli, contents, drop_role, grant_reads
from pgcluster import PgServer
from psycopg import sql

from bench.generator import iter_commands, shape_for

OPEN = "2027-Q1"
WRITES = re.compile(r"\s*(INSERT|UPDATE|DELETE|MERGE|COPY|TRUNCATE|CREATE|ALTER|DROP|LOCK|"
                    r"GRANT|REVOKE|COMMENT|SELECT\s+pg_advisory_xact_lock)\b", re.IGNORECASE)


@pytest.fixture(scope="module")
def sealed(pg_server: PgServer, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[dict[str, str]]:
    """Two years of a small generated hospital, 2026 closed (its snapshot kept), read
    once by its owner."""
    folder = tmp_path_factory.mktemp("sealed")
    with pg_server.schema("ro") as env:
        owner = Cli({**env, "JIXIAO_ACTOR": "owner"})
        path = folder / "two-years.jsonl"
        path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in
                                iter_commands(shape_for("smoke", years=2, staff=8), 0)))
        owner.ok("apply", str(path))
        for period in [*(f"2026-Q{q}" for q in range(1, 5)), "2026-YE"]:
            owner.ok("close", "--period", period)
        owner.ok("payout", "--period", OPEN)
        yield env


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every statement psycopg's cursors send meanwhile (a connection's `execute` is its
    cursor's), as text."""
    statements: list[str] = []

    def text(query: Any, cursor: Any) -> str:
        return query if isinstance(query, str) else query.as_string(cursor) \
            if hasattr(query, "as_string") else bytes(query).decode()

    def wrap(name: str) -> None:
        original = getattr(psycopg.Cursor, name)

        def sending(self: Any, query: Any, *args: Any, **kwargs: Any) -> Any:
            statements.append(text(query, self))
            return original(self, query, *args, **kwargs)

        monkeypatch.setattr(psycopg.Cursor, name, sending)

    for name in ("execute", "executemany", "copy", "stream"):
        wrap(name)
    return statements


def _what_if(folder: Path) -> str:
    path = folder / "what-if.jsonl"
    path.write_text(json.dumps({"type": "record_deduction", "period": OPEN,
                                "employee_id": "E000001", "kind": "late",
                                "minutes": 90}) + "\n", encoding="utf-8")
    return str(path)


def _verbs(folder: Path) -> list[list[str]]:
    return [["payout", "--period", OPEN, "--with", _what_if(folder)],
            ["payout", "--period", OPEN, "--json"],
            ["explain", "--period", OPEN, "--employee", "E000001"],
            ["reconcile", "--period", OPEN], ["verify"]]


@pytest.mark.parametrize("reader", ["forced", "auditor"])
def test_a_read_only_run_sends_no_write(pg_server: PgServer, sealed: dict[str, str],
                                        sent: list[str], tmp_path: Path,
                                        reader: str) -> None:
    role = grant_reads(pg_server, sealed["POSTGRES_SCHEMA"]) if reader == "auditor" else None
    env = ({**sealed, "JIXIAO_READ_ONLY": "1"} if role is None else
           {**sealed, "POSTGRES_USER": role, "POSTGRES_PASSWORD": "pw"})
    before = contents(pg_server, sealed["POSTGRES_SCHEMA"])
    del sent[:]
    try:
        runs = [Cli({**env, "JIXIAO_ACTOR": "reader"})(*verb) for verb in _verbs(tmp_path)]
        written = [text for text in sent if WRITES.match(text)]  # not the role's drop
    finally:
        if role is not None:
            drop_role(pg_server, role)
    assert [(run.code, "Traceback" in run.err) for run in runs] == [(0, False)] * len(runs), \
        [run.err[-600:] for run in runs]
    assert written == []
    assert contents(pg_server, sealed["POSTGRES_SCHEMA"]) == before


def test_the_owners_what_if_still_makes_the_chains_tracking_row(
        sealed: dict[str, str], sent: list[str], tmp_path: Path) -> None:
    """Unchanged for a role that may write: the chain is opened as before."""
    Cli({**sealed, "JIXIAO_ACTOR": "owner"}).ok(*_verbs(tmp_path)[0])
    assert any("jixiao_chain_tracking" in text and text.startswith("INSERT") for text in sent)


def test_an_auditor_who_may_not_read_the_chain_is_told_once_and_warned_of_no_tampering(
        pg_server: PgServer, sealed: dict[str, str], tmp_path: Path) -> None:
    """Granted SELECT on every table but the chain's: each verb chains every event again
    in memory (seconds on a hospital), which was silent; and the snapshot's check of its
    chain head read no chain as GENESIS, a false "snapshot failed its check" warning."""
    role = grant_reads(pg_server, sealed["POSTGRES_SCHEMA"])
    with pg_server.connect() as admin:
        admin.execute(sql.SQL("REVOKE SELECT ON {} FROM {}").format(
            sql.Identifier(sealed["POSTGRES_SCHEMA"], "jixiao_chain"), sql.Identifier(role)))
    verbs = [_verbs(tmp_path)[0], ["verify"]]
    try:
        env = {**sealed, "POSTGRES_USER": role, "POSTGRES_PASSWORD": "pw"}
        english = [Cli(env)(*verb) for verb in verbs]
        chinese = Cli(env, lang=None)(*verbs[0])
    finally:
        drop_role(pg_server, role)
    owner = [Cli(sealed)(*verb) for verb in verbs]
    assert [(run.code, run.out) for run in english] == [(run.code, run.out) for run in owner]
    for run in english:
        assert run.err.count("may not read the hash chain's tables") == 1, run.err
        assert f'GRANT SELECT ON "{sealed["POSTGRES_SCHEMA"]}"."jixiao_chain"' in run.err
        assert "snapshot" not in run.err, run.err
    assert "无权读取账本" in chinese.err, chinese.err
    assert "哈希链表" in chinese.err


def test_the_owners_open_asks_its_privileges_in_one_statement(
        sealed: dict[str, str], sent: list[str], tmp_path: Path) -> None:
    """Each open asks which privileges its role lacks (api/storage/read_only.py), the
    owner's too: one statement, the events' id sequence in it. Asked apart, the sequence
    was a second round trip at every open of every verb."""
    Cli({**sealed, "JIXIAO_ACTOR": "owner"}).ok(*_verbs(tmp_path)[0])
    # The tables' and the sequence's; the look for the events table, a statement of its
    # own at every open as ever, asks the schema's USAGE in it (api/storage/pg_schema.py),
    # and the look for the closed years' snapshots, also its own as ever, whether the role
    # may read them (api/storage/snapshots.py): no statement more than before.
    asked = [text for text in sent if "_privilege(" in text
             and "has_schema_privilege(" not in text and "jixiao_snapshots" not in text]
    assert len(asked) == 1, asked
