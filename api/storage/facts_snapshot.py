"""A snapshot of the fold of every event, beside the events, so that a new process (a CLI
what-if, an apply) reads it in one decode and folds only the events after it.

The fold of a hospital's year (18,500 events) costs a fresh process ≈0.1 s of CPU: every
stored body decoded and checked, each event built and applied to the indexes. The
snapshot holds the folded `Facts` themselves (events, live facts, indexes, invalid
entries; the body is api/storage/facts_codec.py's), so loading it builds each event once
and applies none; the events recorded since are then folded onto it by `Ledger.facts`,
exactly as a session that had folded them all before would (corrections and voids
included: the snapshot is the fold of a prefix of the log, never a summary of it). An
as-of read cuts the facts by recording time from their events in order
(api/usecases/as_of.py), so it sees the same prefix as from a fold of every event.

Whoever can write the database can write this table, so nothing in the row vouches for
it by itself. A row serves only when, in this order:

* a snapshot key is configured (api/storage/snapshot_key.py: a file outside the store);
  without one no snapshot is read or written;
* its code is this code (`code_version`): another version is folded afresh, silently;
* its HMAC-SHA256 under that key, over the format, code version, position, chain head
  and body, matches (`hmac.compare_digest`), before a byte of the body is unpickled;
* its position is reached by the store, and the hash chain's link there is still the
  head it recorded (one link read and recomputed, as for a close). That alone does not
  say the events it holds are the stored ones; what does is how it was written (below);
* the body decodes to exactly the fold's fields (facts_codec.py).

Anything else (a failed check, an error reading the row, a busy store, a body that does
not decode) is named in the session's warnings and every event is folded: the answer is
the same. The session that folded writes the snapshot when it closes (`keep`), if none
served it or the events folded after the one that did have grown past `REFRESH_EVENTS`
(so a small write does not pay for it). `JIXIAO_SNAPSHOTS=off` ignores and writes none.

What it signs: with a key, the session hashes every row its fold takes in, the very bytes
it decoded, into the chain as it folds them (api/storage/fold_chain.py), from GENESIS or
from the head of the snapshot that served; `keep` writes only when the link so computed at
the fold's last position is the stored chain's link there, and signs that computed head.
So a signed snapshot holds the fold of events whose bytes, as folded, hashed into the
stored chain: an event edited while one session folded (and put back after) is not
signed, and that session names it. A fold taken in by a path that is not hashed (a
chunked batch's own events) is not written; the next session that folds writes it."""

from __future__ import annotations

import hashlib
import hmac
import sqlite3
from collections.abc import Callable, Iterator, Mapping, MutableSequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from api.storage.chain import ChainStore, check_close
from api.storage.facts_codec import FORMAT, code_version, decode, encode
from api.storage.fold_chain import HashedFold
from api.storage.read_only import COPY_PREFIX as READ_ONLY_COPY
from api.storage.snapshot_key import SnapshotKeyError, key_configured, snapshot_key
from domain.errors import MissingGrantError
from domain.facts import Facts

if TYPE_CHECKING:
    from domain.application import Ledger

NAME = "head"
SNAPSHOTS_SETTING = "JIXIAO_SNAPSHOTS"
# Events folded after the snapshot before a session rewrites it (≈5 ms of fold), or one
# in sixteen of those it holds, whichever is more: rewriting costs ≈4 µs an event.
REFRESH_EVENTS = 1000
COLUMNS = "name, piece, position, chain_head, code, mac, body"
PIECE = 1 << 20  # bytes of a body a row holds
# A body larger is refused before it is read (a county's is ≈40 MB): a row is written by
# whoever can write the database, and reading it all would come before its MAC is checked.
MAX_BODY = 256 << 20
_TOO_LARGE = b"(a piece longer than PIECE, left unread)"  # compared by identity
# A snapshot is only a speed-up: a store busy longer than this is a miss, not a wait.
BUSY_TIMEOUT_S = 0.2
MAC_CONTEXT = b"jixiao facts snapshot"
STORAGE_EXTERNAL = "e"  # pg_attribute.attstorage of a column kept out of line, uncompressed
# A session's warnings, in English whoever reads them (the server's session serves every
# language); worded where shown (api/i18n/findings.py `warning_text`).
KEY_UNUSABLE = "the facts snapshot key is not usable; computed from every event: {problem}"
REFUSED = "the facts snapshot failed its check; computed from every event: {problem}"
UNWRITTEN = ("the facts snapshot was not written: the events this session folded hash to "
             "{computed}… at position {position}, the stored chain holds {stored}… (run "
             "`jixiao verify`)")
