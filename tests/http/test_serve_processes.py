"""`jixiao serve` as deployed: real processes behind (pretend) reverse proxies.

- `--forwarded-allow-ips` decides whose X-Forwarded-For / X-Forwarded-Proto count: from a
  trusted proxy the sign-in limits count the real client and a cookie set over the
  proxy's TLS is `Secure`; from anyone else the headers change nothing.
- Two servers started at once on the same new store both answer their first requests
  (their session opens overlap; on PostgreSQL that once failed one of them).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest
from builders import cli_for

JIXIAO = str(Path(sys.executable).with_name("jixiao"))
ROOT = Path(__file__).resolve().parents[2]
START_S_MAX = 60
ADDRESS_FAILURES_MAX = 30  # ServerSettings.auth_failures_per_address_max


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _environ(store) -> dict[str, str]:  # type: ignore[no-untyped-def]
    # This checkout's code, whichever checkout the virtualenv's `jixiao` was installed from.
    here = {"PYTHONPATH": str(ROOT)}
    if store.backend == "sqlite":
        return {"JIXIAO_DB": store.env["SQLITE_DBNAME"], **here}
    return {**store.env, **here}


@contextmanager
def _serving(store, count: int, *extra: str,  # type: ignore[no-untyped-def]
             logs: Path | None = None) -> Iterator[list[str]]:
    """`count` `jixiao serve` processes on loopback over the store; their base URLs once
    each answers /health. With `logs`, each server's stderr goes to a file there (a
    failing test shows the server's traceback, not only its 500)."""
    children: list[subprocess.Popen[bytes]] = []
    urls: list[str] = []
    try:
        for index in range(count):
            port = _free_port()
            stderr = (logs / f"server-{index}.log").open("wb") if logs else subprocess.DEVNULL
            children.append(subprocess.Popen(
                [JIXIAO, "serve", "--port", str(port), "--log-level", "warning", *extra],
                env={**os.environ, **_environ(store)}, stdout=subprocess.DEVNULL,
                stderr=stderr))
            if not isinstance(stderr, int):
                stderr.close()  # the child has its own copy
            urls.append(f"http://127.0.0.1:{port}")
        deadline = time.monotonic() + START_S_MAX
        for url in urls:
            while not _healthy(url):
                assert time.monotonic() < deadline, f"{url} did not start"
                time.sleep(0.2)
        yield urls
    finally:
        for child in children:
            child.terminate()
        for child in children:
            child.wait(timeout=30)


