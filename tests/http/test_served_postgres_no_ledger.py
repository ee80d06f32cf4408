"""`jixiao serve` over a PostgreSQL schema without the ledger's tables (api/storage/
served.py): the first request with a token made them, an empty ledger that knew no user
(401), or failed with 500 under CREATE_TABLE=no. Now each request is answered 503 with
Retry-After, naming no server, database, schema or login; the server's log names the
database and schema; no table is made; and once `jixiao init` has made the ledger it is
served without a restart."""

from __future__ import annotations

import logging
import time

import pytest
from builders import cli_for
from fastapi.testclient import TestClient
from pgcluster import PgServer

from api.http.app import create_app
from api.http.settings import ServerSettings

ZH = ("服务器的数据库中没有账本（服务器查找的位置没有 jixiao 的表），服务器也不会新建：未写入任何"
      "内容；服务器日志中记有该数据库和 schema，供其管理员用 `jixiao init` 在那里建立账本")
EN = ("the server's database holds no ledger (no jixiao tables where the server looks), and "
      "the server makes none: nothing was written; the server's log names the database and "
      "schema for its administrator, who makes the ledger there with `jixiao init`")
A_TOKEN = {"Authorization": "Bearer jx_unknown"}


def _tables(pg_server: PgServer, schema: str) -> list[str]:
    with pg_server.connect() as connection:
        rows = connection.execute("SELECT table_name FROM information_schema.tables "
                                  "WHERE table_schema = %s", (schema,)).fetchall()
    return sorted(row[0] for row in rows)


@pytest.mark.parametrize("create_table", [None, "no"], ids=["tables-made", "CREATE_TABLE=no"])
def test_a_served_schema_without_the_ledger_is_503_and_gets_no_tables(
        pg_server: PgServer, pg_env: dict[str, str], caplog: pytest.LogCaptureFixture,
        create_table: str | None) -> None:
    env = pg_env if create_table is None else {**pg_env, "CREATE_TABLE": create_table}
    schema = env["POSTGRES_SCHEMA"]
    with caplog.at_level(logging.ERROR, logger="api.storage.served"), \
            TestClient(create_app(ServerSettings(store_env=env))) as client:
        answers = {language: client.get("/me", headers={**A_TOKEN,
                                                         "Accept-Language": language})
                   for language in ("zh-CN", "en")}
        assert _tables(pg_server, schema) == []  # nothing made for the ledger
        cli_for("postgres", pg_env).ok("init")
        time.sleep(2.1)  # the 503's Retry-After: asked again after it, not before
        served = client.get("/me", headers=A_TOKEN)
    for answer, message in ((answers["zh-CN"], ZH), (answers["en"], EN)):
        assert (answer.status_code, answer.headers["Retry-After"]) == (503, "2"), answer.text
        assert answer.json() == {"error": {"code": "store_unavailable", "message": message,
                                           "problems": []}}
        for secret in (schema, env["POSTGRES_DBNAME"], env["POSTGRES_HOST"],
                       env["POSTGRES_USER"], env.get("POSTGRES_PASSWORD") or schema):
            assert secret not in answer.text
    # The log names the database and schema, and no login (worded by `serve`'s formatter).
    where = (f"postgresql://{env['POSTGRES_HOST']}:{env['POSTGRES_PORT']}/"
             f"{env['POSTGRES_DBNAME']} schema {schema}")
    assert {record.getMessage() for record in caplog.records} == {
        f"jixiao serve: no ledger in {where} (no jixiao tables there), and the server makes "
        "none: requests are answered 503 until one is made there (`jixiao init`)"}
    assert served.status_code == 401  # served once made: a ledger that knows no such token
