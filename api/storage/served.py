"""The ledger `jixiao serve` serves. The server never makes one: a verb that does not set
out to create a ledger leaves none behind (api/storage/new_ledger.py), and a server at a
mistyped path made a new, empty ledger there at its first request with a token, which
knows no user, so it refused every sign-in and looked like a server that works.

So a SQLite path with no ledger is refused before serving, naming it and the verbs that
make one; and a ledger file moved away or deleted while the server runs is not made
again: its session is found stale (`Session.stale`) and not opened anew while no file is
there. Such a request is answered 503 without the path (the caller need not learn where
the server keeps its files); the server's log names it for its administrator."""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from pathlib import Path

from api.storage.backups import is_sqlite_file
from api.storage.busy import NOT_A_LEDGER, RETRY_AFTER_S, UNOPENABLE
from api.storage.read_only import file_identity, ledger_file, refuse_a_new_ledger
from api.storage.session import Session, found_for_reading, ledger_exists, ledger_location
from domain.errors import InvalidRequestError, StoreUnavailableError

NO_LEDGER_TO_SERVE = ("no ledger at {path}, and `jixiao serve` makes none: make one there "
                      "first (`jixiao init`, `jixiao restore` from a backup, or `jixiao "
                      "demo`), or check --db and JIXIAO_DB; nothing was written")
LEDGER_GONE = ("the server's ledger is not where it was when the server started (moved "
               "or deleted): nothing was written; the server's log names the file for its "
               "administrator")
GONE_LOGGED = ("jixiao serve: no ledger at %s any more (moved or deleted while serving); "
               "requests are answered 503 until a ledger is there again")
BACK_LOGGED = "jixiao serve: a ledger is at %s again; requests are served"
# On PostgreSQL a schema without the ledger's tables: the first request with a token made
# them (an empty ledger that knew no user: 401), or failed with 500 under CREATE_TABLE=no.
# The body names no server, database or login; the log names the database and schema.
NO_LEDGER_IN_DATABASE = ("the server's database holds no ledger (no jixiao tables where the "
                         "server looks), and the server makes none: nothing was written; "
                         "the server's log names the database and schema for its "
                         "administrator, who makes the ledger there with `jixiao init`")
NONE_LOGGED = ("jixiao serve: no ledger in %s (no jixiao tables there), and the server "
               "makes none: requests are answered 503 until one is made there (`jixiao "
               "init`)")

log = logging.getLogger(__name__)
# The served files found gone at their last look. A load balancer probes /health every few
# seconds: a line per probe (and per request) flooded the log, so it says when a file goes
# and when it is back, once each (asked from the event loop and the ledger thread).
_gone: set[str] = set()
_gone_lock = threading.Lock()


def check_servable(env: Mapping[str, str]) -> None:
    """Refuse, before serving, a SQLite path with no ledger (the server makes none), or
    one no request could open (its folder missing, a folder, a file that is no
    database): else every request answered 503 "busy, retry" for ever."""
    if env.get("PERSISTENCE_MODULE") == "eventsourcing.postgres":
        return  # a server not up yet is told per request, and retried
    refuse_a_new_ledger(env)  # JIXIAO_READ_ONLY=1 over no ledger: said as such (exit 4)
    path = Path(env["SQLITE_DBNAME"])
    if path.is_dir() or not path.parent.is_dir():
        raise InvalidRequestError(UNOPENABLE.format(path=path))
    if path.is_file() and path.stat().st_size > 0 and not is_sqlite_file(str(path)):
        raise InvalidRequestError(NOT_A_LEDGER.format(path=path))
    if ledger_file(env) is not None and not ledger_exists(env):
        raise InvalidRequestError(NO_LEDGER_TO_SERVE.format(path=path))


def refuse_a_ledger_gone(env: Mapping[str, str]) -> None:
    """Refuse (503, without the path; the log names it) while the served SQLite file is
    not there: moved or deleted since `check_servable` saw it. One stat, no open, so
    `/health` may ask it at every probe; logged when it goes and when it is back, not at
    every look."""
    name = ledger_file(env)
    if name is None:
        return
    gone = file_identity(name) is None
    with _gone_lock:
        changed = gone != (name in _gone)
        if gone:
            _gone.add(name)
        else:
            _gone.discard(name)
    if changed:
        log.log(logging.ERROR if gone else logging.WARNING,
                GONE_LOGGED if gone else BACK_LOGGED, name)
    if gone:
        raise StoreUnavailableError(LEDGER_GONE, RETRY_AFTER_S)


def open_server_session(env: Mapping[str, str]) -> Session:
    """The server's session. A SQLite file that is not there (any more: `check_servable`
    saw it at start) is not opened, which would make it again, empty. On PostgreSQL it
    first asks whether the ledger is there on a connection of its own, as every CLI verb
    does: a server that is down is told at once (refused) or within
    POSTGRES_CONNECT_TIMEOUT (out of reach), not after the pool has waited out its
    timeout; a ledger found needs no schema made, and a schema without one is refused
    (503), not given the ledger's tables. That is asked when a session opens, not at
    start: the server starts while its database is down."""
    if env.get("PERSISTENCE_MODULE") != "eventsourcing.postgres":
        refuse_a_ledger_gone(env)
        return Session(env)
    # Its connection kept for the view, and asked whether the session may write.
    found, connection = found_for_reading(env)
    if not found:  # its connection closed; the tables are not made, nor asked again
        log.error(NONE_LOGGED, ledger_location(env))  # within the 503's Retry-After
        raise StoreUnavailableError(NO_LEDGER_IN_DATABASE, RETRY_AFTER_S)
    return Session(env, found=found, connection=connection)
