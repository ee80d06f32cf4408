"""A partial index of the stored events holding only the periods' close events.

Every report of a closed period reads the period's close from the close event's own
bytes (api/storage/view_checks.py, api/storage/warm_view.py). eventsourcing's events
table has no index on the topic, so that read scanned the whole table: a cost that grew
with the ledger's history on every `payout`, `explain` and what-if. The index holds a
row per close (a few a year), so the read is as long as the closes are many, and an
insert of any other event does not touch it.

Both SQLite and PostgreSQL use a partial index only for a query whose WHERE implies the
index's: the queries name the topic as a literal (`CLOSE_TOPIC_SQL`, and
domain/stored_reader.py's topics, api/storage/recorded_closes.py), never as a bound parameter.

It is made by a writable open of the chain (api/storage/chain.py `open_chain`): a new
ledger at its first chaining, an older one at its next writable open. A session that
may not write (a read-only file's copy, a role without the table's ownership) makes
nothing and reads by the scan, which gives the same rows.
"""

from __future__ import annotations

from typing import Any

from api.storage.recorded_closes import CLOSE_TOPIC_SQL

# One name on both databases (PostgreSQL makes an index in its table's schema).
CLOSE_INDEX = "jixiao_close_events"


def make_sqlite_index(cursor: Any, events: str) -> None:
    """The index on the SQLite events table `events`, unless there, in the caller's write
    transaction. Looked for first, as the other tables made on open are."""
    cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?",
                   (CLOSE_INDEX,))
    if cursor.fetchone() is not None:
        return
    cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (events,))
    if cursor.fetchone() is None:
        return  # a ledger never written: eventsourcing makes the table with the first write
    # Rows in rowid order within the one topic: `ORDER BY rowid` reads them in order.
    cursor.execute(f"CREATE INDEX IF NOT EXISTS {CLOSE_INDEX} ON {events} (topic) "
                   f"WHERE topic = {CLOSE_TOPIC_SQL}")


def make_postgres_index(cursor: Any, schema: str, events: str) -> None:
    """The index on the PostgreSQL events table, unless there, in the caller's
    transaction, when this role owns the table (only its owner may index it: a role
    granted reads and writes reads by the scan, and the server logs no refusal)."""
    from psycopg import sql  # noqa: PLC0415 - PostgreSQL only

    from api.storage.pg_schema import lock_schema_ddl  # noqa: PLC0415 - PostgreSQL only

    table = sql.Identifier(schema, events).as_string(cursor)
    index = sql.Identifier(schema, CLOSE_INDEX).as_string(cursor)
    query = ("SELECT to_regclass(%s) IS NULL AND pg_has_role(c.relowner, 'USAGE') "
             "FROM pg_class c WHERE c.oid = to_regclass(%s)")
    if not _first(cursor.execute(query, (index, table)).fetchone()):
        return
    lock_schema_ddl(cursor, schema)  # one open's DDL at a time (pg_schema.py)
    cursor.execute(sql.SQL("CREATE INDEX IF NOT EXISTS {} ON {} (notification_id) "
                           "WHERE topic = {}").format(
        sql.Identifier(CLOSE_INDEX), sql.Identifier(schema, events),
        sql.SQL(CLOSE_TOPIC_SQL)))


def _first(row: Any) -> bool:
    if row is None:
        return False
    return bool(next(iter(row.values())) if isinstance(row, dict) else row[0])
