"""The stored events read straight from the store's table, as plain rows, and decoded.

eventsourcing's `select_notifications` built a `Notification` object per row, and on
SQLite a `UUID` from the id's text through `UUID.__init__`; the fold then went through
the mapper one event at a time. Together that was a fifth of a fold. Here the rows are
selected as tuples (the same statement, on SQLite and PostgreSQL), each id becomes a
`UUID` in one step, and each body goes to its type's fast reader
(domain/stored_decoding.py). Anything the fast reader does not vouch for goes through
the mapper's own path (`read_stored`) unchanged, so a stored entry that no longer reads
is still isolated as an `InvalidEntry` with the same wording. The fold, the view
catch-up (through the fold) and the audit chain's walk (api/storage/chain.py) read here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol
from uuid import UUID, SafeUUID

from domain.envelope import LedgerEvent
from domain.sql_text import sql_text
from domain.stored_decoding import NotFast, fast_reader
from domain.stored_event import StoredBody, StoredColumns
from domain.stored_ids import stored_id, unreadable_id_entry
from domain.stored_topics import UnknownStoredType, stored_class

# (notification id, originator id as the store gives it, version, topic, state)
Row = tuple[int, Any, int, str, bytes]
Reader = Callable[..., LedgerEvent]


class FoldChain(Protocol):
    """The hash chain computed over the rows the ledger's fold takes in, as it takes them
    in (api/storage/fold_chain.py): what a signed snapshot of the fold vouches for."""

    def read(self, before: int, rows: list[Row]) -> None:
        """Rows read from the store, folded onto a fold at position `before`."""

    def wrote(self, first: int, rows: Sequence[tuple[Any, int, str, bytes]]) -> None:
        """The ledger's own stored rows, folded in from position `first` on."""

    def restart(self) -> None:
        """The fold was dropped: it starts again from nothing."""

_new = object.__new__
# A UUID's two slots, set through their descriptors: `object.__setattr__` looked each
# name up on the class first.
_set_int = UUID.__dict__["int"].__set__
_set_safe = UUID.__dict__["is_safe"].__set__
_UNKNOWN = SafeUUID.unknown


def select_rows(recorder: Any, start: int, limit: int, topics: Sequence[str] = ()) -> list[Row]:
    """The stored events from notification id `start` on, at most `limit`, in order."""
    kind = store_kind(recorder)
    if kind == "sqlite":
        return _sqlite_rows(recorder, start, limit, topics)
    if kind == "postgres":
        selected: list[Row] = _postgres_rows(recorder, start, limit, topics)
        return selected
    notifications = recorder.select_notifications(start=start, limit=limit, topics=topics)
    rows: list[Row] = [(n.id, n.originator_id, n.originator_version, n.topic, n.state)
                       for n in notifications]
    return rows


def sqlite_statement(table: str, topics: Sequence[str]) -> str:
    """The SQLite select of `select_rows` (parameters: the start, the limit)."""
    statement = f"SELECT rowid, originator_id, originator_version, topic, state FROM {table} "  # noqa: S608
    statement += "WHERE rowid>=? "
    if len(topics) == 1:
        # Named in the text, not bound, and with `=`: SQLite uses a partial index (the
        # close events', api/storage/close_index.py) only for a WHERE that implies the
        # index's own, and does not read `IN` of one value as implying it.
        statement += f"AND topic = {sql_text(topics[0])} "
    elif topics:
        statement += f"AND topic IN ({','.join(map(sql_text, topics))}) "
    return statement + "ORDER BY rowid LIMIT ?"


def _sqlite_fetch(recorder: Any, start: int, limit: int, topics: Sequence[str]) -> list[Row]:
    """The rows as SQLite gives them: ids as their text."""
    # The recorder's own table, not input.
    statement = sqlite_statement(recorder.events_table_name, topics)
    with recorder.datastore.transaction(commit=False) as cursor:
        raw = cursor.sqlite_cursor
        raw.row_factory = None  # tuples, not sqlite3.Row
        raw.execute(statement, [start, limit])
        rows: list[Row] = raw.fetchall()
    return rows


