"""The ledger thread: every use of the ledger, its views and the chain table runs on one
dedicated thread, one request at a time.

Why one thread: the ledger caches the folded facts and is not made for concurrent use,
and the SQLite statements view holds a connection that belongs to the thread that opened
it. Handlers stay `async` and await the thread, so the event loop keeps serving while a
calculation runs. Exceptions raised on the thread reach the handler, and from there the
one error table.

A PostgreSQL server that is down costs one request a bounded wait (the login's timeout,
POSTGRES_CONNECT_TIMEOUT), not every request queued behind it: the requests that follow
within its Retry-After are answered the same 503 at once, and the session whose
connections it lost is dropped, so the first request after the server is back opens a
new one (no restart; the pool's own reconnecting backs off for minutes).
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Concatenate, ParamSpec, TypeVar

from api.storage.session import Session
from domain.errors import StoreUnavailableError

P = ParamSpec("P")
T = TypeVar("T")
SessionFactory = Callable[[Mapping[str, str]], Session]


class LedgerThread:
    """One worker thread that owns the session (the use cases' workspace: ledger,
    statements view, chain, user directory). `close()` releases the store and stops the
    thread; a later call opens them again (a server restarted in the same process)."""

    def __init__(self, store_env: Mapping[str, str], open_session: SessionFactory) -> None:
        self._env = dict(store_env)
        self._open_session = open_session
        self._executor: ThreadPoolExecutor | None = None
        self._session: Session | None = None
        self._lock = threading.Lock()
        # Only where the store is a server over a network: a SQLite file is opened afresh
        # by every request that finds no session, as it always was.
        self._networked = self._env.get("PERSISTENCE_MODULE") == "eventsourcing.postgres"
        # The last failed open (monotonic instant until which it stands, and what it said).
        self._down: tuple[float, StoreUnavailableError] | None = None

    async def run(
        self, fn: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._thread(), lambda: self._call(fn, args, kwargs))

    def _thread(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(max_workers=1,
                                                    thread_name_prefix="jixiao-ledger")
            return self._executor

    def _call(self, fn: Callable[..., T], args: Any, kwargs: Any) -> T:
        session = self._opened()
        session.begin_verb()  # each request's notices are its own
        lost = False
        try:
            return fn(session, *args, **kwargs)
        except StoreUnavailableError:
            lost = self._networked  # its connections are gone; the pool retries for minutes
            raise
        finally:
            session.settle()  # what it folded lives as long as the server
            if lost:
                self._drop()

    def _opened(self) -> Session:
        if self._session is not None and self._session.stale():
            # A read-only ledger's copy that another process has written since, or a file
            # moved, deleted or replaced: read anew. What it folded is not offered as the
            # snapshot of the fold: written through its old connections into the -wal at
            # the path, it would be read over whatever ledger is put there next.
            self._session.close(keep=False)
            self._session = None
        if self._session is not None:
            return self._session
        if self._down is not None and time.monotonic() < self._down[0]:
            told = self._down[1]
            raise type(told)(str(told), told.retry_after_s)  # as told: its kind words it
        try:
            self._session = self._open_session(self._env)
            self._session.chain_up()  # events written while no server ran
        except StoreUnavailableError as error:
            if self._networked:
                self._down = (time.monotonic() + error.retry_after_s, error)
                self._drop()
            raise
        self._down = None
        return self._session

    def _drop(self) -> None:
        session, self._session = self._session, None
        if session is not None:
            # Closing what is left of it may fail too (a connection already lost): the
            # request's own error is the one to answer.
            with contextlib.suppress(Exception):
                session.close(keep=False)

    def close(self) -> None:
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is None:
            return

        def shut() -> None:
            if self._session is not None:
                self._session.close(keep=False)
                self._session = None

        executor.submit(shut).result()
        executor.shutdown()
