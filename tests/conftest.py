"""Shared fixtures: event store environments for SQLite and PostgreSQL.

* ``sqlite_env``  - eventsourcing env for a fresh SQLite file in ``tmp_path``.
* ``pg_env``      - eventsourcing env for a brand-new schema in the test database
                    (dropped afterwards); needs the session-wide ``pg_server``.
* ``store``       - parametrised over both backends (ids ``sqlite``/``postgres``);
                    its value is a ``Store(backend, env)``.

``pg_server`` uses an existing server when ``JIXIAO_TEST_POSTGRES_HOST`` (plus
``_PORT``, ``_USER``, ``_PASSWORD``, ``_DBNAME``) is set, and otherwise starts a
throwaway cluster (see ``pgcluster.py``).  PostgreSQL tests never skip: if no
server can be had, they fail.  ``-k sqlite`` runs without starting PostgreSQL.

Nothing here touches ``os.environ``: pass ``env=...`` to the application.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings
from pgcluster import PgServer, start_cluster

settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if "CI" in os.environ else "dev")

INSTALL_HINT = "run `python3 dev.py test`, which installs it"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test gets a node id of its own. pytest-xdist schedules and reports by node
    id, so tests sharing one run only once there, silently. schemathesis' generated cases
    (tests/http/test_fuzz.py) share one on pytest 9, which builds a test's id from its
    `originalname` (the bare function name there) and leaves the operation out; the
    operation is in the item's name, so it becomes the id's parameters."""
    counts = Counter(item.nodeid for item in items)
    for item in items:
        base, bracket, params = item.name.partition("[")
        if counts[item.nodeid] > 1 and bracket and isinstance(item.parent, pytest.Module):
            own = item.parent.id.child(base).with_params(params.removesuffix("]"))
            item._id = own  # type: ignore[attr-defined]
    shared = sorted(nodeid for nodeid, n in Counter(i.nodeid for i in items).items() if n > 1)
    if shared:
        raise pytest.UsageError(f"tests share a node id, so a parallel run would run each "
                                f"once: {shared[:5]}")


@dataclass(frozen=True)
class Store:
    """An event store to run a test against: backend name and eventsourcing env."""

    backend: str  # "sqlite" | "postgres"
    env: dict[str, str]


def _external_server() -> PgServer | None:
    host = os.environ.get("JIXIAO_TEST_POSTGRES_HOST")
    if not host:
        return None
    return PgServer(
        host=host,
        port=int(os.environ.get("JIXIAO_TEST_POSTGRES_PORT") or 5432),
        user=os.environ.get("JIXIAO_TEST_POSTGRES_USER") or "postgres",
        password=os.environ.get("JIXIAO_TEST_POSTGRES_PASSWORD", ""),
        dbname=os.environ.get("JIXIAO_TEST_POSTGRES_DBNAME") or "jixiao_test",
    )


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    server = _external_server()
    if server is not None:
        problem = None
        try:
            server.connect().close()
        except Exception as exc:
            problem = str(exc)
        if problem is not None:  # outside the except block: no chained traceback noise
            pytest.fail(
                "cannot connect to the PostgreSQL server given by JIXIAO_TEST_POSTGRES_*"
                f" ({server.host}:{server.port}/{server.dbname}): {problem}",
                pytrace=False,
            )
        yield server
        return

    problem = None
    try:
        server, stop = start_cluster()
    except Exception as exc:
        problem = str(exc)
    if problem is not None:
        pytest.fail(
            f"PostgreSQL is needed for this test but could not be started: {problem}\n"
            f"Hint: {INSTALL_HINT} (or set JIXIAO_PG_BIN to the directory holding "
            "initdb and pg_ctl).",
            pytrace=False,
        )
    try:
        yield server
    finally:
        stop()


@pytest.fixture(scope="session", autouse=True)
def _compile_cache_outside_the_tree(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    # Tests run the launcher in their process, which installs the compile cache: what a
    # session compiles would be written into api/__pycache__ at exit, for every later
    # what-if of this checkout to read.
    from api import compile_cache  # noqa: PLC0415 - dataclasses, inspect: not for collection

    folder = tmp_path_factory.mktemp("compile-cache")
    # Not undone: the caches write at exit, after the session, to the path they hold then.
    compile_cache._CODES.path = folder / "compiled-code.process.marshal"
    compile_cache._PATTERNS.path = folder / "compiled-patterns.process.marshal"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(compile_cache, "cache_file",
                      lambda kind, what: folder / f"compiled-{what}.{kind}.marshal")
        yield


@pytest.fixture
def pg_env(pg_server: PgServer) -> Iterator[dict[str, str]]:
    # eventsourcing creates its tables, types and functions inside POSTGRES_SCHEMA, but
    # does not create the schema itself.
    with pg_server.schema("t") as env:
        yield env


@pytest.fixture
def sqlite_env(tmp_path: Path) -> dict[str, str]:
    return {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "SQLITE_DBNAME": str(tmp_path / "ledger.db"),
    }


@pytest.fixture(params=["sqlite", "postgres"], ids=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest) -> Store:
    # getfixturevalue: only the chosen backend's fixture is set up, so a run
    # deselecting the postgres params never starts PostgreSQL.
    fixture = {"sqlite": "sqlite_env", "postgres": "pg_env"}[request.param]
    return Store(backend=request.param, env=dict(request.getfixturevalue(fixture)))
