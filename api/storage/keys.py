"""Personal data keys: one AES-256-GCM data key per person, wrapped by a master key that
is kept outside the database, in a table beside the event log so it can be destroyed.

Why a table and not an event: events are immutable, so a key stored in one could never
be erased. The log holds only ciphertext and the key's id (domain/personal.py); deleting
the row here (crypto-shredding) leaves that ciphertext unreadable for good, on every copy
of the log, as long as no copy of the row survives elsewhere (a database backup taken
before the deletion keeps it until that backup expires; see docs/spreadsheets.md).

Each sealed value is bound to its person and key with GCM's associated data, so a
ciphertext copied onto someone else's event does not open.
"""

from __future__ import annotations

import base64
import os
import secrets
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from api.storage.busy import READ_ONLY, WAL_WAIT_S, sqlite_busy
from api.storage.read_only import (
    ORIGIN_KEY,
    POSTGRES_READ_ONLY,
    forced_read_only,
    missing_grants,
    postgres_write_grants,
)
from api.storage.session import ledger_location, postgres_connect_args
from domain.errors import (
    InvalidRequestError,
    MissingGrantError,
    NotFoundError,
    ReadOnlyStoreError,
)

MASTER_KEY_ENV = "JIXIAO_MASTER_KEY_FILE"
KEY_BYTES = 32  # AES-256
NONCE_BYTES = 12  # GCM's standard nonce; random per seal, 2^32 seals per key are safe
TABLE = "jixiao_personal_keys"
# A read-only store's key table its role may not read (KeyVault).
UNREADABLE_KEYS = ("cannot read the personal details' keys of the ledger {path}: this "
                   "database role may not read the table {table}; grant it SELECT on that "
                   "table, or export without the master key; nothing was written")
# A key table a role that may write lacks a privilege on (KeyVault).
UNGRANTED_KEYS = ("this database role may not use the personal details' keys of the ledger "
                  "{path}: ask the key table's owner to run {grants} (docs/deploy.md); "
                  "nothing was written")
# A role that may not run DDL, first to need the key table (made at the first verb that
# opens it, the owner's or not).
KEYS_OWNER_FIRST = ("the personal details' key table in the schema {schema} is not made "
                    "yet, and the database role {role} may not make it: run `jixiao personal "
                    "show` with the master key once as the tables' owner, and grant this "
                    "role SELECT, INSERT and DELETE on it; then this again (docs/deploy.md); "
                    "nothing was written")
KEYS_TABLE = ("CREATE TABLE IF NOT EXISTS {t} (key_id TEXT PRIMARY KEY, "
              "employee_id TEXT NOT NULL, wrapped BYTEA NOT NULL)")
# English message ids; api/i18n/error_templates.py holds them with their Chinese
MESSAGES = {
    "no_key_file": "no master key: give --key-file or set JIXIAO_MASTER_KEY_FILE",
    "missing": "no master key file {path!r}",
    "bad": "the master key file {path!r} must hold 32 bytes in base64",
    "exists": "the file {path!r} exists already; it is not overwritten",
    "wrong": "the master key does not open this store's keys",
}


# ------------------------------------------------------------------ the master key


def create_master_key(path: str) -> None:
    """Write a new random master key (base64), readable by its owner only; never
    overwrite one (losing the old key would lose every person's data)."""
    target = Path(path)
    try:
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise InvalidRequestError(MESSAGES["exists"].format(path=path)) from None
    with os.fdopen(descriptor, "w", encoding="ascii") as file:
        file.write(base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode() + "\n")


def master_key_path(option: str | None, environ: Mapping[str, str]) -> str | None:
    return option or environ.get(MASTER_KEY_ENV) or None


