"""Builders shared by the tests: the CLI in-process against a given store, and an
in-memory ledger for unit tests of the pure core."""

from __future__ import annotations

import base64
import io
import json
import secrets
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import uuid4

# What the `jixiao` script runs: a plain payout answered from the warm view, else the tree.
from api.cli_launch import main
from api.storage.facts_snapshot import mac_of
from api.storage.session import Session
from api.storage.snapshot_check import fold_state as fold_state  # noqa: PLC0414 - the tests' too
from api.storage.snapshot_key import SNAPSHOT_KEY_ENV, derive
from domain.application import Ledger
from domain.events import ScoreRecorded
from domain.ledger_reads import LedgerReads

GOLDEN = Path(__file__).parent / "golden"


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


@dataclass(frozen=True)
class Cli:
    """`jixiao` run in-process; the store comes from `environ`, never from os.environ."""

    environ: dict[str, str]
    # The suite's assertions on human text read the English texts; a test of the Chinese
    # default passes lang=None (no JIXIAO_LANG), or chooses with `--lang`.
    lang: str | None = "en"

    def __call__(self, *argv: str) -> Run:
        out, err = io.StringIO(), io.StringIO()
        environ = self.environ if self.lang is None else {"JIXIAO_LANG": self.lang,
                                                          **self.environ}
        with redirect_stdout(out), redirect_stderr(err):
            code = main(list(argv), environ=environ)
        return Run(code, out.getvalue(), err.getvalue())

    def ok(self, *argv: str) -> Run:
        run = self(*argv)
        assert run.code == 0, f"jixiao {' '.join(argv)} exited {run.code}:\n{run.err}"
        return run

    def payout(self, period: str) -> dict[str, Any]:
        return self.ok("payout", "--period", period, "--json").json()  # type: ignore[no-any-return]

    def event_count(self) -> int:
        return len(self.ok("events", "--json", "--limit", "1000000").out.splitlines())


def captured(entry: Callable[..., int], argv: list[str],
             environ: dict[str, str]) -> tuple[int, str, str]:
    """`entry(argv, environ=environ)` (the launcher or the command tree) with its exit
    code, stdout and stderr: what a person at the terminal gets."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = entry(argv, environ=environ)
    return code, out.getvalue(), err.getvalue()


def launched(argv: list[str], environ: dict[str, str]) -> tuple[int, str, str]:
    """`captured` through the `jixiao` script's entry (api/cli_launch.py), fast paths and all."""
    return captured(main, argv, environ)


def cli_for(backend: str, env: dict[str, str]) -> Cli:
    if backend == "sqlite":
        return Cli({"JIXIAO_DB": env["SQLITE_DBNAME"], "JIXIAO_ACTOR": "test"})
    return Cli({**env, "JIXIAO_ACTOR": "test"})


def memory_ledger() -> Ledger:
    return Ledger({"PERSISTENCE_MODULE": "eventsourcing.popo"})


def record(ledger: Ledger, *rows: dict[str, Any], actor: str = "test") -> None:
    commands = ledger.parse_commands([(f"row {n}", row) for n, row in enumerate(rows, 1)])
    ledger.record(commands, actor)


# The shipped hospital scheme with a clinical ward and an administrative office.
WARD_AND_OFFICE: tuple[dict[str, Any], ...] = (
    {"type": "adopt_scheme", "scheme": "xinghe-county-hospital", "idempotency_key": "scheme"},
    {"type": "define_department", "department_id": "ward", "name": "Ward", "kind": "clinical",
     "risk_coefficient": "1", "effective_on": "2026-01-01", "idempotency_key": "ward"},
    {"type": "define_department", "department_id": "office", "name": "Office",
     "kind": "admin", "admin_class": 1, "effective_on": "2026-01-01",
     "idempotency_key": "office"},
)


