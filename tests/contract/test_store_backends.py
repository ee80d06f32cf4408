"""Contract: the ``store`` / ``pg_env`` / ``sqlite_env`` fixtures give working,
isolated eventsourcing event stores on both backends."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import pytest
from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate, event
from psycopg import sql

if TYPE_CHECKING:
    from conftest import Store
    from pgcluster import PgServer


class Counter(Aggregate):
    @event("Created")
    def __init__(self, label: str) -> None:
        self.label = label
        self.total = 0

    @event("Incremented")
    def increment(self, by: int) -> None:
        self.total += by


class ContractProbe(Application):
    name = "contract_probe"  # pinned: the PostgreSQL table is "contract_probe_events"


@contextmanager
def probe(env: dict[str, str]) -> Iterator[ContractProbe]:
    app = ContractProbe(env=env)
    try:
        yield app
    finally:
        app.close()


def test_round_trip(store: Store) -> None:
    with probe(store.env) as app:
        assert app.recorder.max_notification_id() is None  # each test gets an empty store
        counter = Counter("apples")
        counter.increment(2)
        counter.increment(3)
        app.save(counter)
        assert app.recorder.max_notification_id() == 3

        counter.increment(4)
        app.save(counter)
        assert app.recorder.max_notification_id() == 4

    # A second application instance on the same env sees the persisted events.
    with probe(store.env) as app:
        copy = app.repository.get(counter.id)
        assert (copy.label, copy.total, copy.version) == ("apples", 9, 4)
        notifications = app.notification_log.select(start=1, limit=10)
        assert [n.originator_version for n in notifications] == [1, 2, 3, 4]
        assert {n.originator_id for n in notifications} == {counter.id}


def test_store_value(store: Store) -> None:
    assert store.backend in {"sqlite", "postgres"}
    expected_module = {"sqlite": "eventsourcing.sqlite", "postgres": "eventsourcing.postgres"}
    assert store.env["PERSISTENCE_MODULE"] == expected_module[store.backend]
    assert all(not key.startswith("JIXIAO") for key in store.env)


def test_tables_live_in_the_test_schema(pg_env: dict[str, str], pg_server: PgServer) -> None:
    schema = pg_env["POSTGRES_SCHEMA"]
    with probe(pg_env) as app:
        app.save(Counter("pears"))
    with pg_server.connect() as conn:
        rows = conn.execute(
            "SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE c.relname = 'contract_probe_events'"
        ).fetchall()
    assert rows == [(schema,)]


def test_pg_schemas_are_isolated(pg_env: dict[str, str], pg_server: PgServer) -> None:
    other_schema = f"t_{uuid.uuid4().hex[:12]}"
    with pg_server.connect() as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(other_schema)))
    try:
        other_env = pg_server.env(other_schema)
        assert other_env["POSTGRES_SCHEMA"] != pg_env["POSTGRES_SCHEMA"]

        with probe(pg_env) as first, probe(other_env) as second:
            counter = Counter("plums")
            counter.increment(1)
            first.save(counter)
            assert first.recorder.max_notification_id() == 2

            assert second.recorder.max_notification_id() is None
            with pytest.raises(AggregateNotFoundError):
                second.repository.get(counter.id)

            second.save(Counter("figs"))
            assert second.recorder.max_notification_id() == 1
            assert first.recorder.max_notification_id() == 2
    finally:
        with pg_server.connect() as conn:
            conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(other_schema)))
