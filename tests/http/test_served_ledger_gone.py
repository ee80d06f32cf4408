"""A served SQLite ledger moved away while the server runs (api/storage/served.py): the
request that finds it gone writes nothing more through the session it drops. Its fold
was offered as the snapshot of the fold on the way out, written through the session's
old connections into the -wal still at the path; a ledger then copied there (`cp`) was
read with those frames over it, "database disk image is malformed"."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pytest
from builders import cli_for
from fastapi.testclient import TestClient

from api.http.app import create_app
from api.http.settings import ServerSettings
from api.storage import served


def test_a_ledger_found_gone_gets_no_snapshot_written_beside_its_path(
        sqlite_env: dict[str, str], tmp_path: Path) -> None:
    key = tmp_path / "snapshot.key"
    cli = cli_for("sqlite", sqlite_env)
    cli.ok("keys", "snapshot", "--output", str(key))
    env = {**sqlite_env, "JIXIAO_SNAPSHOT_KEY_FILE": str(key)}
    cli.ok("init")
    token = cli.ok("users", "add", "adm", "--name", "A", "--role",
                   "administrator").out.strip()
    other = tmp_path / "other.db"
    cli_for("sqlite", {**sqlite_env, "SQLITE_DBNAME": str(other)}).ok("demo")
    path = Path(sqlite_env["SQLITE_DBNAME"])
    me = {"Authorization": f"Bearer {token}"}
    wal = Path(f"{path}-wal")
    with TestClient(create_app(ServerSettings(store_env=env))) as client:
        assert client.get("/employees", headers=me).status_code == 200  # folds the ledger
        path.rename(tmp_path / "moved.db")
        before = wal.read_bytes()
        assert client.get("/me", headers=me).status_code == 503
        assert wal.read_bytes() == before  # nothing written after it was found gone
        # Another ledger copied to the path, as an administrator might put one back.
        path.write_bytes(other.read_bytes())
        with sqlite3.connect(path) as db:
            assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert client.get("/me", headers=me).status_code == 401  # served: knows no adm


ZH_GONE = ("服务器的账本已不在服务器启动时的位置（被移走或删除）：未写入任何内容；服务器日志中记有"
           "该文件，供其管理员查看")
EN_GONE = ("the server's ledger is not where it was when the server started (moved or "
           "deleted): nothing was written; the server's log names the file for its "
           "administrator")


def test_health_answers_503_while_the_served_ledger_is_gone(
        sqlite_env: dict[str, str], tmp_path: Path) -> None:
    """A load balancer or a monitor asks /health, with no token: while the served file is
    moved away it is told what a request is told (503, Retry-After, no path), and 200
    again once the file is back. Nothing is opened, so nothing is made at the path."""
    cli_for("sqlite", sqlite_env).ok("init")
    path = Path(sqlite_env["SQLITE_DBNAME"])
    with TestClient(create_app(ServerSettings(store_env=sqlite_env))) as client:
        assert client.get("/health").json() == {"status": "ok"}
        path.rename(tmp_path / "moved.db")
        answers = {language: client.get("/health", headers={"Accept-Language": language})
                   for language in ("zh-CN", "en")}
        assert not path.exists()
        (tmp_path / "moved.db").rename(path)
        back = client.get("/health")
    for language, message in (("zh-CN", ZH_GONE), ("en", EN_GONE)):
        answer = answers[language]
        assert answer.status_code == 503
        assert answer.headers["Retry-After"] == "2"
        assert answer.json() == {"error": {"code": "store_unavailable", "message": message,
                                           "problems": []}}
        assert str(tmp_path) not in answer.text
    assert (back.status_code, back.json()) == (200, {"status": "ok"})


A_TOKEN = {"Authorization": "Bearer jx_unknown"}  # a request that opens the ledger


def test_the_log_says_once_that_the_ledger_went_and_once_that_it_is_back(
        sqlite_env: dict[str, str], tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A load balancer probes /health every few seconds: a line per probe (and per
    request) while the file is gone flooded the log. One line when it goes, one when it is
    back, and one again if it goes again: each time it went stays in the log."""
    cli_for("sqlite", sqlite_env).ok("init")
    path = Path(sqlite_env["SQLITE_DBNAME"])
    moved = tmp_path / "moved.db"
    with caplog.at_level(logging.WARNING, logger="api.storage.served"), \
            TestClient(create_app(ServerSettings(store_env=sqlite_env))) as client:
        for _ in range(2):
            path.rename(moved)
            gone = [client.get(url, headers=A_TOKEN).status_code
                    for url in ("/health", "/me", "/health")]
            moved.rename(path)
            back = [client.get(url).status_code for url in ("/health", "/health")]
            assert (gone, back) == ([503, 503, 503], [200, 200])
    assert [(record.levelno, record.msg, record.args) for record in caplog.records] == [
        (logging.ERROR, served.GONE_LOGGED, (str(path),)),
        (logging.WARNING, served.BACK_LOGGED, (str(path),)),
    ] * 2
