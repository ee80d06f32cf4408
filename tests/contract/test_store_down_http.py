"""A PostgreSQL server that is down, or out of reach, is told over HTTP within seconds
(503, Retry-After, the reader's language), never after the pool's 30 s, and requests do
not queue behind one login that cannot succeed; once the server is back the next
request is served, with no restart (api/http/runtime.py)."""

from __future__ import annotations

import gc
import socket
import threading
import time
import weakref
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from builders import cli_for
from fastapi.testclient import TestClient
from httpx import Response
from pgcluster import PgServer

from api.http.app import create_app
from api.http.settings import ServerSettings
from api.storage.postgres_limits import PostgresLedger

BOUND_S = 8.0  # eventsourcing's pool, unbounded here, waited 30 s
HEADERS = {"Authorization": "Bearer any", "Accept-Language": "zh-CN"}
PAYOUT = "/periods/2026-Q4/payout"


def _postgres(port: int, **settings: str) -> dict[str, str]:
    return {"PERSISTENCE_MODULE": "eventsourcing.postgres", "POSTGRES_HOST": "127.0.0.1",
            "POSTGRES_PORT": str(port), "POSTGRES_DBNAME": "ledgerdb",
            "POSTGRES_USER": "clerk", "POSTGRES_PASSWORD": "pw", **settings}


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as probe:  # bound, never listening: connections are refused
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that takes the connection and never says a word: a server hung, or a
    firewall that lets the handshake through."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield int(listener.getsockname()[1])


def _told_down(response: Response, port: int) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["Retry-After"] == "2"
    error = response.json()["error"]
    assert error["code"] == "store_unavailable"
    # The server, database and user are the log's (tests/contract/test_store_unreachable.py).
    assert error["message"].startswith("服务器的数据库暂时无法连接：未写入任何内容")
    assert f"{port}" not in response.text
    assert "ledgerdb" not in response.text


def _concurrently(client: TestClient, count: int) -> list[tuple[Response, float]]:
    def timed(_: int) -> tuple[Response, float]:
        start = time.monotonic()
        response = client.get(PAYOUT, headers=HEADERS)
        return response, time.monotonic() - start

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(timed, range(count)))


def test_a_server_not_running_is_told_within_seconds_by_default(closed_port: int) -> None:
    """No POSTGRES_CONNECT_TIMEOUT set: the default bounds the wait."""
    app = create_app(ServerSettings(store_env=_postgres(closed_port)))
    with TestClient(app, raise_server_exceptions=False) as client:
        for response, took_s in _concurrently(client, 4):
            _told_down(response, closed_port)
            assert took_s < BOUND_S


def test_requests_do_not_queue_behind_a_login_that_hangs(
        silent_port: int, caplog: pytest.LogCaptureFixture) -> None:
    """The first request waits out POSTGRES_CONNECT_TIMEOUT; those queued behind it, and
    those within its Retry-After, are answered at once, not one timeout each."""
    env = _postgres(silent_port, POSTGRES_CONNECT_TIMEOUT="2")
    with TestClient(create_app(ServerSettings(store_env=env)),
                    raise_server_exceptions=False) as client:
        start = time.monotonic()
        answered = _concurrently(client, 4)
        took_s = time.monotonic() - start
        for response, _ in answered:
            _told_down(response, silent_port)
        assert 2.0 <= took_s < 2.0 + 2.0  # one login's timeout, not four
        assert "connection timeout expired" in caplog.text  # why, for the administrator


class Gate:
    """A TCP relay in front of the test server: `close()` is the server going away (every
    connection cut, new ones refused), `open()` it coming back on the same port."""

    def __init__(self, upstream: int) -> None:
        self.upstream = upstream
        self.port = 0
        self._sockets: list[socket.socket] = []
        self._listener: socket.socket | None = None

    def open(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def close(self) -> None:
        listener, self._listener = self._listener, None
        for sock in [*([listener] if listener else []), *self._sockets]:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # never connected, or already cut
            sock.close()
        self._sockets.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # closed
            server = socket.create_connection(("127.0.0.1", self.upstream))
            self._sockets += [client, server]
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=_pump, args=(source, sink), daemon=True).start()


def _pump(source: socket.socket, sink: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            sink.sendall(data)
    except OSError:
        pass  # cut by `Gate.close`
    for sock in (source, sink):
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def test_the_server_serves_again_once_the_database_is_back(pg_env: dict[str, str],
                                                           pg_server: PgServer) -> None:
    cli_for("postgres", pg_env).ok("init")  # the server makes no ledger
    gate = Gate(pg_server.port)
    gate.open()
    env = {**pg_env, "POSTGRES_PORT": str(gate.port)}
    try:
        with TestClient(create_app(ServerSettings(store_env=env)),
                        raise_server_exceptions=False) as client:
            assert client.get(PAYOUT, headers=HEADERS).status_code == 401  # the store read
            gate.close()
            for _ in range(3):  # the session's lost connections, then a login refused
                start = time.monotonic()
                response = client.get(PAYOUT, headers=HEADERS)
                assert time.monotonic() - start < BOUND_S
                assert response.status_code == 503, response.text
                assert response.headers["Retry-After"] == "2"
            gate.open()
            time.sleep(2.1)  # the Retry-After of the last 503
            start = time.monotonic()
            assert client.get(PAYOUT, headers=HEADERS).status_code == 401
            assert time.monotonic() - start < BOUND_S
    finally:
        gate.close()


def test_the_ledgers_pool_waits_and_logs_in_within_the_setting(pg_env: dict[str, str]) -> None:
    for setting, expected in (({}, 5), ({"POSTGRES_CONNECT_TIMEOUT": "3"}, 3)):
        ledger = PostgresLedger({**pg_env, **setting})
        try:
            pool: Any = ledger.factory.datastore.pool  # type: ignore[attr-defined]
            assert pool.timeout == expected
            assert pool.kwargs["connect_timeout"] == str(expected)
        finally:
            ledger.close()


def test_a_closed_ledgers_pool_is_freed_without_the_cycle_collector(
        pg_env: dict[str, str]) -> None:
    """The pool's `getconn`, replaced on the instance, holds no reference back to the
    pool: the server's settle() freezes what is alive (gc.freeze), so a dropped session's
    pool in a cycle would stay in memory for the process's life."""
    ledger = PostgresLedger(pg_env)
    pool = weakref.ref(ledger.factory.datastore.pool)  # type: ignore[attr-defined]
    ledger.close()
    gc.disable()
    try:
        del ledger
        assert pool() is None
    finally:
        gc.enable()