def _sqlite_rows(recorder: Any, start: int, limit: int, topics: Sequence[str]) -> list[Row]:
    rows = _sqlite_fetch(recorder, start, limit, topics)
    if recorder.datastore.originator_id_type != "uuid":
        # Text ids stay text, as eventsourcing gives them; none of ours are.
        return rows
    converted: list[Row] = []
    append = converted.append
    for position, text, version, topic, state in rows:
        # The common case of `stored_id` (domain/stored_ids.py) inline: a call per
        # row was most of its cost. isalnum on ASCII admits only 0-9, a-z, A-Z, which
        # int() reads as hex or refuses ("0x…" it reads as `UUID` does): no sign, space
        # or underscore, which int() would otherwise allow.
        if type(text) is str and len(text) == 32 and text.isascii() and text.isalnum():
            try:
                number = int(text, 16)
            except ValueError:
                append((position, stored_id(text), version, topic, state))
                continue
            uuid = _new(UUID)
            _set_int(uuid, number)
            _set_safe(uuid, _UNKNOWN)
            append((position, uuid, version, topic, state))
        else:
            # An edited id stays its text (domain/stored_ids.py): each reader names it.
            append((position, stored_id(text), version, topic, state))
    return converted


def store_kind(recorder: Any) -> str | None:
    """"sqlite" or "postgres": which database the recorder's datastore reads, whether
    eventsourcing's or a plain reader's of ours (api/storage/plain_store.py, which names
    its kind); None for any other recorder (read through `select_notifications`)."""
    datastore = getattr(recorder, "datastore", None)
    kind: str | None = getattr(datastore, "store_kind", None)
    return kind if kind is not None else _KINDS.get(type(datastore).__module__)


_KINDS = {"eventsourcing.sqlite": "sqlite", "eventsourcing.postgres": "postgres"}
_retried: list[Callable[..., list[Row]]] = []


def _postgres_rows(recorder: Any, start: int, limit: int, topics: Sequence[str]) -> list[Row]:
    """`_postgres_select`, retried as eventsourcing retries its own select_notifications on
    PostgreSQL (its retry and errors imported here: only PostgreSQL's reads need them)."""
    if getattr(recorder.datastore, "store_kind", None) is not None:
        # A plain reader's one connection (api/storage/plain_store.py): no pool to take
        # another from, so nothing to retry on.
        return _postgres_select(recorder, start, limit, topics)
    if not _retried:
        from eventsourcing.persistence import InterfaceError, OperationalError  # noqa: PLC0415
        from eventsourcing.utils import retry  # noqa: PLC0415

        _retried.append(retry((InterfaceError, OperationalError), max_attempts=10,
                              wait=0.2)(_postgres_select))
    return _retried[0](recorder, start, limit, topics)


def postgres_statement(schema: str, table: str, topics: Sequence[str]) -> Any:
    """The PostgreSQL select of `select_rows` (parameters: the start, the limit)."""
    from psycopg.sql import SQL, Identifier, Literal  # noqa: PLC0415 - PostgreSQL only

    statement = SQL(
        "SELECT notification_id, originator_id, originator_version, topic, state "
        "FROM {schema}.{table} WHERE notification_id>=%s").format(
        schema=Identifier(schema), table=Identifier(table))
    if topics:
        # Literals, as on SQLite: a prepared statement's generic plan cannot prove a
        # parameter implies a partial index's WHERE (api/storage/close_index.py).
        statement += SQL(" AND topic = {}").format(Literal(topics[0])) if len(topics) == 1 \
            else SQL(" AND topic IN ({})").format(SQL(", ").join(map(Literal, topics)))
    return statement + SQL(" ORDER BY notification_id LIMIT %s")


def _postgres_select(recorder: Any, start: int, limit: int, topics: Sequence[str]) -> list[Row]:
    from psycopg.rows import tuple_row  # noqa: PLC0415 - PostgreSQL only

    datastore = recorder.datastore
    statement = postgres_statement(datastore.schema, recorder.events_table_name, topics)
    params = [start, limit]
    with datastore.get_connection() as connection, connection.cursor(
            row_factory=tuple_row) as cursor:
        # In binary: as text a bytea state comes hex-encoded (twice its bytes), encoded by
        # the server and decoded by psycopg (a hospital's fold 94.6 -> 77.9 ms).
        cursor.execute(statement, params, prepare=True, binary=True)
        return [(p, i, v, t, s if type(s) is bytes else bytes(s))
                for p, i, v, t, s in cursor.fetchall()]


