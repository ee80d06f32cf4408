"""The statements view on each database: SQLite (one file beside the events) and
PostgreSQL (the events' schema). The interface and the catch-up are `projections.views`.

A row carries its body's SHA-256 and the position it was computed at, and its figures
lie beside it (`FIGURES_TABLE`). A table written by an older version has no position
column or no figures: it is dropped and rebuilt from the events on open (a view is a
cache; the events are never touched). So is a view not stamped by this code (every save
notes the digest of the calculation's sources, `api.storage.code_digest`): after an
upgrade, no reader serves a row the previous code computed, nor mixes its figures with
this code's (a what-if seeds its unmoved people and departments from the stored row)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from contextlib import AbstractContextManager
from typing import Any

from api.storage import code_digest
from api.storage.busy import WAL_WAIT_S, ensure_wal
from api.storage.code_digest import VIEW_STAMP_NOTE, stamped_by_this_code
from domain.errors import ConflictError
from projections.views import VIEW_NAME, StatementView, StoredStatement, content_sha256

# Created by the first note saved, not on open: opening a view runs no more DDL than before.
NOTES_TABLE = ("CREATE TABLE IF NOT EXISTS jixiao_view_notes (name TEXT PRIMARY KEY, "
               "position BIGINT NOT NULL, body TEXT NOT NULL)")
STATEMENTS_TABLE = (
    "CREATE TABLE IF NOT EXISTS jixiao_statements (period TEXT PRIMARY KEY, "
    "status TEXT NOT NULL, body TEXT NOT NULL, sha256 TEXT NOT NULL, "
    "position BIGINT NOT NULL DEFAULT 0)")
# Each statement's figures, one row per subject (projections.figure_rows), written with
# the statement in its save; `statement_sha256` and `position` tie a row to the statement
# it was computed with. Created by the first save, like the notes.
FIGURES_TABLE = (
    "CREATE TABLE IF NOT EXISTS jixiao_figures (period TEXT NOT NULL, subject TEXT NOT NULL, "
    "body TEXT NOT NULL, sha256 TEXT NOT NULL, statement_sha256 TEXT NOT NULL, "
    "position BIGINT NOT NULL, PRIMARY KEY (period, subject))")


SAVE_NOTE = ("INSERT INTO jixiao_view_notes (name, position, body) VALUES (%s, %s, %s) "
             "ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position, "
             "body = EXCLUDED.body")


def _forget_rows(db: Any, *, figures: bool) -> None:
    """Empty a view stamped by other code (`stamped_by_this_code`) as if new: its rows
    go, at position 0, and the next catch-up computes every period from the events, as
    for a view never built. Its notes stay: each holds at a position the view is not at."""
    db.execute("DELETE FROM jixiao_statements")
    if figures:
        db.execute("DELETE FROM jixiao_figures")
    db.execute("UPDATE jixiao_view_tracking SET position = 0")


def figure_rows_of(statements: list[StoredStatement]) -> list[tuple[str, str, str, str, str, int]]:
    """The figure rows of statements about to be saved (a blocked one has none)."""
    return [(s.period, subject, body, content_sha256(body), s.sha256, s.position)
            for s in statements for subject, body in sorted((s.figures or {}).items())]


class SQLiteStatementView(StatementView):
    def __init__(self, path: str) -> None:
        ensure_wal(path)
        self._db = sqlite3.connect(path, timeout=WAL_WAIT_S, isolation_level=None,
                                   uri=path.startswith("file:"))
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("BEGIN IMMEDIATE")
        try:
            self._db.execute("CREATE TABLE IF NOT EXISTS jixiao_view_tracking ("
                             "view TEXT PRIMARY KEY, position INTEGER NOT NULL)")
            columns = {r[1] for r in self._db.execute("PRAGMA table_info(jixiao_statements)")}
            figures = self._db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                                       "AND name = 'jixiao_figures'").fetchone()
            if columns and ("position" not in columns or figures is None):
                # An older version's table, or this one's opened before its first save
                # made the figures beside it: only the older one held rows (tracked past 0).
                self.emptied_for_other_code = self._tracked_position() > 0
                self._db.execute("DROP TABLE jixiao_statements")
                self._db.execute("UPDATE jixiao_view_tracking SET position = 0")
            self._db.execute(STATEMENTS_TABLE)
            if not self._stamped():
                _forget_rows(self._db, figures=figures is not None)
                self.emptied_for_other_code = True
            self._db.execute(
                "INSERT OR IGNORE INTO jixiao_view_tracking (view, position) VALUES (?, 0)",
                (VIEW_NAME,))
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _tracked_position(self) -> int:
        row = self._db.execute(
            "SELECT position FROM jixiao_view_tracking WHERE view = ?", (VIEW_NAME,)
        ).fetchone()
        return int(row[0]) if row else 0

    def _stamped(self) -> bool:
        return stamped_by_this_code(self._tracked_position(), self.note(VIEW_STAMP_NOTE))

    @property
    def connection(self) -> Any:
        """The view's connection, for reads beside it (its stored figures)."""
        return self._db

    def position(self) -> int:
        row = self._db.execute(
            "SELECT position FROM jixiao_view_tracking WHERE view = ?", (VIEW_NAME,)
        ).fetchone()
        return int(row[0])

    def get(self, period: str) -> StoredStatement | None:
        row = self._db.execute(
            "SELECT period, status, body, sha256, position FROM jixiao_statements "
            "WHERE period = ?", (period,)).fetchone()
        return StoredStatement(*row) if row else None

    def periods(self) -> list[str]:
        return [r[0] for r in self._db.execute("SELECT period FROM jixiao_statements")]

    def save(self, statements: Iterable[StoredStatement], expected: int, position: int) -> None:
        statements = list(statements)
        cursor = self._db.cursor()
        cursor.execute("BEGIN IMMEDIATE")
        try:
            moved = cursor.execute(
                "UPDATE jixiao_view_tracking SET position = ? WHERE view = ? AND position = ?",
                (position, VIEW_NAME, expected),
            ).rowcount
            if moved != 1:
                raise ConflictError("the statements view was caught up by another process")
            cursor.executemany(
                "INSERT INTO jixiao_statements (period, status, body, sha256, position) "
                "VALUES (?,?,?,?,?) "
                "ON CONFLICT(period) DO UPDATE SET status=excluded.status, body=excluded.body, "
                "sha256=excluded.sha256, position=excluded.position",
                [(s.period, s.status, s.body, s.sha256, s.position) for s in statements],
            )
            cursor.execute(FIGURES_TABLE)
            cursor.executemany("DELETE FROM jixiao_figures WHERE period = ?",
                               [(s.period,) for s in statements])
            cursor.executemany("INSERT INTO jixiao_figures VALUES (?,?,?,?,?,?)",
                               figure_rows_of(statements))
            cursor.execute(NOTES_TABLE)
            cursor.execute(SAVE_NOTE.replace("%s", "?"),
                           (VIEW_STAMP_NOTE, position, code_digest.calculation_digest()))
        except BaseException:
            cursor.execute("ROLLBACK")
            raise
        cursor.execute("COMMIT")

    def note(self, name: str) -> tuple[int, str] | None:
        try:
            row = self._db.execute("SELECT position, body FROM jixiao_view_notes "
                                   "WHERE name = ?", (name,)).fetchone()
        except sqlite3.OperationalError:
            return None  # no note saved yet: no table
        return (int(row[0]), str(row[1])) if row else None

    def save_note(self, name: str, position: int, text: str) -> None:
        self._db.execute(NOTES_TABLE)
        self._db.execute(SAVE_NOTE.replace("%s", "?"), (name, position, text))

    def close(self) -> None:
        self._db.close()