def set_up_once(kept: dict[str, Ledger], *rows: dict[str, Any]) -> Ledger:
    """An in-memory ledger with the rows recorded, made at its first use and kept in
    `kept` for checks that write nothing."""
    ledger = kept.get("setup")
    if ledger is None:
        ledger = kept["setup"] = memory_ledger()
        record(ledger, *rows)
    return ledger


def checked_items(ledger: Ledger, batch: Sequence[dict[str, Any]]) -> list[tuple[str, Any, Any]]:
    """A batch's rows parsed and made into events as `record` would, each keyed by its row
    so that the problems name the entries by id: (where, command, event) a row."""
    commands = ledger.parse_commands([
        (f"row {n}", {**row, "idempotency_key": f"batch-{n}"}) for n, row in enumerate(batch, 1)])
    make = ledger._event_maker("test", datetime(2026, 7, 1, tzinfo=UTC))
    return [(where, command, make(command)) for where, command in commands]


def by_id(items: list[dict[str, Any]], key: str) -> dict[str, dict[str, Any]]:
    return {item[key]: item for item in items}


def fold_reads(monkeypatch: Any) -> list[int]:
    """The position after which each read of the store for a fold started (a spy on
    `read_pages` for the rest of the test: `LedgerReads`', which the Application's ledger
    and a reading session's both read with)."""
    starts: list[int] = []
    real = LedgerReads.read_pages

    def spy(self: LedgerReads, after: int = 0, page_size: int | None = None,
            **seen: Any) -> Any:
        starts.append(after)
        return real(self, after, page_size, **seen)

    monkeypatch.setattr(LedgerReads, "read_pages", spy)
    return starts


def snapshot_row(env: dict[str, str]) -> tuple[int, str, str, str, bytes] | None:
    """(position, chain head, code, MAC, body) of the stored snapshot of the fold,
    whatever its code, or None."""
    with Session(env) as session:
        return session._head._row(any_code=True)


def set_snapshot(env: dict[str, str], **columns: Any) -> None:
    """Overwrite columns of the stored snapshot of the fold (as someone editing the
    store would)."""
    mark = "%s" if env.get("PERSISTENCE_MODULE") == "eventsourcing.postgres" else "?"
    with Session({**env, "JIXIAO_SNAPSHOTS": "off"}) as session:
        db = session.view.connection  # type: ignore[attr-defined]
        for name, value in columns.items():
            db.execute(f"UPDATE jixiao_facts_snapshots SET {name} = {mark}", (value,))


def snapshot_key_file(path: Path) -> Path:
    """A snapshot key file as a deployment makes one: 32 random bytes in base64, owner
    only (a file others may read is refused)."""
    path.write_text(base64.b64encode(secrets.token_bytes(32)).decode() + "\n")
    path.chmod(0o600)
    return path


def signed_row(env: dict[str, str], row: tuple[Any, ...], key: bytes | None = None,
               **columns: Any) -> dict[str, Any]:
    """Columns of a stored snapshot row changed, and its MAC made anew under `key` (the
    store's own when None): what someone holding that key could write."""
    changed = dict(zip(("position", "chain_head", "code", "mac", "body"), row, strict=True))
    changed |= columns
    if key is None:
        key = derive(base64.b64decode(Path(env[SNAPSHOT_KEY_ENV]).read_text()))
    changed["mac"] = mac_of(key, changed["code"], changed["position"], changed["chain_head"],
                            changed["body"])
    return changed


def unchecked_score(**fields: Any) -> ScoreRecorded:
    """A score as a past version stored it, built without validation: by default a fresh
    id and 1e5000 points for zhang's quality in 2026-Q1; `fields` replace any of them."""
    return ScoreRecorded.model_construct(**{
        "originator_id": uuid4(), "originator_version": 1,
        "recorded_at": datetime(2026, 4, 2, tzinfo=UTC), "actor": "old-version",
        "reason": None, "rule_ref": None, "evidence_ref": None, "idempotency_key": None,
        "supersedes": None, "period": "2026-Q1", "employee_id": "zhang", "item": "quality",
        "points": Decimal("1E+5000"), **fields})