def decode_rows(mapper: Any, rows: list[Row],
                read_stored: Callable[[Any, StoredColumns], LedgerEvent],
                ) -> list[tuple[int, LedgerEvent]]:
    """Each row as (position, event): its type's fast reader, else `read_stored` (the
    mapper's own path, which words a stored entry that does not read)."""
    readers: dict[str, Reader | None] = getattr(mapper, "_fast", {})
    decoded: list[tuple[int, LedgerEvent]] = []
    append = decoded.append
    for position, originator_id, version, topic, state in rows:
        fast = readers.get(topic, _MISSING)
        if fast is _MISSING:
            fast = reader_for(mapper, topic)
        if fast is not None and type(state) is bytes:
            try:
                append((position, fast(state, originator_id, version)))
                continue
            except (NotFast, ValueError):
                pass  # the mapper's own path decides, and words any problem, as before
        if type(originator_id) is not UUID:  # text: maybe an edited id (one check)
            append((position, _read_text_id(mapper, read_stored, (
                position, originator_id, version, topic, state))))
            continue
        append((position, read_stored(mapper, StoredBody(
            originator_id=originator_id, originator_version=version, topic=topic,
            state=state))))
    return decoded


_MISSING: Any = object()


def _read_text_id(mapper: Any,
                  read_stored: Callable[[Any, StoredColumns], LedgerEvent],
                  row: Row) -> LedgerEvent:
    """A row the fast reader did not take, whose id is not a `UUID` object: through the
    mapper's path (a store with text ids), unless the text is no UUID at all (an edited
    row), which is one InvalidEntry. Only here, off the fast path: a fast reader refuses
    an id that is not a UUID, so the fast path pays nothing for this."""
    position, originator_id, version, topic, state = row
    if type(stored_id(originator_id)) is not UUID:
        return unreadable_id_entry(position, originator_id, version, topic, state)
    return read_stored(mapper, StoredBody(originator_id=originator_id,
                                           originator_version=version, topic=topic,
                                           state=state))


def read_page(recorder: Any, mapper: Any, start: int, limit: int,
              read_stored: Callable[[Any, StoredColumns], LedgerEvent], *,
              seen: Callable[[list[Row]], None] | None = None,
              ) -> list[tuple[int, LedgerEvent]]:
    """`decode_rows(mapper, select_rows(recorder, start, limit), read_stored)`: one event
    per row, so the page is as long as the rows were. On SQLite in one pass over the rows
    as SQLite gives them (each id's `UUID` made as the row is decoded): the list of
    converted rows between the two steps was a sixth of the fold's reading. `seen` is
    given the rows as read, before they are decoded: the very bytes the page is made of
    (a fold that may be signed hashes them into the chain as it goes)."""
    if (store_kind(recorder) != "sqlite"
            or recorder.datastore.originator_id_type != "uuid"):
        selected = select_rows(recorder, start, limit)
        if seen is not None:
            seen(selected)
        return decode_rows(mapper, selected, read_stored)
    rows = _sqlite_fetch(recorder, start, limit, ())
    if seen is not None:
        seen(rows)
    readers: dict[str, Reader | None] = getattr(mapper, "_fast", {})
    decoded: list[tuple[int, LedgerEvent]] = []
    append = decoded.append
    for position, text, version, topic, state in rows:
        # `stored_id`'s common case inline, as in `_sqlite_rows`. (SQLite's GLOB checking
        # the 32 hex digits instead cost more than isalnum: 8 % more instructions.)
        if type(text) is str and len(text) == 32 and text.isascii() and text.isalnum():
            try:
                number = int(text, 16)
            except ValueError:
                originator_id = stored_id(text)
            else:
                originator_id = _new(UUID)
                _set_int(originator_id, number)
                _set_safe(originator_id, _UNKNOWN)
        else:
            originator_id = stored_id(text)
        fast = readers.get(topic, _MISSING)
        if fast is _MISSING:
            fast = reader_for(mapper, topic)
        if fast is not None and type(state) is bytes:
            try:
                append((position, fast(state, originator_id, version)))
                continue
            except (NotFast, ValueError):
                pass  # the mapper's own path decides, and words any problem, as before
        if type(originator_id) is not UUID:  # text: maybe an edited id (one check)
            append((position, _read_text_id(mapper, read_stored, (
                position, originator_id, version, topic, state))))
            continue
        append((position, read_stored(mapper, StoredBody(
            originator_id=originator_id, originator_version=version, topic=topic,
            state=state))))
    return decoded


def reader_for(mapper: Any, topic: str) -> Reader | None:
    """The fast reader the mapper would use for `topic` (None: the mapper's path)."""
    readers = getattr(mapper, "_fast", None)
    if readers is None:
        return None
    try:
        fast = fast_reader(stored_class(topic))
    except UnknownStoredType:
        fast = None  # the mapper's path isolates the row as an InvalidEntry
    readers[topic] = fast
    return fast