CACHE_KIB = 128  # SQLite's page cache of the snapshot's own connection (its default: 2 MiB)


def _table(blob: str) -> str:
    # A body is kept in pieces: libpq keeps a connection's input buffer as large as the
    # largest message it received, for the connection's life (a server's view), and a
    # body grows with the store (4 MB for the hospital, 40 MB for a county).
    return ("CREATE TABLE IF NOT EXISTS jixiao_facts_snapshots (name TEXT NOT NULL, "
            "piece INTEGER NOT NULL, position BIGINT NOT NULL, chain_head TEXT NOT NULL, "
            f"code TEXT NOT NULL, mac TEXT NOT NULL, body {blob} NOT NULL, "
            "PRIMARY KEY (name, piece))")


def mac_of(key: bytes, code: str, position: int, chain_head: str, body: bytes) -> str:
    """HMAC-SHA256 of everything a row says, each part length-prefixed (no two rows of
    different parts sign alike)."""
    mac = hmac.new(key, digestmod=hashlib.sha256)
    for part in (MAC_CONTEXT, str(FORMAT).encode(), code.encode(), str(position).encode(),
                 chain_head.encode()):
        mac.update(len(part).to_bytes(8, "big"))
        mac.update(part)
    mac.update(body)
    return mac.hexdigest()


def in_memory(path: str) -> bool:
    """A SQLite name another connection would not open the same database by (a
    read-only ledger's copy is shared by name: api/storage/read_only.py)."""
    if path.startswith(READ_ONLY_COPY):
        return False
    return not path or ":memory:" in path or "mode=memory" in path


def _gone() -> Any:
    raise RuntimeError("the session of this facts snapshot is closed")


Row = tuple[int, str, str, str, bytes]  # position, chain head, code, MAC, body


