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
the ledger is made at its path directly, as before.

A build killed outright (SIGKILL, the machine losing power) cannot remove its private
file, and nobody else may remove one only because it is there: another process may be
building in it right now. So the builder holds an exclusive `flock` on the private file
(on an fd of its own) from the moment it makes it until it is placed or removed, and
whoever next builds a ledger of that name in that folder (`new_ledger`), or starts a
verb that may make one there (`sweep`), removes the private files whose lock it can
take, with their -wal, -journal and -shm, and leaves the locked ones. Made and locked
are two steps: a sweeper may take the lock of a file made a moment before and remove
it, so the builder, once it holds the lock, looks again that the name is still its
file, and makes another under a new name if not: a file is built in only once its
builder holds its lock, so a live build's file is never removed. `flock` is apart from
the POSIX byte-range locks SQLite takes on the same file (Linux keeps them
independent), but closing any fd of a file drops every POSIX lock this process holds on
it: the lock's fd is closed only after SQLite's connections, when the file is placed or
removed (a sweeper, in another process, closing its own fd drops none of the
builder's). Where `flock` is refused (a file system without locks) or missing (Windows,
not supported) nothing is locked and nothing removed, as before.

SIGTERM (`kill`, `timeout`, a service stopped), SIGHUP (the terminal closed) and SIGINT
(Ctrl-C) are raised as `Stopped`, a `SystemExit` of the code a shell reports for a process
the signal killed (143, 129, 130), while a private file exists, so that whichever verb
builds it (the CLI session, `restore`) unwinds and removes it; one the process ignores
 (`nohup`, a job a script started in the background) is left ignored."""

from __future__ import annotations

import os
import re
import secrets
import signal
import sqlite3
import stat
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import closing, contextmanager, suppress
from pathlib import Path
from typing import Any

from api.storage.read_only import ledger_file
from domain.errors import ConflictError

try:
    from fcntl import LOCK_EX, LOCK_NB, flock
except ImportError:  # Windows (not supported): no private file is locked, none removed
    flock = None  # type: ignore[assignment]

# Beside SQLITE_DBNAME (the private name) in a session's environment: the path the
# ledger goes to, which messages name (api/storage/session.py `ledger_location`).
NEW_LEDGER_KEY = "JIXIAO_NEW_LEDGER_AT"
SIDE_FILES = ("-wal", "-shm", "-journal")
# The mode SQLite gives a database file it creates (SQLITE_DEFAULT_FILE_PERMISSIONS),
# less the umask, as open(2) applies it.
LEDGER_MODE = 0o644
TAKEN = ("another process made a ledger at {path} while this command was running: "
         "nothing was written; run it again")
# The private file removed or replaced under a live build: its lock lost, as NFS may lose
# it when SQLite's connections close (the module's docstring), and a sweeper took it.
LOST = ("the new ledger this command was building for {path} was removed by another "
        "process (its folder's file system may lose a file's lock: keep a SQLite ledger "
        "on a local disk): nothing was written; run it again")
# A private name's tail: its random part, then SQLite's files beside it or the probe link.
PRIVATE_TAIL = re.compile(r"([0-9a-f]{16})(-wal|-shm|-journal|-link)?")
# The private name's length beyond the ledger's: ".", ".new-" and 16 hex digits.
PRIVATE_EXTRA = 22
# A sweeper that took the lock of a file made a moment before removed it: made again
# under a new name as often, then the ledger is made at its path as before.
ATTEMPTS = 3


# What a live build unwinds on instead of ending at once (Windows has no SIGHUP).
UNWOUND = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP", "SIGINT")
                if hasattr(signal, name))


class Stopped(SystemExit):
    """A live build's process stopped by `signal` (a name, SIGHUP): its code is what a
    shell reports for a process that signal killed, 128 and its number."""

    def __init__(self, signum: int) -> None:
        super().__init__(128 + signum)
        self.signal = signal.Signals(signum).name


class _Unwinding:
    """The builds running in the main thread and the handlers before the first
    (`_unwind_on_signals`), by signal."""

    builds = 0
    before: dict[int, Any] = {}  # noqa: RUF012 - one process's, replaced whole
    # The signals come while a build links its ledger into place (`_hold`), or None.
    held: list[int] | None = None


class NewLedger:
    """The private file a new ledger is built in, and the path it goes to; locked, and
    SIGTERM, SIGHUP and SIGINT unwound, until it is placed or removed."""

    def __init__(self, path: Path, private: Path, lock: int | None = None,
                 put_back: Callable[[], None] | None = None) -> None:
        self.path = path
        self.private = private
        self._lock = lock
        self._put_back = put_back

    def env(self, env: Mapping[str, str]) -> dict[str, str]:
        """`env` opening the private file, naming the path for messages."""
        return {**env, "SQLITE_DBNAME": str(self.private), NEW_LEDGER_KEY: str(self.path)}

    def place(self, then: Callable[[], None] | None = None) -> None:
        """Put the ledger at its path, once every connection to it is closed; refused
        (`ConflictError`, the private file removed) when a ledger is there already, or
        when the private name is no longer the file this build made (nothing removed:
        it is not the build's). `then`: run once it is there, before a signal held
        meanwhile is let through (what the verb must say of what it made)."""
        try:
            ours = self._ours()
            if ours:
                _checkpoint(self.private)
                # Again: the checkpoint's connection, closed, may have lost the lock too.
                ours = self._ours()
        except BaseException:
            self.discard()
            raise
        if not ours:
            self.release()
            raise ConflictError(LOST.format(path=self.path))
        # From the link until the signals are put back a signal is held, not raised: a
        # ledger linked into place is made, and `Stopped` would say nothing was.
        held = _hold()
        try:
            try:
                os.link(self.private, self.path)
            except FileNotFoundError:  # removed since it was looked at
                self.release()
                refused: str | None = LOST
            except FileExistsError:
                self.discard()
                refused = TAKEN
            except BaseException:
                self.discard()
                raise
            else:
                try:
                    if then is not None:
                        then()
                finally:
                    # The private name only: the ledger is at its path now.
                    self.discard()
                refused = None
        finally:
            _let_go()
        if held and refused is not None:
            raise Stopped(held[0])  # nothing placed: unwound as before the link
        for signum in held:
            # Placed: to the handler put back, as if it came a moment later (the
            # default's ends the process, the ledger made).
            signal.raise_signal(signum)
        # Each refusal raised by its constant, which the error-texts walker reads.
        if refused is LOST:
            raise ConflictError(LOST.format(path=self.path))
        if refused is TAKEN:
            raise ConflictError(TAKEN.format(path=self.path))

    def _ours(self) -> bool:
        """Whether the private name is still the file this build made and locked: a
        sweeper removes it only once it takes its lock, which a build holds, but NFS
        emulates `flock` with byte-range locks that go when SQLite's connections close."""
        if self._lock is None:
            return True
        try:
            return os.path.samestat(os.lstat(self.private), os.fstat(self._lock))
        except FileNotFoundError:
            return False

    @contextmanager
    def placed(self, *, keep: bool = True,
               then: Callable[[], None] | None = None) -> Iterator[None]:
        """The ledger built in the block: put at its path after it (`place`, with `then`)
        when `keep`, else removed, as when the block fails."""
        try:
            yield
        except BaseException:
            self.discard()
            raise
        try:
            if keep:
                self.place(then)
            else:
                self.discard()
        except Stopped:
            # Come as `place` was called, before its own unwinding: the file still held
            # (a placed or refused one is let go of first) was left behind.
            if self._lock is not None:
                self.discard()
            raise

    def discard(self) -> None:
        """Remove the private file and SQLite's files beside it, then let go of its lock
        (a sweeper finds the file gone, never unlocked) and of the signals."""
        _remove(self.private)
        self.release()

    def release(self) -> None:
        """Let go of the lock and of the signals, the file left to whoever has it now."""
        lock, self._lock = self._lock, None
        if lock is not None:
            os.close(lock)
        put_back, self._put_back = self._put_back, None
        if put_back is not None:
            put_back()


def new_ledger(env: Mapping[str, str]) -> NewLedger | None:
    """The private file for a new SQLite ledger at `env`'s path, made empty (SQLite reads
    it as an empty database) and locked; what killed builds of that name left there is
    removed first (`sweep`). None where the ledger is to be made at its path as before:
    PostgreSQL, a store in memory or named by a URI, a folder that is missing or refuses
    the file (the opener says so, naming the path), a file system without hard links, a
    symbolic link at the path that leads nowhere, SQLite's files of a ledger gone left at
    the path."""
    name = ledger_file(env)
    if name is None:
        return None
    if os.path.lexists(name):  # a link to nowhere: SQLite makes the file it names
        return None
    if any(os.path.lexists(f"{name}{suffix}") for suffix in SIDE_FILES):
        # Left by a ledger that is gone (its process killed, the file then deleted).
        # SQLite deletes a -wal or a journal it finds beside an empty file it opens, but
        # would read it over a whole ledger linked in beside it: the verb's events lost.
        return None
    path = Path(name)
    longest = len(os.fsencode(path.name)) + PRIVATE_EXTRA + max(map(len, SIDE_FILES))
    if longest > _name_max(path.parent):
        return None  # a name the folder takes, but not with 22 characters and a -journal more
    sweep(path)
    put_back = _unwind_on_signals()  # before the file is made: it is never left
    try:
        made = _made(path)
    except BaseException:
        put_back()
        raise
    if made is None:
        put_back()
    else:
        made._put_back = put_back  # its own now: put back when it is placed or removed
    return made


def sweep_beside(env: Mapping[str, str]) -> None:
    """`sweep` beside `env`'s SQLite ledger (none for PostgreSQL or a store in memory)."""
    name = ledger_file(env)
    if name is not None:
        sweep(Path(name))


def _made(path: Path) -> NewLedger | None:
    for _ in range(ATTEMPTS):
        private = path.with_name(f".{path.name}.new-{secrets.token_hex(8)}")
        try:
            lock = os.open(private, os.O_RDWR | os.O_CREAT | os.O_EXCL, LEDGER_MODE)
        except OSError:
            return None
        made = NewLedger(path, private, lock)
        try:
            if not _locked_still_there(lock, private):
                made.release()  # another's now, or gone: not ours to remove
                continue
            if not _links(private):
                made.discard()
                return None
        except BaseException:
            made.discard()
            raise
        return made
    return None


def _locked_still_there(lock: int, private: Path) -> bool:
    """Lock the file just made, and whether its name is still that file: a sweeper that
    took the lock first removed it. A file system that refuses `flock` builds unlocked;
    its sweepers cannot lock either, so they leave every file."""
    if flock is not None:
        try:
            flock(lock, LOCK_EX)  # a sweeper holds it only while it removes the file
        except OSError:
            return True
    try:
        return os.path.samestat(os.stat(private), os.fstat(lock))
    except FileNotFoundError:
        return False


def sweep(path: Path) -> None:
    """Remove the private files of builds of a ledger at `path` that are dead (their
    lock free: the builder killed outright, by SIGKILL or a power cut), with SQLite's
    files beside them; a live build's (locked) is left, and so is one this user cannot
    open or remove, or any that is no regular file (a symbolic link, a folder, a FIFO),
    even when its private file is gone. Only `path`'s name: other ledgers' private files
    in the folder are for their own builds to sweep."""
    if flock is None:
        return
    prefix = f".{path.name}.new-"
    try:
        names = [name for name in os.listdir(path.parent) if name.startswith(prefix)]
    except OSError:
        return  # a folder this user cannot read, or none
    tokens = {tail[1] for name in names
              if (tail := PRIVATE_TAIL.fullmatch(name.removeprefix(prefix)))}
    for token in sorted(tokens):
        with suppress(OSError):  # cannot open, lock or remove it: left as it is
            _remove_if_dead(path.with_name(f"{prefix}{token}"))


def _remove_if_dead(private: Path) -> None:
    # Looked for now, not in the listing: a file made while the folder was listed is
    # there now, locked, and its SQLite files may have been listed without it.
    for held in (private, Path(f"{private}-link")):  # the probe link: the same file
        try:
            lock = os.open(held, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except FileNotFoundError:
            continue
        try:
            if not stat.S_ISREG(os.fstat(lock).st_mode):
                return
            try:
                flock(lock, LOCK_EX | LOCK_NB)
            except BlockingIOError:
                return  # a live build
            _remove(private)  # under the lock: a builder that made it just now makes another
        finally:
            os.close(lock)
        return
    # The file gone, never to come back under that name: SQLite's files of a build that
    # was removing them.
    _remove(private)


def _remove(private: Path) -> None:
    """The private file last: while it is there, its lock tells whether it is dead."""
    for suffix in (*SIDE_FILES, "-link"):
        _remove_file(Path(f"{private}{suffix}"))
    _remove_file(private)


def _remove_file(name: Path) -> None:
    """Only a regular file: SQLite and a build make no other, so a symbolic link, a
    folder or a FIFO under such a name is somebody else's (a link is never followed:
    it is left, as the file it leads to is)."""
    try:
        if not stat.S_ISREG(os.lstat(name).st_mode):
            return
    except FileNotFoundError:
        return
    name.unlink(missing_ok=True)


def _unwind_on_signals() -> Callable[[], None]:
    """SIGTERM, SIGHUP and SIGINT raised as `Stopped` while the private file exists:
    killed outright (SIGHUP's default), the verb left it (and its -wal and -shm) hidden
    beside the path until the next build of that name; unwound, the verb removes it.
    SIGINT's KeyboardInterrupt unwound too, but typer ended the verb with a silent 130.
    Returns what puts the handlers before back."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    # Builds of one process may end in any order: the handlers before the first are put
    # back when the last ends, not when the first does (the others' files then left on
    # a signal, and the unwinding left installed for good after them).
    if not _Unwinding.builds:
        _Unwinding.before = {signum: signal.getsignal(signum) for signum in UNWOUND}
        for signum, before in _Unwinding.before.items():
            if before is not signal.SIG_IGN:  # ignored on purpose: `nohup`, `cmd &`
                signal.signal(signum, _stopped)
    _Unwinding.builds += 1

    def put_back() -> None:
        _Unwinding.builds -= 1
        if not _Unwinding.builds:
            befores, _Unwinding.before = _Unwinding.before, {}
            for signum, before in befores.items():
                if before is not signal.SIG_IGN:
                    signal.signal(signum, signal.SIG_DFL if before is None else before)

    return put_back


def _stopped(signum: int, _frame: object) -> None:
    if _Unwinding.held is not None:
        _Unwinding.held.append(signum)
        return
    raise Stopped(signum)


def _hold() -> list[int]:
    """Hold the signals `_stopped` would raise, until `_let_go`; the list they are held
    in. Only the main thread's handlers are ours (`_unwind_on_signals`)."""
    held: list[int] = []
    if threading.current_thread() is threading.main_thread():
        _Unwinding.held = held
    return held


def _let_go() -> None:
    _Unwinding.held = None


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
