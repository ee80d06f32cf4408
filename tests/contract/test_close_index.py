"""The periods' closes are read through a partial index of the close events
(api/storage/close_index.py), on SQLite and PostgreSQL: a writable open makes it (a new
ledger's, an older ledger's that lacks it), both reads of the closes use it, a session
that may not write reads by the scan and makes nothing, and the closes read, and an
altered close refused, are the same with or without it."""

from __future__ import annotations

import json
import secrets
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import psycopg
import pytest
from builders import GOLDEN, Cli, cli_for, grant_reads_and_writes, raw_connection, snapshot_key_file
from pgcluster import PgServer
from psycopg import sql

from api.storage.close_index import CLOSE_INDEX
from api.storage.keys import KeyVault
from api.storage.session import Session
from api.storage.snapshot_key import SNAPSHOT_KEY_ENV
from api.storage.snapshots import open_snapshots
from api.storage.store_env import postgres_connect_args
from api.storage.view_checks import recorded_closes
from api.storage.warm_view import CLOSES_QUERY
from domain.stored_reader import postgres_statement, sqlite_statement
from projections.chain_links import CLOSE_TOPIC_STORED

CLOSED = ("2026-Q1",)
EVENTS = {"sqlite": ("stored_events", "rowid"), "postgres": ("jixiao_events", "notification_id")}


def _table(store: Any, name: str) -> Any:
    if store.backend == "sqlite":
        return sql.Identifier(name)
    return sql.Identifier(store.env["POSTGRES_SCHEMA"], name)




def _closed(store: Any) -> Cli:
    cli = cli_for(store.backend, store.env)
    cli.ok("apply", str(GOLDEN / "example-1/commands.jsonl"))
    for period in CLOSED:
        cli.ok("close", "--period", period)
    return cli


def _indexed(store: Any) -> bool:
    with raw_connection(store) as db:
        if store.backend == "sqlite":
            return db.execute("SELECT 1 FROM sqlite_master WHERE type = 'index' AND "
                              "name = ?", (CLOSE_INDEX,)).fetchone() is not None
        name = sql.Identifier(store.env["POSTGRES_SCHEMA"], CLOSE_INDEX).as_string(db)
        return db.execute("SELECT to_regclass(%s) IS NOT NULL", (name,)).fetchone()[0] is True


def _drop_index(store: Any) -> None:
    """The ledger as a version before the index left it."""
    with raw_connection(store) as db:
        name = sql.Identifier(CLOSE_INDEX) if store.backend == "sqlite" else \
            sql.Identifier(store.env["POSTGRES_SCHEMA"], CLOSE_INDEX)
        query = sql.SQL("DROP INDEX {}").format(name)
        db.execute(query.as_string(None) if store.backend == "sqlite" else query)
    assert not _indexed(store)


def _plans(store: Any) -> list[str]:
    """The query plans of the warm view's read of the closes and of the session's."""
    with raw_connection(store) as db:
        if store.backend == "sqlite":
            warm = CLOSES_QUERY.format(events="stored_events", position="rowid")
            read = sqlite_statement("stored_events", [CLOSE_TOPIC_STORED])
            return [" ".join(str(r[-1]) for r in db.execute(f"EXPLAIN QUERY PLAN {q}", a))
                    for q, a in ((warm, ()), (read, (1, 100)))]
        # A few rows in a table of a few hundred: without a sequential scan to choose,
        # the planner shows whether it may use the index for these queries at all.
        schema = store.env["POSTGRES_SCHEMA"]
        db.execute("SET enable_seqscan = off")
        warm = CLOSES_QUERY.format(events="jixiao_events", position="notification_id")
        read = postgres_statement(schema, "jixiao_events", [CLOSE_TOPIC_STORED])
        return ["\n".join(r[0] for r in db.execute(sql.SQL("EXPLAIN ") + q, a))
                for q, a in ((sql.SQL(warm), ()), (read, (1, 100)))]


def _closes(store: Any) -> dict[str, Any]:
    with Session(store.env) as session:
        return recorded_closes(session.ledger)


def test_a_new_ledger_has_the_index_and_both_reads_of_the_closes_use_it(  # type: ignore[no-untyped-def]
        store) -> None:
    _closed(store)
    assert _indexed(store)
    for plan in _plans(store):
        assert CLOSE_INDEX in plan, plan


def test_an_older_ledger_gains_it_at_its_next_writable_open_with_the_same_answers(  # type: ignore[no-untyped-def]
        store) -> None:
    cli = _closed(store)
    closes = _closes(store)
    assert set(closes) == set(CLOSED)
    payout = cli.ok("payout", "--period", CLOSED[0], "--json").out
    _drop_index(store)
    for plan in _plans(store):
        assert CLOSE_INDEX not in plan, plan
    # Read by the scan: the same closes and the same report, and nothing made.
    assert _closes(store) == closes
    read_only = cli_for(store.backend, {**store.env, "JIXIAO_READ_ONLY": "1"})
    assert read_only.ok("payout", "--period", CLOSED[0], "--json").out == payout
    assert not _indexed(store)
    cli.ok("verify")
    assert _indexed(store)
    assert _closes(store) == closes
    assert cli.ok("payout", "--period", CLOSED[0], "--json").out == payout


