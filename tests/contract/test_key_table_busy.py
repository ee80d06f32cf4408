"""The personal-key table on PostgreSQL keeps the store's lock timeout: a key table
locked by another process for longer answers "busy, retry" (BusyError: CLI exit 6, HTTP
503), not a hang and not a raw driver error, and writes nothing."""

from __future__ import annotations

import threading

import psycopg
from psycopg import sql

from api.storage.keys import TABLE, KeyVault
from api.storage.session import postgres_connect_args
from domain.errors import BusyError


def test_a_locked_key_table_is_busy_within_the_lock_timeout(pg_env: dict[str, str]) -> None:
    env = {**pg_env, "POSTGRES_LOCK_TIMEOUT": "1"}
    vault = KeyVault(env, bytes(32))
    with psycopg.connect(**dict(postgres_connect_args(env))) as holder:
        holder.execute(sql.SQL("LOCK TABLE {} IN ACCESS EXCLUSIVE MODE").format(
            sql.Identifier(env["POSTGRES_SCHEMA"], TABLE)))
        outcome: list[BaseException | None] = []

        def seal() -> None:
            try:
                vault.seal("E0001", b"6222 0000 1111")
                outcome.append(None)
            except BaseException as error:
                outcome.append(error)

        # In a thread, so that a seal waiting for the lock fails this test, not hangs it.
        sealing = threading.Thread(target=seal)
        sealing.start()
        sealing.join(15)
        waited = sealing.is_alive()
        holder.rollback()
        sealing.join(30)
    assert not waited, "the seal waited for the lock with no timeout"
    assert len(outcome) == 1
    assert isinstance(outcome[0], BusyError), outcome
    assert vault.destroy("E0001") == 0  # the refused seal stored no key
