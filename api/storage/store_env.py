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
        if (problem := settings_problem(env)) is not None:  # else it fails on first use
            from domain.errors import InvalidRequestError  # noqa: PLC0415 - only when wrong

            raise InvalidRequestError(problem)
        return env | signing
    path = db or environ.get("JIXIAO_DB") or DEFAULT_DB
    return {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(Path(path)),
            **signing}


# POSTGRES_CONNECT_TIMEOUT: how long one login may take, and how long a request waits for
# the pool to hand it a connection (eventsourcing's default, 30 s, held every request of
# a server whose database was down for that long, one after another).
CONNECT_TIMEOUT_S_DEFAULT = "5"


# The settings in whole seconds, and their least (libpq reads a connect timeout of 0 as
# "wait for ever"; a lock or statement timeout of 0 is PostgreSQL's "none").
SECONDS_LEAST = {"POSTGRES_CONNECT_TIMEOUT": 1, "POSTGRES_LOCK_TIMEOUT": 0,
                 "POSTGRES_STATEMENT_TIMEOUT": 0}
# PostgreSQL keeps a lock or statement timeout in milliseconds in a 32-bit int: more
# fails every login ("invalid value for parameter"), told as the server out of reach.
SECONDS_MOST = 2_147_483
SECONDS_SETTING = ("{key} must be a whole number of seconds from {least} to {most}, not "
                   "{value}: correct the setting (docs/deploy.md); nothing was written")


def setting_seconds(env: Mapping[str, str], key: str, default: str, least: int) -> int:
    """A PostgreSQL setting in whole seconds from `least`, else bad input naming it (exit
    code 2; `store_env` checks them all, so `jixiao serve` refuses one at start), not a
    traceback."""
    text = env.get(key) or default
    if not _whole_from(text, least):
        from domain.errors import InvalidRequestError  # noqa: PLC0415 - only when wrong

        raise InvalidRequestError(_seconds_problem(key, least, text))
    return int(text)


def settings_problem(environ: Mapping[str, str]) -> str | None:
    """What is wrong with the PostgreSQL settings in seconds, if any (unset is right)."""
    for key, least in SECONDS_LEAST.items():
        text = environ.get(key)
        if text and not _whole_from(text, least):
            return _seconds_problem(key, least, text)
    return None


def _seconds_problem(key: str, least: int, text: str) -> str:
    return SECONDS_SETTING.format(key=key, least=least, most=SECONDS_MOST, value=repr(text))


def _whole_from(text: str, least: int) -> bool:
    return text.isascii() and text.isdigit() and least <= int(text) <= SECONDS_MOST


def connect_timeout_s(env: Mapping[str, str]) -> str:
    """POSTGRES_CONNECT_TIMEOUT, whole seconds from 1 (libpq reads 0 as "wait for ever")."""
    return str(setting_seconds(env, "POSTGRES_CONNECT_TIMEOUT", CONNECT_TIMEOUT_S_DEFAULT, 1))


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
