"""Several processes opening the same store at once (two `jixiao serve` starting
together, a CLI verb beside a server): every open succeeds, on a store that does not
exist yet and on one that does, and the store they made is one ledger.

Each opener here is a thread with connections of its own, which is what a process is
to PostgreSQL; a barrier releases them together so the DDL of their opens overlaps."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg import sql

from api.storage.keys import KeyVault
from api.storage.session import Session

OPENERS = 4
ROUNDS = 3


@contextmanager
def _fresh_store(env: dict[str, str]) -> Iterator[dict[str, str]]:
    """A store nothing has opened yet: on PostgreSQL a schema that does not exist (the
    open creates it), on SQLite a file that does not exist."""
    if env["PERSISTENCE_MODULE"] != "eventsourcing.postgres":
        yield {**env, "SQLITE_DBNAME": f"{env['SQLITE_DBNAME']}.{uuid.uuid4().hex[:8]}"}
        return
    schema = f"{env['POSTGRES_SCHEMA']}_{uuid.uuid4().hex[:8]}"
    try:
        yield {**env, "POSTGRES_SCHEMA": schema}
    finally:
        with psycopg.connect(dbname=env["POSTGRES_DBNAME"], host=env["POSTGRES_HOST"],
                             port=env["POSTGRES_PORT"], user=env["POSTGRES_USER"],
                             password=env.get("POSTGRES_PASSWORD", ""),
                             autocommit=True) as admin:
            admin.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(
                sql.Identifier(schema)))


def _open_all_at_once(env: dict[str, str]) -> list[object]:
    """Each opener opens a session with its view, chain and key table, and reads the
    view's position; the outcome of each (a position or the error)."""
    start = threading.Barrier(OPENERS, timeout=30)
    outcomes: list[object] = [None] * OPENERS

    def open_one(index: int) -> None:
        try:
            start.wait()
            with Session(env) as session:
                session.chain_up()
                KeyVault(env, bytes(32))
                outcomes[index] = session.view.position()
        except Exception as error:
            outcomes[index] = error

    threads = [threading.Thread(target=open_one, args=(i,)) for i in range(OPENERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(90)
    return outcomes


def test_openers_of_a_new_store_at_once_all_open(store) -> None:  # type: ignore[no-untyped-def]
    for _ in range(ROUNDS):
        with _fresh_store(store.env) as env:
            outcomes = _open_all_at_once(env)
            assert outcomes == [0] * OPENERS, outcomes
            with Session(env) as after:
                assert after.ledger.max_position() == 0
                assert after.verify_chain_only().findings == ()


def test_openers_of_an_existing_store_at_once_all_open(store) -> None:  # type: ignore[no-untyped-def]
    with Session(store.env) as first:
        first.chain_up()
        first.view.position()
    for _ in range(ROUNDS):
        outcomes = _open_all_at_once(store.env)
        assert outcomes == [0] * OPENERS, outcomes
