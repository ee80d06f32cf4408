"""The words of a busy store, shared by both backends without importing either driver:
a write that waited out another writer's lock, or ran out of time, wrote nothing and may
simply be sent again (HTTP 503 with Retry-After, CLI exit 4)."""

from __future__ import annotations

import sqlite3

from domain.errors import BusyError

RETRY_AFTER_S = 2

BUSY = ("另一个写入正在进行，账本暂时被占用；请稍后重试。 "
        "Another writer holds the ledger; nothing was written, run the command again "
        "in a moment.")
SLOW = ("写入超时，未写入任何内容；请稍后重试或分批提交。 "
        "The write took longer than the statement timeout; nothing was written. Run it "
        "again, or in smaller batches.")


def sqlite_busy(error: BaseException) -> BusyError | None:
    """SQLite's "database is locked" (the busy timeout ran out) as `BusyError`."""
    if isinstance(error, sqlite3.OperationalError) and "locked" in str(error):
        return BusyError(BUSY, RETRY_AFTER_S)
    return None
