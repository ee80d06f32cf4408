"""A snapshot of the fold of every event, beside the events, so that a new process (a CLI
what-if, an apply) reads it in one decode and folds only the events after it.

The fold of a hospital's year (18,500 events) costs a fresh process ≈0.1 s of CPU: every
stored body decoded and checked, each event built and applied to the indexes. The
snapshot holds the folded `Facts` themselves (events, live facts, indexes, invalid
entries), so loading it builds each event once and applies none; the events recorded
since are then folded onto it by `Ledger.facts`, exactly as a session that had folded
them all before would (corrections and voids included: the snapshot is the fold of a
prefix of the log, never a summary of it). An as-of read cuts the facts by recording
time from their events in order (api/usecases/as_of.py), so it sees the same prefix as
from a fold of every event.

Why pickle: the facts are a graph (an event sits in `events`, `live` and several index
lists), which pickle keeps shared in one C decode; building pydantic events from any
other encoding costs what the fold costs. Pickle runs code named by its data, so it is
only read when every check below passes, and then by an unpickler that finds only the
event, value and builder classes a fold holds (`_Restricted`): anything else named in a
body refuses it. A row is trusted as a statement row is, and no further:

* the SHA-256 of its body;
* its code: the hash of the sources of `domain/` (event classes, the fold) and the
  versions of Python and pydantic it was written with: another version folds afresh;
* its position reached by the store, and the hash chain's link there still the head it
  recorded (one link read and recomputed, as for a close): the events it holds are the
  stored ones up to it.

Anything failing falls back to the fold of every event (the answer is the same), and a
failed hash or chain is named in the session's warnings. The session that folded writes
the snapshot when it closes (`keep`), if none served it or the events folded after the
one that did have grown past `REFRESH_EVENTS` (so a small write does not pay for it).
`JIXIAO_SNAPSHOTS=off` ignores and writes none."""

from __future__ import annotations

import hashlib
import io
import pickle
import sqlite3
import sys
from collections.abc import Callable, Iterator, Mapping, MutableSequence
from contextlib import contextmanager
from enum import Enum
from functools import cache
from pathlib import Path
from typing import Any
from uuid import UUID, SafeUUID

import pydantic
from pydantic import BaseModel

from api.storage.chain import ChainStore, check_close
from domain.application import Ledger
from domain.envelope import LedgerEvent
from domain.facts import Facts, _Index, cycle_collection_paused

FORMAT = 1
NAME = "head"
SNAPSHOTS_SETTING = "JIXIAO_SNAPSHOTS"
# Events folded after the snapshot before a session rewrites it (≈5 ms of fold), or one
# in sixteen of those it holds, whichever is more: rewriting costs ≈4 µs an event.
REFRESH_EVENTS = 1000
COLUMNS = "name, piece, position, chain_head, code, sha256, body"
PIECE = 1 << 20  # bytes of a body a row holds
# Facts' own fields that are a process's, not the fold's: rebuilt empty on load.
_TRANSIENT = ("_upto", "_layers", "sealed")


def _table(blob: str) -> str:
    # A body is kept in pieces: libpq keeps a connection's input buffer as large as the
    # largest message it received, for the connection's life (a server's view), and a
    # body grows with the store (4 MB for the hospital, 40 MB for a county).
    return ("CREATE TABLE IF NOT EXISTS jixiao_facts_snapshots (name TEXT NOT NULL, "
            "piece INTEGER NOT NULL, position BIGINT NOT NULL, chain_head TEXT NOT NULL, "
            f"code TEXT NOT NULL, sha256 TEXT NOT NULL, body {blob} NOT NULL, "
            "PRIMARY KEY (name, piece))")


# ------------------------------------------------------------------ encoding


_new = object.__new__
_SET_DICT = BaseModel.__dict__["__dict__"].__set__
_SET_GIVEN = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_SET_EXTRA = BaseModel.__dict__["__pydantic_extra__"].__set__
_SET_PRIVATE = BaseModel.__dict__["__pydantic_private__"].__set__
_SET_INT = UUID.__dict__["int"].__set__
_SET_SAFE = UUID.__dict__["is_safe"].__set__
_UNKNOWN = SafeUUID.unknown


def _event(cls: type[LedgerEvent], values: dict[str, Any], given: set[str] | None) -> Any:
    """An event as the fold held it (pydantic's `__setstate__` costs four times this)."""
    if not (isinstance(cls, type) and issubclass(cls, LedgerEvent)):
        raise pickle.UnpicklingError(f"{cls!r} is not a ledger event")
    event = _new(cls)
    _SET_DICT(event, values)
    _SET_GIVEN(event, _all_fields(cls) if given is None else given)
    _SET_EXTRA(event, None)
    _SET_PRIVATE(event, None)
    return event


@cache
def _all_fields(cls: type[LedgerEvent]) -> set[str]:
    # One set per type, shared, as the stored decoder does: events are frozen.
    return set(cls.model_fields)


def _uuid(number: int) -> UUID:
    uuid = _new(UUID)
    _SET_INT(uuid, number)
    _SET_SAFE(uuid, _UNKNOWN)
    return uuid


