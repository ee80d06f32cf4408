"""A period's statement from the warm statements view, read with the database driver
alone: no ledger, no fold, no event models. A `jixiao payout` from a new process waits
for the import of its code more than for its answer; this is the answer's whole path.

It answers only when a full session would serve the very same stored row unchanged: the
view is at the events' last position and stamped by this code (api.storage.code_digest:
its rows are this calculation's), the row hashes to its stored SHA-256 and was not
computed after the view's position, the fold's invalid entries are noted at that same
position, and a closed period's row carries the hash its close recorded while the chain
at the close still holds the recorded head, its link recomputed from the event's bytes
(the hardening's check: one link, not a walk). Anything else is None, and the caller
takes the full path, which catches up, recomputes or refuses as it always did."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager, suppress
from functools import cached_property
from pathlib import Path
from typing import Any
from uuid import UUID

from api.storage.code_digest import VIEW_STAMP_NOTE, stamped_by_this_code
from api.storage.file_modes import may_write
from api.storage.recorded_closes import CLOSE_TOPIC_SQL, RecordedClose, close_of
from api.storage.store_env import postgres_connect_args
from domain.records import frozen_record
from projections.chain_links import (
    GENESIS,
    StoredRecord,
    chain_link,
)
from projections.figure_tree import (
    MAPS_SUBJECT,
    SUBJECTS_ROW,
    UntrustedFigureError,
    figure_subject,
)

# projections.views.VIEW_NAME and its notes' names (that module imports the models).
VIEW_NAME = "statements"
INVALID_ENTRIES_NOTE = "invalid_entries"
REPORT_FIGURES_NOTE = "report_figures"
# Rows read by one query: far below any driver's limit on parameters.
PREFETCH_ROWS_MAX = 500
# The close events, the topic in the text: their partial index serves only a query naming
# it (api/storage/close_index.py); without the index, the same rows by a scan.
CLOSES_QUERY = f"SELECT state FROM {{events}} WHERE topic = {CLOSE_TOPIC_SQL} ORDER BY {{position}}"  # noqa: S608 - a constant


@frozen_record
class WarmStatement:
    body: str  # the stored canonical JSON, as a full session would serve it
    invalid_entries: list[dict[str, Any]]
    # The figure maps (projections.figure_rows), when reports carry them by default.
    maps: str | None = None


# On PostgreSQL, whether this role may read every table of the view: one made by another
# role (the schema's owner's is not, when a role with CREATE made it), or by the owner after
# this role's grant, was read, refused, and logged as an ERROR by the server at every verb.
# Asked in the query that reads the events' position (no round trip more).
_VIEW_READABLE = " AND ".join(
    f"has_table_privilege(to_regclass('{table}'), 'SELECT')" for table in (
        "jixiao_view_tracking", "jixiao_statements", "jixiao_figures", "jixiao_view_notes"))


class _Reader:
    """SQL over one store: eventsourcing's events table and the view's tables."""

    def __init__(self, connection: Any, events: str, position: str, mark: str) -> None:
        self.connection, self.events, self.position, self.mark = (
            connection, events, position, mark)
        self.readable = _VIEW_READABLE if mark == "%s" else "1"

    def rows(self, sql: str, *args: Any) -> list[Sequence[Any]]:
        text = sql.format(events=self.events, position=self.position,
                          readable=self.readable).replace("?", self.mark)
        return list(self.connection.execute(text, args).fetchall())

    def one(self, sql: str, *args: Any) -> Sequence[Any] | None:
        found = self.rows(sql, *args)
        return found[0] if found else None


def _on(connection: Any, env: Mapping[str, str]) -> _Reader:
    """A reader over a connection already open on the store (the statements view's)."""
    if env.get("PERSISTENCE_MODULE") == "eventsourcing.postgres":
        return _Reader(connection, "jixiao_events", "notification_id", "%s")
    return _Reader(connection, "stored_events", "rowid", "?")


@contextmanager
def _reader(env: Mapping[str, str], opened: Any = None) -> Iterator[_Reader | None]:
    if opened is not None:
        yield _on(opened, env)  # the caller's to close
        return
    if env.get("PERSISTENCE_MODULE") == "eventsourcing.postgres":
        from api.storage.postgres_options import connect  # noqa: PLC0415 - PostgreSQL only

        schema = env.get("POSTGRES_SCHEMA")
        options = f"-c search_path={schema}" if schema else ""
        arguments: dict[str, Any] = dict(postgres_connect_args(env))
        with connect(arguments, options=options, autocommit=True) as connection:
            yield _Reader(connection, "jixiao_events", "notification_id", "%s")
        return
    name = env.get("SQLITE_DBNAME", "")
    if not name or name == ":memory:" or "mode=memory" in name or not Path(name).is_file():
        yield None
        return
    if not Path(f"{name}-shm").exists() and not may_write(Path(name).parent):
        # `mode=ro` on a WAL file makes its -shm (and -wal) wherever this user may, so
        # root did in a folder its owner made read-only (chmod a-w); the full path reads
        # it without writing (api/storage/read_only.py `read_uri`).
        yield None
        return
    file = sqlite3.connect(Path(name).resolve().as_uri() + "?mode=ro", uri=True, timeout=30)
    try:
        yield _Reader(file, "stored_events", "rowid", "?")
    finally:
        file.close()


def warm_statement(env: Mapping[str, str], period: str) -> WarmStatement | None:
    """The stored statement of `period` (as `str(Period)`), or None: see the module.
    On a ledger whose reports carry their figures maps by default, `maps` holds them."""
    with suppress(Exception):  # a missing table, a driver error: the full path says what
        with _reader(env) as reader:
            row = None if reader is None else _current_row(reader, period)
            if reader is None or row is None:
                return None
            maps = None
            if row.report_figures:
                maps = StoredFigures(reader, period, row).text(MAPS_SUBJECT)
            return WarmStatement(row.body, json.loads(row.note), maps)
    return None


@contextmanager
def warm_figures(env: Mapping[str, str], period: str,
                 connection: Any = None) -> Iterator[StoredFigures | None]:
    """The stored figures of `period` while the store is open, or None: see the module.
    A figure row found wrong on the way raises UntrustedFigureError: the caller takes
    the full path, which recomputes. `connection`: one open on the store already (a
    session's statements view), read instead of opening another."""
    with ExitStack() as stack:
        stored = None
        with suppress(Exception):  # a missing table, a driver error: the full path says what
            reader = stack.enter_context(_reader(env, connection))
            row = None if reader is None else _current_row(reader, period)
            if reader is not None and row is not None:
                stored = StoredFigures(reader, period, row)
        yield stored


@frozen_record
class _Row:
    body: str
    sha256: str
    position: int
    note: str
    report_figures: bool


class StoredFigures:
    """A current statement row's figures, read by subject as an explanation needs them,
    each row checked against its own hash and tied to the statement's hash and position."""

    def __init__(self, reader: _Reader, period: str, row: _Row) -> None:
        self._reader, self._period, self._row = reader, period, row
        self._subjects: dict[str, dict[str, Any]] = {}
        self._listed: frozenset[str] | None = None

    @cached_property
    def statement(self) -> dict[str, Any]:
        return json.loads(self._row.body)  # type: ignore[no-any-return]

    def text(self, subject: str) -> str:
        return self._texts([subject])[subject]

    def _texts(self, subjects: list[str]) -> dict[str, str]:
        """The rows of `subjects` (each must exist), each checked; one query."""
        marks = ",".join("?" * len(subjects))
        try:
            found = self._reader.rows(  # only placeholders are formatted into the SQL
                "SELECT subject, body, sha256, statement_sha256, position FROM "  # noqa: S608
                f"jixiao_figures WHERE period = ? AND subject IN ({marks})",
                self._period, *subjects)
        except Exception as error:  # the driver's own (no figures table: an older view)
            raise UntrustedFigureError(str(error)) from error
        texts = {}
        for subject, body, sha256, statement_sha256, position in found:
            if str(statement_sha256) != self._row.sha256 or int(position) != self._row.position or (
                    hashlib.sha256(str(body).encode()).hexdigest() != str(sha256)):
                raise UntrustedFigureError(f"figures {self._period} {subject!r}")
            texts[str(subject)] = str(body)
        if len(texts) != len(set(subjects)):
            raise UntrustedFigureError(f"figures {self._period}: a row is missing")
        return texts

    def prefetch(self, keys: list[str]) -> None:
        """Read the rows of these figures' subjects not read yet, in one query."""
        wanted = {figure_subject(key) for key in keys} - self._subjects.keys()
        listed = sorted(subject for subject in wanted if self._has(subject))
        for subject in wanted - set(listed):
            self._subjects[subject] = {}
        for start in range(0, len(listed), PREFETCH_ROWS_MAX):
            for subject, text in self._texts(listed[start:start + PREFETCH_ROWS_MAX]).items():
                self._subjects[subject] = json.loads(text)

    def figure(self, key: str) -> dict[str, Any] | None:
        """`Figure.to_json` of one figure (a fresh dict), or None when not computed."""
        subject = figure_subject(key)
        if subject not in self._subjects:
            self.prefetch([key])
        found = self._subjects[subject].get(key)
        return None if found is None else dict(found)

    def _has(self, subject: str) -> bool:
        """Whether the statement has figures of `subject` (so a deleted row is found
        wrong, not taken for a subject without figures)."""
        if self._listed is None:
            self._listed = frozenset(json.loads(self.text(SUBJECTS_ROW)))
        return subject in self._listed


def _current_row(reader: _Reader, period: str) -> _Row | None:
    """The statement row of `period` when a full session would serve it unchanged."""
    at = reader.one("SELECT MAX({position}), {readable} FROM {events}")
    if at is None or not at[1]:
        return None  # the full path reads the view as this role may
    tracked = reader.one("SELECT position FROM jixiao_view_tracking WHERE view = ?", VIEW_NAME)
    if at is None or tracked is None or int(tracked[0]) != int(at[0] or 0):
        return None  # behind the events: the full path catches it up first
    position = int(tracked[0])
    row = reader.one("SELECT status, body, sha256, position FROM jixiao_statements "
                     "WHERE period = ?", period)
    notes = {str(name): (int(at), str(body)) for name, at, body in reader.rows(
        "SELECT name, position, body FROM jixiao_view_notes WHERE name IN (?, ?, ?)",
        INVALID_ENTRIES_NOTE, REPORT_FIGURES_NOTE, VIEW_STAMP_NOTE)}
    note, figures_note = notes.get(INVALID_ENTRIES_NOTE), notes.get(REPORT_FIGURES_NOTE)
    if row is None or note is None or note[0] != position or (
            figures_note is None or figures_note[0] != position) or not stamped_by_this_code(
            position, notes.get(VIEW_STAMP_NOTE)):
        return None  # the full path opens the view, which empties one of other code
    status, body, sha256, computed_at = str(row[0]), str(row[1]), str(row[2]), int(row[3])
    # projections.views.StoredStatement.problem, and only an "ok" row: a blocked one is
    # raised by the full path with its problems.
    if status != "ok" or computed_at > position or (
            hashlib.sha256(body.encode()).hexdigest() != sha256):
        return None
    close = _recorded_close(reader, period)
    if close is not None and (close.statement_sha256 != sha256 or not _chain_holds(reader, close)):
        return None
    return _Row(body, sha256, computed_at, note[1], json.loads(figures_note[1]) is True)


def _recorded_close(reader: _Reader, period: str) -> RecordedClose | None:
    """The last close of `period` (api.storage.view_checks.recorded_closes)."""
    found = None
    for (state,) in reader.rows(CLOSES_QUERY):
        close = close_of(_bytes(state))
        if close is not None and close[0] == period:
            found = close[1]
    return found


def _chain_holds(reader: _Reader, close: RecordedClose) -> bool:
    """api.storage.chain.check_close: the link at the close is the recorded head, and it
    still hashes from the link before it and the stored event's bytes."""
    row = reader.one("SELECT position, link FROM jixiao_chain WHERE position <= ? "
                     "ORDER BY position DESC LIMIT 1", close.position)
    if (str(row[1]) if row else GENESIS) != close.chain_head:
        return False
    if row is None:
        return True
    linked = int(row[0])
    event = reader.one("SELECT originator_id, originator_version, topic, state FROM {events} "
                       "WHERE {position} = ?", linked)
    if event is None:
        return False
    before = reader.one("SELECT link FROM jixiao_chain WHERE position <= ? "
                        "ORDER BY position DESC LIMIT 1", linked - 1)
    try:
        record = StoredRecord(linked, UUID(str(event[0])), int(event[1]), str(event[2]),
                              _bytes(event[3]))
    except ValueError:  # an id edited to no UUID: no link is made of it; the full path
        return False  # reads the fold, which names it
    return chain_link(str(before[0]) if before else GENESIS, record) == str(row[1])


def _bytes(state: Any) -> bytes:
    return state if isinstance(state, bytes) else (
        bytes(state) if isinstance(state, memoryview) else str(state).encode())
