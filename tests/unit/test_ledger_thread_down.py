"""The server's ledger thread with a store that is down (api/http/runtime.py): a failed
open stands for its Retry-After, so the requests behind it are answered at once; a
session that lost its connections is dropped and the next request opens a new one;
SQLite opens afresh on every request as it always did. The ledger's pool tells a wait
for a connection run out as the store unavailable, so no read retries it."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Mapping
from typing import Any

import psycopg_pool
import pytest

from api.http.runtime import LedgerThread
from api.storage import postgres_options
from api.storage.postgres_options import told_getconn
from api.storage.store_env import connect_timeout_s, postgres_connect_args
from domain.errors import InvalidRequestError, StoreUnavailableError

POSTGRES = {"PERSISTENCE_MODULE": "eventsourcing.postgres"}
SQLITE = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": "x.db"}
DOWN = "cannot connect to the PostgreSQL server at h:1 (database d, user u): refused"


class FakeSession:
    def __init__(self) -> None:
        self.closed = False

    def chain_up(self) -> None: ...

    def begin_verb(self) -> None: ...

    def settle(self) -> None: ...

    def stale(self) -> bool:  # a read-only ledger's copy written since: not these
        return False

    def close(self, *, keep: bool = True) -> None:
        self.closed = True


class Store:
    """Opens fake sessions while `up`, else raises as a server that is down."""

    def __init__(self, retry_after_s: int = 60) -> None:
        self.up = False
        self.opens = 0
        self.sessions: list[FakeSession] = []
        self.retry_after_s = retry_after_s

    def open(self, env: Mapping[str, str]) -> Any:
        self.opens += 1
        if not self.up:
            raise StoreUnavailableError(DOWN, self.retry_after_s)
        self.sessions.append(FakeSession())
        return self.sessions[-1]


def _ask(thread: LedgerThread, fn: Any = lambda session: "ok") -> str:
    try:
        return str(asyncio.run(thread.run(fn)))
    except StoreUnavailableError as error:
        return "503" if str(error) == DOWN else repr(error)


def _lose(session: Any) -> None:
    raise StoreUnavailableError(DOWN, 60)


def test_a_failed_open_stands_for_its_retry_after() -> None:
    store = Store(retry_after_s=60)
    thread = LedgerThread(POSTGRES, store.open)
    try:
        assert [_ask(thread) for _ in range(3)] == ["503"] * 3
        assert store.opens == 1  # the two behind it did not try again
    finally:
        thread.close()


def test_the_next_open_after_the_retry_after_serves_again() -> None:
    store = Store(retry_after_s=0)
    thread = LedgerThread(POSTGRES, store.open)
    try:
        assert _ask(thread) == "503"
        store.up = True
        assert _ask(thread) == "ok"
        assert store.opens == 2
    finally:
        thread.close()


def test_a_session_that_lost_its_store_is_dropped_and_opened_anew() -> None:
    store = Store()
    store.up = True
    thread = LedgerThread(POSTGRES, store.open)
    try:
        assert _ask(thread) == "ok"
        assert _ask(thread, _lose) == "503"
        assert store.sessions[0].closed
        assert _ask(thread) == "ok"
        assert len(store.sessions) == 2
    finally:
        thread.close()


def test_sqlite_opens_afresh_and_keeps_its_session_as_before() -> None:
    store = Store(retry_after_s=60)
    thread = LedgerThread(SQLITE, store.open)
    try:
        assert [_ask(thread) for _ in range(2)] == ["503"] * 2
        assert store.opens == 2
        store.up = True
        assert _ask(thread, _lose) == "503"
        assert not store.sessions[0].closed
        assert _ask(thread) == "ok"
        assert len(store.sessions) == 1
    finally:
        thread.close()


def test_every_login_is_bounded_by_postgres_connect_timeout() -> None:
    assert postgres_connect_args({})["connect_timeout"] == "5"
    assert postgres_connect_args({"POSTGRES_CONNECT_TIMEOUT": "12"})["connect_timeout"] == "12"
    for wrong in ("0", "-1", "2.5", "five", "５"):
        with pytest.raises(InvalidRequestError, match="POSTGRES_CONNECT_TIMEOUT"):
            connect_timeout_s({"POSTGRES_CONNECT_TIMEOUT": wrong})


def test_a_pool_that_could_not_connect_in_time_says_why_and_is_not_retried() -> None:
    with socket.socket() as probe:  # bound, never listening: connections are refused
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        arguments = {"host": "127.0.0.1", "port": str(port), "dbname": "d", "user": "u",
                     "password": "p", "connect_timeout": "5"}

        def timed_out(timeout: float | None = None) -> Any:
            raise psycopg_pool.PoolTimeout("couldn't get a connection after 5.00 sec")

        with pytest.raises(StoreUnavailableError, match=f"127.0.0.1:{port} .*Connection refused"):
            told_getconn(timed_out, arguments, 5.0)()


def test_the_wait_after_a_probe_counts_the_probes_own_time(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A server that is up but slow to log in: the probe's login is part of the wait, so a
    request waits POSTGRES_CONNECT_TIMEOUT in all, not that again after the probe."""
    asked: list[float] = []

    def slow(timeout: float | None = None) -> Any:
        asked.append(float(timeout or 0))
        if len(asked) == 1:
            time.sleep(float(timeout or 0))  # none came in time
            raise psycopg_pool.PoolTimeout("couldn't get a connection after 0.50 sec")
        return "connection"

    class Probe:
        def __init__(self, **_: Any) -> None:
            time.sleep(0.4)  # the login, answered slowly

        def close(self) -> None: ...

    monkeypatch.setattr("psycopg.connect", Probe)
    assert told_getconn(slow, {"host": "h"}, 1.0)() == "connection"
    assert asked[0] == postgres_options.PROBE_AFTER_S
    assert asked[1] <= 1.0 - postgres_options.PROBE_AFTER_S - 0.4 + 0.05
