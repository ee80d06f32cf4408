"""A store that cannot be used is told in one line, never a traceback: the PostgreSQL
server down or refusing the login, a connection lost mid-read, a SQLite path that cannot
be opened. Exit code 6 and HTTP 503 with Retry-After, as a busy store; the CLI's message
names the server, the database and the user, never the password; an HTTP answer names
none of them (the server's log does); nothing is written."""

from __future__ import annotations

import html
import re
import socket
import threading
from pathlib import Path
from typing import Any

import pytest
from builders import GOLDEN, Cli, launched
from fastapi.testclient import TestClient
from pgcluster import PgServer

from api.http.app import create_app
from api.http.settings import ServerSettings
from api.storage.postgres_limits import PostgresLedger
from api.storage.session import found_for_reading, open_ledger, open_view
from domain.errors import StoreUnavailableError

BATCH = str(GOLDEN / "example-3/correction.jsonl")
SECRET = "s3cret-never-shown"
VERBS = (["payout", "--period", "2026-Q4"],
         ["payout", "--period", "2026-Q4", "--with", BATCH],
         ["verify"], ["apply", BATCH])


def _closed_port() -> int:
    with socket.socket() as probe:  # bound, never listening: connections are refused
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _postgres(port: int, **settings: str) -> dict[str, str]:
    return {"PERSISTENCE_MODULE": "eventsourcing.postgres", "POSTGRES_HOST": "127.0.0.1",
            "POSTGRES_PORT": str(port), "POSTGRES_DBNAME": "ledgerdb",
            "POSTGRES_USER": "clerk", "POSTGRES_PASSWORD": SECRET,
            "POSTGRES_CONNECT_TIMEOUT": "2", "JIXIAO_ACTOR": "test", **settings}


def _one_line(err: str) -> str:
    assert "Traceback" not in err
    assert SECRET not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


@pytest.mark.parametrize("argv", VERBS, ids=["payout", "what-if", "verify", "apply"])
def test_a_server_not_running_is_one_line_and_exit_6(argv: list[str]) -> None:
    port = _closed_port()
    code, out, err = launched(argv, _postgres(port))
    assert code == 6
    assert out == ""
    line = _one_line(err)
    assert line == (f"错误：无法连接 PostgreSQL 服务器 127.0.0.1:{port}（数据库 ledgerdb，"
                    "用户 clerk）：Connection refused；请确认服务器已启动并接受连接。"
                    "未写入任何内容")
    code, _, err = launched(["--lang", "en", *argv], _postgres(port))
    assert code == 6
    assert _one_line(err) == (
        f"error: cannot connect to the PostgreSQL server at 127.0.0.1:{port} (database "
        "ledgerdb, user clerk): Connection refused; is it running and accepting "
        "connections? Nothing was written")


def test_a_refused_login_and_a_missing_database_are_told_apart(pg_server: PgServer) -> None:
    refused = _postgres(pg_server.port, POSTGRES_DBNAME=pg_server.dbname,
                        POSTGRES_USER="nobody_here")
    code, _, err = launched(["--lang", "en", "payout", "--period", "2026-Q4"], refused)
    assert code == 6
    assert _one_line(err) == (
        f"error: the PostgreSQL server at 127.0.0.1:{pg_server.port} refused the login of "
        f"user nobody_here to database {pg_server.dbname}: check POSTGRES_USER and "
        "POSTGRES_PASSWORD; nothing was written")
    code, _, err = launched(["payout", "--period", "2026-Q4"], refused)
    assert "拒绝了用户 nobody_here 登录数据库" in _one_line(err)
    missing = _postgres(pg_server.port, POSTGRES_USER=pg_server.user,
                        POSTGRES_DBNAME="no_such_db")
    code, _, err = launched(["--lang", "en", "apply", BATCH], missing)
    assert code == 6
    assert _one_line(err) == (
        f"error: the PostgreSQL server at 127.0.0.1:{pg_server.port} has no database "
        "no_such_db: check POSTGRES_DBNAME; nothing was written")


