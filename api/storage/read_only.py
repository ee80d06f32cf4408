"""A SQLite ledger this process may not write: an auditor's copy on read-only media, a
file or folder without write permission for this user, or one opened read-only on
purpose (`JIXIAO_READ_ONLY=1`). A file or folder whose mode grants nobody a write
(`chmod a-w`) counts for every user, root included: root passes every permission check,
and would otherwise write the ledger its owner marked read-only.

Every verb reads it as it reads any ledger, from a copy in memory made through one
read-only connection (`mode=ro`): the statements view, the chain and the snapshots
then catch up and keep their caches in that copy, which goes with the session, so a
read answers exactly as on a writable ledger and the file is never opened for writing.
A write (an event recorded) is refused naming the file (`ReadOnlyStoreError`).

SQLite reads a WAL-mode file read-only only where its -shm can be opened or made
(https://www.sqlite.org/wal.html#readonly); in a folder that cannot be written, with
no -shm there, the file is opened `immutable=1`, and only when no -wal beside it holds
frames: then the file alone is the whole ledger, and nobody can change it meanwhile
(a writer would need that folder for its journal).

On PostgreSQL nothing is copied: a session opened with `JIXIAO_READ_ONLY=1`, or by a role
that may not insert into the events table (an auditor's), reads on one connection in
READ ONLY transactions, keeps what a reading session would store in memory, and has
every write refused the same way, naming the store (`postgres_read_only`)."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any
from uuid import uuid4

from api.storage.busy import READ_ONLY, ledger_file_exists, sqlite_unopenable
from api.storage.file_modes import may_write
from api.storage.plain_store import (
    EVENTS_TABLE,
    PlainPostgresRecorder,
    PlainPostgresStore,
    PlainSQLiteRecorder,
    PlainSQLiteStore,
    ReadLedger,
)
from domain.errors import (
    DomainError,
    InvalidRequestError,
    MissingGrantError,
    ReadOnlyStoreError,
)

READ_ONLY_SETTING = "JIXIAO_READ_ONLY"  # "1": open the ledger read-only even if writable
READ_ONLY_VALUES = frozenset({"1", "on", "yes", "true"})
# Carried in a session's environment beside the copy's name: the file it copies (for
# messages).
ORIGIN_KEY = "JIXIAO_READ_ONLY_OF"
COPY_PREFIX = "file:jixiao-read-only-"
# PostgreSQL: opened read-only on purpose, or as a role granted only reads (an auditor's).
POSTGRES_READ_ONLY = ("the ledger {path} is read-only (JIXIAO_READ_ONLY is set, or this "
                      "database role may only read it): nothing was written; write as a "
                      "role that may write the ledger")

# No ledger at the path, in a folder that may not be written (`refuse_a_new_ledger`):
# there is no ledger yet, so neither "the ledger is read-only" nor "write to a
# writable copy" would be true.
NO_NEW_LEDGER = ("no ledger at {path}, and none may be made there: its folder may not be "
                 "written (this user may not write it, or its mode lets nobody write it); "
                 "nothing was written; give a path in a folder that may be written")
UNREADABLE_WAL = ("cannot read the ledger {path}: its folder is read-only and its -wal file "
                  "holds writes without the -shm file beside it; copy the ledger with its "
                  "-wal and -shm files, or open it where it may be written; nothing was "
                  "written")


def read_only(env: Mapping[str, str]) -> bool:
    """Whether `env`'s SQLite ledger is to be read without writing: it exists, and the
    setting says so or this user may not write it or its folder (a WAL or rollback
    journal is made there). PostgreSQL (`postgres_read_only`) and in-memory stores are
    never."""
    name = ledger_file(env)
    if name is None or not ledger_file_exists(name) or not Path(name).is_file():
        return False  # a missing ledger, or a folder: said by the opener
    return _forced(env) or not writable(Path(name))


def refuse_a_new_ledger(env: Mapping[str, str]) -> None:
    """No ledger at the path, and none may be made there: `JIXIAO_READ_ONLY=1`, or a
    folder that may not be written (`may_write`: one whose mode grants nobody a write is
    read-only for root too, who could otherwise make a ledger there). Opening it would
    create the file before any write was refused, so the write is refused here, before,
    naming the path. A folder that is not there is the opener's to say."""
    name = ledger_file(env)
    if name is None or ledger_file_exists(name):
        return
    folder = Path(name).parent
    if _forced(env):
        raise ReadOnlyStoreError(READ_ONLY.format(path=name))
    if folder.is_dir() and not may_write(folder):
        raise ReadOnlyStoreError(NO_NEW_LEDGER.format(path=name))


