"""Copies of a whole SQLite ledger through SQLite's online backup API: consistent while
writers go on (the copy is one snapshot), WAL included. PostgreSQL is backed up with its
own tools (pg_dump, or a base backup with WAL archiving; docs/security.md)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from api.storage.plain_store import EVENTS_TABLE

# Pages a restore copies between two looks at a signal (SIGTERM: api/storage/new_ledger.py):
# 16 MiB of 4 KiB pages.
RESTORE_STEP = 4096


def sqlite_copy(source: str, target: str, *, pages: int = -1) -> int:
    """Copy the database at `source` into a new file `target`; returns its size.
    `pages`: -1 copies in one step, one snapshot of a ledger that writers go on writing;
    more steps (a file nobody writes) let a signal's handler run between them."""
    # A read-only ledger's session names its copy in memory by URI (api/storage/read_only.py).
    # Closed also when the copy fails or is stopped, before its file is removed.
    with closing(sqlite3.connect(source, uri=source.startswith("file:"))) as origin, \
            closing(sqlite3.connect(target)) as copy:
        # The sqlite3 module runs the steps in C: Python handles a signal only in the
        # progress call, which does nothing else.
        origin.backup(copy, pages=pages, progress=None if pages < 0 else _stepped)
    return Path(target).stat().st_size


def _stepped(_status: int, _remaining: int, _total: int) -> None:
    return None


def is_sqlite_file(path: str) -> bool:
    try:
        with open(path, "rb") as file:
            return file.read(16) == b"SQLite format 3\x00"
    except OSError:
        return False


def is_ledger_backup(path: str) -> bool:
    """Whether `path` is a ledger SQLite can read: not a damaged file (its header whole,
    its pages not: sqlite3's traceback), nor another program's database (restored, it
    was a ledger of 0 events, "chain intact", its own tables kept beside ours)."""
    if not is_sqlite_file(path):
        return False
    try:
        with closing(sqlite3.connect(path)) as db:
            return db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                              (EVENTS_TABLE,)).fetchone() is not None
    except sqlite3.DatabaseError:
        return False


class UnreadableBackup(Exception):
    """A backup whose pages SQLite cannot read (`copy_backup`)."""


def copy_backup(backup_file: str, target: str) -> int:
    """`sqlite_copy` of a backup (`is_ledger_backup`), or `UnreadableBackup` for damage
    met on a page `is_ledger_backup` did not read."""
    try:
        return sqlite_copy(backup_file, target, pages=RESTORE_STEP)
    except sqlite3.DatabaseError as error:
        raise UnreadableBackup(str(error)) from error
