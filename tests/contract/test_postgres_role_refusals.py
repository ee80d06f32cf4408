"""PostgreSQL roles that cannot open the ledger as they are (docs/deploy.md) are told why
and what to do, exit code 2 (HTTP 422 `missing_grant`), in Chinese and English, with
nothing written. Before, each was psycopg's traceback (exit 1, HTTP 500): a role without
USAGE on the ledger's schema, at its first query ("permission denied for schema"); a
role granted reads and writes only, opening the ledger before its owner had made the
statements view (made at the owner's first verb that reads the statements)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from builders import (
    GOLDEN,
    Cli,
    contents,
    drop_role,
    granted,
    logged_refusals,
    server_log,
    set_snapshot,
    signed_row,
    snapshot_key_file,
    snapshot_row,
)
from fastapi.testclient import TestClient
from pgcluster import PgServer
from psycopg import sql

from api.http.app import create_app
from api.http.settings import ServerSettings
from api.storage.served import open_server_session
from api.storage.snapshot_key import SNAPSHOT_KEY_ENV

PERIOD = "2026-Q1"
WRITER = "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}"


def _owner(env: dict[str, str]) -> Cli:
    return Cli({**env, "JIXIAO_ACTOR": "owner"})


@pytest.fixture
def without_usage(pg_server: PgServer, pg_env: dict[str, str]) -> Iterator[dict[str, str]]:
    """example-1, read and verified by its owner; a role granted every table's reads and
    writes, and the schema's USAGE taken back."""
    owner = _owner(pg_env)
    owner.ok("apply", str(GOLDEN / "example-1/commands.jsonl"))
    owner.ok("verify")
    schema = pg_env["POSTGRES_SCHEMA"]
    role = granted(pg_server, schema, WRITER, "REVOKE USAGE ON SCHEMA {schema} FROM {role}")
    try:
        yield {**pg_env, "POSTGRES_USER": role, "POSTGRES_PASSWORD": "pw",
               "CREATE_TABLE": "no", "JIXIAO_ACTOR": "clerk"}
    finally:
        drop_role(pg_server, role)


@pytest.mark.parametrize("verb", [["payout", "--period", PERIOD], ["verify"], ["events"],
                                  ["apply", str(GOLDEN / "example-1/commands.jsonl")]],
                         ids=["payout", "verify", "events", "apply"])
def test_a_role_without_usage_on_the_schema_is_told_the_grant(
        pg_server: PgServer, without_usage: dict[str, str], verb: list[str]) -> None:
    before = contents(pg_server, without_usage["POSTGRES_SCHEMA"])
    english, chinese = Cli(without_usage)(*verb), Cli(without_usage, lang=None)(*verb)
    assert contents(pg_server, without_usage["POSTGRES_SCHEMA"]) == before
    assert (english.code, chinese.code) == (2, 2), english.err + chinese.err
    assert (english.out, chinese.out) == ("", "")
    schema, role = without_usage["POSTGRES_SCHEMA"], without_usage["POSTGRES_USER"]
    grant = f'GRANT USAGE ON SCHEMA "{schema}" TO "{role}"'
    assert english.err.strip() == (
        f"error: the database role {role} may not use the schema {schema} that holds the "
        f"ledger, and so can neither read nor write it: ask the schema's owner to run "
        f"{grant} (docs/deploy.md); nothing was written")
    assert chinese.err.strip() == (
        f"错误：数据库角色 {role} 无权使用存放账本的模式 {schema}，因而既不能读取也不能写入账本："
        f"请模式的所有者执行 {grant}（见 docs/deploy.md）；未写入任何内容")


GRANT_MISSING = {
    "en": "the server's database role lacks a privilege this request needs: nothing was "
          "written; the server's log names the GRANT to run, for its administrator",
    "zh-CN": "服务器的数据库角色缺少本请求所需的权限：未写入任何内容；应执行的 GRANT 记在服务器日志"
             "中，供其管理员查看"}


def _names_nothing(text: str, env: dict[str, str]) -> None:
    """The server's role, schema, database and where it is are the log's: the 422 comes
    at the session's open, before any token is checked."""
    for name in (env["POSTGRES_USER"], env["POSTGRES_SCHEMA"], env["POSTGRES_DBNAME"],
                 f"{env['POSTGRES_HOST']}:{env['POSTGRES_PORT']}", "GRANT USAGE"):
        assert name not in text


