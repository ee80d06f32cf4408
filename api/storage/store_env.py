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
                 "POSTGRES_KEEPALIVES_IDLE", "POSTGRES_KEEPALIVES_INTERVAL",
                 "POSTGRES_KEEPALIVES_COUNT", "POSTGRES_TCP_USER_TIMEOUT", "CREATE_TABLE")


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


# A --db beside PostgreSQL chosen by the environment: it was read past, so a verb the user
# meant for the file read (or wrote) the database instead.
DB_BESIDE_POSTGRES = ("--db {db} names a SQLite file, but PERSISTENCE_MODULE="
                      "eventsourcing.postgres chooses the PostgreSQL store (POSTGRES_*): "
                      "drop --db to use PostgreSQL, or unset PERSISTENCE_MODULE to use the "
                      "file; nothing was written")

# A SQLite URI as the ledger (`file:…?mode=ro`): eventsourcing opened it, so a write went
# through, but nothing else took it for a file: reads said "no ledger", a write said it
# made a new one (and wrote the file the URI named, without the private build a new
# ledger gets), and JIXIAO_READ_ONLY, which judges a file, was ignored. A path does all
# a URI was wanted for (JIXIAO_READ_ONLY=1 reads it through `mode=ro`).
DB_URI = ("the ledger {db} is a SQLite URI, which jixiao does not open: give the ledger's "
          "file path in --db or JIXIAO_DB (with JIXIAO_READ_ONLY=1 to read it without "
          "writing); nothing was written")


# JIXIAO_DB beside it likewise: a shell that exported both (a clerk's file, then the
# server's settings) read the database while the user meant the file.
JIXIAO_DB_BESIDE_POSTGRES = ("JIXIAO_DB={db} names a SQLite file, but PERSISTENCE_MODULE="
                             "eventsourcing.postgres chooses the PostgreSQL store "
                             "(POSTGRES_*): unset JIXIAO_DB to use PostgreSQL, or unset "
                             "PERSISTENCE_MODULE to use the file; nothing was written")


def sqlite_beside_postgres(db: str | None, environ: Mapping[str, str]) -> str | None:
    """Why a SQLite file named beside PostgreSQL chosen by the environment is refused
    (--db `db`, else JIXIAO_DB), or None: none is, or SQLite is chosen."""
    if environ.get("PERSISTENCE_MODULE") != "eventsourcing.postgres":
        return None
    if db:
        return DB_BESIDE_POSTGRES.format(db=db)
    if named := environ.get("JIXIAO_DB"):
        return JIXIAO_DB_BESIDE_POSTGRES.format(db=named)
    return None