def test_an_altered_close_is_refused_with_the_index_as_by_the_scan(  # type: ignore[no-untyped-def]
        store) -> None:
    _closed(store)
    events, position = EVENTS[store.backend]
    with raw_connection(store) as db:
        query = sql.SQL("SELECT {}, state FROM {} WHERE topic = %s").format(
            sql.Identifier(position), _table(store, events))
        (at, state), = db.execute(query.as_string(None if store.backend == "sqlite" else db)
                                  .replace("%s", "?") if store.backend == "sqlite" else query,
                                  (CLOSE_TOPIC_STORED,)).fetchall()
    body = json.loads(bytes(state))
    assert len(body["statement_sha256"]) == 64
    body["statement_sha256"] = "0" * 64  # what the close recorded, changed
    altered = json.dumps(body, separators=(",", ":")).encode()
    answers = []
    for indexed in (True, False):
        if not indexed:
            _drop_index(store)
        with raw_connection(store) as db:
            query = sql.SQL("UPDATE {} SET state = %s WHERE {} = %s").format(
                _table(store, events), sql.Identifier(position))
            if store.backend == "sqlite":
                db.execute(query.as_string(None).replace("%s", "?"), (altered, at))
            else:
                db.execute(query, (altered, at))
        reader = cli_for(store.backend, {**store.env, "JIXIAO_READ_ONLY": "1"})
        run = reader("payout", "--period", CLOSED[0])
        answers.append((run.code, run.out, run.err))
    assert answers[0] == answers[1]
    code, out, err = answers[0]
    assert code == 4, err
    assert "2026-Q1" in err
    assert "000000000000" in err  # the hash the altered close records
    assert out == ""


# ---------------------------------------------------- sessions that may not write


def test_a_read_only_sqlite_file_is_read_by_the_scan_and_left_unchanged(
        sqlite_env: dict[str, str]) -> None:
    cli = _closed(SimpleNamespace(backend="sqlite", env=sqlite_env))
    payout = cli.ok("payout", "--period", CLOSED[0], "--json").out
    path = Path(sqlite_env["SQLITE_DBNAME"])
    db = sqlite3.connect(path, isolation_level=None)
    db.execute(f"DROP INDEX {CLOSE_INDEX}")  # as a version before the index left it
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    before = path.read_bytes()
    path.chmod(0o444)  # read-only for every user (api/storage/read_only.py)
    try:
        assert cli.ok("payout", "--period", CLOSED[0], "--json").out == payout
        cli.ok("verify")
        with Session(sqlite_env) as session:  # read from its copy in memory
            assert session.chain.tracking()[0] > 0
            copy = session.ledger.recorder.datastore._sqlite  # type: ignore[attr-defined]
            assert copy.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND "
                                "name = ?", (CLOSE_INDEX,)).fetchall() == []
    finally:
        path.chmod(0o644)
    assert path.read_bytes() == before
    wal = path.with_name(path.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0


@pytest.fixture
def clerk(pg_server: PgServer, pg_env: dict[str, str],
          tmp_path: Path) -> Iterator[tuple[dict[str, str], Cli]]:
    """A ledger made by its owner, as an older version left it (no index), and a role
    granted reads and writes on its tables (not their owner, who alone may index them)."""
    env = {**pg_env, SNAPSHOT_KEY_ENV: str(snapshot_key_file(tmp_path / "snapshot.key"))}
    owner = Cli({**env, "JIXIAO_ACTOR": "owner"})
    owner.ok("apply", str(GOLDEN / "example-1/commands.jsonl"))
    owner.ok("close", "--period", CLOSED[0])
    owner.ok("payout", "--period", CLOSED[0])  # every table a session uses, made
    owner.ok("verify")
    KeyVault(env, secrets.token_bytes(32))
    open_snapshots(env).close()
    schema = pg_env["POSTGRES_SCHEMA"]
    with pg_server.connect() as admin:
        admin.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(schema, CLOSE_INDEX)))
        role = grant_reads_and_writes(admin, schema)
    try:
        # CREATE_TABLE=no: eventsourcing's tables left as they are (docs/deploy.md).
        yield {**env, "POSTGRES_USER": role, "POSTGRES_PASSWORD": "pw",
               "CREATE_TABLE": "no"}, owner
    finally:
        with pg_server.connect() as admin:
            admin.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(role)))
            admin.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))


def test_a_role_that_does_not_own_the_events_reads_by_the_scan_and_makes_nothing(
        clerk: tuple[dict[str, str], Cli], tmp_path: Path) -> None:
    env, owner = clerk
    payout = owner.ok("payout", "--period", CLOSED[0], "--json").out
    cli = Cli({**env, "JIXIAO_ACTOR": "clerk"})
    # Sessions that may write: each opens the chain as a writer's does.
    assert cli.ok("payout", "--period", CLOSED[0], "--json").out == payout
    cli.ok("verify")
    with psycopg.connect(**postgres_connect_args(env), autocommit=True) as db:
        name = sql.Identifier(env["POSTGRES_SCHEMA"], CLOSE_INDEX).as_string(db)
        assert db.execute("SELECT to_regclass(%s)", (name,)).fetchone() == (None,)
    owner.ok("verify")  # its owner's next open makes it
    with psycopg.connect(**postgres_connect_args(env), autocommit=True) as db:
        assert db.execute("SELECT to_regclass(%s) IS NOT NULL", (name,)).fetchone() == (True,)