def test_the_server_as_a_role_without_usage_answers_422_missing_grant(
        pg_server: PgServer, without_usage: dict[str, str],
        caplog: pytest.LogCaptureFixture) -> None:
    """Any bearer token (none of the ledger's) is answered so, and so is a name at the
    sign-in page: the body names none of the server's database; the log names the GRANT."""
    before = contents(pg_server, without_usage["POSTGRES_SCHEMA"])
    app = create_app(ServerSettings(store_env=without_usage), open_server_session)
    with TestClient(app, raise_server_exceptions=False) as client:
        answers = {language: client.get(f"/periods/{PERIOD}/payout", headers={
            "Authorization": "Bearer jx_any", "Accept-Language": language})
            for language in ("en", "zh-CN")}
        form = client.get("/login")
        token = re.search(r'name="login_token" value="([^"]+)"', form.text)
        assert token is not None
        page = client.post("/login", headers={"Accept-Language": "en"}, data={
            "user_id": "someone", "password": "x", "login_token": token.group(1)})
    assert contents(pg_server, without_usage["POSTGRES_SCHEMA"]) == before
    assert [a.status_code for a in answers.values()] == [422, 422], answers["en"].text
    assert {a.json()["error"]["code"] for a in answers.values()} == {"missing_grant"}
    for language, answer in answers.items():
        assert answer.json()["error"]["message"] == GRANT_MISSING[language]
        _names_nothing(answer.text, without_usage)
    assert page.status_code == 422, page.text
    english = GRANT_MISSING["en"]  # an English page starts a reason in sentence case
    assert english[0].upper() + english[1:] in html.unescape(page.text)
    _names_nothing(page.text, without_usage)
    schema, role = without_usage["POSTGRES_SCHEMA"], without_usage["POSTGRES_USER"]
    assert (f'run GRANT USAGE ON SCHEMA "{schema}" TO "{role}" (docs/deploy.md); nothing '
            "was written; the request was answered 422") in caplog.text


@pytest.fixture
def before_the_view(pg_server: PgServer, pg_env: dict[str, str]) -> Iterator[dict[str, str]]:
    """example-1 recorded by its owner, who has not yet run a verb that reads the
    statements (no view made), and a role granted reads and writes only, with
    CREATE_TABLE=no (docs/deploy.md)."""
    _owner(pg_env).ok("apply", str(GOLDEN / "example-1/commands.jsonl"))
    schema = pg_env["POSTGRES_SCHEMA"]
    role = granted(pg_server, schema, WRITER)
    with pg_server.connect() as admin:
        made = admin.execute("SELECT to_regclass(%s)", (sql.Identifier(
            schema, "jixiao_statements").as_string(admin),)).fetchone()
    assert made == (None,)  # what this test is about
    try:
        yield {**pg_env, "POSTGRES_USER": role, "POSTGRES_PASSWORD": "pw",
               "CREATE_TABLE": "no", "JIXIAO_ACTOR": "clerk"}
    finally:
        drop_role(pg_server, role)


@pytest.mark.parametrize("verb", [["verify"], ["reconcile", "--period", PERIOD],
                                  ["explain", "--period", PERIOD, "--employee", "wang"]],
                         ids=["verify", "reconcile", "explain"])
def test_a_role_before_the_owner_made_the_view_is_told_to_have_the_owner_open_it(
        pg_server: PgServer, pg_env: dict[str, str], before_the_view: dict[str, str],
        verb: list[str]) -> None:
    schema, role = before_the_view["POSTGRES_SCHEMA"], before_the_view["POSTGRES_USER"]
    before = contents(pg_server, schema)
    english, chinese = Cli(before_the_view)(*verb), Cli(before_the_view, lang=None)(*verb)
    assert contents(pg_server, schema) == before
    assert (english.code, chinese.code) == (2, 2), english.err + chinese.err
    assert english.err.strip() == (
        f"error: the ledger's statements view in the schema {schema} is not made yet (or "
        f"was made by another version of jixiao), and the database role {role} may not "
        f"make it: run `jixiao verify` once as the tables' owner, then this again "
        f"(docs/deploy.md); nothing was written")
    assert chinese.err.strip() == (
        f"错误：模式 {schema} 中账本的报表视图尚未建立（或由另一版本的 jixiao 建立），而数据库角色 "
        f"{role} 无权建立它：请以表的所有者身份运行一次 `jixiao verify`，然后再运行本命令（见 "
        f"docs/deploy.md）；未写入任何内容")
    # As told: once the owner has opened it, the role's verb answers as the owner's.
    _owner(pg_env).ok("verify")
    assert Cli(before_the_view)(*verb).out == _owner(pg_env).ok(*verb).out


