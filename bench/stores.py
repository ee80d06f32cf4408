"""Where a benchmark run keeps its data, and the raw-store baseline.

A *target* is a JSON-able dict that names a backend and everything a child process needs
to open the stores of one run:

    {"backend": "sqlite",   "dir": "/…/run-x"}
    {"backend": "postgres", "server": {host, port, user, password, dbname}, "prefix": "b1a2"}

Each organisation is its own store (a SQLite file, a PostgreSQL schema): one event
sequence per organisation. The baseline table is shaped like eventsourcing's
stored-events table (same columns, same primary key, PostgreSQL's unique
notification-id index) and lives beside them (`raw.db`, schema `<prefix>_raw`).
"""
# ruff: noqa: PLC0415 - psycopg only when PostgreSQL is used

from __future__ import annotations

import json
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

# eventsourcing 9.5.6 names the table after the application (`jixiao`) on PostgreSQL only.
EVENTS_TABLE = {"sqlite": "stored_events", "postgres": "jixiao_events"}
# domain.application's PAGE_SIZE and SQLITE_PAGE_SIZE: the ledger reads the log in pages
# this big (commits before 2026-12-04 read SQLite in pages of 2000 too; for the raw read
# itself the two sizes are within 2 % of each other on the hospital preset).
PAGE_SIZE = {"sqlite": 500, "postgres": 2000}
RAW_TABLE = "raw_stored_events"

Row = tuple[str, int, str, bytes]  # originator_id (uuid hex / text), version, topic, state


# ------------------------------------------------------------------ environments


def org_env(target: dict[str, Any], organisation: int) -> dict[str, str]:
    """The eventsourcing environment of one organisation's store."""
    if target["backend"] == "sqlite":
        return {"PERSISTENCE_MODULE": "eventsourcing.sqlite",
                "SQLITE_DBNAME": str(Path(target["dir"]) / f"org-{organisation:03d}.db")}
    server = target["server"]
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": server["dbname"],
        "POSTGRES_HOST": server["host"],
        "POSTGRES_PORT": str(server["port"]),
        "POSTGRES_USER": server["user"],
        "POSTGRES_PASSWORD": server["password"],
        "POSTGRES_SCHEMA": org_schema(target, organisation),
    }


def org_schema(target: dict[str, Any], organisation: int) -> str:
    # Lower case: eventsourcing looks its composite type up by the unquoted name.
    return f"{target['prefix']}_o{organisation:03d}"


def pg_connect(target: dict[str, Any], schema: str | None = None) -> Any:
    import psycopg

    server = target["server"]
    options = f"-c search_path={schema}" if schema else ""
    return psycopg.connect(host=server["host"], port=server["port"], user=server["user"],
                           password=server["password"], dbname=server["dbname"],
                           autocommit=True, options=options)


def prepare(target: dict[str, Any], organisations: int) -> None:
    """Fresh, empty stores for a run."""
    if target["backend"] == "sqlite":
        folder = Path(target["dir"])
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        return
    with pg_connect(target) as db:
        for organisation in range(organisations):
            db.execute(f"CREATE SCHEMA {org_schema(target, organisation)}")
        db.execute(f"CREATE SCHEMA {target['prefix']}_raw")


def discard(target: dict[str, Any], organisations: int) -> None:
    if target["backend"] == "sqlite":
        shutil.rmtree(target["dir"], ignore_errors=True)
        return
    with pg_connect(target) as db:
        db.execute("SET lock_timeout = '30s'")
        for organisation in range(organisations):
            db.execute(f"DROP SCHEMA IF EXISTS {org_schema(target, organisation)} CASCADE")
        db.execute(f"DROP SCHEMA IF EXISTS {target['prefix']}_raw CASCADE")


def store_bytes(target: dict[str, Any], organisations: int) -> int:
    """The size of the event stores on disk (tables and indexes), for the report."""
    if target["backend"] == "sqlite":
        return sum(p.stat().st_size for p in Path(target["dir"]).glob("org-*.db*"))
    total = 0
    with pg_connect(target) as db:
        for organisation in range(organisations):
            row = db.execute(
                "SELECT pg_total_relation_size(%s)",
                (f"{org_schema(target, organisation)}.{EVENTS_TABLE['postgres']}",)).fetchone()
            total += int(row[0] or 0)
    return total


# ------------------------------------------------------------------ reading the store raw


def stored_rows(target: dict[str, Any], organisation: int) -> Iterator[list[Row]]:
    """The rows eventsourcing stored for one organisation, in notification order, in pages."""
    if target["backend"] == "sqlite":
        db = sqlite3.connect(org_env(target, organisation)["SQLITE_DBNAME"])
        try:
            cursor = db.execute(f"SELECT originator_id, originator_version, topic, state "
                                f"FROM {EVENTS_TABLE['sqlite']} ORDER BY rowid")
            while page := cursor.fetchmany(10_000):
                yield page
        finally:
            db.close()
        return
    with pg_connect(target, org_schema(target, organisation)) as db, db.transaction(), \
            db.cursor(name="rows") as cursor:
        cursor.itersize = 10_000
        cursor.execute(f"SELECT originator_id, originator_version, topic, state "
                       f"FROM {EVENTS_TABLE['postgres']} ORDER BY notification_id")
        while page := cursor.fetchmany(10_000):
            yield page