def _made_when_missing(db: Any, table: str, ddl: str) -> None:
    """`ddl` (a CREATE TABLE IF NOT EXISTS) run only when `table` is missing: PostgreSQL
    asks CREATE on the schema before it looks for the table, so a role granted reads and
    writes only (docs/deploy.md) was refused at every save of a view that was there."""
    found = db.execute("SELECT to_regclass(%s) IS NOT NULL", (table,)).fetchone()
    if not (found and found[0]):
        db.execute(ddl)


class PostgresStatementView(StatementView):
    """`env` is the store's environment: the view's connection takes the same
    POSTGRES_LOCK_TIMEOUT and POSTGRES_STATEMENT_TIMEOUT as the events' pool."""

    def __init__(self, connect_args: Mapping[str, str], schema: str | None,
                 env: Mapping[str, str] | None = None, connection: Any = None, *,
                 create: bool = True) -> None:
        """`connection`: one opened as `store_connection` opens the view's (a reading
        session's, which asked through it whether the ledger exists), then the view's.
        `create`: make or rebuild the tables unless current; a session that only reads
        opens a current view as it is (`view_to_read`)."""
        from api.storage.postgres_options import store_connection  # noqa: PLC0415 - PostgreSQL only

        self._schema = schema
        self._may_create = True  # CREATE on the schema: asked by `_is_current`
        self._db = (store_connection(connect_args, schema, env) if connection is None
                    else connection)
        try:
            with self._told():
                if create and not self._is_current():
                    self._made()
        except BaseException:
            self._db.close()
            raise

    def _made(self) -> None:
        import psycopg  # noqa: PLC0415 - PostgreSQL only

        from api.storage.pg_schema import owner_first  # noqa: PLC0415 - PostgreSQL only

        if not self._may_create:
            # Asked first (`_is_current`): PostgreSQL checks CREATE on the schema before it
            # looks for the table, so the CREATE was refused and logged as an ERROR by the
            # server at every open by such a role, and at every request of a served one.
            raise owner_first(self._db, self._schema)
        try:
            self._create()
        except psycopg.errors.InsufficientPrivilege as error:
            # A role granted reads and writes only (docs/deploy.md), before the owner's
            # first open made the view: its transaction rolled back, nothing made.
            raise owner_first(self._db, self._schema) from error

    def _is_current(self) -> bool:
        """Whether this version's tables and the view's tracking row are all there: then
        opening runs no DDL and takes no lock (one catalogue query, one row), and the
        rows are this code's (`stamped_by_this_code`). Anything else takes `_create`, which
        makes them or rebuilds an older version's or another code's."""
        present = self._db.execute(
            "SELECT to_regclass('jixiao_view_tracking') IS NOT NULL AND "
            "to_regclass('jixiao_figures') IS NOT NULL AND EXISTS (SELECT 1 FROM pg_attribute "
            "WHERE attrelid = to_regclass('jixiao_statements') AND attname = 'position' "
            "AND NOT attisdropped), to_regclass('jixiao_view_notes') IS NOT NULL, "
            "has_schema_privilege(current_schema(), 'CREATE')").fetchone()
        self._may_create = bool(present and present[2])  # for `_made`
        if not (present and present[0]):
            return False
        tracked = self._tracked(bool(present[1]))
        return tracked is not None and stamped_by_this_code(*tracked)

    def _tracked(self, notes: bool) -> tuple[int, tuple[int, str] | None] | None:
        """The view's position and its stamp note (`notes`: whether their table exists;
        a query naming a missing table would abort `_create`'s transaction); None
        without a tracking row."""
        if not notes:
            row = self._db.execute("SELECT position, NULL, NULL FROM jixiao_view_tracking "
                                   "WHERE view = %s", (VIEW_NAME,)).fetchone()
        else:
            row = self._db.execute(
                "SELECT t.position, n.position, n.body FROM jixiao_view_tracking t LEFT JOIN "
                "jixiao_view_notes n ON n.name = %s WHERE t.view = %s",
                (VIEW_STAMP_NOTE, VIEW_NAME)).fetchone()
        if row is None:
            return None
        return int(row[0]), None if row[1] is None else (int(row[1]), str(row[2]))

    def _stamped(self) -> bool:
        """Whether the view is empty or holds only this code's rows (in `_create`)."""
        notes = self._db.execute(
            "SELECT to_regclass('jixiao_view_notes') IS NOT NULL").fetchone()
        tracked = self._tracked(bool(notes and notes[0]))
        return tracked is None or stamped_by_this_code(*tracked)

    def _create(self) -> None:
        from api.storage.pg_schema import lock_schema_ddl  # noqa: PLC0415 - PostgreSQL only

        with self._db.transaction():
            lock_schema_ddl(self._db, self._schema)  # one open's DDL at a time (pg_schema.py)
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS jixiao_view_tracking ("
                "view TEXT PRIMARY KEY, position BIGINT NOT NULL)"
            )
            if self._is_old():
                # Serialises the rebuild between processes opening at once; taken only
                # then, so an ordinary open never waits for a catch-up.
                self._db.execute("LOCK TABLE jixiao_view_tracking IN EXCLUSIVE MODE")
                if self._is_old():
                    # As on SQLite: this version's table opened before its first save has
                    # no figures beside it either, and no rows (tracked at 0).
                    self.emptied_for_other_code = self.position() > 0
                    self._db.execute("DROP TABLE jixiao_statements")
                    self._db.execute("UPDATE jixiao_view_tracking SET position = 0")
            self._db.execute(STATEMENTS_TABLE)
            if not self._stamped():
                self._db.execute("LOCK TABLE jixiao_view_tracking IN EXCLUSIVE MODE")
                if not self._stamped():  # another process's open may have emptied it
                    figures = self._db.execute(
                        "SELECT to_regclass('jixiao_figures') IS NOT NULL").fetchone()
                    _forget_rows(self._db, figures=bool(figures and figures[0]))
                    self.emptied_for_other_code = True
            self._db.execute(
                "INSERT INTO jixiao_view_tracking (view, position) VALUES (%s, 0) "
                "ON CONFLICT (view) DO NOTHING",
                (VIEW_NAME,),
            )

    def _is_old(self) -> bool:
        """A statements table without the position column or the figures beside it (an
        older version's)."""
        return self._db.execute(
            "SELECT 1 FROM information_schema.tables t WHERE t.table_name = "
            "'jixiao_statements' AND t.table_schema = current_schema() AND (NOT EXISTS ("
            "SELECT 1 FROM information_schema.columns c WHERE c.table_name = "
            "t.table_name AND c.table_schema = t.table_schema AND "
            "c.column_name = 'position') OR NOT EXISTS (SELECT 1 FROM "
            "information_schema.tables f WHERE f.table_name = 'jixiao_figures' AND "
            "f.table_schema = t.table_schema))").fetchone() is not None

    @property
    def connection(self) -> Any:
        """The view's connection, for reads beside it (its stored figures)."""
        return self._db

    def _told(self) -> AbstractContextManager[None]:
        """A lock or statement timeout on the view's connection is "busy, retry", as on the
        events' connections (503 with Retry-After; exit code 6), never a hang or a 500; so
        is the connection lost (the server stopped, the backend terminated)."""
        # psycopg on PostgreSQL only: a SQLite verb should not wait for its import.
        from api.storage.postgres_options import told_on  # noqa: PLC0415 - PostgreSQL only

        return told_on(self._db)

    def position(self) -> int:
        with self._told():
            row = self._db.execute(
                "SELECT position FROM jixiao_view_tracking WHERE view = %s", (VIEW_NAME,)
            ).fetchone()
        return int(row[0]) if row else 0

    def get(self, period: str) -> StoredStatement | None:
        with self._told():
            row = self._db.execute(
                "SELECT period, status, body, sha256, position FROM jixiao_statements "
                "WHERE period = %s", (period,)).fetchone()
        return StoredStatement(*row) if row else None

    def periods(self) -> list[str]:
        with self._told():
            return [r[0] for r in self._db.execute("SELECT period FROM jixiao_statements")]

    def save(self, statements: Iterable[StoredStatement], expected: int, position: int) -> None:
        saved = list(statements)
        with self._told():
            self._save(saved, expected, position)

    def _save(self, statements: list[StoredStatement], expected: int, position: int) -> None:
        with self._db.transaction():
            moved = self._db.execute(
                "UPDATE jixiao_view_tracking SET position = %s WHERE view = %s AND position = %s",
                (position, VIEW_NAME, expected),
            ).rowcount
            if moved != 1:
                raise ConflictError("the statements view was caught up by another process")
            with self._db.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO jixiao_statements (period, status, body, sha256, position) "
                    "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (period) DO UPDATE SET "
                    "status = EXCLUDED.status, body = EXCLUDED.body, "
                    "sha256 = EXCLUDED.sha256, position = EXCLUDED.position",
                    [(s.period, s.status, s.body, s.sha256, s.position) for s in statements],
                )
                _made_when_missing(cursor, "jixiao_figures", FIGURES_TABLE)
                cursor.executemany("DELETE FROM jixiao_figures WHERE period = %s",
                                   [(s.period,) for s in statements])
                cursor.executemany("INSERT INTO jixiao_figures VALUES (%s,%s,%s,%s,%s,%s)",
                                   figure_rows_of(statements))
                _made_when_missing(cursor, "jixiao_view_notes", NOTES_TABLE)
                cursor.execute(SAVE_NOTE,
                               (VIEW_STAMP_NOTE, position, code_digest.calculation_digest()))

    def note(self, name: str) -> tuple[int, str] | None:
        import psycopg  # noqa: PLC0415 - PostgreSQL only

        try:
            with self._told():
                row = self._db.execute("SELECT position, body FROM jixiao_view_notes "
                                       "WHERE name = %s", (name,)).fetchone()
        except psycopg.errors.UndefinedTable:
            return None  # no note saved yet: no table
        return (int(row[0]), str(row[1])) if row else None

    def save_note(self, name: str, position: int, text: str) -> None:
        import psycopg  # noqa: PLC0415 - PostgreSQL only

        try:
            with self._told():
                self._save_note(name, position, text)
        except psycopg.errors.UniqueViolation:
            pass  # another process created the table at this moment (PostgreSQL's DDL race)

    def _save_note(self, name: str, position: int, text: str) -> None:
        with self._db.transaction():
            _made_when_missing(self._db, "jixiao_view_notes", NOTES_TABLE)
            self._db.execute(SAVE_NOTE, (name, position, text))

    def close(self) -> None:
        self._db.close()