def test_the_server_as_a_role_before_the_view_answers_422_missing_grant(
        pg_server: PgServer, pg_env: dict[str, str], before_the_view: dict[str, str],
        caplog: pytest.LogCaptureFixture) -> None:
    token = _owner(pg_env).ok("users", "add", "boss", "--role", "administrator").out.strip()
    before = contents(pg_server, pg_env["POSTGRES_SCHEMA"])
    app = create_app(ServerSettings(store_env=before_the_view), open_server_session)
    with TestClient(app, raise_server_exceptions=False) as client:
        answer = client.get("/audit/verify", headers={
            "Authorization": f"Bearer {token}", "Accept-Language": "en"})
    assert contents(pg_server, pg_env["POSTGRES_SCHEMA"]) == before
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"]["code"] == "missing_grant"
    assert answer.json()["error"]["message"] == GRANT_MISSING["en"]
    _names_nothing(answer.text, before_the_view)
    assert "run `jixiao verify` once as the tables' owner" in caplog.text


def test_a_server_as_a_role_before_the_view_sends_no_create_it_is_refused(
        pg_server: PgServer, pg_env: dict[str, str], before_the_view: dict[str, str],
        tmp_path: Path) -> None:
    """Asked first, as the snapshots' tables are: the view's CREATE, refused a role without
    CREATE on the schema, was sent at every request and logged as an ERROR by the server,
    twice a request once the snapshot of the fold asked for the view again each request."""
    keyed = {SNAPSHOT_KEY_ENV: str(snapshot_key_file(tmp_path / "snapshot.key"))}
    token = _owner(pg_env).ok("users", "add", "boss", "--role", "administrator").out.strip()
    app = create_app(ServerSettings(store_env={**before_the_view, **keyed}),
                     open_server_session)
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": "en"}
    log = server_log(pg_server)
    start = log.stat().st_size
    with TestClient(app, raise_server_exceptions=False) as client:
        answers = [client.get("/audit/verify", headers=headers) for _ in range(2)]
    assert [(a.status_code, a.json()["error"]["code"]) for a in answers] == [
        (422, "missing_grant")] * 2
    assert logged_refusals(log, start, "jixiao_") == []


def test_a_server_refused_the_view_uses_the_snapshot_of_the_fold_once_granted(
        pg_server: PgServer, pg_env: dict[str, str], before_the_view: dict[str, str],
        tmp_path: Path) -> None:
    """A served session whose first request met the view not made yet (422): once the
    owner has made it and granted the role, the next request reads the snapshot of the
    fold again. The refusal, caught at its seed, turned the snapshot off for the
    session's life: its `verify` said "not checked, no key", and a snapshot that is not
    the fold went unfound until the server was restarted."""
    keyed = {SNAPSHOT_KEY_ENV: str(snapshot_key_file(tmp_path / "snapshot.key"))}
    # Without the key: a session with it keeps its snapshot beside the view, made then.
    token = _owner(pg_env).ok("users", "add", "boss", "--role", "administrator").out.strip()
    owner = _owner({**pg_env, **keyed})
    schema = pg_env["POSTGRES_SCHEMA"]
    app = create_app(ServerSettings(store_env={**before_the_view, **keyed}),
                     open_server_session)
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": "en"}
    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.get("/audit/verify", headers=headers).status_code == 422
        owner.ok("verify")  # the view made, and the owner's session keeps its snapshot
        row = snapshot_row({**pg_env, **keyed})
        assert row is not None
        with pg_server.connect() as admin:
            admin.execute(sql.SQL(WRITER).format(schema=sql.Identifier(schema),
                                                 role=sql.Identifier(
                                                     before_the_view["POSTGRES_USER"])))
        # Signed by whoever holds the key, yet at a chain head that is not the store's.
        set_snapshot({**pg_env, **keyed}, **signed_row({**pg_env, **keyed}, row,
                                                       chain_head="0" * 64))
        answer = client.get("/audit/verify", headers=headers)
    assert answer.status_code == 200, answer.text
    assert [(f["kind"], f["reason"]) for f in answer.json()["findings"]] == [
        ("snapshot", "snapshot_chain")]


@pytest.mark.parametrize("verb", [["show"], ["record", "--bank-name", "ICBC", "--account",
                                             "6222020200112233"]], ids=["show", "record"])
