"""A PostgreSQL connection's timeouts and what their errors mean, apart from the
bounded writes (api/storage/postgres_limits.py, which imports eventsourcing's recorders):
the statements view, the snapshots and a reading session's ledger open their connections
with these and need nothing of eventsourcing."""

from __future__ import annotations

from collections.abc import Mapping

import psycopg

from api.storage.busy import BUSY, RETRY_AFTER_S, SLOW
from domain.errors import BusyError

LOCK_TIMEOUT_S_DEFAULT = "5"  # POSTGRES_LOCK_TIMEOUT: waiting for another writer's lock
STATEMENT_TIMEOUT_S_DEFAULT = "60"  # POSTGRES_STATEMENT_TIMEOUT: any one statement


def session_options(env: Mapping[str, str]) -> str:
    """libpq `options` that set both timeouts on every connection of the pool."""
    lock_s = _seconds(env, "POSTGRES_LOCK_TIMEOUT", LOCK_TIMEOUT_S_DEFAULT)
    statement_s = _seconds(env, "POSTGRES_STATEMENT_TIMEOUT", STATEMENT_TIMEOUT_S_DEFAULT)
    return f"-c lock_timeout={lock_s * 1000} -c statement_timeout={statement_s * 1000}"


def _seconds(env: Mapping[str, str], key: str, default: str) -> int:
    text = env.get(key) or default
    if not text.isdigit():
        raise ValueError(f"{key} must be a whole number of seconds, got {text!r}")
    return int(text)


def busy_error(error: Exception) -> Exception:
    """A lock or statement timeout (eventsourcing's error, psycopg's its cause) as
    `BusyError`; any other error as it was."""
    return busy_cause(error.__cause__) or error


def busy_cause(cause: BaseException | None) -> BusyError | None:
    """A psycopg lock or statement timeout as `BusyError`, else None."""
    if isinstance(cause, psycopg.errors.LockNotAvailable):
        return BusyError(BUSY, RETRY_AFTER_S)
    if isinstance(cause, psycopg.errors.QueryCanceled):
        return BusyError(SLOW, RETRY_AFTER_S)
    return None
