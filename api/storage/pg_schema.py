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

from domain.errors import MissingGrantError

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


# A role without USAGE on the schema: every query naming the ledger's tables, the first
# look for them among them, was refused with psycopg's traceback ("permission denied for
# schema").
NO_SCHEMA_USAGE = ("the database role {role} may not use the schema {schema} that holds the "
                   "ledger, and so can neither read nor write it: ask the schema's owner to "
                   "run {grant} (docs/deploy.md); nothing was written")
# A role that may not run DDL opening a ledger whose statements view its owner has not made
# yet (it is made at the owner's first verb that reads the statements), or made by another
# version (rebuilt, which only the owner may): the view's CREATE was psycopg's traceback.
OWNER_FIRST = ("the ledger's statements view in the schema {schema} is not made yet (or was "
               "made by another version of jixiao), and the database role {role} may not "
               "make it: run `jixiao verify` once as the tables' owner, then this again "
               "(docs/deploy.md); nothing was written")
# The role, whether it may use the schema (NULL: no such schema) and the events table
# (NULL: none), one round trip as the look for the table alone was. to_regclass is asked
# only with USAGE: without it PostgreSQL refuses the whole statement.
_EVENTS_QUERY = """
SELECT current_user, u.usage,
       CASE WHEN u.usage THEN to_regclass(%(table)s) IS NOT NULL END
FROM (SELECT (SELECT has_schema_privilege(oid, 'USAGE') FROM pg_namespace
              WHERE nspname = %(schema)s) AS usage) AS u
"""


def events_table_in(connection: Any, schema: str, table: str) -> bool:
    """Whether `schema` holds `table` (the events'): a role that may not use the schema
    is refused (`MissingGrantError`, naming the GRANT), not told that there is no ledger
    (a verb that makes one would then try to) nor shown psycopg's traceback."""
    from psycopg import sql  # noqa: PLC0415 - PostgreSQL only

    row = connection.execute(_EVENTS_QUERY, {
        "schema": schema, "table": sql.Identifier(schema, table).as_string(None),
    }).fetchone()
    role, usage, found = row  # one row always (a plain connection's: a tuple)
    if usage is False:
        grant = sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(
            sql.Identifier(schema), sql.Identifier(role)).as_string(None)
        raise MissingGrantError(NO_SCHEMA_USAGE.format(role=role, schema=schema, grant=grant))
    return bool(found)


def owner_first(connection: Any, schema: str | None) -> MissingGrantError:
    """The refusal of a view's DDL that PostgreSQL refused this role (`OWNER_FIRST`)."""
    return MissingGrantError(OWNER_FIRST.format(schema=schema or "public",
                                                role=connection.info.user))