def test_a_role_first_to_need_the_key_table_is_told_to_have_the_owner_open_it(
        pg_server: PgServer, pg_env: dict[str, str], before_the_view: dict[str, str],
        tmp_path: Path, verb: list[str]) -> None:
    """A role granted reads and writes only, the owner's verbs run but none that opens
    the personal details' key table: the CREATE of that table was psycopg's traceback."""
    key = tmp_path / "master.key"
    _owner(pg_env).ok("keys", "master", "--output", str(key))
    schema, role = before_the_view["POSTGRES_SCHEMA"], before_the_view["POSTGRES_USER"]
    before = contents(pg_server, schema)
    argv = ["personal", verb[0], "--employee", "wang", *verb[1:], "--key-file", str(key)]
    english, chinese = Cli(before_the_view)(*argv), Cli(before_the_view, lang=None)(*argv)
    assert contents(pg_server, schema) == before
    assert (english.code, chinese.code) == (2, 2), english.err + chinese.err
    assert english.err.strip() == (
        f"error: the personal details' key table in the schema {schema} is not made yet, "
        f"and the database role {role} may not make it: run `jixiao personal show` with "
        f"the master key once as the tables' owner, and grant this role SELECT, INSERT and "
        f"DELETE on it; then this again (docs/deploy.md); nothing was written")
    assert chinese.err.strip() == (
        f"错误：模式 {schema} 中个人信息的密钥表尚未建立，而数据库角色 {role} 无权建立它："
        f"请以表的所有者身份用主密钥运行一次 `jixiao personal show`，并授予本角色对该表的 "
        f"SELECT、INSERT 和 DELETE 权限；然后再运行本命令（见 docs/deploy.md）；未写入任何内容")
    # As told: once the owner has opened it, and granted it, the role's verb runs.
    _owner(pg_env).ok("personal", "show", "--employee", "wang", "--key-file", str(key))
    with pg_server.connect() as admin:
        admin.execute(sql.SQL("GRANT SELECT, INSERT, DELETE ON {} TO {}").format(
            sql.Identifier(schema, "jixiao_personal_keys"), sql.Identifier(role)))
    assert Cli(before_the_view)(*argv).code == 0


def test_a_role_closing_a_year_it_may_not_snapshot_keeps_the_close_and_is_told(
        pg_server: PgServer, pg_env: dict[str, str], tmp_path: Path) -> None:
    """A role granted reads and writes only closes a year's last period: the snapshot
    of the year needs a table the owner never made. The close was recorded, then the
    CREATE was psycopg's traceback (exit 1; a retry refused as already closed). The
    close stands, exit 0, and the role is told what to grant; and the CREATE, refused,
    is not sent (it was, and the server logged a permission ERROR at every such close)."""
    import json  # noqa: PLC0415

    from bench.generator import iter_commands, shape_for  # noqa: PLC0415

    rows = iter_commands(shape_for("smoke", years=2, staff=8), 0)
    path = tmp_path / "two-years.jsonl"
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows))
    owner = _owner(pg_env)
    owner.ok("apply", str(path))
    owner.ok("verify")  # the statements view made, as deploy.md has the owner do
    schema = pg_env["POSTGRES_SCHEMA"]
    role = granted(pg_server, schema, WRITER)
    try:
        clerk = Cli({**pg_env, "POSTGRES_USER": role, "POSTGRES_PASSWORD": "pw",
                     "CREATE_TABLE": "no", "JIXIAO_ACTOR": "clerk"}, lang=None)
        for period in [f"2026-Q{q}" for q in range(1, 5)]:
            clerk.ok("close", "--period", period)
        log = server_log(pg_server)
        start = log.stat().st_size
        closed = clerk("close", "--period", "2026-YE")
        assert closed.code == 0, closed.err
        # Asked first, not sent and refused: the server logged an ERROR at such a close.
        assert logged_refusals(log, start, "jixiao_snapshots") == []
        assert (f"结账已记录，但未保存已结年度 2026 的快照：数据库角色 \"{role}\" 无权创建或写入表 "
                f"jixiao_snapshots") in closed.err
        assert f'GRANT CREATE ON SCHEMA "{schema}" TO "{role}"' in closed.err
        assert "Traceback" not in closed.err
        with pg_server.connect() as admin:
            made = admin.execute("SELECT to_regclass(%s)", (sql.Identifier(
                schema, "jixiao_snapshots").as_string(admin),)).fetchone()
        assert made == (None,)
        assert json.loads(clerk.ok("payout", "--period", "2026-YE", "--json").out)
        assert clerk.ok("verify").code == 0
    finally:
        drop_role(pg_server, role)
