"""A brand-new, empty store per hypothesis example.

Function-scoped fixtures run once per test, not once per example, so a property test
that writes events makes its own store for every example: a SQLite file in a temporary
directory, or a fresh PostgreSQL schema (dropped afterwards) on the session's server.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


@contextmanager
def sqlite_store() -> Iterator[dict[str, str]]:
    with tempfile.TemporaryDirectory(prefix="jixiao-prop-") as folder:
        yield {"PERSISTENCE_MODULE": "eventsourcing.sqlite",
               "SQLITE_DBNAME": str(Path(folder) / "ledger.db")}


@contextmanager
def postgres_store(pg_server) -> Iterator[dict[str, str]]:  # type: ignore[no-untyped-def]
    with pg_server.schema("p") as env:
        yield env


@contextmanager
def fresh_store(backend: str, request: pytest.FixtureRequest) -> Iterator[dict[str, str]]:
    """An empty store of `backend` ("sqlite" or "postgres"); PostgreSQL is started (by
    the session fixture) only when asked for."""
    if backend == "sqlite":
        with sqlite_store() as env:
            yield env
        return
    with postgres_store(request.getfixturevalue("pg_server")) as env:
        yield env
