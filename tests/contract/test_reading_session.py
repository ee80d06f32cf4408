"""A session opened to read (`reads_only`: the what-if, api/cli/plain.py) answers as the
Application's session does, on SQLite and PostgreSQL: the same fold, the same what-if
statement, the same invalid entries. It reads without eventsourcing
(api/storage/plain_store.py): on SQLite always, on PostgreSQL on the connection that
asked whether the ledger exists (`found_for_reading`), else with a pool of one."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from builders import GOLDEN, captured, cli_for, sql_on_store

from api.cli_launch import main as launcher
from api.storage.plain_store import (
    EVENTS_TABLE,
    PlainSQLiteRecorder,
    PlainSQLiteStore,
    ReadLedger,
    read_ledger,
)
from api.storage.session import Session, found_for_reading, open_ledger
from api.usecases import reports
from api.usecases.ledger import read_jsonl_batch
from api.usecases.ports import Caller
from domain.envelope import InvalidEntry

BATCH = GOLDEN / "example-3/correction.jsonl"


def _what_if(env: dict[str, str], *, reads_only: bool) -> tuple[type, dict[str, Any]]:
    with Session(env, found=True, reads_only=reads_only) as session:
        query = reports.ReportQuery("2026-Q1", None, read_jsonl_batch(str(BATCH)))
        return type(session.ledger), reports.payout(session, Caller("test"), query)


def _filled(store: Any) -> dict[str, str]:
    cli_for(store.backend, store.env).ok("apply", str(GOLDEN / "example-3/commands.jsonl"))
    return store.env


def test_a_reading_session_answers_the_what_if_as_the_application_s(store) -> None:  # type: ignore[no-untyped-def]
    env = _filled(store)
    kind, answer = _what_if(env, reads_only=True)
    application_kind, expected = _what_if(env, reads_only=False)
    assert json.dumps(answer, sort_keys=True, default=str) == json.dumps(
        expected, sort_keys=True, default=str)
    assert (kind is ReadLedger) == (store.backend == "sqlite")
    assert application_kind is not ReadLedger


def test_a_reading_session_folds_and_isolates_an_edited_row_alike(store) -> None:  # type: ignore[no-untyped-def]
    env = _filled(store)
    ledger = open_ledger(env, True)
    try:
        sql_on_store(ledger.recorder, "UPDATE {events} SET state = ? WHERE {id} = 3",
                     b'{"not": "an event"}')
        expected = [(p, e) for page in ledger.read_pages() for p, e in page]
    finally:
        ledger.close()
    found, connection = found_for_reading(env)  # on PostgreSQL the one it reads on
    assert found
    reader = open_ledger(env, True, reads_only=True, connection=connection)
    try:
        assert type(reader) is ReadLedger
        read = [(p, e) for page in reader.read_pages() for p, e in page]
        assert read == expected
        assert isinstance(read[2][1], InvalidEntry)
        assert reader.max_position() == expected[-1][0]
        assert reader.facts().last_position == expected[-1][0]
        assert reader.recorder.select_events(expected[0][1].originator_id, limit=1)
    finally:
        reader.close()
        if connection is not None:
            connection.close()


def test_a_file_without_the_ledger_s_table_is_left_to_the_application(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    sqlite3.connect(path).close()
    assert read_ledger(str(path)) is None
    ledger = open_ledger({"PERSISTENCE_MODULE": "eventsourcing.sqlite",
                          "SQLITE_DBNAME": str(path)}, True, reads_only=True)
    try:
        assert type(ledger) is not ReadLedger  # the Application, which made the table
        assert ledger.max_position() == 0
    finally:
        ledger.close()


@pytest.mark.parametrize("setting", ["APPLICATION_RECORDER_TOPIC", "CREATE_TABLE"])
def test_any_other_setting_is_left_to_the_application(sqlite_env, setting: str) -> None:  # type: ignore[no-untyped-def]
    open_ledger(sqlite_env).close()
    env = {**sqlite_env, setting: "api.storage.sqlite_writes:BulkSQLiteRecorder"
           if setting == "APPLICATION_RECORDER_TOPIC" else "no"}
    ledger = open_ledger(env, True, reads_only=True)
    try:
        assert type(ledger) is not ReadLedger
    finally:
        ledger.close()


def test_the_plain_store_s_transaction_rolls_back_unless_asked_to_commit(tmp_path: Path) -> None:
    path = str(tmp_path / "plain.db")
    store = PlainSQLiteStore(path)
    try:
        with store.transaction(commit=True) as cursor:
            cursor.execute(f"CREATE TABLE {EVENTS_TABLE} (originator_id TEXT, "
                           "originator_version INTEGER, topic TEXT, state BLOB)")
        with store.transaction(commit=False) as cursor:
            cursor.execute(f"INSERT INTO {EVENTS_TABLE} VALUES ('a', 1, 't', x'00')")
        with pytest.raises(RuntimeError):
            _insert_then_fail(store)
        recorder = PlainSQLiteRecorder(store)
        assert recorder.max_notification_id() is None
        with store.transaction(commit=True) as cursor:
            cursor.execute(f"INSERT INTO {EVENTS_TABLE} VALUES ('c', 1, 't', x'00')")
        assert recorder.max_notification_id() == 1
        assert len(recorder.select_events("c", limit=1)) == 1
        assert recorder.select_events("a", limit=1) == []
    finally:
        store.close()


def _insert_then_fail(store: PlainSQLiteStore) -> None:
    with store.transaction(commit=True) as cursor:
        cursor.execute(f"INSERT INTO {EVENTS_TABLE} VALUES ('b', 1, 't', x'00')")
        raise RuntimeError


def _counted_logins(store: Any, monkeypatch: pytest.MonkeyPatch) -> list[object]:
    logins: list[object] = []
    if store.backend == "postgres":
        import psycopg  # noqa: PLC0415 - PostgreSQL only

        real = psycopg.Connection.connect.__func__  # type: ignore[attr-defined]

        def counted(cls: type, *args: object, **kwargs: object) -> object:
            logins.append(kwargs.get("options"))
            return real(cls, *args, **kwargs)

        monkeypatch.setattr(psycopg.Connection, "connect", classmethod(counted))
        monkeypatch.setattr(psycopg, "connect", psycopg.Connection.connect)
    return logins


def test_a_reading_session_logs_in_twice_on_postgresql(store, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Its pool keeps one connection (eventsourcing's opened five, and grew a sixth while
    the first was made), and the closed years' snapshots are read on the statements
    view's connection: the pool's login and the view's. Nothing of psycopg on SQLite."""
    env = _filled(store)
    logins = _counted_logins(store, monkeypatch)
    _, answer = _what_if(env, reads_only=True)
    assert answer["period"] == "2026-Q1"
    assert len(logins) == (2 if store.backend == "postgres" else 0), logins


