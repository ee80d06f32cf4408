"""The ledger thread: every use of the ledger, its views and the chain table runs on one
dedicated thread, one request at a time.

Why one thread: the ledger caches the folded facts and is not made for concurrent use,
and the SQLite statements view holds a connection that belongs to the thread that opened
it. Handlers stay `async` and await the thread, so the event loop keeps serving while a
calculation runs. Exceptions raised on the thread reach the handler, and from there the
one error table.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Concatenate, ParamSpec, TypeVar

from api.storage.session import Session

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
        if self._session is not None and self._session.stale():
            # A read-only ledger's copy that another process has written since: read anew.
            self._session.close()
            self._session = None
        if self._session is None:
            self._session = self._open_session(self._env)
            self._session.chain_up()  # events written while no server ran
        self._session.begin_verb()  # each request's notices are its own
        try:
            return fn(self._session, *args, **kwargs)
        finally:
            self._session.settle()  # what it folded lives as long as the server

    def close(self) -> None:
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is None:
            return

        def shut() -> None:
            if self._session is not None:
                self._session.close()
                self._session = None

        executor.submit(shut).result()
        executor.shutdown()