def sql_on_store(recorder: Any, sql: str, *values: Any) -> Any:
    """Run one statement on the events' database as someone who can write it would, on
    SQLite or PostgreSQL (the events table is `{events}`, the snapshots' `{snapshots}`,
    the chain's `{chain}`, the notification id `{id}`, values marked `?`); its first
    row, if any. PostgreSQL's refusals come as eventsourcing's DataError."""
    datastore = recorder.datastore
    postgres = type(datastore).__module__ == "eventsourcing.postgres"
    schema = f'"{datastore.schema}".' if postgres else ""
    text = sql.format(events=schema + recorder.events_table_name,
                      snapshots=schema + "jixiao_facts_snapshots", chain=schema + "jixiao_chain",
                      id="notification_id" if postgres else "rowid")
    with datastore.transaction(commit=True) as cursor:
        cursor.execute(text.replace("?", "%s") if postgres else text, values)
        if not text.startswith("SELECT"):
            return None
        row = cursor.fetchone()
        return tuple(row.values()) if isinstance(row, dict) else tuple(row)


def later_quarter_batch(folder: Path) -> Path:
    """A batch of 2026-Q2's figures for example-1's `internal` department: a what-if of
    2026-Q1 with it moves nobody (each department's split may be seeded)."""
    batch = folder / "later.jsonl"
    batch.write_text(json.dumps({
        "type": "record_department_figures", "period": "2026-Q2", "department_id": "internal",
        "workload_base": "1000", "workload_actual": "900", "medical_revenue_cny": "90000.00",
        "full_cost_cny": "100000.00"}) + "\n", encoding="utf-8")
    return batch


# A PostgreSQL role granted only reads (an auditor's), and what a write would change:
# tests/contract/test_postgres_read_only.py, tests/http/test_read_only_postgres_http.py.

def grant_reads(pg_server: Any, schema: str) -> str:
    from psycopg import sql  # noqa: PLC0415 - a SQLite test imports no psycopg

    role = f"auditor_{uuid4().hex[:8]}"
    with pg_server.connect() as admin:
        admin.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD 'pw'").format(
            sql.Identifier(role)))
        admin.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(
            sql.Identifier(schema), sql.Identifier(role)))
        admin.execute(sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA {} TO {}").format(
            sql.Identifier(schema), sql.Identifier(role)))
    return role


def drop_role(pg_server: Any, role: str) -> None:
    from psycopg import sql  # noqa: PLC0415 - as above

    with pg_server.connect() as admin:
        admin.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(role)))
        admin.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))


def contents(pg_server: Any, schema: str) -> dict[str, str]:
    """Every table of the schema, as a digest of its rows (what a write would change)."""
    from psycopg import sql  # noqa: PLC0415 - as above

    with pg_server.connect() as admin:
        tables = [row[0] for row in admin.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY tablename",
            (schema,))]
        return {table: str(admin.execute(sql.SQL(
            "SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, ',' ORDER BY "
            "t::text)), '') FROM {} t").format(sql.Identifier(schema, table))).fetchone()[0])
            for table in tables}


@contextmanager
def raw_connection(store: Any) -> Iterator[Any]:
    """A connection straight to a store's database (autocommit; on PostgreSQL with the
    store's schema first on its search path), as someone with access to it may edit or
    inspect the tables behind the ledger's back."""
    if store.backend == "sqlite":
        import sqlite3  # noqa: PLC0415 - as psycopg below: only the tests that edit rows

        connection = sqlite3.connect(store.env["SQLITE_DBNAME"], isolation_level=None)
        try:
            yield connection
        finally:
            connection.close()
        return
    import psycopg  # noqa: PLC0415

    from api.storage.store_env import postgres_connect_args  # noqa: PLC0415

    schema = store.env.get("POSTGRES_SCHEMA")
    with psycopg.connect(**postgres_connect_args(store.env), autocommit=True,  # type: ignore[arg-type]
                         options=f"-c search_path={schema}" if schema else "") as connection:
        yield connection