def load_master_key(path: str | None) -> bytes:
    if not path:
        raise InvalidRequestError(MESSAGES["no_key_file"])
    try:
        text = Path(path).read_text(encoding="ascii").strip()
    except FileNotFoundError:
        raise NotFoundError(MESSAGES["missing"].format(path=path)) from None
    except (UnicodeDecodeError, IsADirectoryError):
        raise InvalidRequestError(MESSAGES["bad"].format(path=path)) from None
    try:
        key = base64.b64decode(text, validate=True)
    except ValueError:
        raise InvalidRequestError(MESSAGES["bad"].format(path=path)) from None
    if len(key) != KEY_BYTES:
        raise InvalidRequestError(MESSAGES["bad"].format(path=path))
    return key


# ------------------------------------------------------------------ sealing (pure)


def wrap_key(master: bytes, key_id: str, data_key: bytes) -> bytes:
    nonce = secrets.token_bytes(NONCE_BYTES)
    return nonce + AESGCM(master).encrypt(nonce, data_key, f"key:{key_id}".encode())


def unwrap_key(master: bytes, key_id: str, wrapped: bytes) -> bytes:
    try:
        return AESGCM(master).decrypt(wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:],
                                      f"key:{key_id}".encode())
    except InvalidTag:
        raise InvalidRequestError(MESSAGES["wrong"]) from None


def seal(data_key: bytes, employee_id: str, key_id: str, plain: bytes) -> str:
    nonce = secrets.token_bytes(NONCE_BYTES)
    sealed = AESGCM(data_key).encrypt(nonce, plain, _bound(employee_id, key_id))
    return base64.b64encode(nonce + sealed).decode()


def unseal(data_key: bytes, employee_id: str, key_id: str, sealed: str) -> bytes | None:
    """The plain bytes, or None when the ciphertext is not this person's under this key."""
    raw = base64.b64decode(sealed)
    try:
        return AESGCM(data_key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:],
                                        _bound(employee_id, key_id))
    except InvalidTag:
        return None


def _bound(employee_id: str, key_id: str) -> bytes:
    return f"personal:{employee_id}:{key_id}".encode()


# ------------------------------------------------------------------ the key table


