"""Which store a shell opens, from the environment alone: a SQLite file by default,
PostgreSQL when the environment says so. Apart from `api.storage.session`, so a report
served from the warm view (`api.storage.warm_view`) can name its store without importing
the ledger and every event model."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

DEFAULT_DB = "jixiao.db"
# The eventsourcing settings a deployment tunes (docs/scaling.md): where the store is, the
# pool per process, behaviour behind a pooler such as PgBouncer, and CREATE_TABLE=no for a
# database whose tables exist already (a migration role, or a read replica).
POSTGRES_KEYS = ("POSTGRES_DBNAME", "POSTGRES_HOST", "POSTGRES_PORT", "POSTGRES_USER",
                 "POSTGRES_PASSWORD", "POSTGRES_SCHEMA", "POSTGRES_CONNECT_TIMEOUT",
                 "POSTGRES_POOL_SIZE", "POSTGRES_MAX_OVERFLOW", "POSTGRES_MAX_WAITING",
                 "POSTGRES_CONN_MAX_AGE", "POSTGRES_PRE_PING", "POSTGRES_LOCK_TIMEOUT",
                 "POSTGRES_IDLE_IN_TRANSACTION_SESSION_TIMEOUT", "POSTGRES_STATEMENT_TIMEOUT",
                 "CREATE_TABLE")


# Where the signing key, the receipts and the auditor's public key are (docs/security.md):
# paths only, carried to the session when set; the key itself never enters the store.
SIGNING_KEYS = ("JIXIAO_SIGNING_KEY", "JIXIAO_RECEIPT_DIR", "JIXIAO_AUDIT_PUBLIC_KEY")
# JIXIAO_SNAPSHOTS=off: every read folds every event, from no snapshot of closed years
# (api/storage/lean_facts.py) or of the fold (api/storage/facts_snapshot.py).
# The key files the snapshot of the fold is authenticated with (api/storage/snapshot_key.py):
# paths only, likewise.
SNAPSHOT_KEYS = ("JIXIAO_SNAPSHOT_KEY_FILE", "JIXIAO_MASTER_KEY_FILE")
# JIXIAO_READ_ONLY=1: read the ledger without ever writing its file, and refuse writes,
# as for a ledger this user may not write (api/storage/read_only.py).
CARRIED_KEYS = (*SIGNING_KEYS, *SNAPSHOT_KEYS, "JIXIAO_SNAPSHOTS", "JIXIAO_READ_ONLY")


def store_env(db: str | None, environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The eventsourcing environment for a shell invocation; never mutates os.environ."""
    environ = os.environ if environ is None else environ
    signing = {key: environ[key] for key in CARRIED_KEYS if environ.get(key)}
    if environ.get("PERSISTENCE_MODULE") == "eventsourcing.postgres":
        env = {key: environ[key] for key in POSTGRES_KEYS if key in environ}
        env["PERSISTENCE_MODULE"] = "eventsourcing.postgres"
        return env | signing
    path = db or environ.get("JIXIAO_DB") or DEFAULT_DB
    return {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(Path(path)),
            **signing}


# POSTGRES_CONNECT_TIMEOUT: how long one login may take, and how long a request waits for
# the pool to hand it a connection (eventsourcing's default, 30 s, held every request of
# a server whose database was down for that long, one after another).
CONNECT_TIMEOUT_S_DEFAULT = "5"


def connect_timeout_s(env: Mapping[str, str]) -> str:
    """POSTGRES_CONNECT_TIMEOUT, whole seconds from 1 (libpq reads 0 as "wait for ever")."""
    text = env.get("POSTGRES_CONNECT_TIMEOUT") or CONNECT_TIMEOUT_S_DEFAULT
    if not (text.isascii() and text.isdigit()) or int(text) < 1:
        raise ValueError(f"POSTGRES_CONNECT_TIMEOUT 须为不小于 1 的整数秒 / must be a whole "
                         f"number of seconds from 1, got {text!r}")
    return str(int(text))


def postgres_connect_args(env: Mapping[str, str]) -> dict[str, str]:
    """The arguments of every connection the shells open themselves (the pool's get the
    same timeout: api/storage/postgres_limits.py)."""
    return {
        "dbname": env.get("POSTGRES_DBNAME", "postgres"),
        "host": env.get("POSTGRES_HOST", "localhost"),
        "port": env.get("POSTGRES_PORT", "5432"),
        "user": env.get("POSTGRES_USER", "postgres"),
        "password": env.get("POSTGRES_PASSWORD", ""),
        "connect_timeout": connect_timeout_s(env),
    }
