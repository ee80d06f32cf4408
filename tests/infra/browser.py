"""A real server on 127.0.0.1 and Debian's chromium for the browser tests: Playwright
starts the browser by its executable path and never downloads one."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import uvicorn

from api.http.app import create_app
from api.http.settings import ServerSettings

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH = {"executable_path": str(CHROMIUM), "args": ["--no-sandbox"]}


@contextlib.contextmanager
def running_server(tmp_path: Path) -> Iterator[str]:
    """The whole app on a free loopback port; yields its base URL."""
    env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite",
           "SQLITE_DBNAME": str(tmp_path / "ledger.db")}
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(ServerSettings(store_env=env)),
                                           host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
