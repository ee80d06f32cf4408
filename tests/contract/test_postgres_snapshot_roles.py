"""The snapshots made on first use: of the fold (`jixiao_facts_snapshots`,
api/storage/facts_snapshot.py), by the first session with the snapshot key that keeps
one; of the closed years (`jixiao_snapshots`), at the first close that completes a year.
A role granted reads and writes only (no DDL, docs/deploy.md), or only reads (an
auditor's), gets the owner's answers, exit 0, nothing said (a speed-up only), and sends
the server no statement that must fail. Before, a writer's session asked the fold's
table's CREATE at every close, refused quietly and logged as a permission ERROR by the
server; a role the owner made that table after was refused its SELECT at every open (an
ERROR in the log, and "the facts snapshot failed its check … permission denied" among the
verb's warnings); and one the owner made the closed years' table after got psycopg's
traceback for a report of a period after the closed year."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from builders import (
    GOLDEN,
    Cli,
    contents,
    drop_role,
    granted,
    logged_refusals,
    server_log,
    snapshot_key_file,
    what_if_deduction,
)
from pgcluster import PgServer
from psycopg import sql

from api.storage.snapshot_key import SNAPSHOT_KEY_ENV

PERIOD = "2026-Q1"
WRITER = "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}"
READER = "GRANT SELECT ON ALL TABLES IN SCHEMA {schema} TO {role}"


def _refusals(log: Path, start: int) -> list[str]:
    return logged_refusals(log, start, "jixiao_facts_snapshots")


def _made(pg_server: PgServer, schema: str, table: str = "jixiao_facts_snapshots") -> bool:
    with pg_server.connect() as admin:
        row = admin.execute("SELECT to_regclass(%s)", (sql.Identifier(
            schema, table).as_string(admin),)).fetchone()
    return row is not None and row[0] is not None


@pytest.fixture
def ledger(pg_env: dict[str, str], tmp_path: Path) -> dict[str, str]:
    """example-1 recorded, reported and verified by its owner, without the snapshot key
    (so no snapshot of the fold, nor its table); the key given to whoever comes next."""
    owner = Cli({**pg_env, "JIXIAO_ACTOR": "owner"})
    owner.ok("apply", str(GOLDEN / "example-1/commands.jsonl"))
    owner.ok("payout", "--period", PERIOD)
    owner.ok("verify")
    return {**pg_env, SNAPSHOT_KEY_ENV: str(snapshot_key_file(tmp_path / "snapshot.key"))}


@contextmanager
def _granted(pg_server: PgServer, env: dict[str, str], kind: str) -> Iterator[dict[str, str]]:
    """A role granted reads and writes (CREATE_TABLE=no), or reads only, on the tables
    there are."""
    name = granted(pg_server, env["POSTGRES_SCHEMA"], WRITER if kind == "writer" else READER)
    try:
        yield {**env, "POSTGRES_USER": name, "POSTGRES_PASSWORD": "pw",
               "CREATE_TABLE": "no", "JIXIAO_ACTOR": "clerk"}
    finally:
        drop_role(pg_server, name)


@pytest.fixture(params=["writer", "auditor"])
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def role(pg_server: PgServer, ledger: dict[str, str], kind: str) -> Iterator[dict[str, str]]:
    with _granted(pg_server, ledger, kind) as env:
        yield env


def _what_if(env: dict[str, str], batch: Path) -> tuple[int, str, str]:
    run = Cli(env)("payout", "--period", PERIOD, "--with", str(batch))
    return run.code, run.out, run.err


@pytest.fixture
def batch(tmp_path: Path) -> Path:
    return what_if_deduction(tmp_path)


def test_a_role_that_may_not_make_the_table_answers_as_the_owner_and_asks_nothing_refused(
        pg_server: PgServer, ledger: dict[str, str], role: dict[str, str],
        batch: Path) -> None:
    log = server_log(pg_server)
    start = log.stat().st_size
    runs = [_what_if(role, batch) for _ in range(2)]
    assert not _made(pg_server, role["POSTGRES_SCHEMA"])
    owner = _what_if({**ledger, "JIXIAO_ACTOR": "owner"}, batch)
    assert runs == [owner, owner]
    assert owner[0] == 0
    assert "snapshot" not in owner[2]
    assert _refusals(log, start) == []


def test_a_role_the_owner_made_the_table_after_answers_as_the_owner_and_asks_nothing_refused(
        pg_server: PgServer, ledger: dict[str, str], role: dict[str, str],
        batch: Path) -> None:
    """The owner's verb with the key made the table after the role's grant: the role
    may neither read nor write it (docs/deploy.md has the GRANT that lets it)."""
    owner = _what_if({**ledger, "JIXIAO_ACTOR": "owner"}, batch)
    assert _made(pg_server, role["POSTGRES_SCHEMA"])
    log = server_log(pg_server)
    start = log.stat().st_size
    runs = [_what_if(role, batch) for _ in range(2)]
    assert runs == [owner, owner]
    assert owner[0] == 0
    assert "snapshot" not in owner[2]
    assert _refusals(log, start) == []


def test_a_role_the_owner_made_the_closed_years_snapshots_after_reads_as_the_owner(
        pg_server: PgServer, pg_env: dict[str, str], kind: str, tmp_path: Path) -> None:
    """The closed years' snapshots (`jixiao_snapshots`) are made at the first close that
    completes a year, by the owner after the role's grant, say: the role's report of a
    period after that year, which starts from the snapshot, was psycopg's traceback
    ("permission denied for table jixiao_snapshots"). It folds every event instead: the
    owner's answer, nothing written, nothing said."""
    from bench.generator import iter_commands, shape_for  # noqa: PLC0415

    rows = iter_commands(shape_for("smoke", years=2, staff=8), 0)
    path = tmp_path / "two-years.jsonl"
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows))
    owner = Cli({**pg_env, "JIXIAO_ACTOR": "owner"})
    owner.ok("apply", str(path))
    # The statements view made before the grant, as docs/deploy.md has the owner do: a
    # writer that may not write a view made after its grant is told so at every verb.
    owner.ok("verify")
    schema = pg_env["POSTGRES_SCHEMA"]
    with _granted(pg_server, pg_env, kind) as role:
        for period in [f"2026-Q{q}" for q in range(1, 5)] + ["2026-YE"]:
            owner.ok("close", "--period", period)
        assert _made(pg_server, schema, "jixiao_snapshots")
        mine = owner.ok("payout", "--period", "2027-Q1")
        before = contents(pg_server, schema)
        runs = [Cli(role)("payout", "--period", "2027-Q1") for _ in range(2)]
        assert [(run.code, run.out, run.err) for run in runs] == [(0, mine.out, "")] * 2
        assert contents(pg_server, schema) == before


