"""How a psycopg error is told (api/storage/postgres_options.py): the reasons a
connection fails or is lost, each with its own words, and every other error left as it
was. The texts are libpq's and the server's (no SQLSTATE at connect, psycopg 3.3)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from types import SimpleNamespace

import psycopg
import pytest

from api.storage import postgres_options, session
from api.storage.busy import ensure_wal
from api.storage.postgres_options import unavailable
from domain.errors import ReadOnlyStoreError, StoreUnavailableError

WHERE = {"host": "db.example", "port": "5433", "dbname": "ledger", "user": "clerk",
         "password": "never-shown"}


@pytest.mark.parametrize(("text", "words"), [
    ('connection failed: connection to server at "10.0.0.5", port 5433 failed: Connection '
     "refused\n\tIs the server running on that host and accepting TCP/IP connections?",
     "cannot connect to the PostgreSQL server at db.example:5433 (database ledger, user "
     "clerk): Connection refused;"),
    ('connection failed: connection to server at "10.0.0.5", port 5433 failed: FATAL:  '
     'password authentication failed for user "clerk"', "refused the login of user clerk"),
    ('connection failed: connection to server at "10.0.0.5", port 5433 failed: FATAL:  '
     'no pg_hba.conf entry for host "10.0.0.9", user "clerk"', "refused the login"),
    ('connection failed: connection to server at "10.0.0.5", port 5433 failed: FATAL:  '
     'database "ledger" does not exist', "has no database ledger"),
    ("failed to resolve host 'db.example': [Errno -2] Name or service not known",
     "(database ledger, user clerk): failed to resolve host 'db.example'"),
    ("couldn't get a connection after 5.00 sec", "couldn't get a connection after 5.00 sec"),
    ("connection timeout expired", "(database ledger, user clerk): connection timeout "
     "expired; is it running"),
    ("the connection is closed", "was lost; anything it was writing"),
    ("consuming input failed: server closed the connection unexpectedly", "was lost"),
    # The TCP keepalive or user timeout gave up on a host gone silent (seen in a network
    # namespace whose loopback was taken down under an open connection).
    ("consuming input failed: could not receive data from server: Connection timed out",
     "was lost"),
    ("sending query failed: could not send data to server: Connection timed out",
     "was lost"),
    # The same over TLS: a connection the keepalive cut while idle, then used (seen with
    # sslmode=prefer on a server with ssl on, its loopback down for longer than 25 s).
    ("consuming input failed: SSL error: unexpected eof while reading", "was lost"),
    ("consuming input failed: SSL SYSCALL error: Connection timed out", "was lost"),
])
def test_each_failure_to_connect_is_told_in_its_own_words(text: str, words: str) -> None:
    told = unavailable(psycopg.OperationalError(text), WHERE)
    assert told is not None
    assert words in str(told)
    assert "never-shown" not in str(told)
    assert told.code == "store_unavailable"


def test_a_terminated_backend_is_a_lost_connection() -> None:
    told = unavailable(psycopg.errors.AdminShutdown("terminating connection"), WHERE)
    assert told is not None
    assert str(told).startswith("the connection to the PostgreSQL server at db.example:5433")


def test_any_other_operational_error_is_not_the_network_s() -> None:
    assert unavailable(psycopg.errors.DiskFull("no space left"), WHERE) is None
    assert unavailable(psycopg.OperationalError("sending query failed: pipeline"), WHERE) is None


# "localhost" is tried as ::1 then 127.0.0.1 (psycopg 3.3): a server listening on
# 127.0.0.1 only refuses the first, and the login refused on the second is the reason.
TRIED_TWICE = (
    'connection failed: connection to server at "127.0.0.1", port 5433 failed: FATAL:  '
    'password authentication failed for user "clerk"\n'
    "Multiple connection attempts failed. All failures were:\n"
    "- host: 'localhost', port: '5433', hostaddr: '::1': connection failed: connection to "
    'server at "::1", port 5433 failed: Connection refused\n'
    "\tIs the server running on that host and accepting TCP/IP connections?\n"
    "- host: 'localhost', port: '5433', hostaddr: '127.0.0.1': connection failed: "
    'connection to server at "127.0.0.1", port 5433 failed: FATAL:  password '
    'authentication failed for user "clerk"')


def test_a_login_refused_after_another_address_refused_is_a_refused_login() -> None:
    told = unavailable(psycopg.OperationalError(TRIED_TWICE), WHERE)
    assert told is not None
    assert "refused the login of user clerk" in str(told)


def test_too_many_connections_for_a_role_is_no_refused_login() -> None:
    text = ('connection failed: connection to server at "10.0.0.5", port 5433 failed: '
            'FATAL:  too many connections for role "clerk"')
    told = unavailable(psycopg.OperationalError(text), WHERE)
    assert told is not None
    assert "POSTGRES_PASSWORD" not in str(told)
    assert 'too many connections for role "clerk"' in str(told)
    missing = unavailable(psycopg.OperationalError(
        'connection failed: connection to server at "10.0.0.5", port 5433 failed: FATAL:  '
        'role "clerk" does not exist'), WHERE)
    assert missing is not None
    assert "refused the login of user clerk" in str(missing)


def test_a_connection_lost_does_not_claim_nothing_was_written() -> None:
    # Lost at COMMIT, the server may have committed: a write is whole or absent, and an
    # apply run again records what is already recorded once.
    told = unavailable(psycopg.OperationalError(
        "consuming input failed: server closed the connection unexpectedly"), WHERE)
    assert told is not None
    assert "nothing was written" not in str(told)
    assert "written in full or not at all" in str(told)


def test_a_read_only_sqlite_file_is_told_not_traced(tmp_path: Path) -> None:
    # A ledger file that refuses the switch to WAL though it looked writable (here opened
    # read-only; a ledger found read-only is read from a copy, api/storage/read_only.py):
    # told as read-only, naming it, not "busy, retry".
    path = tmp_path / "ledger.db"
    sqlite3.connect(path).close()
    with pytest.raises(ReadOnlyStoreError, match="is read-only"):
        ensure_wal(f"file:{path}?mode=ro")


def test_a_connection_lost_while_a_reading_session_asks_for_the_ledger_is_told(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """`found_for_reading` asks on the connection it keeps for the view: a connection
    lost at that moment is `StoreUnavailableError`, as on every later query, and closed."""
    closed: list[bool] = []

    class Lost:
        info = SimpleNamespace(host="db.example", port=5433, dbname="ledger", user="clerk")

        def execute(self, *_: object) -> None:
            raise psycopg.OperationalError("server closed the connection unexpectedly")

        def close(self) -> None:
            closed.append(True)

    monkeypatch.setattr(postgres_options, "store_connection", lambda *_: Lost())
    env = {"PERSISTENCE_MODULE": "eventsourcing.postgres", **{
        f"POSTGRES_{key}": value for key, value in (
            ("HOST", "db.example"), ("PORT", "5433"), ("DBNAME", "ledger"),
            ("USER", "clerk"), ("PASSWORD", "never-shown"))}}
    with pytest.raises(StoreUnavailableError) as told:
        session.found_for_reading(env)
    assert "db.example:5433" in str(told.value)
    assert "never-shown" not in str(told.value)
    assert closed == [True]