def ledger_file(env: Mapping[str, str]) -> str | None:
    """The SQLite ledger's file name, or None: PostgreSQL, or a store in memory or named
    by a URI (no file of that name to look at)."""
    if env.get("PERSISTENCE_MODULE") == "eventsourcing.postgres":
        return None
    name = env.get("SQLITE_DBNAME", "")
    if not name or name.startswith("file:") or name == ":memory:" or "mode=memory" in name:
        return None
    return name


def file_identity(name: str) -> tuple[str, int, int] | None:
    """A SQLite file's path, device and inode; None when no file is there."""
    try:
        status = os.stat(name)
    except OSError:
        return None
    return name, status.st_dev, status.st_ino


def forced_read_only(env: Mapping[str, str]) -> bool:
    """Whether `JIXIAO_READ_ONLY` says so (on either store)."""
    return _forced(env)


def _forced(env: Mapping[str, str]) -> bool:
    return env.get(READ_ONLY_SETTING, "").strip().lower() in READ_ONLY_VALUES


def writable(path: Path) -> bool:
    """Whether the ledger and its folder (where SQLite makes its journals) may be written.
    Its -wal and -shm are not judged: SQLite makes them with the file's mode, and a
    read-only reader leaves them behind, so they would keep a ledger read-only after its
    owner made the file writable again."""
    return may_write(path) and may_write(path.parent)


def read_uri(path: Path, folder_writable: bool) -> str:
    """The URI that opens `path` read-only (see the module): `immutable=1` only for a
    WAL that cannot be shared (no -shm, a folder where none can be made) and holds no
    frames the file lacks; else `mode=ro`, which never writes the file."""
    uri = f"{path.resolve().as_uri()}?mode=ro"
    if folder_writable or Path(f"{path}-shm").exists() or _holds(Path(f"{path}-journal")):
        # A hot rollback journal: `immutable` would read half a transaction; SQLite
        # refuses to read rather than roll it back in a read-only folder.
        return uri
    if _holds(Path(f"{path}-wal")):
        raise InvalidRequestError(UNREADABLE_WAL.format(path=path))
    return uri + "&immutable=1"


def _holds(path: Path) -> bool:
    return path.exists() and path.stat().st_size > 0


