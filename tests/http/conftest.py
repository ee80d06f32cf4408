"""HTTP fixtures: `served` is a seeded store behind a running app, once per test module
and backend (SQLite, PostgreSQL), for the tables of status codes that only read or
write rows no other row depends on. Tests that tamper with or race the store use the
function-scoped `store` fixture instead."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from seeding import Served, seeded, serve


@pytest.fixture(scope="module", params=["sqlite", "postgres"], ids=["sqlite", "postgres"])
def served_env(request: pytest.FixtureRequest,
               tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    if request.param == "sqlite":
        path: Path = tmp_path_factory.mktemp("http") / "ledger.db"
        yield {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(path)}
        return
    with request.getfixturevalue("pg_server").schema("h") as env:
        yield env


@pytest.fixture(scope="module")
def served(served_env: dict[str, str]) -> Iterator[Served]:
    with serve(served_env) as client:
        served = seeded(served_env, client)
        yield served
        served.close()