# ------------------------------------------------------------------ the raw baseline


def _sqlite_raw(target: dict[str, Any]) -> sqlite3.Connection:
    db = sqlite3.connect(str(Path(target["dir"]) / "raw.db"), isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")  # as eventsourcing sets it
    return db


def raw_create(target: dict[str, Any], table: str = RAW_TABLE) -> None:
    if target["backend"] == "sqlite":
        db = _sqlite_raw(target)
        db.execute(f"DROP TABLE IF EXISTS {table}")
        db.execute(f"CREATE TABLE {table} (originator_id TEXT, originator_version INTEGER, "
                   "topic TEXT, state BLOB, PRIMARY KEY (originator_id, originator_version))")
        db.close()
        return
    schema = f"{target['prefix']}_raw"
    with pg_connect(target, schema) as db:
        db.execute(f"DROP TABLE IF EXISTS {table}")
        db.execute(f"CREATE TABLE {table} (originator_id uuid NOT NULL, "
                   "originator_version bigint NOT NULL, topic text, state bytea, "
                   "notification_id bigserial, "
                   "PRIMARY KEY (originator_id, originator_version))")
        db.execute(f"CREATE UNIQUE INDEX {table}_nid ON {table} (notification_id ASC)")


def raw_insert(target: dict[str, Any], batches: list[list[Row]], method: str = "executemany",
               table: str = RAW_TABLE, tick: Callable[[int], None] | None = None) -> float:
    """Insert the rows, one transaction per batch; returns the seconds it took."""
    if target["backend"] == "sqlite":
        db = _sqlite_raw(target)
        started = time.perf_counter()
        for batch in batches:
            db.execute("BEGIN")
            db.executemany(f"INSERT INTO {table} VALUES (?,?,?,?)", batch)
            db.execute("COMMIT")
            if tick:
                tick(len(batch))
        elapsed = time.perf_counter() - started
        db.close()
        return elapsed
    schema = f"{target['prefix']}_raw"
    with pg_connect(target, schema) as db:
        started = time.perf_counter()
        for batch in batches:
            with db.transaction():
                # eventsourcing locks the table so notification ids commit in order.
                db.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
                with db.cursor() as cursor:
                    if method == "copy":
                        with cursor.copy(f"COPY {table} (originator_id, originator_version, "
                                         "topic, state) FROM STDIN") as copy:
                            for row in batch:
                                copy.write_row(row)
                    else:
                        cursor.executemany(
                            f"INSERT INTO {table} (originator_id, originator_version, topic, "
                            "state) VALUES (%s, %s, %s, %s)", batch)
            if tick:
                tick(len(batch))
        return time.perf_counter() - started


def raw_read(target: dict[str, Any], table: str = RAW_TABLE,
             tick: Callable[[int], None] | None = None) -> tuple[float, int]:
    """Select every row in notification order, in pages of the ledger's page size, and
    JSON-decode each state. Returns (seconds, rows)."""
    size = PAGE_SIZE[target["backend"]]
    if target["backend"] == "sqlite":
        db = _sqlite_raw(target)
        started = time.perf_counter()
        count = _decode_pages(lambda last: db.execute(
            f"SELECT rowid, originator_id, originator_version, topic, state FROM {table} "
            "WHERE rowid > ? ORDER BY rowid LIMIT ?", (last, size)).fetchall(), size, tick)
        elapsed = time.perf_counter() - started
        db.close()
        return elapsed, count
    schema = f"{target['prefix']}_raw"
    with pg_connect(target, schema) as db:
        started = time.perf_counter()
        # In binary, as the ledger reads its event pages (domain/stored_reader.py): as
        # text each state would come hex-encoded, and the fold would be measured against
        # a read slower than the raw store can be.
        count = _decode_pages(lambda last: db.execute(
            f"SELECT notification_id, originator_id, originator_version, topic, state "
            f"FROM {table} WHERE notification_id > %s ORDER BY notification_id LIMIT %s",
            (last, size), binary=True).fetchall(), size, tick)
        return time.perf_counter() - started, count


def _decode_pages(fetch: Callable[[int], list[Any]], size: int,
                  tick: Callable[[int], None] | None) -> int:
    """Page through rows (position first, state last) after position 0, decoding each
    state; returns the number of rows."""
    count = last = 0
    while True:
        page = fetch(last)
        for row in page:
            json.loads(row[4])
        count += len(page)
        if tick:
            tick(len(page))
        if len(page) < size:
            return count
        last = page[-1][0]