class ViewInMemory(StatementView):
    """The stored statements view (None: none of this code's is stored), caught up in
    memory: a session that may not write (a PostgreSQL role granted only reads,
    api/storage/read_only.py) computes the periods a writer's catch-up would and keeps
    them here, with its notes; its reads see these over the stored rows, and nothing is
    written. `connection`: the session's, for reads beside the view."""

    def __init__(self, stored: StatementView | None, connection: Any) -> None:
        self._stored = stored
        self.connection = connection
        self._rows: dict[str, StoredStatement] = {}
        self._notes: dict[str, tuple[int, str]] = {}
        self._position: int | None = None

    def position(self) -> int:
        if self._position is not None:
            return self._position
        return 0 if self._stored is None else self._stored.position()

    def get(self, period: str) -> StoredStatement | None:
        if period in self._rows:
            return self._rows[period]
        return None if self._stored is None else self._stored.get(period)

    def periods(self) -> list[str]:
        stored = [] if self._stored is None else self._stored.periods()
        return sorted({*stored, *self._rows})

    def save(self, statements: Iterable[StoredStatement], expected: int, position: int) -> None:
        if self.position() != expected:
            raise ConflictError("the statements view was caught up by another process")
        self._rows.update((s.period, s) for s in statements)
        self._position = position

    def note(self, name: str) -> tuple[int, str] | None:
        if name in self._notes:
            return self._notes[name]
        return None if self._stored is None else self._stored.note(name)

    def save_note(self, name: str, position: int, text: str) -> None:
        self._notes[name] = (position, text)

    def close(self) -> None:
        self.connection.close()


def view_to_read(env: Mapping[str, str], connection: Any) -> ViewInMemory:
    """The statements view of a session on PostgreSQL that may not write, on its
    connection: the stored one when it is this code's and current, else none (a
    writer would rebuild it; this session computes what it reads, in memory)."""
    from api.storage.pg_schema import tables_readable  # noqa: PLC0415 - PostgreSQL only
    from api.storage.postgres_options import told_on  # noqa: PLC0415 - PostgreSQL only

    stored = PostgresStatementView({}, env.get("POSTGRES_SCHEMA"),
                                   env, connection, create=False)
    with told_on(connection):
        # Tables made after the role's grant are not its to read: none stored, for it.
        current = tables_readable(connection, "jixiao_view_tracking", "jixiao_statements",
                                  "jixiao_figures", "jixiao_view_notes") and \
            stored._is_current()
    return ViewInMemory(stored if current else None, connection)
