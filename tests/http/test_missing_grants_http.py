"""`jixiao serve` as a PostgreSQL role granted SELECT and INSERT only
(tests/contract/test_postgres_missing_grants.py): it reads as an auditor's, and a write
is 422 `missing_grant`, nothing written, the GRANTs to ask for in the server's log;
before, a 500 with psycopg's traceback in the server's log."""

from __future__ import annotations

import pytest
from builders import contents, drop_role, granted
from fastapi.testclient import TestClient
from pgcluster import PgServer
from seeding import Served, seed

from api.http.app import create_app
from api.http.settings import ServerSettings
from api.storage.served import open_server_session


def test_the_servers_write_as_a_role_with_only_select_and_insert_is_a_422(
        pg_server: PgServer, pg_env: dict[str, str], caplog: pytest.LogCaptureFixture) -> None:
    tokens = seed(pg_env)
    role = granted(pg_server, pg_env["POSTGRES_SCHEMA"],
                 "GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA {schema} TO {role}")
    try:
        env = {**pg_env, "POSTGRES_USER": role, "POSTGRES_PASSWORD": "pw", "CREATE_TABLE": "no"}
        before = contents(pg_server, pg_env["POSTGRES_SCHEMA"])
        app = create_app(ServerSettings(store_env=env), open_server_session)
        with TestClient(app) as client:
            served = Served(env, client, tokens)
            read = served.get("employee", "/periods/2026-Q1/payout")
            refused = served.post("head", "/commands", {
                "type": "record_score", "period": "2026-Q2", "employee_id": "wang",
                "item": "quantity", "points": "30"})
        assert contents(pg_server, pg_env["POSTGRES_SCHEMA"]) == before
    finally:
        drop_role(pg_server, role)
    assert read.status_code == 200, read.text
    assert refused.status_code == 422, refused.text
    assert refused.json()["error"]["code"] == "missing_grant"
    # The role, the ledger's postgresql://host:port/database and the GRANTs are the
    # server's log's (api/http/errors.py `as_told`), not the caller's.
    assert refused.json()["error"]["message"] == (
        "服务器的数据库角色缺少本请求所需的权限：未写入任何内容；应执行的 GRANT 记在服务器日志中，"
        "供其管理员查看")
    for name in (role, pg_env["POSTGRES_SCHEMA"], "postgresql://", "GRANT UPDATE"):
        assert name not in refused.text
    assert f"the database role {role} lacks privileges it needs" in caplog.text