def store_env(db: str | None, environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The eventsourcing environment for a shell invocation; never mutates os.environ. A
    SQLite file named (--db `db`, or JIXIAO_DB) where the environment chooses PostgreSQL
    is refused (bad input), not read past."""
    environ = os.environ if environ is None else environ
    signing = {key: environ[key] for key in CARRIED_KEYS if environ.get(key)}
    if environ.get("PERSISTENCE_MODULE") == "eventsourcing.postgres":
        if (refused := sqlite_beside_postgres(db, environ)) is not None:
            from domain.errors import InvalidRequestError  # noqa: PLC0415 - only when wrong

            raise InvalidRequestError(refused)
        env = {key: environ[key] for key in POSTGRES_KEYS if key in environ}
        env["PERSISTENCE_MODULE"] = "eventsourcing.postgres"
        if (problem := settings_problem(env)) is not None:  # else it fails on first use
            from domain.errors import InvalidRequestError  # noqa: PLC0415 - only when wrong

            raise InvalidRequestError(problem)
        return env | signing
    path = db or environ.get("JIXIAO_DB") or DEFAULT_DB
    if path.startswith("file:"):
        from domain.errors import InvalidRequestError  # noqa: PLC0415 - only when wrong

        raise InvalidRequestError(DB_URI.format(db=path))
    return {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(Path(path)),
            **signing}


# POSTGRES_CONNECT_TIMEOUT: how long one login may take, and how long a request waits for
# the pool to hand it a connection (eventsourcing's default, 30 s, held every request of
# a server whose database was down for that long, one after another).
CONNECT_TIMEOUT_S_DEFAULT = "5"


# TCP keepalive on every connection: a database host that silently drops the packets
# (powered off, a firewall forgetting the connection) is noticed while a query waits on
# an open connection, instead of after the kernel's defaults (2 h idle before the first
# probe; ≈15 min of retransmissions of data sent). Probes start after KEEPALIVES_IDLE
# seconds of silence, one every KEEPALIVES_INTERVAL; after KEEPALIVES_COUNT unanswered
# the connection is dropped: 10 + 3 × 5 = 25 s. A server busy on a long statement still
# answers probes (its kernel does), so only a host or link that is gone is cut off.
KEEPALIVES_IDLE_S_DEFAULT = "10"
KEEPALIVES_INTERVAL_S_DEFAULT = "5"
KEEPALIVES_COUNT_DEFAULT = "3"
STATEMENT_TIMEOUT_S_DEFAULT = "60"  # POSTGRES_STATEMENT_TIMEOUT: any one statement


# The settings in whole seconds, and their least (libpq reads a connect timeout of 0 as
# "wait for ever"; a lock or statement timeout of 0 is PostgreSQL's "none", a TCP user
# timeout of 0 the system's default).
SECONDS_LEAST = {"POSTGRES_CONNECT_TIMEOUT": 1, "POSTGRES_LOCK_TIMEOUT": 0,
                 "POSTGRES_STATEMENT_TIMEOUT": 0, "POSTGRES_KEEPALIVES_IDLE": 1,
                 "POSTGRES_KEEPALIVES_INTERVAL": 1, "POSTGRES_TCP_USER_TIMEOUT": 0}
# PostgreSQL keeps a lock or statement timeout in milliseconds in a 32-bit int: more
# fails every login ("invalid value for parameter"), told as the server out of reach;
# so does the kernel a TCP user timeout (milliseconds too).
SECONDS_MOST = 2_147_483
# Linux refuses a keepalive idle time or interval above 32767 s and a count above 127
# (setsockopt: "Invalid argument"), which libpq tells as a connection that failed.
SECONDS_MOST_OF = {"POSTGRES_KEEPALIVES_IDLE": 32_767, "POSTGRES_KEEPALIVES_INTERVAL": 32_767}
COUNTS = {"POSTGRES_KEEPALIVES_COUNT": (1, 127)}  # settings that are a number, not seconds
SECONDS_SETTING = ("{key} must be a whole number of seconds from {least} to {most}, not "
                   "{value}: correct the setting (docs/deploy.md); nothing was written")
COUNT_SETTING = ("{key} must be a whole number from {least} to {most}, not {value}: "
                 "correct the setting (docs/deploy.md); nothing was written")


def setting_seconds(env: Mapping[str, str], key: str, default: str) -> int:
    """A PostgreSQL setting in whole seconds (or a count: COUNTS) within its range, else
    bad input naming it (exit code 2; `store_env` checks them all, so `jixiao serve`
    refuses one at start), not a traceback."""
    text = env.get(key) or default
    if (problem := _problem(key, text)) is not None:
        from domain.errors import InvalidRequestError  # noqa: PLC0415 - only when wrong

        raise InvalidRequestError(problem)
    return int(text)


def settings_problem(environ: Mapping[str, str]) -> str | None:
    """What is wrong with the PostgreSQL settings in seconds (or counts), if any (unset
    is right)."""
    for key in (*SECONDS_LEAST, *COUNTS):
        text = environ.get(key)
        if text and (problem := _problem(key, text)) is not None:
            return problem
    return None


def _problem(key: str, text: str) -> str | None:
    if key in COUNTS:
        least, most = COUNTS[key]
        template = COUNT_SETTING
    else:
        least, most = SECONDS_LEAST[key], SECONDS_MOST_OF.get(key, SECONDS_MOST)
        template = SECONDS_SETTING
    if text.isascii() and text.isdigit() and least <= int(text) <= most:
        return None
    return template.format(key=key, least=least, most=most, value=repr(text))


def connect_timeout_s(env: Mapping[str, str]) -> str:
    """POSTGRES_CONNECT_TIMEOUT, whole seconds from 1 (libpq reads 0 as "wait for ever")."""
    return str(setting_seconds(env, "POSTGRES_CONNECT_TIMEOUT", CONNECT_TIMEOUT_S_DEFAULT))


def keepalive_args(env: Mapping[str, str]) -> dict[str, str]:
    """libpq's TCP keepalive and user timeout for a connection (see KEEPALIVES_IDLE_S_
    DEFAULT). POSTGRES_TCP_USER_TIMEOUT (seconds; 0: the system's) bounds how long data
    sent may go unacknowledged, a query sent to a host that is gone among them. By
    default it is as long as the keepalive takes to give up, so both say "gone" alike,
    but never shorter than POSTGRES_STATEMENT_TIMEOUT: the kernel also counts a server
    that stops reading what is still being sent (a COPY into a stalled server failed at
    25 s), and a write the server would still finish must not be cut by the client
    first; with no statement timeout (0), none of its own (the system's)."""
    idle = setting_seconds(env, "POSTGRES_KEEPALIVES_IDLE", KEEPALIVES_IDLE_S_DEFAULT)
    interval = setting_seconds(env, "POSTGRES_KEEPALIVES_INTERVAL",
                               KEEPALIVES_INTERVAL_S_DEFAULT)
    count = setting_seconds(env, "POSTGRES_KEEPALIVES_COUNT", KEEPALIVES_COUNT_DEFAULT)
    # The sum may pass what the setting takes (32767 + 32767 × 127): the most, else every
    # connection failed naming a POSTGRES_TCP_USER_TIMEOUT nobody set (serve started).
    statement = setting_seconds(env, "POSTGRES_STATEMENT_TIMEOUT", STATEMENT_TIMEOUT_S_DEFAULT)
    fallback = min(max(idle + interval * count, statement), SECONDS_MOST) if statement else 0
    user_timeout = setting_seconds(env, "POSTGRES_TCP_USER_TIMEOUT", str(fallback))
    return {"keepalives": "1", "keepalives_idle": str(idle),
            "keepalives_interval": str(interval), "keepalives_count": str(count),
            "tcp_user_timeout": str(user_timeout * 1000)}  # libpq: milliseconds


def postgres_connect_args(env: Mapping[str, str]) -> dict[str, str]:
    """The arguments of every connection the shells open themselves (the pool's get the
    same timeout and keepalive: api/storage/postgres_limits.py)."""
    return {
        "dbname": env.get("POSTGRES_DBNAME", "postgres"),
        "host": env.get("POSTGRES_HOST", "localhost"),
        "port": env.get("POSTGRES_PORT", "5432"),
        "user": env.get("POSTGRES_USER", "postgres"),
        "password": env.get("POSTGRES_PASSWORD", ""),
        "connect_timeout": connect_timeout_s(env),
        **keepalive_args(env),
    }