def _healthy(url: str) -> bool:
    try:
        return httpx.get(f"{url}/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def _bad_token(url: str, client: str) -> int:
    return httpx.get(f"{url}/me", timeout=30, headers={
        "Authorization": "Bearer jx_wrong", "X-Forwarded-For": client}).status_code


def _login_cookie(url: str, headers: dict[str, str]) -> str:
    return httpx.get(f"{url}/login", headers=headers, timeout=30).headers["set-cookie"]


@pytest.fixture
def sqlite_ledger(sqlite_env: dict[str, str]):  # type: ignore[no-untyped-def]
    """A SQLite ledger made by `jixiao init`, which no server has opened yet (a server
    makes none)."""
    cli_for("sqlite", sqlite_env).ok("init")
    return SimpleNamespace(backend="sqlite", env=sqlite_env)


def test_a_trusted_proxy_names_the_client_and_its_tls(sqlite_ledger) -> None:  # type: ignore[no-untyped-def]
    with _serving(sqlite_ledger, 1, "--forwarded-allow-ips", "127.0.0.1") as [url]:
        statuses = [_bad_token(url, "10.0.0.7") for _ in range(ADDRESS_FAILURES_MAX)]
        assert set(statuses) == {401}
        assert _bad_token(url, "10.0.0.7") == 429  # that client is locked out …
        assert _bad_token(url, "10.0.0.8") == 401  # … not the proxy's other clients
        behind_tls = _login_cookie(url, {"X-Forwarded-Proto": "https"})
        assert "secure" in behind_tls.lower(), behind_tls
        plain = _login_cookie(url, {"X-Forwarded-Proto": "http"})
        assert "secure" not in plain.lower(), plain


def test_an_untrusted_peers_forwarded_headers_change_nothing(sqlite_ledger) -> None:  # type: ignore[no-untyped-def]
    with _serving(sqlite_ledger, 1, "--forwarded-allow-ips", "") as [url]:
        statuses = {_bad_token(url, f"10.0.1.{n}") for n in range(ADDRESS_FAILURES_MAX)}
        assert statuses == {401}
        # Every attempt came from this one peer, whatever the header claimed.
        assert _bad_token(url, "10.0.1.250") == 429
        forged = _login_cookie(url, {"X-Forwarded-Proto": "https"})
        assert "secure" not in forged.lower(), forged


def test_a_mistyped_proxy_address_is_refused_before_serving(sqlite_ledger) -> None:  # type: ignore[no-untyped-def]
    run = cli_for("sqlite", sqlite_ledger.env)("serve", "--forwarded-allow-ips",
                                                "127.0.0.1,10.0.0.300")
    assert run.code == 2
    assert "--forwarded-allow-ips" in run.err
    assert "10.0.0.300" in run.err


def test_two_servers_started_at_once_on_a_new_store_both_answer(  # type: ignore[no-untyped-def]
        store, tmp_path: Path) -> None:
    # On SQLite this once failed one server's first request: SQLite answers a switch to
    # WAL mode "database is locked" without waiting (api/storage/busy.py, ensure_wal; a
    # lock held at the switch: tests/contract/test_busy_sqlite_open.py). A server makes
    # no ledger, so `init` makes it first: the servers' first sessions still overlap,
    # making what a ledger's first open makes (the statements view, the snapshots' tables).
    cli_for(store.backend, store.env).ok("init")
    with _serving(store, 2, logs=tmp_path) as urls:
        start = threading.Barrier(len(urls), timeout=30)
        answers: dict[str, object] = {}

        def first_request(url: str) -> None:
            start.wait()
            try:
                answers[url] = _bad_token(url, "10.0.2.1")
            except httpx.HTTPError as error:
                answers[url] = error

        threads = [threading.Thread(target=first_request, args=(url,)) for url in urls]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(90)
    # Each opened its session over the store for the request: refused, not failed.
    logs = "\n".join(log.read_text(errors="replace") for log in sorted(tmp_path.glob("*.log")))
    assert answers == dict.fromkeys(urls, 401), logs


# The server's log line in the process's language (JIXIAO_LANG / --lang), whatever the
# request's: {} stands for the path.
GONE_LOGGED = {(): "jixiao serve：{} 处已没有账本（在服务期间被移走或删除）",
               ("--lang", "en"): "jixiao serve: no ledger at {} any more (moved or deleted"}


@pytest.mark.parametrize("language", list(GONE_LOGGED), ids=["zh_CN", "en"])
def test_a_ledger_moved_away_while_serving_is_not_made_again(  # type: ignore[no-untyped-def]
        sqlite_ledger, tmp_path: Path, language: tuple[str, ...]) -> None:
    """Its session's connections opened later (the statements view's, the key table's)
    made a new, empty ledger at the path. Now each request is refused (503) without the
    server's path, which its log names; the ledger moved back is served again."""
    path = Path(sqlite_ledger.env["SQLITE_DBNAME"])
    token = cli_for("sqlite", sqlite_ledger.env).ok(
        "users", "add", "adm", "--name", "A", "--role", "administrator").out.strip()
    me = {"Authorization": f"Bearer {token}"}
    logs = tmp_path / "logs"
    logs.mkdir()
    with _serving(sqlite_ledger, 1, *language, logs=logs) as [url]:
        assert httpx.get(f"{url}/me", headers=me, timeout=30).status_code == 200
        path.rename(tmp_path / "moved.db")
        answers = {language: httpx.get(f"{url}/me", timeout=30, headers={
            **me, "Accept-Language": language}) for language in ("zh-CN", "en")}
        wrong = httpx.get(f"{url}/me", timeout=30, headers={"Authorization": "Bearer jx_x"})
        health = httpx.get(f"{url}/health", timeout=30)  # a load balancer's probe
        assert not path.exists()
        (tmp_path / "moved.db").rename(path)
        back = httpx.get(f"{url}/me", headers=me, timeout=30).status_code
        healthy_again = httpx.get(f"{url}/health", timeout=30).status_code
    log = (logs / "server-0.log").read_text()
    assert {answer.status_code for answer in answers.values()} == {503}, log
    assert wrong.status_code == 503
    assert answers["zh-CN"].json()["error"]["message"] == (
        "服务器的账本已不在服务器启动时的位置（被移走或删除）：未写入任何内容；服务器日志中记有"
        "该文件，供其管理员查看")
    assert answers["en"].json()["error"]["message"] == (
        "the server's ledger is not where it was when the server started (moved or "
        "deleted): nothing was written; the server's log names the file for its "
        "administrator")
    assert all(str(path) not in answer.text and path.name not in answer.text
               for answer in answers.values())
    assert GONE_LOGGED[language].format(path) in log
    assert GONE_LOGGED[() if language else ("--lang", "en")].format(path) not in log
    assert back == 200
    assert (health.status_code, health.headers["Retry-After"]) == (503, "2")
    assert health.json()["error"]["code"] == "store_unavailable"
    assert str(path) not in health.text
    assert healthy_again == 200


def test_a_server_over_a_database_that_is_down_starts_and_says_so(tmp_path: Path) -> None:
    """The server asks for its PostgreSQL ledger per request, not at start: over a
    database that is down it starts (its /health answers), and a request is told the
    database cannot be reached (503), so it serves once the database is up, no restart."""
    down = {"PERSISTENCE_MODULE": "eventsourcing.postgres", "POSTGRES_HOST": "127.0.0.1",
            "POSTGRES_PORT": str(_free_port()), "POSTGRES_DBNAME": "x",
            "POSTGRES_USER": "x", "POSTGRES_PASSWORD": "x"}
    store = SimpleNamespace(backend="postgres", env=down)
    with _serving(store, 1, "--lang", "en", logs=tmp_path) as [url]:
        answer = httpx.get(f"{url}/me", timeout=30, headers={"Authorization": "Bearer jx_x",
                                                              "Accept-Language": "en"})
    logged = (tmp_path / "server-0.log").read_text()
    assert answer.status_code == 503, logged
    assert answer.json()["error"]["code"] == "store_unavailable"
    # Where the database is, and as whom, is the administrator's to read, not a caller's.
    assert answer.json()["error"]["message"] == (
        "the server's database cannot be reached just now: nothing was written; retry "
        "after the Retry-After seconds; the server's log says why, for its administrator")
    assert "127.0.0.1" not in answer.text
    assert (f"jixiao serve: cannot connect to the PostgreSQL server at 127.0.0.1:"
            f"{down['POSTGRES_PORT']} (database x, user x)") in logged
    assert "; the request was answered 503" in logged


def test_the_demo_server_logs_in_the_process_language(tmp_path: Path) -> None:
    """`jixiao demo --serve` ran uvicorn without serve's logging config: its own lines
    (a ledger moved away while serving) stayed English under the Chinese default."""
    path = tmp_path / "demo.db"
    port = _free_port()
    log = tmp_path / "demo.log"
    with log.open("wb") as stderr:
        child = subprocess.Popen(
            [JIXIAO, "demo", "--serve", "--port", str(port), "--db", str(path)],
            env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.DEVNULL,
            stderr=stderr)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + START_S_MAX * 3  # the demo year is written first
        while not _healthy(url):
            assert child.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "the demo server did not start"
            time.sleep(0.5)
        path.rename(tmp_path / "moved.db")
        answer = httpx.get(f"{url}/me", timeout=30, headers={"Authorization": "Bearer jx_x"})
    finally:
        child.terminate()
        child.wait(timeout=30)
    assert answer.status_code == 503
    text = log.read_text()
    assert GONE_LOGGED[()].format(path) in text, text
    assert GONE_LOGGED[("--lang", "en")].format(path) not in text
