"""Which store a shell opens: a SQLite file by default, PostgreSQL when the environment
says so (`PERSISTENCE_MODULE=eventsourcing.postgres` and the `POSTGRES_*` variables)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from domain.application import Ledger

DEFAULT_DB = "jixiao.db"
POSTGRES_KEYS = ("POSTGRES_DBNAME", "POSTGRES_HOST", "POSTGRES_PORT", "POSTGRES_USER",
                 "POSTGRES_PASSWORD", "POSTGRES_SCHEMA", "POSTGRES_CONNECT_TIMEOUT",
                 "POSTGRES_POOL_SIZE", "POSTGRES_MAX_OVERFLOW")


def store_env(db: str | None, environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The eventsourcing environment for a shell invocation; never mutates os.environ."""
    environ = os.environ if environ is None else environ
    if environ.get("PERSISTENCE_MODULE") == "eventsourcing.postgres":
        env = {key: environ[key] for key in POSTGRES_KEYS if key in environ}
        env["PERSISTENCE_MODULE"] = "eventsourcing.postgres"
        return env
    path = db or environ.get("JIXIAO_DB") or DEFAULT_DB
    return {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(Path(path))}


def open_ledger(env: Mapping[str, str]) -> Ledger:
    if env.get("PERSISTENCE_MODULE") == "eventsourcing.postgres":
        ensure_postgres_schema(env)
    return Ledger(env)


def ensure_postgres_schema(env: Mapping[str, str]) -> None:
    """eventsourcing 9.5.6 creates its tables but not the schema that holds them."""
    schema = env.get("POSTGRES_SCHEMA")
    if not schema or schema == "public":
        return
    import psycopg
    from psycopg import sql

    with psycopg.connect(**postgres_connect_args(env), autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))


def postgres_connect_args(env: Mapping[str, str]) -> dict[str, str]:
    return {
        "dbname": env.get("POSTGRES_DBNAME", "postgres"),
        "host": env.get("POSTGRES_HOST", "localhost"),
        "port": env.get("POSTGRES_PORT", "5432"),
        "user": env.get("POSTGRES_USER", "postgres"),
        "password": env.get("POSTGRES_PASSWORD", ""),
    }