class FactsSnapshots:
    """The session's snapshot of the fold: read once at the ledger's first fold (the
    ledger's `seed`), written at the session's close when it is worth it (`keep`)."""

    def __init__(self, env: Mapping[str, str], ledger: Ledger, connection: Callable[[], Any],
                 chain: Callable[[], ChainStore], warnings: MutableSequence[str]) -> None:
        self._env = env
        self._postgres = env.get("PERSISTENCE_MODULE") == "eventsourcing.postgres"
        path = None if self._postgres else env.get("SQLITE_DBNAME", "")
        self._off = env.get(SNAPSHOTS_SETTING) == "off" or (
            path is not None and in_memory(path))
        self._ledger = ledger
        # On PostgreSQL the view's connection (another would be a new login); on SQLite
        # one of our own, opened when first needed (the view's opening writes).
        self._view_connection = connection
        self._path = path
        self._sqlite: sqlite3.Connection | None = None
        self._chain = chain  # likewise, the session's chain store
        self._warnings = warnings
        self._refused: str | None = None  # the last problem `_warn` named
        self._base: int | None = None  # the position of the snapshot that served
        self._head = ""  # and its chain head
        self._key: bytes | None = None
        self._key_read = False
        self.ungranted = False  # the table there, but this role may not read it (`_exists`)
        self._view_refused = False  # the view's connection refused this verb (`seed`)

    def begin_verb(self) -> None:
        """A new verb of a long-lived session (the server's): a view refused at the last
        one's seed is asked for again, the owner may have made it since; and the seed is
        tried again at the ledger's next fold of nothing held."""
        if self._view_refused:
            self._view_refused = False
            if self._ledger.seed is None:
                self._ledger.seed = self.seed

    @property
    def _mark(self) -> str:
        return "%s" if self._postgres else "?"

    def key(self) -> bytes | None:
        """The MAC key (read once), or None: off, no key, a key file unreadable, or the
        view's connection refused this verb (`seed`)."""
        if self._off or self._view_refused:
            return None
        if not self._key_read:
            self._key_read = True
            try:
                self._key = snapshot_key(self._env)
            except SnapshotKeyError as error:
                self._note(KEY_UNUSABLE.format(problem=error))
        return self._key

    def seed(self) -> Facts | None:
        """The facts of the stored snapshot when every check passes, else None. With a
        key, the ledger's fold is hashed as it is taken in (from the snapshot's head, or
        from nothing), so that `keep` signs only a fold of the stored events."""
        key = self.key()
        if key is None:
            return None
        self._ledger.fold_chain = HashedFold()
        try:
            facts = self._checked(key)
        except MissingGrantError:
            # The view's connection, refused a role without DDL until the owner makes the
            # view (pg_schema.py `owner_first`): the verb that needs the view says so, once;
            # named here too, it read as a snapshot that failed its check. Not asked again
            # this verb, nor at the close (another refused CREATE in the server's log);
            # asked again at the next (`begin_verb`): turned off, a server's session went
            # without it until restart, long after the owner had made the view.
            self._view_refused = True
            return None
        except Exception as error:  # any error reading it is a miss, named
            self._warn(f"it could not be read ({type(error).__name__}: {error})")
            return None
        if facts is not None:
            self._ledger.fold_chain = HashedFold(facts.last_position, self._head)
        return facts

    def _checked(self, key: bytes) -> Facts | None:
        row = self._row()
        if row is None:
            return None
        position, chain_head, code, mac, body = row
        if not hmac.compare_digest(mac_of(key, code, position, chain_head, body), mac):
            self._warn("its HMAC does not match (written without this store's key)")
            return None
        problem = (f"claims position {position}, beyond the store's last event"
                   if position > self._ledger.max_position() else
                   check_close(self._ledger, self._chain(), position, chain_head,
                               "the snapshot was signed under"))
        if problem is not None:
            self._warn(problem)
            return None
        facts = decode(body)
        if facts.last_position != position:
            self._warn(f"holds position {facts.last_position}, not {position}")
            return None
        self._base, self._head = facts.last_position, chain_head
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
            self._sqlite = sqlite3.connect(self._path, timeout=BUSY_TIMEOUT_S,
                                           isolation_level=None,
                                           uri=self._path.startswith("file:"))
            # A body is read once, piece by piece, straight into its bytes (blob I/O): a
            # page cache of its own size only took fresh memory for pages never read
            # again (≈500 page faults of a hospital's 3.7 MB). Writes spill as needed.
            self._sqlite.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
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

    def _exists(self, db: Any) -> bool:
        """Whether the table is there for this role to read. On PostgreSQL a table the
        owner made after a role's grant is there but not the role's: its SELECT was
        refused, named as a snapshot that could not be read, and logged as an ERROR by
        the server at every open. Asked in the same one query as before."""
        if not self._postgres:
            return db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND "
                              "name = 'jixiao_facts_snapshots'").fetchone() is not None
        # There but not readable is said by `verify` (`ungranted`): read as none, its
        # check of a snapshot the owner's sessions use was skipped without a word.
        made, readable = db.execute(
            "SELECT to_regclass('jixiao_facts_snapshots') IS NOT NULL, has_table_privilege("
            "to_regclass('jixiao_facts_snapshots'), 'SELECT')").fetchone()
        self.ungranted = bool(made) and not readable
        return bool(readable)

    def _row(self, *, any_code: bool = False) -> Row | None:
        """The stored snapshot, or None (none, of another code unless `any_code`, or
        rewritten while it was read: then the fold reads every event)."""
        db = self._db()
        if db is None or not self._exists(db):
            return None
        with self._reading(db):  # the list of pieces and the pieces: one snapshot
            return self._pieces(db, any_code=any_code)

    def _pieces(self, db: Any, *, any_code: bool) -> Row | None:
        mark = self._mark
        heads = db.execute("SELECT piece, position, chain_head, code, mac, length(body) "  # noqa: S608
                           f"FROM jixiao_facts_snapshots WHERE name = {mark} ORDER BY piece",
                           (NAME,)).fetchall()
        if not heads or (heads[0][3] != code_version() and not any_code):
            return None  # none, or written by another version of the code: folded afresh
        if [h[0] for h in heads] != list(range(len(heads))) or \
                len({tuple(h[1:5]) for h in heads}) != 1:
            self._warn("its pieces are not one body")
            return None
        if len(heads) > MAX_BODY // PIECE or sum(int(h[5]) for h in heads) > MAX_BODY:
            self._warn(f"its body is larger than {MAX_BODY >> 20} MiB")
            return None
        _, position, chain_head, code, mac, _ = heads[0]
        pieces = []
        for number in range(len(heads)):
            piece = self._piece(db, number, mac)
            if piece is None:
                return None
            if piece is _TOO_LARGE or len(piece) > PIECE:  # never so by us: named
                self._warn(f"piece {number} is larger than {PIECE} bytes")
                return None
            pieces.append(piece)
        return int(position), str(chain_head), str(code), str(mac), b"".join(pieces)

    def stored_row(self) -> tuple[Row | None, bool]:
        """The stored snapshot whatever its code, unchecked (`verify` checks it:
        api/storage/snapshot_check.py), and whether one is there that could not be read
        as one body. Said here, not by the warnings' length: a session names a warning
        once, so one its first fold met already adds none."""
        self._refused = None
        row = self._row(any_code=True)
        return row, self._refused is not None

    def stored_position(self) -> int | None:
        """The position of a stored snapshot of this code that a key could check, read
        quietly (no body, no key read, no warning: `stored_row` names what it finds, in
        its turn), or None. `verify` folds the events up to it as its chain walk reads
        them (api/storage/snapshot_check.py), instead of reading them twice."""
        if self._off or self._view_refused or not key_configured(self._env):
            return None
        try:
            db = self._db()
            if db is None or not self._exists(db):
                return None
            found = db.execute(f"SELECT position, code FROM jixiao_facts_snapshots "  # noqa: S608
                               f"WHERE name = {self._mark} AND piece = 0", (NAME,)).fetchone()
        except Exception:  # only a hint: the check itself reads the row and names problems
            return None
        return int(found[0]) if found is not None and found[1] == code_version() else None

    @contextmanager
    def _reading(self, db: Any) -> Iterator[None]:
        """On SQLite, the pieces read in one transaction: a piece is found by its rowid,
        which a rewrite in between could give another piece."""
        if self._postgres:
            yield
            return
        db.execute("BEGIN")
        try:
            yield
        finally:
            db.execute("COMMIT")

    def _piece(self, db: Any, number: int, mac: str) -> bytes | None:
        """One piece of the body, or None (gone, or of another MAC: a rewrite since, which
        is no fault). No more than a piece and a byte is read, whatever a writer put there
        since; a longer piece is the caller's to name."""
        mark = self._mark
        if self._postgres:  # one message a piece
            # In binary: as text the server sends a bytea as hex (twice its bytes), which
            # it encodes and psycopg decodes again: 17.7 -> 3.8 ms of a hospital's 2.8 MB.
            found = db.execute(f"SELECT substr(body, 1, {PIECE + 1}), mac FROM "  # noqa: S608
                               f"jixiao_facts_snapshots WHERE name = {mark} AND piece = {mark}",
                               (NAME, number), binary=True).fetchone()
            if found is None or found[1] != mac:
                return None
            return bytes(found[0])
        # SQLite: read into one bytes object by blob I/O (substr made a value, then its
        # copy: ≈1.3 ms of a hospital's 3.9 MB).
        found = db.execute("SELECT rowid, length(body), mac FROM jixiao_facts_snapshots "
                           "WHERE name = ? AND piece = ?", (NAME, number)).fetchone()
        if found is None or found[2] != mac:
            return None
        if not 0 <= int(found[1]) <= PIECE:
            return _TOO_LARGE  # not read at all: the caller names it
        with db.blobopen("jixiao_facts_snapshots", "body", found[0], readonly=True) as blob:
            piece: bytes = blob.read(PIECE + 1)
        return piece

    def _warn(self, problem: str) -> None:
        self._refused = problem
        self._note(REFUSED.format(problem=problem))

    def _note(self, warning: str) -> None:
        if warning not in self._warnings:  # once a session, however often it is met
            self._warnings.append(warning)

    def keep(self) -> bool:
        """Write the ledger's fold as the snapshot when it was made in this session and
        none served it, or the events folded since the one that did are many. Only with a
        key, and when the chain computed over the rows as they were folded (`seed` set it
        going: api/storage/fold_chain.py) reaches the fold's last position with the stored
        chain's link there: its head is what is signed. Whether it wrote."""
        facts = self._ledger.held_facts()
        if not facts.events or facts.sealed is not None:
            return False
        if self._base is not None and facts.last_position - self._base < max(
                REFRESH_EVENTS, len(facts.events) // 16):
            return False
        key = self.key()
        if key is None:
            return False
        chain = self._chain()
        if chain.tracking()[0] < facts.last_position:
            return False
        fold = self._ledger.fold_chain
        head = None if not isinstance(fold, HashedFold) else fold.signable(
            facts.last_position)
        if head is None:
            return False  # folded by a path not hashed (a chunked batch): the next session
        stored = chain.link_at_or_before(facts.last_position)
        if stored != head:
            self._unwritten(facts.last_position, stored, head)
            return False
        db = self._db()
        if db is None:
            return False
        body, code = encode(facts), code_version()
        head_values = (facts.last_position, head, code,
                       mac_of(key, code, facts.last_position, head, body))
        if not self._write(db, [(NAME, number, *head_values, body[start:start + PIECE])
                                for number, start in enumerate(range(0, len(body), PIECE))]):
            return False
        self._base = facts.last_position
        return True

    def _unwritten(self, position: int, stored: str, computed: str) -> None:
        self._note(UNWRITTEN.format(computed=computed[:12], position=position,
                                    stored=stored[:12]))

    def _write(self, db: Any, rows: list[tuple[Any, ...]]) -> bool:
        """Whether it wrote: on PostgreSQL not when this role may not (`_writable`)."""
        if self._postgres:
            writable = _writable(db)
            if writable is None:
                return False
            made, stored = writable
            if not made:
                db.execute(_table("BYTEA"))
            _store_uncompressed(db, stored)
        elif not self._exists(db):
            db.execute(_table("BLOB"))
        with self._transaction(db):  # readers see the old pieces or the new, never a mix
            db.execute("DELETE FROM jixiao_facts_snapshots "  # noqa: S608
                       f"WHERE name = {self._mark}", (NAME,))
            for values in rows:
                db.execute(f"INSERT INTO jixiao_facts_snapshots ({COLUMNS}) "  # noqa: S608
                           f"VALUES ({','.join([self._mark] * 7)})", values)
        return True


# Whether the table is there; if not, whether this role may make it; if so, whether it
# may replace the rows (the DELETE's WHERE asks SELECT too) and, for `_store_uncompressed`,
# how the body is stored and whether the role owns the table. One round trip, as the
# look for the table alone was.
_WRITABLE_QUERY = """
SELECT c.oid IS NOT NULL,
       CASE WHEN c.oid IS NULL THEN has_schema_privilege(current_schema(), 'CREATE') END,
       has_table_privilege(c.oid, 'SELECT') AND has_table_privilege(c.oid, 'INSERT')
           AND has_table_privilege(c.oid, 'DELETE'),
       a.attstorage = %s, pg_has_role(c.relowner, 'USAGE')
FROM (SELECT to_regclass('jixiao_facts_snapshots') AS oid) AS r
LEFT JOIN pg_class c ON c.oid = r.oid
LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'body'
"""


def _writable(db: Any) -> tuple[bool, bool] | None:
    """None when this role may not write the snapshot (a role granted reads and writes
    only, docs/deploy.md: the table not made yet, or made by the owner after its grant);
    else whether the table is made, and whether its body needs no ALTER (stored
    uncompressed already, or not this role's to alter). Asked first, so that no statement
    is sent that must fail: the role's CREATE was refused quietly at every session's
    close, and the server logged a permission ERROR each time. Said to no one: the
    snapshot is a speed-up, the answers are the same without it (docs/deploy.md says
    what to grant)."""
    made, may_create, may_write, external, owned = db.execute(
        _WRITABLE_QUERY, (STORAGE_EXTERNAL,)).fetchone()
    if not made:
        return (False, False) if may_create else None
    if not may_write:
        return None
    return True, bool(external) or not owned


def _store_uncompressed(db: Any, stored: bool) -> None:
    """The body's pieces kept out of line but not compressed (STORAGE EXTERNAL), from the
    next write on. PostgreSQL compresses (pglz) a value this large by default: a pickle
    to a third of its size, at ≈20 ms of the server's CPU a write and ≈1 ms at every read,
    which each new process pays (a hospital's 2.8 MB read 3.8 -> 2.9 ms, written 28.8 ->
    8.6 ms; the table holds 2.9 MB, not 1.0). Set once, on a table made before too (its
    rows are rewritten at the next write). Only a speed-up: a role that may write the
    table but not alter it keeps it compressed, and the snapshot is written all the same;
    so is it when the table is busy, the ALTER's wait bounded as a read's (readers queue
    behind a waiting ALTER), and tried again at the next write."""
    # Only the table's owner may alter it: another role asks no ALTER it would be refused
    # (its BEGIN, SET, ALTER and ROLLBACK at every write, and an ERROR in the server's log).
    # `stored`: already external, or not ours to alter (`_writable`).
    if stored:
        return
    try:
        with db.transaction():
            db.execute(f"SET LOCAL lock_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            db.execute("ALTER TABLE jixiao_facts_snapshots ALTER COLUMN body "
                       "SET STORAGE EXTERNAL")
    except Exception:  # noqa: S110 - see above
        pass