def grant_reads_and_writes(admin: Any, schema: str) -> str:
    """A new login role (password 'pw') with USAGE on `schema` and SELECT, INSERT, UPDATE,
    DELETE on its tables and their sequences, nothing more (no DDL): as a deployment may
    run the service (docs/deploy.md). Its name; the caller drops it (DROP OWNED, DROP ROLE)."""
    from psycopg import sql  # noqa: PLC0415

    role = f"clerk_{uuid4().hex[:8]}"
    admin.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD 'pw'").format(sql.Identifier(role)))
    admin.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(
        sql.Identifier(schema), sql.Identifier(role)))
    admin.execute(sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN "
                          "SCHEMA {} TO {}").format(sql.Identifier(schema), sql.Identifier(role)))
    admin.execute(sql.SQL("GRANT USAGE ON ALL SEQUENCES IN SCHEMA {} TO {}").format(
        sql.Identifier(schema), sql.Identifier(role)))
    return role


def server_log(pg_server: Any) -> Path:
    """The throwaway cluster's log (tests/pgcluster.py: beside its data directory)."""
    import pytest  # noqa: PLC0415 - only the PostgreSQL tests read it

    with pg_server.connect() as admin:
        row = admin.execute("SHOW data_directory").fetchone()
    assert row is not None
    path = Path(row[0]).parent / "server.log"
    if not path.is_file():
        pytest.skip("the PostgreSQL server's log is not at hand (an external server)")
    return path


def logged_refusals(log: Path, start: int, table: str) -> list[str]:
    """The permission ERRORs the server logged since `start` (a size of `log`) for a
    statement naming `table` (with the line after, the statement): other tests' refusals,
    of other statements, are not the caller's."""
    lines = log.read_bytes()[start:].decode(errors="replace").splitlines()
    return [f"{line} / {lines[number + 1:number + 2]}" for number, line in enumerate(lines)
            if "ERROR:" in line and "permission denied" in line
            and table in line + " ".join(lines[number + 1:number + 2])]


def granted(pg_server: Any, schema: str, *grants: str) -> str:
    """A new login role (password 'pw') with USAGE on `schema` and its sequences, and
    `grants` (SQL with `{schema}` and `{role}`); the caller drops it (`drop_role`)."""
    from psycopg import sql  # noqa: PLC0415

    role = f"clerk_{uuid4().hex[:8]}"
    with pg_server.connect() as admin:
        admin.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD 'pw'").format(sql.Identifier(role)))
        admin.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(
            sql.Identifier(schema), sql.Identifier(role)))
        admin.execute(sql.SQL("GRANT USAGE ON ALL SEQUENCES IN SCHEMA {} TO {}").format(
            sql.Identifier(schema), sql.Identifier(role)))
        for grant in grants:
            admin.execute(sql.SQL(grant).format(schema=sql.Identifier(schema),
                                                role=sql.Identifier(role)))
    return role


def head_nurse_of_example_2(backend: str, env: dict[str, str], folder: Path) -> Cli:
    """Golden example 2 with surgery-02 head nurse from 2026-01-01 (S11-R48's post bonus
    then waits on a tenure-target result), through the CLI of `backend`."""
    cli = cli_for(backend, env)
    cli.ok("apply", str(GOLDEN / "example-2" / "commands.jsonl"))
    post = folder / "post.jsonl"
    post.write_text('{"type": "change_post", "employee_id": "surgery-02", "post": '
                    '"head_nurse", "effective_on": "2026-01-01"}\n', encoding="utf-8")
    cli.ok("apply", str(post))
    return cli


def what_if_deduction(folder: Path) -> Path:
    """A what-if batch (`payout --with`): wang 90 minutes late in 2026-Q1."""
    batch = folder / "what-if.jsonl"
    batch.write_text(json.dumps({"type": "record_deduction", "period": "2026-Q1",
                                 "employee_id": "wang", "kind": "late",
                                 "minutes": 90}) + "\n", encoding="utf-8")
    return batch