class KeyVault:
    """The wrapped data keys of one store (its SQLite file or PostgreSQL schema).

    On a store the session may not write (a read-only SQLite ledger's copy,
    `JIXIAO_READ_ONLY=1`, a PostgreSQL role granted only reads: api/storage/read_only.py)
    it only reads: no table is made, a key is neither stored nor destroyed (refused as
    the ledger refuses a write, naming it), and its connections' transactions are READ
    ONLY. With no key table there it holds no key, as the owner's new empty table
    would: an auditor's payroll export is then the owner's, each person's details
    unreadable. A table there that the role may not read is said, not read as empty:
    the owner's export would show the details."""

    def __init__(self, store_env: Mapping[str, str], master_key: bytes) -> None:
        self._env = dict(store_env)
        self._master = master_key
        self._postgres = self._env.get("PERSISTENCE_MODULE") == "eventsourcing.postgres"
        self._read_only = ORIGIN_KEY in self._env or forced_read_only(self._env)
        self._absent = False  # a read-only store without the key table: no key
        # The privileges this role lacks on the key table (PostgreSQL), each told when a
        # use needs it (`_need`): a read-only store's write is refused as read-only first,
        # whatever its role may read, as that is what the write would meet next.
        self._lacking: tuple[str, ...] = ()
        self._table = TABLE  # as the store names it (`_lacks`)
        self._missing: tuple[str, ...] = ()  # read_only.py `postgres_write_grants`
        with self._cursor() as cursor:
            if self._postgres:
                from api.storage.pg_schema import lock_schema_ddl, tables_exist  # noqa: PLC0415 - PostgreSQL only

                missing = postgres_write_grants(self._env, cursor.connection)
                self._read_only = self._read_only or missing is not None
                self._missing = missing or ()
                # There already: no DDL, which a role granted only reads and writes on
                # the tables may not run, IF NOT EXISTS or not (pg_schema.py).
                table = self._sql("{t}").as_string(cursor)
                if tables_exist(cursor, table):
                    self._lacking = self._lacks(cursor, table)
                    return
                if self._read_only:
                    self._absent = True
                    return
                lock_schema_ddl(cursor, self._env.get("POSTGRES_SCHEMA"))  # see pg_schema.py
                self._made(cursor)
                return
            elif self._read_only:
                self._absent = cursor.execute(
                    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                    (TABLE,)).fetchone() is None
                return
            cursor.execute(self._sql(KEYS_TABLE))

    def _made(self, cursor: Any) -> None:
        import psycopg  # noqa: PLC0415 - PostgreSQL only

        try:
            cursor.execute(self._sql(KEYS_TABLE))
        except psycopg.errors.InsufficientPrivilege as error:
            # A role granted reads and writes only (docs/deploy.md), before the owner's
            # first verb that opens the key table made it: psycopg's traceback, before.
            raise MissingGrantError(KEYS_OWNER_FIRST.format(
                schema=self._env.get("POSTGRES_SCHEMA") or "public",
                role=cursor.connection.info.user)) from error

    def _lacks(self, cursor: Any, table: str) -> tuple[str, ...]:
        row = cursor.execute(
            "SELECT has_table_privilege(%s, 'SELECT'), has_table_privilege(%s, 'INSERT'), "
            "has_table_privilege(%s, 'DELETE')", (table, table, table)).fetchone()
        if row is None:
            return ()
        self._table = table
        return tuple(name for name, granted in zip(("SELECT", "INSERT", "DELETE"), row,
                                                   strict=True) if not granted)

    def _need(self, *privileges: str) -> None:
        """Refuse, naming the table and the GRANT to ask for, a use of the key table
        that its role may not make: psycopg's traceback, before."""
        lacking = [name for name in privileges if name in self._lacking]
        if not lacking:
            return
        if self._read_only:  # only reads come here (writes are refused first)
            raise MissingGrantError(UNREADABLE_KEYS.format(
                path=ledger_location(self._env), table=self._table))
        from psycopg import sql  # noqa: PLC0415 - PostgreSQL only

        role = sql.Identifier(self._env.get("POSTGRES_USER", "")).as_string(None)
        raise MissingGrantError(UNGRANTED_KEYS.format(
            path=ledger_location(self._env),
            grants=f"GRANT {', '.join(lacking)} ON {self._table} TO {role}"))

    def _refuse_a_write(self) -> None:
        if self._missing:  # a role that lacks a writer's privileges on the ledger
            raise missing_grants(self._env.get("POSTGRES_USER", ""),
                                 ledger_location(self._env), self._missing)
        if self._read_only:
            template = POSTGRES_READ_ONLY if self._postgres else READ_ONLY
            raise ReadOnlyStoreError(template.format(path=ledger_location(self._env)))

    def seal(self, employee_id: str, plain: bytes) -> tuple[str, str]:
        """A new data key for the person, stored wrapped; (its id, the sealed text)."""
        self._refuse_a_write()
        self._need("INSERT")
        key_id = secrets.token_hex(16)
        data_key = AESGCM.generate_key(bit_length=KEY_BYTES * 8)
        with self._cursor() as cursor:
            cursor.execute(self._sql("INSERT INTO {t} (key_id, employee_id, wrapped) "
                                     "VALUES (%s, %s, %s)"),
                           (key_id, employee_id, wrap_key(self._master, key_id, data_key)))
        return key_id, seal(data_key, employee_id, key_id, plain)

    def unseal(self, employee_id: str, key_id: str, sealed: str) -> bytes | None:
        """The plain bytes, or None when the key was destroyed (or never stored here)."""
        if self._absent:
            return None
        self._need("SELECT")
        with self._cursor() as cursor:
            cursor.execute(self._sql("SELECT wrapped FROM {t} WHERE key_id = %s "
                                     "AND employee_id = %s"), (key_id, employee_id))
            row = cursor.fetchone()
        if row is None:
            return None
        data_key = unwrap_key(self._master, key_id, bytes(row[0]))
        return unseal(data_key, employee_id, key_id, sealed)

    def seal_many(self, items: Sequence[tuple[str, bytes]]) -> list[tuple[str, str]]:
        """`seal` for many people in one connection and transaction: a spreadsheet of a
        thousand people is not a thousand connections and commits."""
        rows, sealed = [], []
        for employee_id, plain in items:
            key_id = secrets.token_hex(16)
            data_key = AESGCM.generate_key(bit_length=KEY_BYTES * 8)
            rows.append((key_id, employee_id, wrap_key(self._master, key_id, data_key)))
            sealed.append((key_id, seal(data_key, employee_id, key_id, plain)))
        if rows:
            self._refuse_a_write()
            self._need("INSERT")
            with self._cursor() as cursor:
                cursor.executemany(self._sql("INSERT INTO {t} (key_id, employee_id, wrapped) "
                                             "VALUES (%s, %s, %s)"), rows)
        return sealed

    def unseal_many(self, items: Sequence[tuple[str, str, str]]) -> list[bytes | None]:
        """`unseal` of many (employee_id, key_id, sealed) in one connection."""
        found: list[bytes | None] = []
        if not items:
            return found
        if self._absent:
            return [None] * len(items)
        self._need("SELECT")
        with self._cursor() as cursor:
            for employee_id, key_id, sealed in items:
                cursor.execute(self._sql("SELECT wrapped FROM {t} WHERE key_id = %s "
                                         "AND employee_id = %s"), (key_id, employee_id))
                row = cursor.fetchone()
                found.append(None if row is None else unseal(
                    unwrap_key(self._master, key_id, bytes(row[0])), employee_id, key_id,
                    sealed))
        return found

    def may_destroy(self) -> None:
        self._refuse_a_write()
        self._need("SELECT", "DELETE")  # its WHERE reads the table

    def destroy(self, employee_id: str) -> int:
        """Delete every data key of the person; the number deleted."""
        self.may_destroy()
        with self._cursor() as cursor:
            cursor.execute(self._sql("DELETE FROM {t} WHERE employee_id = %s"), (employee_id,))
            return int(cursor.rowcount or 0)

    def _sql(self, text: str) -> Any:
        if self._postgres:
            from psycopg import sql  # noqa: PLC0415 - PostgreSQL only; a SQLite verb should not import it

            schema = self._env.get("POSTGRES_SCHEMA")
            table = sql.Identifier(schema, TABLE) if schema else sql.Identifier(TABLE)
            return sql.SQL(text).format(t=table)
        return text.replace("{t}", TABLE).replace("%s", "?").replace("BYTEA", "BLOB")

    @contextmanager
    def _cursor(self) -> Iterator[Any]:
        if self._postgres:
            import psycopg  # noqa: PLC0415 - PostgreSQL only

            from api.storage.postgres_options import busy_cause, session_options  # noqa: PLC0415 - PostgreSQL only

            arguments: dict[str, Any] = dict(postgres_connect_args(self._env))
            # The same lock and statement timeouts as the ledger's own connections: a
            # key table locked by another process is "busy, retry", never a hang.
            options = session_options(self._env)
            if self._read_only:  # known after the first connection's question
                options += " -c default_transaction_read_only=on"
            try:
                with psycopg.connect(**arguments, options=options) as pg, \
                        pg.cursor() as cursor:
                    yield cursor
            except psycopg.OperationalError as error:
                raise busy_cause(error, arguments) or error from error
            return
        name = self._env["SQLITE_DBNAME"]
        lite = sqlite3.connect(name, timeout=WAL_WAIT_S, uri=name.startswith("file:"))
        try:
            # Deleted rows are overwritten with zeros, not left in free pages.
            lite.execute("PRAGMA secure_delete = ON")
            with lite:
                yield lite.cursor()
        except sqlite3.OperationalError as error:
            raise sqlite_busy(error) or error from error
        finally:
            lite.close()


def open_vault(store_env: Mapping[str, str], key_file: str | None) -> KeyVault:
    return KeyVault(store_env, load_master_key(key_file))
