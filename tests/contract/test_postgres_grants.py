"""A PostgreSQL role granted only reads and writes on the tables an owner made (no CREATE
on the schema or the database), as a deployment may run the service: every table it
needs is there, so it runs no DDL at all. PostgreSQL checks CREATE on the schema before
it looks for the table, so a `CREATE TABLE IF NOT EXISTS` of a table that exists is
refused all the same (api/storage/pg_schema.py, `tables_exist`); before, such a role never
wrote the snapshot of the fold, and the server logged a permission ERROR at every open."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from builders import GOLDEN, Cli, fold_reads, grant_reads_and_writes, snapshot_key_file
from pgcluster import PgServer
from psycopg import sql

from api.storage.keys import KeyVault
from api.storage.session import Session, found_for_reading
from api.storage.snapshot_key import SNAPSHOT_KEY_ENV
from api.storage.snapshots import open_snapshots

PERIOD = "2026-Q1"
MASTER = secrets.token_bytes(32)  # the personal data's master key


@pytest.fixture
def owned(pg_server: PgServer, pg_env: dict[str, str], tmp_path: Path) -> dict[str, str]:
    """example-1 recorded by the schema's owner, who opened every table a session uses
    (a payout: the statements view; `verify`: the chain; the key table, the closed
    years' snapshots), with the snapshot key."""
    env = {**pg_env, SNAPSHOT_KEY_ENV: str(snapshot_key_file(tmp_path / "snapshot.key"))}
    owner = Cli({**env, "JIXIAO_ACTOR": "owner"})
    owner.ok("apply", str(GOLDEN / "example-1/commands.jsonl"))
    owner.ok("payout", "--period", PERIOD)
    owner.ok("verify")
    KeyVault(env, MASTER)  # the wrapped data keys of personal data
    open_snapshots(env).close()  # the snapshots of closed years
    return env


@pytest.fixture
def clerk(pg_server: PgServer, owned: dict[str, str]) -> Iterator[dict[str, str]]:
    """A role with USAGE on the schema and SELECT, INSERT, UPDATE, DELETE on its tables
    (and their sequences), nothing more; the owner's environment as that role."""
    with pg_server.connect() as admin:
        role = grant_reads_and_writes(admin, owned["POSTGRES_SCHEMA"])
    try:
        yield {**owned, "POSTGRES_USER": role, "POSTGRES_PASSWORD": "pw"}
    finally:
        with pg_server.connect() as admin:
            admin.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(role)))
            admin.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))


def _snapshots(env: dict[str, str]) -> list[tuple[Any, ...]]:
    with Session({**env, "JIXIAO_SNAPSHOTS": "off"}) as session:
        db = session.view.connection  # type: ignore[attr-defined]
        return list(db.execute("SELECT position, code FROM jixiao_facts_snapshots "
                               "WHERE piece = 0").fetchall())


def _emptied(owned: dict[str, str]) -> None:
    with Session({**owned, "JIXIAO_SNAPSHOTS": "off"}) as session:
        session.view.connection.execute(  # type: ignore[attr-defined]
            "DELETE FROM jixiao_facts_snapshots")


def test_the_role_may_not_create_a_table(clerk: dict[str, str]) -> None:
    """The grants are what the other tests mean: reads and writes, no DDL."""
    with psycopg.connect(host=clerk["POSTGRES_HOST"], port=clerk["POSTGRES_PORT"],
                         user=clerk["POSTGRES_USER"], password=clerk["POSTGRES_PASSWORD"],
                         dbname=clerk["POSTGRES_DBNAME"]) as db, \
            pytest.raises(psycopg.errors.InsufficientPrivilege):
        db.execute(sql.SQL("CREATE TABLE {}.t (x INT)").format(
            sql.Identifier(clerk["POSTGRES_SCHEMA"])))


def test_a_reading_session_of_the_role_writes_the_snapshot_and_the_next_reads_it(
        owned: dict[str, str], clerk: dict[str, str], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A what-if (`jixiao payout --with`), as the role: the first leaves the snapshot of
    the fold, the second starts from it, with the same answer and no warning."""
    _emptied(owned)
    batch = tmp_path / "what-if.jsonl"
    batch.write_text(json.dumps({"type": "record_deduction", "period": PERIOD,
                                 "employee_id": "wang", "kind": "late",
                                 "minutes": 90}) + "\n", encoding="utf-8")
    what_if = Cli({**clerk, "JIXIAO_ACTOR": "clerk"})
    starts = fold_reads(monkeypatch)
    first = what_if.ok("payout", "--period", PERIOD, "--with", str(batch))
    written = _snapshots(owned)
    assert len(written) == 1
    position = int(written[0][0])
    assert position > 0
    before = len(starts)
    second = what_if.ok("payout", "--period", PERIOD, "--with", str(batch))
    assert starts[before] == position  # the second fold started from the snapshot
    assert second.out == first.out
    assert "snapshot" not in first.err + second.err


def test_a_session_of_the_role_that_writes_keeps_the_snapshot(
        owned: dict[str, str], clerk: dict[str, str]) -> None:
    """A session that may record (eventsourcing's own tables left as they are:
    CREATE_TABLE=no, docs/deploy.md) opens, folds and leaves the snapshot."""
    _emptied(owned)
    env = {**clerk, "CREATE_TABLE": "no"}
    with Session(env) as session:
        events = len(session.ledger.facts().events)
        assert not session.integrity_warnings
    assert events > 0
    assert len(_snapshots(owned)) == 1
    found, connection = found_for_reading(env)
    assert found
    with Session(env, found=True, reads_only=True, connection=connection) as session:
        assert len(session.ledger.facts().events) == events
        assert not session.integrity_warnings


def test_the_role_opens_the_key_table_and_the_closed_years_snapshots(
        owned: dict[str, str], clerk: dict[str, str]) -> None:
    """The other tables a session makes when first needed: the wrapped data keys of
    personal data, the snapshots of closed years."""
    vault = KeyVault(clerk, MASTER)
    key_id, sealed = vault.seal("zhang", b"6222 0000 0000 0000")
    assert vault.unseal("zhang", key_id, sealed) == b"6222 0000 0000 0000"
    store = open_snapshots(clerk)
    assert store.exists()
    store.close()


def test_the_role_records_and_then_reports(clerk: dict[str, str], tmp_path: Path) -> None:
    """A write, then a payout that catches the statements view up: its save made the
    figures and notes tables with CREATE … IF NOT EXISTS every time, which the role may
    not run on tables that are there (before: InsufficientPrivilege, a traceback)."""
    env = {**clerk, "CREATE_TABLE": "no", "JIXIAO_ACTOR": "clerk"}
    batch = tmp_path / "late.jsonl"
    batch.write_text(json.dumps({"type": "record_deduction", "period": PERIOD,
                                 "employee_id": "wang", "kind": "late",
                                 "minutes": 90}) + "\n", encoding="utf-8")
    Cli(env).ok("apply", str(batch))
    reported = Cli(env).ok("payout", "--period", PERIOD)
    assert "wang" in reported.out
    assert "Traceback" not in reported.err