def _reduce_event(event: LedgerEvent) -> Any:
    if event.__pydantic_extra__ is not None or event.__pydantic_private__ is not None:
        return event.__reduce_ex__(5)  # not what `_event` builds: pydantic's own way
    kind = type(event)
    given = event.__pydantic_fields_set__
    return _event, (kind, event.__dict__, None if given == _all_fields(kind) else given)


def _reduce_uuid(uuid: UUID) -> Any:
    return _uuid, (uuid.int,)


def _dispatch() -> dict[type, Any]:
    """How each event class and UUID is pickled, looked up by the pickler in C (a
    `reducer_override` is a Python call for every date and decimal too)."""
    table: dict[type, Any] = {UUID: _reduce_uuid}
    classes: list[type] = [LedgerEvent]
    while classes:
        cls = classes.pop()
        table[cls] = _reduce_event
        classes += cls.__subclasses__()
    return table


def encode(facts: Facts) -> bytes:
    """The fold's state as a body (what `decode` reads back)."""
    state = {name: value for name, value in facts.__dict__.items() if name not in _TRANSIENT}
    index = dict(facts.index.__dict__)
    index["parsed"] = {}  # parsed schemes: a cache, parsed again when asked
    index["owned"] = None
    state["index"] = index
    out = io.BytesIO()
    pickler = pickle.Pickler(out, protocol=5)
    pickler.dispatch_table = _dispatch()
    pickler.dump((FORMAT, state))
    return out.getvalue()


# What a body may name: the builders above, plain values, and the fold's own classes.
_VALUES = {("datetime", "date"), ("datetime", "datetime"), ("datetime", "timezone"),
           ("datetime", "timedelta"), ("decimal", "Decimal"), ("fractions", "Fraction"),
           ("uuid", "UUID"), ("uuid", "SafeUUID"), ("builtins", "set"),
           ("builtins", "frozenset"), ("pydantic_core._pydantic_core", "TzInfo")}