def test_the_plain_what_if_logs_in_once_on_postgresql(store, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The connection that asked whether the ledger exists (`found_for_reading`) is the
    view's, the snapshots' and the ledger's (api/storage/plain_store.py): the whole
    what-if, one login (it was nine)."""
    cli = cli_for(store.backend, store.env)
    cli.ok("apply", str(GOLDEN / "example-3/commands.jsonl"))
    logins = _counted_logins(store, monkeypatch)
    code, out, _ = captured(launcher, ["payout", "--period", "2026-Q1", "--with", str(BATCH)],
                            dict(cli.environ))
    assert code == 0, out
    assert len(logins) == (1 if store.backend == "postgres" else 0), logins


def test_a_missing_ledger_closes_the_connection_that_asked(pg_env) -> None:  # type: ignore[no-untyped-def]
    assert found_for_reading({**pg_env, "POSTGRES_SCHEMA": "no_such_schema"}) == (False, None)
    found, connection = found_for_reading(_filled_pg(pg_env))
    try:
        assert found
        assert connection.execute("SHOW search_path").fetchone()[0].startswith(
            pg_env["POSTGRES_SCHEMA"])
    finally:
        connection.close()


def _filled_pg(env: dict[str, str]) -> dict[str, str]:
    open_ledger(env).close()
    return env


def _reader_timeout(env: dict[str, str],
                    monkeypatch: pytest.MonkeyPatch) -> tuple[type, list[float]]:
    """The kind of ledger a reading session opens, and the busy timeouts its sqlite3
    connections were opened with."""
    import api.storage.plain_store as plain  # noqa: PLC0415 - its sqlite3, spied on

    timeouts: list[float] = []
    real = sqlite3.connect

    def spied(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        if "check_same_thread" in kwargs:  # a reader's (not ensure_wal's, say)
            timeouts.append(kwargs.get("timeout", 5.0))
        return real(*args, **kwargs)

    monkeypatch.setattr(plain.sqlite3, "connect", spied)
    ledger = open_ledger(env, True, reads_only=True)
    try:
        return type(ledger), timeouts
    finally:
        ledger.close()
        monkeypatch.setattr(plain.sqlite3, "connect", real)


@pytest.mark.parametrize("key", ["SQLITE_LOCK_TIMEOUT", "JIXIAO_SQLITE_LOCK_TIMEOUT"])
def test_the_plain_reader_waits_for_a_lock_as_long_as_the_application(
        sqlite_env, monkeypatch, key: str) -> None:  # type: ignore[no-untyped-def]
    """eventsourcing's Application reads SQLITE_LOCK_TIMEOUT from the process's
    environment (under the ledger's name first), not only from the env it is given."""
    open_ledger(sqlite_env).close()
    monkeypatch.setenv(key, " 30 ")
    kind, timeouts = _reader_timeout(sqlite_env, monkeypatch)
    assert kind is ReadLedger
    assert timeouts == [30]
    monkeypatch.setenv(key, "0")  # eventsourcing's default then
    assert _reader_timeout(sqlite_env, monkeypatch) == (ReadLedger, [5])


@pytest.mark.parametrize("setting", [("SQLITE_LOCK_TIMEOUT", "soon"),
                                     ("JIXIAO_SQLITE_DBNAME", "other.db"),
                                     ("JIXIAO_PERSISTENCE_MODULE", "eventsourcing.sqlite")])
def test_what_the_process_sets_beyond_the_plain_reader_is_left_to_the_application(
        sqlite_env, monkeypatch, tmp_path: Path, setting: tuple[str, str]) -> None:  # type: ignore[no-untyped-def]
    open_ledger(sqlite_env).close()
    key, value = setting
    monkeypatch.setenv(key, str(tmp_path / value) if value.endswith(".db") else value)
    if key == "SQLITE_LOCK_TIMEOUT":  # eventsourcing refuses it in its own words
        with pytest.raises(OSError, match="SQLITE_LOCK_TIMEOUT"):
            open_ledger(sqlite_env, True, reads_only=True)
        return
    ledger = open_ledger(sqlite_env, True, reads_only=True)
    try:
        assert type(ledger) is not ReadLedger
    finally:
        ledger.close()


def test_the_plain_postgresql_reader_answers_the_what_if_as_the_application(pg_env) -> None:  # type: ignore[no-untyped-def]
    """The first test's reading session on PostgreSQL has no connection given, so it opens
    eventsourcing's pool: this one reads as the CLI's what-if does, on the connection that
    asked whether the ledger exists, and answers with the Application's figures (its
    edited rows read alike: the second test)."""
    env = dict(pg_env)
    cli_for("postgres", env).ok("apply", str(GOLDEN / "example-3/commands.jsonl"))
    found, connection = found_for_reading(env)
    assert found
    query = reports.ReportQuery("2026-Q1", None, read_jsonl_batch(str(BATCH)))
    with Session(env, found=True, reads_only=True, connection=connection) as session:
        assert type(session.ledger) is ReadLedger
        answer = reports.payout(session, Caller("test"), query)
        warnings = list(session.integrity_warnings)
    assert connection.closed
    with Session(env, found=True) as session:
        assert type(session.ledger) is not ReadLedger
        expected = reports.payout(session, Caller("test"), query)
        assert warnings == list(session.integrity_warnings)
    assert json.dumps(answer, sort_keys=True, default=str) == json.dumps(
        expected, sort_keys=True, default=str)