STORE_DOWN = {
    "zh-CN": "服务器的数据库暂时无法连接：未写入任何内容；请在 Retry-After 所示的秒数后重试；原因记"
             "在服务器日志中，供其管理员查看",
    "en": "the server's database cannot be reached just now: nothing was written; retry "
          "after the Retry-After seconds; the server's log says why, for its administrator"}


def _names_nothing(text: str, *names: str) -> None:
    """An HTTP answer to a database out of reach: the server, database and user are the
    server's log's, not a caller's (a token holder, or anyone at the sign-in page)."""
    for name in (*names, "ledgerdb", "clerk", SECRET):
        assert name not in text


@pytest.mark.parametrize("language", ["zh-CN", "en"])
def test_the_api_answers_503_with_retry_after(language: str,
                                              caplog: pytest.LogCaptureFixture) -> None:
    port = _closed_port()
    app = create_app(ServerSettings(store_env=_postgres(port)))
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/periods/2026-Q4/payout", headers={
            "Authorization": "Bearer any", "Accept-Language": language})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "2"
    error = response.json()["error"]
    assert error["code"] == "store_unavailable"
    assert error["message"] == STORE_DOWN[language]
    _names_nothing(response.text, str(port), "127.0.0.1")
    assert (f"cannot connect to the PostgreSQL server at 127.0.0.1:{port} (database "
            "ledgerdb, user clerk)") in caplog.text
    assert SECRET not in caplog.text


def test_the_api_tells_a_refused_login_to_the_log(pg_server: PgServer,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    env = _postgres(pg_server.port, POSTGRES_DBNAME=pg_server.dbname,
                    POSTGRES_USER="nobody_here", POSTGRES_CONNECT_TIMEOUT="1")
    with TestClient(create_app(ServerSettings(store_env=env)),
                    raise_server_exceptions=False) as client:
        response = client.get("/periods/2026-Q4/payout", headers={
            "Authorization": "Bearer any", "Accept-Language": "en"})
    assert response.status_code == 503
    assert response.json()["error"]["message"] == STORE_DOWN["en"]
    _names_nothing(response.text, "nobody_here", pg_server.dbname)
    assert "refused the login of user nobody_here" in caplog.text


def test_a_connection_dropped_mid_read_is_told_not_traced(pg_env: dict[str, str],
                                                          pg_server: PgServer) -> None:
    code, _, err = launched(["apply", str(GOLDEN / "example-3/commands.jsonl")],
                            {**pg_env, "JIXIAO_ACTOR": "test"})
    assert code == 0, err
    found, connection = found_for_reading(pg_env)  # the what-if's one connection
    assert found
    reader = open_ledger(pg_env, True, reads_only=True, connection=connection)
    view = open_view(pg_env, connection)
    try:
        with pg_server.connect() as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (connection.info.backend_pid,))
        with pytest.raises(StoreUnavailableError, match="was lost; anything it was writing"):
            reader.max_position()
        with pytest.raises(StoreUnavailableError, match=f"database {pg_server.dbname}, "):
            view.position()  # the same connection, as lost
    finally:
        reader.close()
        view.close()


@pytest.mark.parametrize("argv", VERBS[:2] + VERBS[3:], ids=["payout", "what-if", "apply"])
def test_an_unopenable_sqlite_path_is_one_line_too(tmp_path: Path, argv: list[str]) -> None:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    code, out, err = launched([*argv, "--db", str(folder)], {"JIXIAO_ACTOR": "test"})
    assert (code, out) == (2, "")  # bad input: running it again cannot help (not 6, busy)
    assert _one_line(err) == (f"错误：无法打开账本文件 {folder}：请确认其所在文件夹存在、它本身"
                              "不是文件夹，且当前用户有读写权限；未写入任何内容")
    other = tmp_path / "notes.txt"
    other.write_text("not a database, only text long enough to be read as a header " * 4)
    code, _, err = launched(["--lang", "en", *argv, "--db", str(other)],
                            {"JIXIAO_ACTOR": "test"})
    assert code == 2
    assert _one_line(err) == (f"error: {other} is not a ledger file (not a SQLite "
                              "database): check --db or JIXIAO_DB; nothing was written")
    assert other.read_text().startswith("not a database")


