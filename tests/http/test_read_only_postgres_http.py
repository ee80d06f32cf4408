"""`jixiao serve` over PostgreSQL with the login of a role an administrator granted only
reads (an auditor's, tests/contract/test_postgres_read_only.py): the server's session,
opened as `jixiao serve` opens it, answers as the owner's server and refuses a write as
on a read-only SQLite ledger (409 `read_only`), writing nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from builders import contents, drop_role, grant_reads
from fastapi.testclient import TestClient
from pgcluster import PgServer
from seeding import Served, seed, serve

from api.http.app import create_app
from api.http.settings import ServerSettings
from api.storage.keys import create_master_key
from api.storage.served import open_server_session


def test_the_server_as_the_auditors_role_answers_as_the_owners_and_refuses_writes(
        pg_server: PgServer, pg_env: dict[str, str]) -> None:
    """`jixiao serve` with the role's login (its session opened as the server opens it):
    the same bodies as the owner's server, and a recorded score is 409 `read_only`."""
    tokens = seed(pg_env)
    role = grant_reads(pg_server, pg_env["POSTGRES_SCHEMA"])
    reads = [("employee", "/periods/2026-Q1/payout"), ("auditor", "/audit/verify"),
             ("auditor", "/audit/events")]
    try:
        env = {**pg_env, "POSTGRES_USER": role, "POSTGRES_PASSWORD": "pw"}
        before = contents(pg_server, pg_env["POSTGRES_SCHEMA"])
        with serve(env, open_server_session) as client:
            served = Served(env, client, tokens)
            read = [served.get(who, path) for who, path in reads]
            refused = served.post("head", "/commands", {
                "type": "record_score", "period": "2026-Q2", "employee_id": "wang",
                "item": "quantity", "points": "30"})
        assert contents(pg_server, pg_env["POSTGRES_SCHEMA"]) == before
    finally:
        drop_role(pg_server, role)
    with serve(pg_env, open_server_session) as client:
        owner = [Served(pg_env, client, tokens).get(who, path) for who, path in reads]
    assert [(r.status_code, r.content) for r in read] == \
        [(r.status_code, r.content) for r in owner]
    assert all(r.status_code == 200 for r in read), [r.text for r in read]
    assert refused.status_code == 409, refused.text
    assert refused.json()["error"]["code"] == "read_only"
    assert "未写入任何内容" in refused.json()["error"]["message"]  # Chinese by default


def test_the_auditors_payroll_file_with_the_master_key_is_the_owners(
        pg_server: PgServer, pg_env: dict[str, str], tmp_path: Path) -> None:
    """The server holds the master key and no details were ever recorded (no key table):
    the role's key vault made the table on a connection of its own and was refused,
    a 500. Now it reads as the owner's over its new, empty table, and makes nothing."""
    tokens = seed(pg_env)
    key = tmp_path / "master.key"
    create_master_key(str(key))
    role = grant_reads(pg_server, pg_env["POSTGRES_SCHEMA"])
    path = "/periods/2026-Q1/payroll-file"

    def served(env: dict[str, str]) -> Any:
        app = create_app(ServerSettings(store_env=env, master_key_file=str(key)),
                         open_server_session)
        with TestClient(app) as client:
            return Served(env, client, tokens).get("finance", path, format="csv")

    try:
        env = {**pg_env, "POSTGRES_USER": role, "POSTGRES_PASSWORD": "pw"}
        before = contents(pg_server, pg_env["POSTGRES_SCHEMA"])
        read = served(env)
        assert contents(pg_server, pg_env["POSTGRES_SCHEMA"]) == before
    finally:
        drop_role(pg_server, role)
    assert read.status_code == 200, read.text
    assert read.content == served(pg_env).content