class ReadOnlyCopy:
    """The ledger's copy in memory for one session: `env` names it (its connections
    share it by name while `holder` keeps it alive); `close` hands it back (`copy_of`)."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self.key = _key_of(env)
        origin = Path(env["SQLITE_DBNAME"])
        self.origin = origin
        self.mark = mark_of(origin)  # before the copy: a write meanwhile makes it stale
        name = f"{COPY_PREFIX}{uuid4().hex}?mode=memory&cache=shared"
        self.holder = sqlite3.connect(name, uri=True, check_same_thread=False)
        try:
            source = sqlite3.connect(read_uri(origin, may_write(origin.parent)),
                                     uri=True, timeout=30)
            try:
                source.backup(self.holder)
            finally:
                source.close()
        except sqlite3.Error as error:
            self.holder.close()
            raise sqlite_unopenable(error, str(origin)) or error from error
        except BaseException:
            self.holder.close()
            raise
        self.env = {**env, "SQLITE_DBNAME": name, ORIGIN_KEY: str(origin)}
        after = mark_of(origin)
        if after[0] == self.mark[0] and self.mark[1] is None and after[1] is not None \
                and after[1][0] == 0:
            self.mark = after  # only SQLite's own empty -wal, made by the copy's reader

    def stale(self) -> bool:
        """Whether the file (or its -wal) changed since the copy was made: another
        process wrote the ledger, which a long-lived session (the server's) must see."""
        return mark_of(self.origin) != self.mark

    def close(self) -> None:
        """Kept for the next `copy_of` of this ledger, unless it is stale: the one kept
        before is let go, so a process holds at most one copy nobody uses."""
        if self.stale():
            self.holder.close()
            return
        with _KEEPING:
            kept, _KEPT[:] = _KEPT[:], [self]
        for copy in kept:
            copy.holder.close()


# The copy a session closed, for the next session of the process on the same ledger: a
# text verb asks the ledger's zone (`recorded_time_zone`) before or after its session,
# and each made a copy of its own, reading the whole file into memory twice.
_KEPT: list[ReadOnlyCopy] = []
_KEEPING = threading.Lock()


def copy_of(env: Mapping[str, str]) -> ReadOnlyCopy:
    """The ledger's copy for a session: the one a closed session kept, when it copies
    this ledger under this environment and the file has not changed since; else a new
    one. A copy is never shared by two open sessions (its connections, in one shared
    cache, lock each other's tables rather than wait)."""
    with _KEEPING:
        kept = _KEPT.pop() if _KEPT else None
    if kept is not None:
        if kept.key == _key_of(env) and not kept.stale():
            return kept
        kept.holder.close()
    return ReadOnlyCopy(env)


def _key_of(env: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    """The environment a copy was made under: its `env` is that environment's."""
    return tuple(sorted(env.items()))


# SQLite's own marks of a write, which the size and time may not show (an SQLite file
# grows by whole pages, a restarted -wal keeps its size, and a write within the file
# system's timestamp tick keeps the time): the file change counter, which every commit of
# a rollback journal raises, and the -wal's header, whose salts change at each restart.
WRITE_MARKS = ((24, 4), (0, 32))

Mark = tuple[int, int, int, bytes] | None


def mark_of(path: Path) -> tuple[Mark, ...]:
    """The size, modification time, inode and SQLite's write marks (`WRITE_MARKS`) of
    the file and of its -wal (None: missing)."""
    marks: list[Mark] = []
    for file, (offset, length) in zip((path, Path(f"{path}-wal")), WRITE_MARKS, strict=True):
        try:
            with file.open("rb") as stream:
                status = os.fstat(stream.fileno())
                stream.seek(offset)
                written = stream.read(length)
        except OSError:
            marks.append(None)
        else:
            marks.append((status.st_size, status.st_mtime_ns, status.st_ino, written))
    return tuple(marks)


class _RefusesInserts:
    """A recorder that reads and refuses any insert, naming the store it reads (`origin`);
    chunked writes, a sheet's import or a long apply, ask the recorder, not `record`."""

    refuses_writes = True  # api/storage/chain.py `open_chain`: no index made here

    def __init__(self, datastore: Any, origin: str) -> None:
        super().__init__(datastore)  # type: ignore[call-arg]  # the store's recorder's
        self.origin = origin

    def insert_events(self, *_: Any, **__: Any) -> Sequence[int]:
        raise _refusal(self)

    def insert_row_chunks(self, chunks: Iterable[Any]) -> Iterator[int]:
        raise _refusal(self)


def _refusal(recorder: _RefusesInserts) -> DomainError:
    # The texts are written here, not kept in a class attribute, so that the error
    # texts' walker (tests/unit/error_texts.py) finds them and checks their translations.
    if isinstance(recorder, ReadOnlyPostgresRecorder) and recorder.missing:
        return missing_grants(recorder.role, recorder.origin, recorder.missing)
    if isinstance(recorder, PlainPostgresRecorder):
        return ReadOnlyStoreError(POSTGRES_READ_ONLY.format(path=recorder.origin))
    return ReadOnlyStoreError(READ_ONLY.format(path=recorder.origin))


def missing_grants(role: str, path: str, grants: Sequence[str]) -> MissingGrantError:
    """A write by a role that lacks `grants` (`postgres_write_grants`), refused."""
    return MissingGrantError(MISSING_GRANTS.format(role=role, path=path,
                                                   grants="; ".join(grants)))


class ReadOnlyRecorder(_RefusesInserts, PlainSQLiteRecorder):
    """The copy's recorder: it reads, and refuses any insert."""


class _RefusesWrites(ReadLedger):
    """A ledger's reads over a recorder that refuses inserts; every write refused here
    first, naming the store, before anything is built to be written."""

    recorder: ReadOnlyRecorder | ReadOnlyPostgresRecorder

    def __init__(self, recorder: ReadOnlyRecorder | ReadOnlyPostgresRecorder) -> None:
        super().__init__(recorder)
        self.origin = recorder.origin

    def record(self, *_: Any, **__: Any) -> Any:
        raise _refusal(self.recorder)

    def stored_rows(self, *_: Any, **__: Any) -> Any:
        """A chunked write's first step (domain/chunked_writes.py), before its insert."""
        raise _refusal(self.recorder)

    def save(self, *_: Any, **__: Any) -> Any:
        raise _refusal(self.recorder)


class ReadOnlyLedger(_RefusesWrites):
    """The ledger's reads over the copy; every write refused, naming the file."""


def read_only_ledger(env: Mapping[str, str]) -> ReadOnlyLedger | None:
    """The ledger over a session's copy (`ReadOnlyCopy.env`), or None when its
    environment names no copy. A copy without the events table is a ledger never
    written to: its reads find no event, and a write is refused all the same."""
    origin = env.get(ORIGIN_KEY)
    if origin is None:
        return None
    store = PlainSQLiteStore(env["SQLITE_DBNAME"])
    if not store.has_table(EVENTS_TABLE):
        store._sqlite.execute(
            f"CREATE TABLE {EVENTS_TABLE} (originator_id TEXT, originator_version INTEGER, "
            "topic TEXT, state BLOB, PRIMARY KEY (originator_id, originator_version))")
    return ReadOnlyLedger(ReadOnlyRecorder(store, origin))


def refuse_a_new_postgres_ledger(env: Mapping[str, str], location: str) -> None:
    """`JIXIAO_READ_ONLY=1` on PostgreSQL with no ledger in the schema: as
    `refuse_a_new_ledger`, naming where it would have been made."""
    if env.get("PERSISTENCE_MODULE") == "eventsourcing.postgres" and _forced(env):
        raise ReadOnlyStoreError(POSTGRES_READ_ONLY.format(path=location))


def postgres_read_only(env: Mapping[str, str], connection: Any,
                       path: str) -> tuple[tuple[str, ...] | None, list[str]]:
    """Whether a session on PostgreSQL only reads: `JIXIAO_READ_ONLY=1`, or its role may
    not insert into the events table (`GRANT SELECT` only, an auditor's), or lacks a
    privilege a writer needs on another of the ledger's tables (`missing_grants`). Then
    the connection's transactions are made READ ONLY, so nothing can be written on it
    even by an owner, and the session writes none of its caches (the chain, the view,
    the snapshots): each would be refused, and logged as an ERROR by the server.
    None: the session may write; else the GRANTs its role lacks to write (none when it
    is read-only on purpose or may not insert at all); and, for a session that may write,
    the notice when its role may not write the statements view (`view_unwritable`: the
    session keeps it in memory, as a reader's)."""
    speed_ups: list[str] = []
    missing = postgres_write_grants(env, connection, speed_ups)
    if missing is None:
        return None, view_unwritable(env, speed_ups, path)
    from api.storage.postgres_options import told_on  # noqa: PLC0415 - PostgreSQL only

    with told_on(connection):
        connection.execute("SET default_transaction_read_only = on")
    return missing, []


# What a session that writes does to each of the ledger's tables (its upserts need
# UPDATE, a view's rebuild and a snapshot's replacement DELETE). The events table's
# UPDATE is eventsourcing's `LOCK TABLE … IN EXCLUSIVE MODE` before each insert, which
# PostgreSQL allows a role with UPDATE, DELETE or TRUNCATE on it (any one is taken).
WRITER_PRIVILEGES = (
    (PlainPostgresRecorder.events_table_name, "SELECT,INSERT,UPDATE"),
    ("jixiao_chain", "SELECT,INSERT"),
    ("jixiao_chain_tracking", "SELECT,INSERT,UPDATE"),
    ("jixiao_view_tracking", "SELECT,INSERT,UPDATE"),
    ("jixiao_statements", "SELECT,INSERT,UPDATE,DELETE"),
    ("jixiao_figures", "SELECT,INSERT,DELETE"),
    ("jixiao_view_notes", "SELECT,INSERT,UPDATE"),
    ("jixiao_snapshots", "SELECT,INSERT,UPDATE"),
    ("jixiao_facts_snapshots", "SELECT,INSERT,DELETE"),
)
# The statements view's tables, which a session that may not write them keeps in memory
# (api/storage/statement_views.py `ViewInMemory`).
VIEW_TABLES = ("jixiao_view_tracking", "jixiao_statements", "jixiao_figures",
               "jixiao_view_notes")
# Only a speed-up: a role that may write the ledger but not these (another role made them,
# the schema's owner too, whom PostgreSQL grants nothing on a table another role made in
# its schema; or an owner made them after the role's grant) writes without them, each
# asked before it is written (the snapshots) or kept in memory (the view). Counted as a
# writer's lack, they made such a role read-only: the schema's owner refused every write.
SPEED_UP_TABLES = frozenset({*VIEW_TABLES, "jixiao_snapshots", "jixiao_facts_snapshots"})
# One row: whether the role may insert events (NULL: no events table), each privilege
# a writer lacks on a table that is there (`table:PRIVILEGE`), the events' id sequence
# and whether the role may use it (nextval asks USAGE or UPDATE). One statement, one
# round trip at every open, the owner's too: the sequence asked apart was a second one.
_GRANTS_QUERY = """
SELECT CASE WHEN to_regclass(%(events)s) IS NULL THEN NULL
            ELSE has_table_privilege(%(events)s, 'INSERT') END,
       ARRAY(SELECT t.name || ':' || p.privilege
             FROM unnest(%(names)s::text[], %(privileges)s::text[]) WITH ORDINALITY
                  AS t(name, privileges, number)
             CROSS JOIN LATERAL unnest(string_to_array(t.privileges, ','))
                  WITH ORDINALITY AS p(privilege, place)
             WHERE to_regclass(%(schema)s || '.' || quote_ident(t.name)) IS NOT NULL
               AND NOT has_table_privilege(%(schema)s || '.' || quote_ident(t.name),
                                           p.privilege)
               AND NOT (t.number = 1 AND p.privilege = 'UPDATE' AND (
                   has_table_privilege(%(events)s, 'DELETE') OR
                   has_table_privilege(%(events)s, 'TRUNCATE')))
             ORDER BY t.number, p.place),
       CASE WHEN to_regclass(%(events)s) IS NULL THEN NULL
            ELSE pg_get_serial_sequence(%(events)s, 'notification_id') END,
       CASE WHEN to_regclass(%(events)s) IS NULL THEN NULL
            ELSE has_sequence_privilege(pg_get_serial_sequence(%(events)s, 'notification_id'),
                                        'USAGE') OR
                 has_sequence_privilege(pg_get_serial_sequence(%(events)s, 'notification_id'),
                                        'UPDATE') END
"""
MISSING_GRANTS = ("the database role {role} lacks privileges it needs to write the ledger "
                  "{path}: ask the tables' owner to run {grants} (docs/deploy.md); reads "
                  "answer meanwhile as for a role that may only read; nothing was written")


def postgres_write_grants(env: Mapping[str, str], connection: Any,
                          speed_ups: list[str] | None = None) -> tuple[str, ...] | None:
    """None when `connection`'s role may write the ledger; else why not: () for
    `JIXIAO_READ_ONLY=1` or a role that may not insert into the events table, else the
    GRANT statements it lacks on the ledger's other tables (`WRITER_PRIVILEGES`) and
    the events' id sequence, the speed-up tables' among them. A lack on the speed-up
    tables alone (`SPEED_UP_TABLES`) does not stop a write: it is added to `speed_ups`
    when given (as `table:PRIVILEGE`), and None is returned. A role that lacks more
    reads as an auditor's, and a write is refused naming them, before anything is
    written: it used to be refused half-way, by a traceback, after its events were
    written and before they were chained. Asked as the session's other queries are (a
    connection lost meanwhile told as lost, exit 6 / 503, not psycopg's traceback)."""
    if _forced(env):
        return ()
    from psycopg import sql  # noqa: PLC0415 - PostgreSQL only

    from api.storage.postgres_options import told_on  # noqa: PLC0415 - PostgreSQL only

    schema = sql.Identifier(env.get("POSTGRES_SCHEMA") or "public").as_string(connection)
    events = sql.Identifier(env.get("POSTGRES_SCHEMA") or "public",
                            PlainPostgresRecorder.events_table_name).as_string(connection)
    names, privileges = zip(*WRITER_PRIVILEGES, strict=True)
    # No events table (a key vault's store before its first event): nothing says the
    # role may not write; has_table_privilege would fail on the missing table.
    with told_on(connection):
        row = connection.execute(_GRANTS_QUERY, {
            "events": events, "schema": schema, "names": list(names),
            "privileges": list(privileges)}).fetchone()
    may_insert, lacking, sequence, may_use = row if row is not None else (None, [], None, None)
    if may_insert is False:
        return ()
    if sequence is not None and may_use is False:
        lacking = [*lacking, f"{sequence}:USAGE"]
    if not lacking:
        return None
    if all(item.rsplit(":", 1)[0] in SPEED_UP_TABLES for item in lacking):
        if speed_ups is not None:
            speed_ups.extend(lacking)
        return None
    return grant_statements(env, lacking)


def grant_statements(env: Mapping[str, str], lacking: Sequence[str]) -> tuple[str, ...]:
    """The GRANT statements of `lacking` (`table:PRIVILEGE`, as `speed_ups` holds them)."""
    from psycopg import sql  # noqa: PLC0415 - PostgreSQL only

    schema = sql.Identifier(env.get("POSTGRES_SCHEMA") or "public").as_string(None)
    return _grant_statements(lacking, schema, env.get("POSTGRES_USER") or "")


def _grant_statements(lacking: Sequence[str], schema: str, role: str) -> tuple[str, ...]:
    from psycopg import sql  # noqa: PLC0415 - PostgreSQL only

    grantee = sql.Identifier(role).as_string(None) if role else "…"
    wanted: dict[str, list[str]] = {}
    for item in lacking:
        name, privilege = item.rsplit(":", 1)
        wanted.setdefault(name, []).append(privilege)
    statements = []
    for name, privileges in wanted.items():
        if privileges == ["USAGE"]:  # the sequence, named as pg_get_serial_sequence did
            statements.append(f"GRANT USAGE ON SEQUENCE {name} TO {grantee}")
            continue
        table = f"{schema}.{sql.Identifier(name).as_string(None)}"
        statements.append(f"GRANT {', '.join(privileges)} ON {table} TO {grantee}")
    return tuple(statements)


# A notice (stderr), for a role that may write the ledger but not the statements view's
# tables (`SPEED_UP_TABLES`): the schema's owner after another role made them.
UNWRITABLE_VIEW = ("this database role may not write the statements view's tables of the "
                   "ledger {path}: each command computes the statements it reads in memory, "
                   "which is slow; ask their owner to run {grants} (docs/deploy.md)")


def view_unwritable(env: Mapping[str, str], speed_ups: Sequence[str],
                    path: str) -> list[str]:
    """The notice for a view this role may not write (`UNWRITABLE_VIEW`), if so."""
    lacking = [item for item in speed_ups if item.rsplit(":", 1)[0] in VIEW_TABLES]
    if not lacking:
        return []
    return [UNWRITABLE_VIEW.format(path=path, grants="; ".join(grant_statements(env, lacking)))]


# A notice (stderr), for a reading role that may not read the chain's tables
# (api/storage/chain.py `ChainInMemory.unreadable`).
UNREADABLE_CHAIN = ("this database role may not read the hash chain's tables of the ledger "
                    "{path}: each command chains every event again in memory, which is slow; "
                    "ask their owner to run GRANT SELECT ON {tables} TO {role} "
                    "(docs/deploy.md)")


def unreadable_chain(chain: Any, path: str, role: str) -> list[str]:
    """The notice for a chain its role may not read (`ChainInMemory.unreadable`), if so."""
    tables = getattr(chain, "unreadable", None)
    if tables is None:
        return []
    from psycopg import sql  # noqa: PLC0415 - PostgreSQL only

    return [UNREADABLE_CHAIN.format(path=path, tables=tables,
                                    role=sql.Identifier(role).as_string(None))]


class ReadOnlyPostgresRecorder(_RefusesInserts, PlainPostgresRecorder):
    """Its recorder: it reads, and refuses any insert, as `ReadOnlyRecorder` does;
    naming the GRANTs its role lacks when that is why (`missing`)."""

    missing: tuple[str, ...] = ()
    role = ""


class ReadOnlyPostgresLedger(_RefusesWrites):
    """A read-only session's ledger on PostgreSQL (`postgres_read_only`): reads on the
    session's connection, every write refused, naming the store (and `missing`, the
    GRANTs a role that may not write lacks)."""

    def __init__(self, connection: Any, schema: str | None, location: str,
                 missing: tuple[str, ...] = (), role: str = "") -> None:
        recorder = ReadOnlyPostgresRecorder(PlainPostgresStore(connection, schema or "public"),
                                            location)
        recorder.missing, recorder.role = missing, role
        super().__init__(recorder)