def test_a_role_before_the_owner_made_the_view_is_told_that_alone(
        pg_server: PgServer, pg_env: dict[str, str], tmp_path: Path) -> None:
    """With the snapshot key, a writer's report before the owner made the statements view:
    the view's refusal (exit 2, tests/contract/test_postgres_role_refusals.py) came after
    "the facts snapshot failed its check … it could not be read (MissingGrantError: …)",
    the same refusal again, worded as a snapshot's fault."""
    owner = Cli({**pg_env, "JIXIAO_ACTOR": "owner"})
    owner.ok("apply", str(GOLDEN / "example-1/commands.jsonl"))
    env = {**pg_env, SNAPSHOT_KEY_ENV: str(snapshot_key_file(tmp_path / "snapshot.key"))}
    with _granted(pg_server, env, "writer") as role:
        for lang in ("en", None):
            run = Cli(role, lang=lang)("payout", "--period", PERIOD)
            assert run.code == 2, run.err
            assert len(run.err.strip().splitlines()) == 1, run.err
            assert "jixiao verify" in run.err


def test_verify_by_a_role_the_owner_made_the_table_after_says_it_did_not_check_it(
        pg_server: PgServer, ledger: dict[str, str], role: dict[str, str],
        batch: Path) -> None:
    """Read as none, the snapshot the owner's sessions use went unchecked without a word:
    the role's `verify` printed what it prints where none is stored (it was psycopg's
    traceback before the table was read as missing)."""
    _what_if({**ledger, "JIXIAO_ACTOR": "owner"}, batch)
    assert _made(pg_server, role["POSTGRES_SCHEMA"])
    said = {"en": "the snapshot of the fold was not checked: this database role may not read "
                  "the table jixiao_facts_snapshots",
            None: "未核对事实快照：本数据库角色无权读取表 jixiao_facts_snapshots"}
    for lang, text in said.items():
        run = Cli(role, lang=lang)("verify")
        assert run.code == 0, run.err
        assert text in run.out
        assert "GRANT SELECT ON jixiao_facts_snapshots" in run.out
