"""Old ledgers keep working: stores written by the jixiao of commit d797daf (see
tests/fixtures/old_ledger/README.md) open, verify and give byte-identical reports.

Each store is tried on SQLite (a copy of the committed file) and on PostgreSQL (its dump
restored into a throwaway schema), twice: as the old version left it (its hash chain and
materialised statements included), and with only its stored events (every other table
dropped), so that every statement, the chain and every closed statement's hash are
recomputed from the events by the code under test. A closed period's report recomputes
its statement and refuses, naming the hash, when it no longer matches the one recorded at
the close; so a matching `payout` of a closed period is that check.

Reports go through the CLI with its documented verbs and flags only. Nothing in them
depends on the clock or on a path: `--as-of` instants and appeal `--today` are fixed in
the manifest (`appeal preview`, which reads today's date, is left out).

If a change makes one of these fail, the change breaks stored ledgers: fix the code
(an upcaster for a changed event class, a reader for an old table), never the fixture.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from builders import Cli, cli_for
from pgcluster import PgServer
from psycopg import sql

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "old_ledger"
MANIFEST: dict[str, Any] = json.loads((FIXTURE / "manifest.json").read_text(encoding="utf-8"))
STORES = sorted(MANIFEST["stores"])
# eventsourcing's tables of stored events, as the old version named them: the ledger.
SQLITE_EVENTS = "stored_events"
POSTGRES_EVENTS = "jixiao_events"

# The close events' index (api/storage/close_index.py): the old version made none; the
# first writable open (`verify`, the first report) makes it.
CLOSE_INDEX = "jixiao_close_events"

Row = tuple[int, str, int, str, bytes]


def events_digest(rows: Sequence[Row]) -> str:
    """As tests/fixtures/old_ledger/make_fixture.py computed it for the manifest."""
    digest = hashlib.sha256()
    for position, originator_id, version, topic, state in rows:
        # SQLite keeps the id as 32 hex digits, PostgreSQL as a uuid: compare the UUIDs.
        digest.update(json.dumps([position, str(UUID(originator_id)), version, topic,
                                  hashlib.sha256(state).hexdigest()]).encode() + b"\n")
    return digest.hexdigest()


def assert_reports_reproduced(cli: Cli, name: str) -> None:
    store = MANIFEST["stores"][name]
    verify = cli.ok("verify", "--json").json()
    assert verify["ok"] is True, verify["findings"]
    for report in store["reports"]:
        run = cli(*report["argv"])
        assert run.code == 0, f"jixiao {' '.join(report['argv'])} exited {run.code}:\n{run.err}"
        expected = (FIXTURE / name / "expected" / report["expected"]).read_text(encoding="utf-8")
        assert run.out == expected, f"{name}: jixiao {' '.join(report['argv'])} changed"


def assert_manifest_events(name: str, rows: Sequence[Row]) -> None:
    store = MANIFEST["stores"][name]
    assert (len(rows), events_digest(rows)) == (store["events"], store["events_sha256"])


# ------------------------------------------------------------------ SQLite


def sqlite_rows(path: Path) -> list[Row]:
    with sqlite3.connect(path) as conn:
        return [(int(a), str(b), int(c), str(d), bytes(e)) for a, b, c, d, e in conn.execute(
            f"SELECT rowid, originator_id, originator_version, topic, state "
            f"FROM {SQLITE_EVENTS} ORDER BY rowid")]


def drop_all_but_events_sqlite(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        names = [n for (n,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name != ?", (SQLITE_EVENTS,))]
        for table in names:
            conn.execute(f'DROP TABLE "{table}"')


@pytest.mark.parametrize("tables", ["as-written", "events-only"])
@pytest.mark.parametrize("name", STORES)
def test_an_old_sqlite_ledger_verifies_and_reproduces_every_report(
        name: str, tables: str, tmp_path: Path) -> None:
    db = tmp_path / "ledger.db"
    shutil.copyfile(FIXTURE / name / "ledger.db", db)  # the committed file is never opened
    if tables == "events-only":
        drop_all_but_events_sqlite(db)
    before = sqlite_rows(db)
    assert_manifest_events(name, before)
    assert not sqlite_indexed(db)

    assert_reports_reproduced(cli_for("sqlite", {"SQLITE_DBNAME": str(db)}), name)

    assert sqlite_rows(db) == before  # opening and reporting rewrote no stored event
    assert sqlite_indexed(db)


def sqlite_indexed(path: Path) -> bool:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?",
                            (CLOSE_INDEX,)).fetchone() is not None


# ------------------------------------------------------------------ PostgreSQL


@pytest.fixture
def old_schema(pg_server: PgServer) -> Iterator[dict[str, str]]:
    with pg_server.schema("old") as env:
        yield env


def restore_dump(server: PgServer, schema: str, name: str) -> None:
    """The store's plain dump, into `schema` (made by PgServer.schema) instead of its own."""
    dumped = MANIFEST["postgres_schema"]
    text = (FIXTURE / name / "ledger.pg.sql").read_text(encoding="utf-8")
    text = text.replace(f"CREATE SCHEMA {dumped};\n", "").replace(dumped, schema)
    with server.connect() as conn:
        conn.execute(text.encode())  # plain statements only: run in one go


def postgres_rows(server: PgServer, schema: str) -> list[Row]:
    query = sql.SQL("SELECT notification_id, originator_id::text, originator_version, topic, "
                    "state FROM {} ORDER BY notification_id").format(
                        sql.Identifier(schema, POSTGRES_EVENTS))
    with server.connect() as conn:
        return [(int(a), str(b), int(c), str(d), bytes(e))
                for a, b, c, d, e in conn.execute(query)]


def drop_all_but_events_postgres(server: PgServer, schema: str) -> None:
    with server.connect() as conn:
        names = [n for (n,) in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s "
            "AND table_name != %s", (schema, POSTGRES_EVENTS))]
        for table in names:
            conn.execute(sql.SQL("DROP TABLE {}").format(sql.Identifier(schema, table)))


@pytest.mark.parametrize("tables", ["as-written", "events-only"])
@pytest.mark.parametrize("name", STORES)
def test_an_old_postgres_ledger_verifies_and_reproduces_every_report(
        name: str, tables: str, pg_server: PgServer, old_schema: dict[str, str]) -> None:
    schema = old_schema["POSTGRES_SCHEMA"]
    restore_dump(pg_server, schema, name)
    if tables == "events-only":
        drop_all_but_events_postgres(pg_server, schema)
    before = postgres_rows(pg_server, schema)
    assert_manifest_events(name, before)  # the same events, byte for byte, as the SQLite file
    assert not postgres_indexed(pg_server, schema)

    assert_reports_reproduced(cli_for("postgres", old_schema), name)

    assert postgres_rows(pg_server, schema) == before
    assert postgres_indexed(pg_server, schema)


def postgres_indexed(server: PgServer, schema: str) -> bool:
    with server.connect() as conn:
        name = sql.Identifier(schema, CLOSE_INDEX).as_string(conn)
        return conn.execute("SELECT to_regclass(%s) IS NOT NULL", (name,)).fetchone() == (True,)