class _Restricted(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _VALUES:
            return super().find_class(module, name)
        if module == __name__ and name in ("_event", "_uuid"):
            return globals()[name]
        if module.startswith("domain.") and "." not in name:
            found = super().find_class(module, name)
            if isinstance(found, type) and issubclass(found, BaseModel | Enum | tuple | str):
                return found  # a model, enum or named tuple of the domain
        raise pickle.UnpicklingError(f"a facts snapshot may not name {module}.{name}")


def decode(body: bytes) -> Facts:
    """The facts a body holds; ValueError (or pickle's errors) when it is not one."""
    with cycle_collection_paused():  # as a fold: everything it makes stays alive
        loaded = _Restricted(io.BytesIO(body)).load()
    if not (isinstance(loaded, tuple) and len(loaded) == 2 and loaded[0] == FORMAT):
        raise ValueError("not a facts snapshot of this format")
    state = loaded[1]
    state["index"] = _Index(**state["index"])
    facts = Facts(**state)
    if not isinstance(facts.events, dict) or not isinstance(facts.last_position, int):
        raise ValueError("not a facts snapshot")
    return facts


@cache
def code_version() -> str:
    """What a body's classes and fold depend on: the sources of `domain/`, and the
    versions of Python and pydantic (their pickled forms)."""
    digest = hashlib.sha256(f"{FORMAT}:{sys.version}:{pydantic.VERSION}".encode())
    root = Path(__file__).resolve().parent.parent.parent / "domain"
    for path in sorted(root.rglob("*.py")):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


# ------------------------------------------------------------------ the stored row


def _gone() -> Any:
    raise RuntimeError("the session of this facts snapshot is closed")



class FactsSnapshots:
    """The session's snapshot of the fold: read once at the ledger's first fold (the
    ledger's `seed`), written at the session's close when it is worth it (`keep`)."""

    def __init__(self, env: Mapping[str, str], ledger: Ledger, connection: Callable[[], Any],
                 chain: Callable[[], ChainStore], warnings: MutableSequence[str]) -> None:
        self._off = env.get(SNAPSHOTS_SETTING) == "off"
        self._postgres = env.get("PERSISTENCE_MODULE") == "eventsourcing.postgres"
        self._ledger = ledger
        # On PostgreSQL the view's connection (another would be a new login); on SQLite
        # one of our own, opened when first needed (the view's opening writes).
        self._view_connection = connection
        self._path = None if self._postgres else env.get("SQLITE_DBNAME")
        self._sqlite: sqlite3.Connection | None = None
        self._chain = chain  # likewise, the session's chain store
        self._warnings = warnings
        self._base: int | None = None  # the position of the snapshot that served

    @property
    def _mark(self) -> str:
        return "%s" if self._postgres else "?"

    def _exists(self, db: Any) -> bool:
        query = ("SELECT to_regclass('jixiao_facts_snapshots')" if self._postgres else
                 "SELECT name FROM sqlite_master WHERE type = 'table' AND "
                 "name = 'jixiao_facts_snapshots'")
        row = db.execute(query).fetchone()
        return row is not None and row[0] is not None

    def seed(self) -> Facts | None:
        """The facts of the stored snapshot when every check passes, else None."""
        row = None if self._off else self._row()
        if row is None:
            return None
        position, chain_head, code, sha256, body = row
        problem = self._problem(position, chain_head, code, sha256, body)
        if problem is not None:
            if problem:
                self._warn(problem)
            return None
        try:
            facts = decode(body)
        except Exception as error:
            self._warn(f"not a facts snapshot ({type(error).__name__}: {error})")
            return None
        if facts.last_position != int(position):
            self._warn(f"holds position {facts.last_position}, not {position}")
            return None
        self._base = facts.last_position
        return facts

    @contextmanager
    def _transaction(self, db: Any) -> Iterator[None]:
        if self._postgres:
            with db.transaction():
                yield
            return
        db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def _db(self) -> Any:
        if self._path is None:
            return self._view_connection()
        if self._sqlite is None:
            self._sqlite = sqlite3.connect(self._path, timeout=30, isolation_level=None)
        return self._sqlite

    def close(self) -> None:
        """Close our connection and let go of the session: the callables close over it,
        a cycle that kept the session and its fold alive to the end of the process, where
        the interpreter's last collection walked all of it (≈40 ms of a CLI what-if)."""
        if self._sqlite is not None:
            self._sqlite.close()
            self._sqlite = None
        self._view_connection = _gone
        self._chain = _gone
        if self._ledger.seed == self.seed:
            self._ledger.seed = None

    def _row(self) -> tuple[int, str, str, str, bytes] | None:
        """(position, chain head, code, SHA-256, body) of the stored snapshot, or None
        (none, or rewritten while it was read: then the fold reads every event)."""
        db = self._db()
        if db is None or not self._exists(db):
            return None
        mark = self._mark
        heads = db.execute("SELECT piece, position, chain_head, code, sha256 FROM "  # noqa: S608
                           f"jixiao_facts_snapshots WHERE name = {mark} ORDER BY piece",
                           (NAME,)).fetchall()
        if not heads:
            return None
        if [h[0] for h in heads] != list(range(len(heads))) or \
                len({tuple(h[1:]) for h in heads}) != 1:
            self._warn("its pieces are not one body")
            return None
        _, position, chain_head, code, sha256 = heads[0]
        pieces = []
        for number in range(len(heads)):  # one message a piece
            found = db.execute("SELECT body, sha256 FROM jixiao_facts_snapshots "  # noqa: S608
                               f"WHERE name = {mark} AND piece = {mark}",
                               (NAME, number)).fetchone()
            if found is None or found[1] != sha256:
                return None
            pieces.append(bytes(found[0]))
        return int(position), str(chain_head), str(code), str(sha256), b"".join(pieces)

    def _problem(self, position: int, chain_head: str, code: str, sha256: str,
                 body: bytes) -> str | None:
        """Why the row cannot serve ("" when it is only out of date), or None."""
        if code != code_version():
            return ""  # written by another version of the code: folded afresh, no alarm
        if hashlib.sha256(body).hexdigest() != sha256:
            return "its body does not hash to its stored SHA-256"
        if position > self._ledger.max_position():
            return f"claims position {position}, beyond the store's last event"
        return check_close(self._ledger, self._chain(), position, chain_head)

    def _warn(self, problem: str) -> None:
        warning = (f"事实快照未通过校验，已从全部事件计算 / the facts snapshot failed its "
                   f"check; computed from every event: {problem}")
        if warning not in self._warnings:
            self._warnings.append(warning)

    def keep(self) -> bool:
        """Write the ledger's fold as the snapshot when it was made in this session and
        none served it, or the events folded since the one that did are many. Only when
        the hash chain reaches its position (a read does not chain events up for it).
        Whether it wrote."""
        facts = self._ledger.held_facts()
        if self._off or not facts.events or facts.sealed is not None:
            return False
        if self._base is not None and facts.last_position - self._base < max(
                REFRESH_EVENTS, len(facts.events) // 16):
            return False
        chain = self._chain()
        if chain.tracking()[0] < facts.last_position:
            return False
        head = chain.link_at_or_before(facts.last_position)
        db = self._db()
        if db is None:
            return False
        body = encode(facts)
        head_values = (facts.last_position, head, code_version(),
                       hashlib.sha256(body).hexdigest())
        rows = [(NAME, number, *head_values, body[start:start + PIECE])
                for number, start in enumerate(range(0, len(body), PIECE))]
        db.execute(_table("BYTEA" if self._postgres else "BLOB"))
        with self._transaction(db):  # readers see the old pieces or the new, never a mix
            db.execute("DELETE FROM jixiao_facts_snapshots "  # noqa: S608
                       f"WHERE name = {self._mark}", (NAME,))
            for values in rows:
                db.execute(f"INSERT INTO jixiao_facts_snapshots ({COLUMNS}) "  # noqa: S608
                           f"VALUES ({','.join([self._mark] * 7)})", values)
        self._base = facts.last_position
        return True
