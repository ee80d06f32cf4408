"""One schema change at a time on PostgreSQL: every session open runs its DDL under one
advisory lock per schema, taken in the DDL's own transaction.

Why: a session open creates what is missing (the schema, eventsourcing's events table,
type, index and insert function, the chain, statements and key tables). PostgreSQL's
catalog is not safe for two such changes of the same object at once: two
`CREATE OR REPLACE FUNCTION` of the same function fail one of them with "tuple
concurrently updated" (eventsourcing 9.5.6 replaces its insert function on every open,
so two processes opening an existing ledger at once hit it), and two
`CREATE … IF NOT EXISTS` of a missing object fail one with a duplicate key in the
catalog. `pg_advisory_xact_lock` queues the second open behind the first and is released
at commit or rollback, so a crash never leaves it held; its wait is bounded by the
connection's `lock_timeout` like any other lock ("busy, retry", never a hang).
"""

from __future__ import annotations

import hashlib
from typing import Any

# Part of the key, so that no other advisory lock user of the database collides with it.
LOCK_NAMESPACE = "jixiao schema ddl"


def ddl_lock_key(schema: str | None) -> int:
    """The advisory lock key (a signed 64-bit integer) of a schema's DDL."""
    name = f"{LOCK_NAMESPACE}:{schema or 'public'}".encode()
    return int.from_bytes(hashlib.sha256(name).digest()[:8], "big", signed=True)


def lock_schema_ddl(cursor: Any, schema: str | None) -> None:
    """Wait for (then hold, until this transaction ends) the schema's DDL lock. `cursor`
    is a psycopg cursor or connection inside a transaction (in autocommit mode the lock
    would be released at once)."""
    cursor.execute("SELECT pg_advisory_xact_lock(%s)", (ddl_lock_key(schema),))


def tables_exist(cursor: Any, *names: str) -> bool:
    """Whether every named table is there (`names` as the search path or a qualified
    name finds them). Asked before a `CREATE TABLE IF NOT EXISTS`: PostgreSQL checks
    CREATE on the schema before it looks for the table, so a role granted only reads and
    writes on tables an owner made is refused even when they all exist (and the server
    logs an ERROR each time)."""
    row = cursor.execute("SELECT bool_and(to_regclass(name) IS NOT NULL) FROM "
                         "unnest(%s::text[]) AS name", (list(names),)).fetchone()
    if row is None:
        return False
    found = row["bool_and"] if isinstance(row, dict) else row[0]
    return bool(found)


def create_schema(connection: Any, schema: str) -> None:
    """The schema made unless it is there, in the caller's transaction. Looked for first:
    a role without CREATE on the database is refused `CREATE SCHEMA IF NOT EXISTS` even
    when the schema exists (as for a table: `tables_exist`)."""
    from psycopg import sql  # noqa: PLC0415 - only when one is made

    if connection.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s",
                          (schema,)).fetchone() is not None:
        return
    # Two opens creating it at once would fail one with a duplicate catalog key.
    lock_schema_ddl(connection, schema)
    connection.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))


def tables_readable(cursor: Any, *names: str) -> bool:
    """Whether every named table is there and this role may read it: a role granted only
    reads (`GRANT SELECT ON ALL TABLES`) is not granted the tables an owner made after
    the grant, which its session then reads as missing (api/storage/read_only.py)."""
    row = cursor.execute("SELECT bool_and(to_regclass(name) IS NOT NULL AND "
                         "has_table_privilege(to_regclass(name), 'SELECT')) FROM "
                         "unnest(%s::text[]) AS name", (list(names),)).fetchone()
    if row is None:
        return False
    found = row["bool_and"] if isinstance(row, dict) else row[0]
    return bool(found)
