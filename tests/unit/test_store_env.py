"""Which environment reaches the event store: the store's settings, and nothing else."""

from __future__ import annotations

from api.storage.session import store_env


def test_postgres_settings_for_poolers_and_replicas_pass_through() -> None:
    environ = {"PERSISTENCE_MODULE": "eventsourcing.postgres", "POSTGRES_HOST": "db",
               "POSTGRES_POOL_SIZE": "1", "POSTGRES_LOCK_TIMEOUT": "5",
               "POSTGRES_PRE_PING": "y", "CREATE_TABLE": "no", "HOME": "/root",
               "JIXIAO_ACTOR": "someone"}
    env = store_env(None, environ)
    assert env == {"PERSISTENCE_MODULE": "eventsourcing.postgres", "POSTGRES_HOST": "db",
                   "POSTGRES_POOL_SIZE": "1", "POSTGRES_LOCK_TIMEOUT": "5",
                   "POSTGRES_PRE_PING": "y", "CREATE_TABLE": "no"}


def test_without_postgres_the_store_is_the_sqlite_file() -> None:
    env = store_env(None, {"JIXIAO_DB": "pay.db", "CREATE_TABLE": "no"})
    assert env == {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": "pay.db"}
