"""The schema's owner after a role that had CREATE on the schema made the speed-up tables
(the statements view, the snapshot of the fold, the closed years' snapshots): PostgreSQL
gives the owner of a schema no privilege on a table another role made in it, and a
session that lacked any privilege a writer needs on any of the ledger's tables was made
read-only (api/storage/read_only.py `WRITER_PRIVILEGES`): the owner's every write was
refused (exit 2, "lacks privileges it needs to write the ledger"). Those tables are only
a speed-up: the owner writes, reads the same answers (the statements computed in memory,
told once a command), and sends the server no statement that must fail."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from uuid import uuid4

import pytest
from builders import Cli, drop_role, granted, logged_refusals, server_log, snapshot_key_file
from pgcluster import PgServer
from psycopg import sql

from api.storage.snapshot_key import SNAPSHOT_KEY_ENV

WRITER = "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}"
MAY_CREATE = "GRANT CREATE ON SCHEMA {schema} TO {role}"
SPEED_UPS = ("jixiao_view_tracking", "jixiao_statements", "jixiao_figures",
             "jixiao_snapshots", "jixiao_facts_snapshots")


@pytest.fixture
def owner(pg_server: PgServer, pg_env: dict[str, str], tmp_path: Path
          ) -> Iterator[dict[str, str]]:
    """A login role (not a superuser, who is refused nothing) that owns the schema, with
    the snapshot key."""
    name = f"owner_{uuid4().hex[:8]}"
    with pg_server.connect() as admin:
        admin.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD 'pw'").format(sql.Identifier(name)))
        admin.execute(sql.SQL("ALTER SCHEMA {} OWNER TO {}").format(
            sql.Identifier(pg_env["POSTGRES_SCHEMA"]), sql.Identifier(name)))
    try:
        yield {**pg_env, "POSTGRES_USER": name, "POSTGRES_PASSWORD": "pw",
               "JIXIAO_ACTOR": "owner",
               SNAPSHOT_KEY_ENV: str(snapshot_key_file(tmp_path / "snapshot.key"))}
    finally:
        with pg_server.connect() as admin:
            admin.execute(sql.SQL("ALTER SCHEMA {} OWNER TO {}").format(
                sql.Identifier(pg_env["POSTGRES_SCHEMA"]), sql.Identifier(pg_env["POSTGRES_USER"])))
        drop_role(pg_server, name)


def _owned_by(pg_server: PgServer, schema: str) -> dict[str, str]:
    with pg_server.connect() as admin:
        return dict(admin.execute(
            "SELECT tablename::text, tableowner::text FROM pg_tables WHERE schemaname = %s",
            (schema,)).fetchall())


def test_the_owner_writes_after_a_role_made_the_speed_up_tables(
        pg_server: PgServer, owner: dict[str, str], tmp_path: Path) -> None:
    from bench.generator import iter_commands, shape_for  # noqa: PLC0415

    rows = iter_commands(shape_for("smoke", years=2, staff=8), 0)
    path = tmp_path / "two-years.jsonl"
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows))
    # The events and the chain: the owner's. Without the key: a session with it keeps
    # its snapshot of the fold beside the statements view, which it then makes.
    Cli({k: v for k, v in owner.items() if k != SNAPSHOT_KEY_ENV}).ok("apply", str(path))
    mine = Cli(owner)
    schema = owner["POSTGRES_SCHEMA"]
    role = granted(pg_server, schema, WRITER, MAY_CREATE)
    try:
        clerk = Cli({**owner, "POSTGRES_USER": role, "POSTGRES_PASSWORD": "pw",
                     "CREATE_TABLE": "no", "JIXIAO_ACTOR": "clerk"})
        clerk.ok("verify")
        for period in [f"2026-Q{q}" for q in range(1, 5)] + ["2026-YE"]:
            clerk.ok("close", "--period", period)
        theirs = clerk.ok("payout", "--period", "2027-Q1").out
        employee = rows_employee(path)
        explain = ["explain", "--period", "2027-Q1", "--employee", employee]
        their_explain = clerk.ok(*explain).out
        made = _owned_by(pg_server, schema)
        assert {made[table] for table in SPEED_UPS} == {role}  # what this test is about
        log = server_log(pg_server)
        start = log.stat().st_size
        batch = tmp_path / "deduction.jsonl"
        batch.write_text(json.dumps({"type": "record_deduction", "period": "2027-Q1",
                                     "employee_id": employee, "kind": "late",
                                     "minutes": 15}) + "\n", encoding="utf-8")
        payout = mine("payout", "--period", "2027-Q1")
        explained = mine(*explain)
        applied = mine("apply", str(batch))
        closed = mine("close", "--period", "2027-Q1")
        verified = mine("verify")
        refusals = logged_refusals(log, start, "jixiao_")
        after = clerk.ok("payout", "--period", "2027-Q2").out
    finally:
        drop_role(pg_server, role)
    assert payout.code == 0, payout.err
    assert payout.out == theirs
    assert (explained.code, explained.out) == (0, their_explain), explained.err
    assert (applied.code, closed.code, verified.code) == (0, 0, 0), (
        applied.err + closed.err + verified.err)
    assert "lacks privileges" not in applied.err + closed.err
    assert "jixiao_statements" in payout.err  # told why each command computes them
    assert refusals == [], "\n".join(refusals)
    assert after == mine.ok("payout", "--period", "2027-Q2").out


def rows_employee(path: Path) -> str:
    """An employee of the generated ledger (the first roster row's)."""
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if "employee_id" in row:
            return str(row["employee_id"])
    raise AssertionError("no employee in the generated ledger")
