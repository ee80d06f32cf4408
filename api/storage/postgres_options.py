"""A PostgreSQL connection's timeouts and what their errors mean, apart from the
bounded writes (api/storage/postgres_limits.py, which imports eventsourcing's recorders):
the statements view, the snapshots and a reading session's ledger open their connections
with these and need nothing of eventsourcing."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import psycopg

from api.storage.busy import BUSY, RETRY_AFTER_S, SLOW
from api.storage.store_env import STATEMENT_TIMEOUT_S_DEFAULT, setting_seconds
from domain.errors import BusyError, DatabaseUnreachableError, StoreUnavailableError

LOCK_TIMEOUT_S_DEFAULT = "5"  # POSTGRES_LOCK_TIMEOUT: waiting for another writer's lock


def session_options(env: Mapping[str, str]) -> str:
    """libpq `options` that set both timeouts on every connection of the pool."""
    lock_s = setting_seconds(env, "POSTGRES_LOCK_TIMEOUT", LOCK_TIMEOUT_S_DEFAULT)
    statement_s = setting_seconds(env, "POSTGRES_STATEMENT_TIMEOUT",
                                  STATEMENT_TIMEOUT_S_DEFAULT)
    return f"-c lock_timeout={lock_s * 1000} -c statement_timeout={statement_s * 1000}"


def busy_error(error: Exception, where: Mapping[str, Any] | None = None) -> Exception:
    """A lock or statement timeout (eventsourcing's error, psycopg's its cause) as
    `BusyError`; with `where`, a server the pool cannot reach (eventsourcing keeps only
    the pool's timeout, not why) or a connection lost as `StoreUnavailableError`; any
    other error as it was."""
    return busy_cause(error.__cause__, where) or error


def pool_error(error: Exception, arguments: Mapping[str, Any]) -> Exception:
    """`busy_error` for eventsourcing's pool opening, or for the pool's own timeout
    (`told_getconn`): the pool keeps why it could not connect in its log only, so one
    direct attempt then says it (refused, login refused, no such database), and the
    server answers what the CLI says."""
    told = busy_cause(error, arguments) or busy_error(error, arguments)
    if isinstance(told, StoreUnavailableError) and "couldn't get a connection" in str(error):
        try:
            # Two seconds, not the store's timeout: it only asks why, after the pool waited.
            psycopg.connect(**{**arguments, "connect_timeout": 2}).close()
        except psycopg.OperationalError as probe:
            return unavailable(probe, arguments) or told
    return told


# How long a request waits for a pooled connection before it asks the server itself
# whether it is there: a pool whose connections the server dropped (stopped, restarted)
# reconnects in threads of its own, and a request would otherwise wait out the whole
# POSTGRES_CONNECT_TIMEOUT for a server that refuses every attempt at once.
PROBE_AFTER_S = 0.5


def told_getconn(getconn: Callable[..., Any], arguments: Mapping[str, Any],
                 timeout_s: float) -> Callable[..., Any]:
    """A pool's `getconn` (waiting `timeout_s` by default) that tells a server out of
    reach as `StoreUnavailableError`, with why: after PROBE_AFTER_S without a connection,
    one direct login says whether the server is there (else the pool's wait continues),
    and a wait run out (psycopg_pool's PoolTimeout) is told the same way. Not a psycopg
    error, so no retry above it (eventsourcing retries its reads ten times on one) waits
    again: the pool has had its time to connect."""
    # Here, not at the top: a session that reads opens no pool (api/storage/plain_store.py).
    import psycopg_pool  # noqa: PLC0415

    def getconn_told(timeout: float | None = None) -> Any:
        wait_s = timeout_s if timeout is None else timeout
        # The probe's login counts: a slow one must not start the wait over.
        deadline = time.monotonic() + wait_s
        try:
            return getconn(min(wait_s, PROBE_AFTER_S))
        except psycopg_pool.PoolTimeout as error:
            if wait_s <= PROBE_AFTER_S:
                raise pool_error(error, arguments) from error
            try:
                psycopg.connect(**arguments).close()
            except psycopg.OperationalError as probe:
                raise (unavailable(probe, arguments) or pool_error(error, arguments)) from error
        try:
            # At least a moment: psycopg_pool refuses a wait of 0 before it looks.
            return getconn(max(deadline - time.monotonic(), 0.01))
        except psycopg_pool.PoolTimeout as error:
            raise pool_error(error, arguments) from error

    return getconn_told


def busy_cause(cause: BaseException | None,
               where: Mapping[str, Any] | None = None) -> BusyError | None:
    """A psycopg lock or statement timeout as `BusyError`; with `where` (the connection's
    arguments or `connection_where`), a server out of reach or a connection lost as
    `StoreUnavailableError`; else None."""
    if isinstance(cause, psycopg.errors.LockNotAvailable):
        return BusyError(BUSY, RETRY_AFTER_S)
    if isinstance(cause, psycopg.errors.QueryCanceled):
        return BusyError(SLOW, RETRY_AFTER_S)
    if where is not None and isinstance(cause, psycopg.OperationalError):
        return unavailable(cause, where)
    return None


# What libpq and the server say when a login is refused, or names no database; the
# connection's error has no SQLSTATE to tell them apart (psycopg 3.3), only its text.
LOGIN_REFUSED = ("password authentication failed", "no password supplied",
                 "pg_hba.conf", "authentication failed", "is not permitted to log in")
NOT_SERVED = ("Connection refused", "could not connect", "failed to resolve host",
              "timeout expired", "No such file or directory", "Is the server running")
# Over TLS (libpq's default sslmode "prefer", and a Debian server has ssl on) the same
# link gone reads "SSL SYSCALL error: Connection timed out", or, on a connection the
# keepalive cut while it was idle, "SSL error: unexpected eof while reading" (OpenSSL 3).
LINK_GONE = ("could not receive data from server", "could not send data to server",
             "SSL SYSCALL error", "unexpected eof while reading")
MULTIPLE = "\nMultiple connection attempts failed"  # psycopg's, before each attempt's text
UNREACHABLE = ("cannot connect to the PostgreSQL server at {host}:{port} (database "
               "{database}, user {user}): {reason}; is it running and accepting "
               "connections? Nothing was written")
LOGIN = ("the PostgreSQL server at {host}:{port} refused the login of user {user} to "
         "database {database}: check POSTGRES_USER and POSTGRES_PASSWORD; nothing was "
         "written")
NO_DATABASE = ("the PostgreSQL server at {host}:{port} has no database {database}: "
               "check POSTGRES_DBNAME; nothing was written")
LOST = ("the connection to the PostgreSQL server at {host}:{port} (database {database}, "
        "user {user}) was lost; anything it was writing was written in full or not at "
        "all: run the command again")


def unavailable(error: BaseException,
                where: Mapping[str, Any]) -> DatabaseUnreachableError | None:
    """A connection that could not be made, or was lost, as `StoreUnavailableError`
    naming the server, database and user of `where` (never its password); None for any
    other error (a full disk, a missing table: not the network's)."""
    sqlstate = getattr(error, "sqlstate", None)
    text = str(error)
    named = {"host": where.get("host") or "localhost", "port": where.get("port") or "5432",
             "database": where.get("dbname") or "?", "user": where.get("user") or "?"}
    # "couldn't get a connection": eventsourcing's pool (psycopg_pool's PoolTimeout) gave
    # up connecting; the reason is in its log only. "connection timeout expired":
    # POSTGRES_CONNECT_TIMEOUT ran out (a host that drops the packets, a server hung).
    if sqlstate is None and text.startswith(("connection failed", "connection is bad",
                                             "failed to resolve host",
                                             "couldn't get a connection",
                                             "connection timeout expired")):
        # A connection attempt: libpq's reason, first line, without the server repeated.
        reason = text.split("\n", 1)[0].rsplit("failed: ", 1)[-1].strip() or text
        # Told by the last attempt alone: psycopg lists every address it tried after it
        # ("localhost" is ::1 then 127.0.0.1), and one refused is not why the last failed.
        last = text.split(MULTIPLE, 1)[0]
        # 'role "x" does not exist' is a login refused; 'too many connections for role
        # "x"' is not (the server is full: its own reason, "retry").
        if (any(sign in last for sign in LOGIN_REFUSED)
                or ("role \"" in last and "does not exist" in last)) and not any(
                sign in last for sign in NOT_SERVED):
            return DatabaseUnreachableError(LOGIN.format(**named), RETRY_AFTER_S)
        if "database \"" in last and "does not exist" in last:
            return DatabaseUnreachableError(NO_DATABASE.format(**named), RETRY_AFTER_S)
        return DatabaseUnreachableError(UNREACHABLE.format(reason=reason, **named),
                                        RETRY_AFTER_S)
    # 57P01-03: the server shut down or terminated the backend; 08: the link broke; no
    # SQLSTATE but the connection named: the socket closed ("the connection is closed",
    # "consuming input failed: server closed the connection unexpectedly"), or the TCP
    # keepalive or user timeout gave up on a host gone silent ("… could not receive data
    # from server: Connection timed out").
    if (sqlstate or "").startswith(("08", "57P")) or (sqlstate is None and (
            "connection" in text or any(sign in text for sign in LINK_GONE))):
        return DatabaseUnreachableError(LOST.format(**named), RETRY_AFTER_S)
    return None


def connection_where(connection: Any) -> dict[str, Any]:
    """An open (or since lost) connection's server, database and user, as `unavailable`
    names them: psycopg keeps them after the socket closed."""
    info = connection.info
    return {"host": info.host, "port": info.port, "dbname": info.dbname, "user": info.user}


@contextmanager
def told_on(connection: Any) -> Iterator[None]:
    """psycopg's error on `connection` as `busy_cause` tells it (a lock or statement
    timeout as `BusyError`, the connection lost as `StoreUnavailableError`, naming the
    connection's server); any other error as it was."""
    try:
        yield
    except psycopg.OperationalError as error:
        told = busy_cause(error, connection_where(connection))
        if told is None:
            raise
        raise told from error


def pool_where(datastore: Any) -> dict[str, Any]:
    """The server, database and user of eventsourcing's pool (its connection arguments;
    `unavailable` reads no other, the password among them)."""
    kwargs = getattr(getattr(datastore, "pool", None), "kwargs", None) or {}
    return {key: kwargs.get(key) for key in ("host", "port", "dbname", "user")}


def connect(arguments: Mapping[str, Any], **options: Any) -> Any:
    """`psycopg.connect`, with a server out of reach or a refused login told as
    `StoreUnavailableError` (503, exit code 6), never a traceback."""
    try:
        return psycopg.connect(**arguments, **options)
    except psycopg.OperationalError as error:
        raise unavailable(error, arguments) or error from error


def store_connection(connect_args: Mapping[str, Any], schema: str | None,
                     env: Mapping[str, str] | None) -> Any:
    """A connection as the statements view and the snapshots keep one: autocommit, the
    schema on its search path, the events' pool's lock and statement timeouts."""
    options = session_options(env or {})
    if schema:
        options = f"-c search_path={schema} {options}"
    return connect(dict(connect_args), options=options, autocommit=True)
