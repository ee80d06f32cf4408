"""The words of a busy store, shared by both backends without importing either driver:
a write that waited out another writer's lock, or ran out of time, wrote nothing and may
simply be sent again (HTTP 503 with Retry-After, CLI exit 4)."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from domain.errors import BusyError, InvalidRequestError, ReadOnlyStoreError

RETRY_AFTER_S = 2

BUSY = ("另一个写入正在进行，账本暂时被占用；请稍后重试。 "
        "Another writer holds the ledger; nothing was written, run the command again "
        "in a moment.")
SLOW = ("写入超时，未写入任何内容；请稍后重试或分批提交。 "
        "The write took longer than the statement timeout; nothing was written. Run it "
        "again, or in smaller batches.")


UNOPENABLE = ("cannot open the ledger file {path}: check that its folder exists, that it is "
              "not a folder itself, and that this user may read and write it; nothing was "
              "written")
READ_ONLY = ("the ledger {path} is read-only (a read-only copy, or this user may not write "
             "the file or its folder): nothing was written; write to a writable copy of "
             "the ledger")
NOT_A_LEDGER = ("{path} is not a ledger file (not a SQLite database): check --db or "
                "JIXIAO_DB; nothing was written")


def ledger_file_exists(path: str) -> bool:
    """Whether the ledger's file is there. A folder on the way that this user may not
    enter is said as a file that cannot be opened, naming the path (exit 2): `exists`
    answers False only for a missing file, and raised PermissionError's traceback."""
    try:
        return Path(path).exists()
    except PermissionError:
        raise InvalidRequestError(UNOPENABLE.format(path=path)) from None


def sqlite_unopenable(error: BaseException,
                      path: str) -> InvalidRequestError | ReadOnlyStoreError | None:
    """A SQLite file that cannot be opened (no such folder, a folder, no permission) or is
    no database at all, as a refusal naming the path, never a traceback: bad input (exit
    2), not a busy store, since running it again cannot help. A file found writable that
    refuses a write all the same (a read-only mount seen late) is `ReadOnlyStoreError`;
    a read-only ledger is otherwise read from a copy (api/storage/read_only.py)."""
    if isinstance(error, sqlite3.OperationalError) and "readonly database" in str(error):
        return ReadOnlyStoreError(READ_ONLY.format(path=path))
    if isinstance(error, sqlite3.OperationalError) and "unable to open" in str(error):
        return InvalidRequestError(UNOPENABLE.format(path=path))
    if type(error) is sqlite3.DatabaseError and "not a database" in str(error):
        return InvalidRequestError(NOT_A_LEDGER.format(path=path))
    return None


def sqlite_busy(error: BaseException) -> BusyError | None:
    """SQLite's "database is locked" (the busy timeout ran out) as `BusyError`."""
    if isinstance(error, sqlite3.OperationalError) and "locked" in str(error):
        return BusyError(BUSY, RETRY_AFTER_S)
    return None


WAL_WAIT_S = 30.0  # how long an open waits for another opener's lock before it gives up


def ensure_wal(path: str, wait_s: float = WAL_WAIT_S) -> None:
    """Put a SQLite file in WAL mode before eventsourcing opens it.

    eventsourcing switches a file that is not yet in WAL mode itself, but SQLite answers
    `PRAGMA journal_mode=WAL` with "database is locked" at once, without its busy
    handler, when another connection holds a lock, as a second process opening the same
    new store at that moment does. WAL mode is kept in the file, so once this has
    switched it, eventsourcing only reads the mode. Retried here until `wait_s`; then the
    lock is reported as busy like any other."""
    if path == ":memory:" or "mode=memory" in path:
        return
    deadline = time.monotonic() + wait_s
    pause = 0.005
    while True:
        try:
            connection = sqlite3.connect(path, uri=path.startswith("file:"), timeout=wait_s,
                                         isolation_level=None)
        except sqlite3.OperationalError as error:
            raise sqlite_unopenable(error, path) or error from error
        try:
            if _mode(connection, "PRAGMA journal_mode") == "wal" or \
                    _mode(connection, "PRAGMA journal_mode=WAL") == "wal":
                return
        except sqlite3.DatabaseError as error:
            busy = sqlite_busy(error)
            if busy is None or time.monotonic() >= deadline:
                raise sqlite_unopenable(error, path) or busy or error from error
        finally:
            connection.close()
        if time.monotonic() >= deadline:
            raise BusyError(BUSY, RETRY_AFTER_S)
        time.sleep(pause)
        pause = min(pause * 2, 0.2)


def _mode(connection: sqlite3.Connection, pragma: str) -> str:
    return str(connection.execute(pragma).fetchone()[0]).lower()
