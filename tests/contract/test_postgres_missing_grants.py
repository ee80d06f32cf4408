"""PostgreSQL roles granted less than a writer needs (docs/deploy.md): each says what is
missing, naming the table and the GRANT to ask for, exit code 2 (HTTP 422
`missing_grant`), in Chinese and English, with nothing written. Before, each was
psycopg's traceback (exit 1, HTTP 500), some after part of the write: a role with
SELECT and INSERT only; one that is not the tables' owner, without CREATE_TABLE=no; a
role that may write the ledger but not read or delete the personal details' keys (its
`forget` recorded the shredding and then failed on the keys)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from builders import GOLDEN, Cli, contents, drop_role, grant_reads, granted
from pgcluster import PgServer
from psycopg import sql

PERIOD = "2026-Q1"
ID_NUMBER = "11010519491231002X"


def _deduction(path: Path) -> str:
    path.write_text(json.dumps({"type": "record_deduction", "period": PERIOD,
                                "employee_id": "wang", "kind": "late",
                                "minutes": 15}) + "\n", encoding="utf-8")
    return str(path)


@pytest.fixture
def owned(pg_env: dict[str, str], tmp_path: Path) -> dict[str, str]:
    """example-1, read and verified by its owner (every table made)."""
    owner = Cli({**pg_env, "JIXIAO_ACTOR": "owner"})
    owner.ok("apply", str(GOLDEN / "example-1/commands.jsonl"))
    owner.ok("payout", "--period", PERIOD)
    owner.ok("verify")
    return pg_env


@pytest.fixture
def inserter(pg_server: PgServer, owned: dict[str, str]) -> Iterator[dict[str, str]]:
    """A role granted SELECT and INSERT on every table, nothing more, with
    CREATE_TABLE=no (docs/deploy.md)."""
    role = granted(pg_server, owned["POSTGRES_SCHEMA"],
                 "GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA {schema} TO {role}")
    try:
        yield {**owned, "POSTGRES_USER": role, "POSTGRES_PASSWORD": "pw",
               "CREATE_TABLE": "no", "JIXIAO_ACTOR": "clerk"}
    finally:
        drop_role(pg_server, role)


@pytest.mark.parametrize("verb", [["apply", "batch"], ["close", "--period", PERIOD]])
def test_a_write_by_a_role_with_only_select_and_insert_names_the_grants(
        pg_server: PgServer, inserter: dict[str, str], tmp_path: Path,
        verb: list[str]) -> None:
    argv = [_deduction(tmp_path / "batch.jsonl") if word == "batch" else word for word in verb]
    before = contents(pg_server, inserter["POSTGRES_SCHEMA"])
    english, chinese = Cli(inserter)(*argv), Cli(inserter, lang=None)(*argv)
    assert (english.code, chinese.code) == (2, 2), english.err + chinese.err
    schema, role = inserter["POSTGRES_SCHEMA"], inserter["POSTGRES_USER"]
    assert f'GRANT UPDATE ON "{schema}"."jixiao_chain_tracking" TO "{role}"' in english.err
    assert f'GRANT UPDATE, DELETE ON "{schema}"."jixiao_statements" TO "{role}"' in english.err
    assert f'GRANT UPDATE ON "{schema}"."jixiao_events" TO "{role}"' in english.err
    assert "lacks privileges it needs to write the ledger" in english.err
    assert "nothing was written" in english.err
    assert "缺少写入账本" in chinese.err
    assert "jixiao_chain_tracking" in chinese.err
    assert "未写入任何内容" in chinese.err
    assert "Traceback" not in english.err + chinese.err
    assert contents(pg_server, inserter["POSTGRES_SCHEMA"]) == before


def test_a_role_that_may_write_events_but_not_the_chain_writes_no_unchained_event(
        pg_server: PgServer, owned: dict[str, str], tmp_path: Path) -> None:
    """UPDATE on the events (eventsourcing's lock) but not on the chain's tracking row:
    its events were written, then the chain's catch-up failed with a traceback."""
    role = granted(pg_server, owned["POSTGRES_SCHEMA"],
                 "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}",
                 "REVOKE UPDATE ON {schema}.jixiao_chain_tracking FROM {role}")
    try:
        env = {**owned, "POSTGRES_USER": role, "POSTGRES_PASSWORD": "pw", "CREATE_TABLE": "no"}
        before = contents(pg_server, owned["POSTGRES_SCHEMA"])
        run = Cli(env)("apply", _deduction(tmp_path / "batch.jsonl"))
        read = Cli(env)("payout", "--period", PERIOD)
        assert contents(pg_server, owned["POSTGRES_SCHEMA"]) == before
    finally:
        drop_role(pg_server, role)
    assert run.code == 2, run.err
    assert "jixiao_chain_tracking" in run.err
    assert "jixiao_statements" not in run.err
    assert (read.code, read.out) == (0, Cli(owned).ok("payout", "--period", PERIOD).out)


def test_a_role_that_is_not_the_owner_without_create_table_no_is_told_to_set_it(
        pg_server: PgServer, owned: dict[str, str], tmp_path: Path) -> None:
    role = granted(pg_server, owned["POSTGRES_SCHEMA"],
                 "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}")
    try:
        env = {**owned, "POSTGRES_USER": role, "POSTGRES_PASSWORD": "pw"}
        before = contents(pg_server, owned["POSTGRES_SCHEMA"])
        english = Cli(env)("apply", _deduction(tmp_path / "batch.jsonl"))
        chinese = Cli(env, lang=None)("apply", _deduction(tmp_path / "batch.jsonl"))
        assert contents(pg_server, owned["POSTGRES_SCHEMA"]) == before
    finally:
        drop_role(pg_server, role)
    assert (english.code, chinese.code) == (2, 2), english.err + chinese.err
    assert "set CREATE_TABLE=no" in english.err
    assert "CREATE_TABLE=no" in chinese.err
    assert "无权在模式" in chinese.err
    assert "Traceback" not in english.err + chinese.err


@pytest.fixture
def with_details(owned: dict[str, str], tmp_path: Path) -> tuple[dict[str, str], Path]:
    key = tmp_path / "master.key"
    owner = Cli({**owned, "JIXIAO_ACTOR": "owner"})
    owner.ok("keys", "master", "--output", str(key))
    owner.ok("personal", "record", "--employee", "wang", "--bank-name", "ICBC",
             "--account", "6222020200112233", "--id-number", ID_NUMBER, "--key-file", str(key))
    return owned, key


def test_a_writer_without_select_and_delete_on_the_key_table_is_told(
        pg_server: PgServer, with_details: tuple[dict[str, str], Path]) -> None:
    owned, key = with_details
    role = granted(pg_server, owned["POSTGRES_SCHEMA"],
                 "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}",
                 "REVOKE SELECT, DELETE ON {schema}.jixiao_personal_keys FROM {role}")
    try:
        env = {**owned, "POSTGRES_USER": role, "POSTGRES_PASSWORD": "pw", "CREATE_TABLE": "no"}
        before = contents(pg_server, owned["POSTGRES_SCHEMA"])
        runs = [Cli(env)("personal", "show", "--employee", "wang", "--key-file", str(key)),
                Cli(env)("personal", "forget", "--employee", "wang", "--key-file", str(key)),
                Cli(env, lang=None)("personal", "forget", "--employee", "wang",
                                    "--key-file", str(key))]
        after = contents(pg_server, owned["POSTGRES_SCHEMA"])
    finally:
        drop_role(pg_server, role)
    assert [run.code for run in runs] == [2, 2, 2], [run.err for run in runs]
    table = f'"{owned["POSTGRES_SCHEMA"]}"."jixiao_personal_keys"'
    assert f"GRANT SELECT ON {table}" in runs[0].err
    assert f"GRANT SELECT, DELETE ON {table}" in runs[1].err
    assert "nothing was written" in runs[1].err
    assert "密钥表的所有者" in runs[2].err
    assert "未写入任何内容" in runs[2].err
    assert "Traceback" not in "".join(run.err for run in runs)
    assert after == before  # no shredding recorded without its keys destroyed


def test_an_auditor_without_select_on_the_key_table_is_refused_a_record_as_read_only(
        pg_server: PgServer, with_details: tuple[dict[str, str], Path]) -> None:
    """The write is what the auditor asked for, and a read-only store refuses it whatever
    the key table's grants (exit 4): "grant SELECT" (exit 2) would send them to ask for
    a grant after which the same record is refused anyway. A read still says it."""
    owned, key = with_details
    role = grant_reads(pg_server, owned["POSTGRES_SCHEMA"])
    with pg_server.connect() as admin:
        admin.execute(sql.SQL("REVOKE SELECT ON {} FROM {}").format(
            sql.Identifier(owned["POSTGRES_SCHEMA"], "jixiao_personal_keys"),
            sql.Identifier(role)))
    try:
        env = {**owned, "POSTGRES_USER": role, "POSTGRES_PASSWORD": "pw"}
        record = Cli(env)("personal", "record", "--employee", "wang", "--account",
                          "6222020200119999", "--key-file", str(key))
        forget = Cli(env)("personal", "forget", "--employee", "wang", "--key-file", str(key))
        show = Cli(env)("personal", "show", "--employee", "wang", "--key-file", str(key))
    finally:
        drop_role(pg_server, role)
    assert (record.code, forget.code, show.code) == (4, 4, 2), record.err + forget.err
    assert "is read-only" in record.err
    assert "is read-only" in forget.err
    assert "may not read the table" in show.err