def test_a_ledger_that_cannot_open_leaves_no_pool_threads_behind() -> None:
    """A PostgreSQL ledger whose first connection fails has made its pool already: closed
    at once, in the thread that opened it, not whenever the garbage collector meets it (in
    one of the pool's own threads, which cannot join itself)."""
    before = {thread.ident for thread in threading.enumerate()}
    with pytest.raises(StoreUnavailableError):
        PostgresLedger(_postgres(_closed_port(), POSTGRES_CONNECT_TIMEOUT="1"))
    left = [thread.name for thread in threading.enumerate()
            if thread.ident not in before and thread.is_alive()]
    assert left == []


@pytest.mark.parametrize(("language", "heading", "told", "fault"), [
    ("zh-CN", "暂时无法服务，请稍后再试。", STORE_DOWN["zh-CN"], "服务器出错"),
    ("en-US", "Temporarily unavailable; please try again shortly.",
     STORE_DOWN["en"][0].upper() + STORE_DOWN["en"][1:],  # a page's reason: sentence case
     "Something went wrong"),
])
def test_the_sign_in_page_tells_an_unreachable_server_as_a_page(
        language: str, heading: str, told: str, fault: str) -> None:
    """The sign-in is a page: the store out of reach when it checks the password is the
    error page, in the reader's language, with Retry-After, not the API's JSON; headed
    as a store unavailable for now, not as a fault of the server's (that is a 500's)."""
    port = _closed_port()
    with TestClient(create_app(ServerSettings(store_env=_postgres(port))),
                    raise_server_exceptions=False) as client:
        form = client.get("/login", headers={"Accept-Language": language})
        token = re.search(r'name="login_token" value="([^"]+)"', form.text)
        assert token is not None
        response = client.post("/login", headers={"Accept-Language": language}, data={
            "user_id": "someone", "password": "x", "login_token": token.group(1)})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "2"
    assert response.headers["content-type"].startswith("text/html")
    assert re.search(rf"<h2>\s*{re.escape(heading)}\s*</h2>", response.text), response.text
    assert told in html.unescape(response.text)  # the reason, below the heading
    assert fault not in response.text
    _names_nothing(response.text, f"127.0.0.1:{port}")


@pytest.mark.parametrize("lang", ["en", None])
def test_a_connection_lost_while_asking_whether_the_role_may_write_is_told(
        pg_env: dict[str, str], pg_server: PgServer, monkeypatch: pytest.MonkeyPatch,
        lang: str | None) -> None:
    """A session on PostgreSQL asks whether its role may write (api/storage/read_only.py)
    before its first read: a connection lost at that query was psycopg's traceback."""
    import psycopg  # noqa: PLC0415 - as the module's other PostgreSQL tests, lazily

    cli = Cli({**pg_env, "JIXIAO_ACTOR": "test"}, lang=lang)
    cli.ok("apply", str(GOLDEN / "example-3/commands.jsonl"))
    asked = psycopg.Connection.execute

    def lost_at_the_privilege_query(self: Any, query: Any, *args: Any, **kwargs: Any) -> Any:
        if "has_table_privilege" in str(query):
            with pg_server.connect() as admin:
                admin.execute("SELECT pg_terminate_backend(%s)", (self.info.backend_pid,))
        return asked(self, query, *args, **kwargs)

    monkeypatch.setattr(psycopg.Connection, "execute", lost_at_the_privilege_query)
    run = cli("payout", "--period", "2026-Q4")
    assert run.code == 6, run.err
    line = _one_line(run.err)
    expected = ("was lost; anything it was writing was written in full or not at all"
                if lang else "的连接已断开；正在写入的内容要么已全部写入")
    assert expected in line, line
