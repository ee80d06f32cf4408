"""Copies of a whole SQLite ledger through SQLite's online backup API: consistent while
writers go on (the copy is one snapshot), WAL included. PostgreSQL is backed up with its
own tools (pg_dump, or a base backup with WAL archiving; docs/security.md)."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def sqlite_copy(source: str, target: str) -> int:
    """Copy the database at `source` into a new file `target`; returns its size."""
    # A read-only ledger's session names its copy in memory by URI (api/storage/read_only.py).
    with sqlite3.connect(source, uri=source.startswith("file:")) as origin, \
            sqlite3.connect(target) as copy:
        origin.backup(copy)
    origin.close()
    copy.close()
    return Path(target).stat().st_size


def is_sqlite_file(path: str) -> bool:
    try:
        with open(path, "rb") as file:
            return file.read(16) == b"SQLite format 3\x00"
    except OSError:
        return False
