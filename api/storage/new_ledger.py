"""A SQLite ledger a verb makes at a path where there is none: built under a private name
in the same folder and linked into place only once the verb has succeeded, so a refused
write ("nothing was written") leaves no file behind, which every later verb would have
taken for a ledger.

Nobody else ever sees the private name: it is made here exclusively (`O_EXCL`), hidden
and random, so removing it after a failed verb can lose nobody's events (removing the
file at the ledger's path could: another process may have opened it meanwhile and
written into the removed file). On success every connection is closed first, so SQLite
has checkpointed its WAL into the file and removed the -wal and -shm, which carry the
private name; then `os.link` puts the file at the path, atomically, and fails if a
ledger appeared there meanwhile (another process made one): that one is kept, this
verb's is removed and the verb is refused, to be run again.

A file system without hard links (some network and removable media) is found before
the verb runs, by linking the private file once under a second private name: there
the ledger is made at its path directly, as before."""

from __future__ import annotations

import os
import secrets
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import closing, contextmanager, suppress
from pathlib import Path

from domain.errors import ConflictError

# Beside SQLITE_DBNAME (the private name) in a session's environment: the path the
# ledger goes to, which messages name (api/storage/session.py `ledger_location`).
NEW_LEDGER_KEY = "JIXIAO_NEW_LEDGER_AT"
SIDE_FILES = ("-wal", "-shm", "-journal")
# The mode SQLite gives a database file it creates (SQLITE_DEFAULT_FILE_PERMISSIONS),
# less the umask, as open(2) applies it.
LEDGER_MODE = 0o644
TAKEN = ("another process made a ledger at {path} while this command was running: "
         "nothing was written; run it again")


class NewLedger:
    """The private file a new ledger is built in, and the path it goes to."""

    def __init__(self, path: Path, private: Path) -> None:
        self.path = path
        self.private = private

    def env(self, env: Mapping[str, str]) -> dict[str, str]:
        """`env` opening the private file, naming the path for messages."""
        return {**env, "SQLITE_DBNAME": str(self.private), NEW_LEDGER_KEY: str(self.path)}

    def place(self) -> None:
        """Put the ledger at its path, once every connection to it is closed; refused
        (`ConflictError`, the private file removed) when a ledger is there already."""
        try:
            _checkpoint(self.private)
            os.link(self.private, self.path)
        except FileExistsError:
            self.discard()
            raise ConflictError(TAKEN.format(path=self.path)) from None
        except BaseException:
            self.discard()
            raise
        self.discard()  # the private name only: the ledger is at its path now

    @contextmanager
    def placed(self, *, keep: bool = True) -> Iterator[None]:
        """The ledger built in the block: put at its path after it (`place`) when `keep`,
        else removed, as when the block fails."""
        try:
            yield
        except BaseException:
            self.discard()
            raise
        if keep:
            self.place()
        else:
            self.discard()

    def discard(self) -> None:
        """Remove the private file and SQLite's files beside it."""
        for suffix in SIDE_FILES:
            Path(f"{self.private}{suffix}").unlink(missing_ok=True)
        self.private.unlink(missing_ok=True)


def new_ledger(env: Mapping[str, str]) -> NewLedger | None:
    """The private file for a new SQLite ledger at `env`'s path, made empty (SQLite reads
    it as an empty database). None where the ledger is to be made at its path as before:
    PostgreSQL, a store in memory or named by a URI, a folder that is missing or refuses
    the file (the opener says so, naming the path), a file system without hard links, a
    symbolic link at the path that leads nowhere, SQLite's files of a ledger gone left at
    the path."""
    name = env.get("SQLITE_DBNAME", "")
    if env.get("PERSISTENCE_MODULE") == "eventsourcing.postgres" or not name or \
            name.startswith("file:") or name == ":memory:" or "mode=memory" in name:
        return None
    if os.path.lexists(name):  # a link to nowhere: SQLite makes the file it names
        return None
    if any(os.path.lexists(f"{name}{suffix}") for suffix in SIDE_FILES):
        # Left by a ledger that is gone (its process killed, the file then deleted).
        # SQLite deletes a -wal or a journal it finds beside an empty file it opens, but
        # would read it over a whole ledger linked in beside it: the verb's events lost.
        return None
    path = Path(name)
    private = path.with_name(f".{path.name}.new-{secrets.token_hex(8)}")
    if len(os.fsencode(private.name)) + max(map(len, SIDE_FILES)) > _name_max(path.parent):
        return None  # a name the folder takes, but not with 22 characters and a -journal more
    try:
        os.close(os.open(private, os.O_WRONLY | os.O_CREAT | os.O_EXCL, LEDGER_MODE))
    except OSError:
        return None
    made = NewLedger(path, private)
    try:
        links = _links(private)
    except BaseException:
        made.discard()
        raise
    if not links:
        made.discard()
        return None
    return made


def _name_max(folder: Path) -> int:
    try:
        return os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError):
        return 255  # NAME_MAX of Linux's file systems; a missing folder fails later anyway


def _links(private: Path) -> bool:
    """Whether the folder's file system makes hard links (tried on a second private
    name, removed at once). Any other refusal (an I/O error, a full disk) also keeps the
    way before: the ledger made at its path, where SQLite says what is wrong, naming
    the path, and no private file left."""
    probe = private.with_name(f"{private.name}-link")
    try:
        os.link(private, probe)
    except OSError:
        return False
    probe.unlink()
    return True


def _checkpoint(private: Path) -> None:
    """Fold a -wal left beside the private file into it: its frames would not be read
    through the ledger's path, whose own -wal SQLite looks for. With every connection of
    the verb closed, SQLite has done so itself and removed it."""
    wal = Path(f"{private}-wal")
    if not wal.exists():
        return
    with closing(sqlite3.connect(private, isolation_level=None)) as db:
        busy, _, _ = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    with suppress(FileNotFoundError):
        if busy or wal.stat().st_size:
            # A connection of this process still reads it: a fault of ours, not the user's.
            raise RuntimeError(f"the new ledger {private} is still open")
