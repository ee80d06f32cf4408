"""A PostgreSQL ledger read by a role an administrator granted only reads (`GRANT USAGE ON
SCHEMA …; GRANT SELECT ON ALL TABLES IN SCHEMA …`: an auditor's), or opened with
`JIXIAO_READ_ONLY=1`: every read verb answers byte for byte as the owner's, the caches a
reading session keeps (the chain's new links, the statements view, the snapshot of the
fold) are kept in memory and never written, and a write is refused as on a read-only
SQLite ledger (exit 4, HTTP 409 `read_only`, nothing written). Before, the role's first
verb failed with a traceback (eventsourcing's CREATE TABLE, the chain's tracking INSERT,
the view's catch-up), and JIXIAO_READ_ONLY was ignored on PostgreSQL: an owner wrote."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from builders import GOLDEN, Cli, contents, drop_role, grant_reads
from pgcluster import PgServer

from api.storage.served import open_server_session
from api.usecases.ports import Caller
from api.usecases.streaming import apply_jsonl, open_jsonl
from domain.errors import ReadOnlyStoreError

PERIOD = "2026-Q1"
ID_NUMBER = "11010519491231002X"  # a resident ID with a right check digit


def _deduction(path: Path, minutes: int) -> Path:
    path.write_text(json.dumps({"type": "record_deduction", "period": PERIOD,
                                "employee_id": "wang", "kind": "late",
                                "minutes": minutes}) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def owned(pg_env: dict[str, str], tmp_path: Path) -> dict[str, str]:
    """example-1, read once by its owner (every table made), then one more event: the
    chain, the view and the snapshot of the fold are behind the events."""
    owner = Cli({**pg_env, "JIXIAO_ACTOR": "owner"})
    owner.ok("apply", str(GOLDEN / "example-1/commands.jsonl"))
    owner.ok("payout", "--period", PERIOD)
    owner.ok("verify")
    owner.ok("apply", str(_deduction(tmp_path / "later.jsonl", 30)))
    return pg_env


@pytest.fixture
def auditor(pg_server: PgServer, owned: dict[str, str]) -> Iterator[dict[str, str]]:
    """The owner's environment as a role with USAGE on the schema and SELECT on its
    tables, nothing more."""
    role = grant_reads(pg_server, owned["POSTGRES_SCHEMA"])
    try:
        yield {**owned, "POSTGRES_USER": role, "POSTGRES_PASSWORD": "pw"}
    finally:
        drop_role(pg_server, role)


def _read_verbs(folder: Path) -> list[list[str]]:
    what_if = str(_deduction(folder / "what-if.jsonl", 90))
    return [["verify"], ["verify", "--json"],
            ["payout", "--period", PERIOD], ["payout", "--period", PERIOD, "--json"],
            ["payout", "--period", PERIOD, "--as-of", "2030-01-01T00:00:00"],
            ["payout", "--period", PERIOD, "--with", what_if, "--json"],
            ["explain", "--period", PERIOD, "--employee", "wang"],
            ["explain", "--period", PERIOD, "--figure", "hospital:per_point", "--json"],
            ["reconcile", "--period", PERIOD], ["events", "--json"], ["events"],
            ["appeal", "list"],
            ["export", "statement", "--period", PERIOD, "--format", "csv",
             "--output", str(folder / "statement.csv")],
            ["export", "events", "--period", PERIOD, "--format", "csv",
             "--output", str(folder / "events.csv")]]


def _answers(cli: Cli, folder: Path) -> list[tuple[int, str, bytes]]:
    """Each read verb's exit code, output and file written (in `folder`, named in the
    output: the same for both readers)."""
    folder.mkdir(exist_ok=True)
    answers = []
    for verb in _read_verbs(folder):
        run = cli(*verb)
        assert "Traceback" not in run.err, run.err
        written = [path for path in sorted(folder.glob("*.csv"))]
        answers.append((run.code, run.out, b"".join(path.read_bytes() for path in written)))
        for path in written:
            path.unlink()
    return answers


def test_an_auditors_role_reads_as_the_owner_and_writes_nothing(
        pg_server: PgServer, owned: dict[str, str], auditor: dict[str, str],
        tmp_path: Path) -> None:
    """The role reads first, with every cache behind the events: it writes none of them
    (each table as it was), and then the owner, who catches them up, gets the same bytes."""
    schema = owned["POSTGRES_SCHEMA"]
    before = contents(pg_server, schema)
    read = _answers(Cli({**auditor, "JIXIAO_ACTOR": "auditor"}), tmp_path / "out")
    assert contents(pg_server, schema) == before
    assert read == _answers(Cli({**owned, "JIXIAO_ACTOR": "owner"}), tmp_path / "out")
    assert all(code == 0 for code, *_ in read), read


@pytest.mark.parametrize("verb", [["apply", "batch"], ["close", "--period", PERIOD]])
def test_a_write_by_the_auditors_role_is_refused_as_read_only(
        pg_server: PgServer, auditor: dict[str, str], tmp_path: Path,
        verb: list[str]) -> None:
    batch = str(_deduction(tmp_path / "batch.jsonl", 15))
    argv = [batch if word == "batch" else word for word in verb]
    before = contents(pg_server, auditor["POSTGRES_SCHEMA"])
    english = Cli({**auditor, "JIXIAO_ACTOR": "auditor"})(*argv)
    chinese = Cli({**auditor, "JIXIAO_ACTOR": "auditor"}, lang=None)(*argv)
    assert (english.code, chinese.code) == (4, 4), english.err + chinese.err
    assert "is read-only" in english.err, english.err
    assert "nothing was written" in english.err
    assert "只读" in chinese.err, chinese.err
    assert "未写入任何内容" in chinese.err
    assert "Traceback" not in english.err + chinese.err
    assert contents(pg_server, auditor["POSTGRES_SCHEMA"]) == before


def test_a_chunked_write_by_the_auditors_role_is_refused_as_read_only(
        pg_server: PgServer, auditor: dict[str, str], tmp_path: Path) -> None:
    """A batch written in chunks (a sheet's import, on the command line or over HTTP; an
    apply longer than a chunk) asks the ledger's recorder, not its `record`: on the
    role's read-only ledger, whose recorder only reads, it was an AttributeError (a
    traceback, a 500), not exit 4 / 409 `read_only`."""
    batch = tmp_path / "batch.jsonl"
    batch.write_text(_deduction(tmp_path / "one.jsonl", 15).read_text(encoding="utf-8")
                     + _deduction(tmp_path / "two.jsonl", 20).read_text(encoding="utf-8"),
                     encoding="utf-8")
    before = contents(pg_server, auditor["POSTGRES_SCHEMA"])
    session = open_server_session(auditor)  # as `jixiao serve` opens it
    try:
        with open_jsonl(str(batch)) as source, \
                pytest.raises(ReadOnlyStoreError, match="database role may only read it"):
            apply_jsonl(session, Caller("auditor"), source, chunk_rows=1)
    finally:
        session.close()
    assert contents(pg_server, auditor["POSTGRES_SCHEMA"]) == before


def test_the_owner_with_jixiao_read_only_reads_the_same_and_writes_nothing(
        pg_server: PgServer, owned: dict[str, str], tmp_path: Path) -> None:
    """JIXIAO_READ_ONLY=1 on PostgreSQL, with a role that may write: its transactions are
    READ ONLY, its reads answer as without it, and a write is refused."""
    schema = owned["POSTGRES_SCHEMA"]
    forced = Cli({**owned, "JIXIAO_ACTOR": "owner", "JIXIAO_READ_ONLY": "1"})
    before = contents(pg_server, schema)
    read = _answers(forced, tmp_path / "out")
    refused = forced("apply", str(_deduction(tmp_path / "batch.jsonl", 15)))
    assert refused.code == 4, refused.err
    assert "is read-only" in refused.err
    assert contents(pg_server, schema) == before
    assert read == _answers(Cli({**owned, "JIXIAO_ACTOR": "owner"}), tmp_path / "out")


def test_tables_made_after_the_roles_grant_are_read_as_missing(
        pg_server: PgServer, pg_env: dict[str, str], tmp_path: Path) -> None:
    """Granted when only the events were there (no ALTER DEFAULT PRIVILEGES): the view and
    the chain the owner makes later are not the role's to read; its session computes and
    chains what it reads in memory, as over a ledger never read, with the same answers."""
    owner = Cli({**pg_env, "JIXIAO_ACTOR": "owner"})
    owner.ok("apply", str(GOLDEN / "example-1/commands.jsonl"))
    role = grant_reads(pg_server, pg_env["POSTGRES_SCHEMA"])
    try:
        owner.ok("payout", "--period", PERIOD)
        owner.ok("verify")
        auditor = Cli({**pg_env, "POSTGRES_USER": role, "POSTGRES_PASSWORD": "pw",
                       "JIXIAO_ACTOR": "auditor"})
        read = _answers(auditor, tmp_path / "out")
    finally:
        drop_role(pg_server, role)
    assert read == _answers(owner, tmp_path / "out")
    assert all(code == 0 for code, *_ in read), read


def _payroll(cli: Cli, folder: Path, key: Path) -> tuple[int, str, bytes]:
    """`export payroll` with the master key: its exit code, messages and file."""
    output = folder / "payroll.csv"
    run = cli("export", "payroll", "--period", PERIOD, "--format", "csv",
              "--output", str(output), "--key-file", str(key))
    assert "Traceback" not in run.err, run.err
    written = output.read_bytes() if output.exists() else b""
    output.unlink(missing_ok=True)
    return run.code, run.err, written


@pytest.mark.parametrize("reader", ["forced", "auditor"])
def test_a_payroll_export_on_a_read_only_store_makes_no_key_table(
        pg_server: PgServer, owned: dict[str, str], tmp_path: Path, reader: str) -> None:
    """No personal details were ever recorded, so there is no key table. The key vault
    made it on its own connection, not READ ONLY: the owner with JIXIAO_READ_ONLY=1 wrote
    a table, and the auditor's role, which may not, got psycopg's traceback. Now the
    export reads as the owner's would over its new empty table."""
    key = tmp_path / "master.key"
    Cli(owned).ok("keys", "master", "--output", str(key))
    role = grant_reads(pg_server, owned["POSTGRES_SCHEMA"]) if reader == "auditor" else None
    env = ({**owned, "JIXIAO_READ_ONLY": "1"} if role is None else
           {**owned, "POSTGRES_USER": role, "POSTGRES_PASSWORD": "pw"})
    try:
        before = contents(pg_server, owned["POSTGRES_SCHEMA"])
        read = _payroll(Cli({**env, "JIXIAO_ACTOR": "reader"}), tmp_path, key)
        assert contents(pg_server, owned["POSTGRES_SCHEMA"]) == before
    finally:
        if role is not None:
            drop_role(pg_server, role)
    assert read[0] == 0, read
    assert read[2] == _payroll(Cli({**owned, "JIXIAO_ACTOR": "owner"}), tmp_path, key)[2]


def test_the_auditor_reads_recorded_details_and_may_not_record_any(
        pg_server: PgServer, owned: dict[str, str], tmp_path: Path) -> None:
    """Details the owner recorded: the role reads them with the master key as the owner
    does; recording more is refused as read-only, before a key is stored."""
    key = tmp_path / "master.key"
    owner = Cli({**owned, "JIXIAO_ACTOR": "owner"})
    owner.ok("keys", "master", "--output", str(key))
    owner.ok("personal", "record", "--employee", "wang", "--bank-name", "ICBC",
             "--account", "6222020200112233", "--id-number", ID_NUMBER,
                 "--key-file", str(key))
    schema = owned["POSTGRES_SCHEMA"]
    role = grant_reads(pg_server, schema)
    try:
        auditor = Cli({**owned, "POSTGRES_USER": role, "POSTGRES_PASSWORD": "pw",
                       "JIXIAO_ACTOR": "auditor"})
        before = contents(pg_server, schema)
        shown = auditor("personal", "show", "--employee", "wang", "--key-file", str(key))
        read = _payroll(auditor, tmp_path, key)
        refused = [auditor("personal", "record", "--employee", "wang", "--account",
                           "6222020200119999", "--key-file", str(key)),
                   Cli(auditor.environ, lang=None)(
                       "personal", "record", "--employee", "wang", "--account",
                       "6222020200119999", "--key-file", str(key))]
        assert contents(pg_server, schema) == before
    finally:
        drop_role(pg_server, role)
    assert shown.code == 0, shown.err
    assert "6222020200112233" in shown.out
    assert read == _payroll(owner, tmp_path, key)
    assert ID_NUMBER.encode() in read[2]
    assert [run.code for run in refused] == [4, 4], [run.err for run in refused]
    assert "is read-only" in refused[0].err
    assert "nothing was written" in refused[0].err
    assert "只读" in refused[1].err
    assert "Traceback" not in refused[1].err


def test_a_key_table_the_auditor_may_not_read_is_said(
        pg_server: PgServer, pg_env: dict[str, str], tmp_path: Path) -> None:
    """Granted before the owner recorded any details (no ALTER DEFAULT PRIVILEGES): the
    key table is there but not the role's to read. Read as empty, the export would
    quietly differ from the owner's; it is said, naming the table and what to grant."""
    owner = Cli({**pg_env, "JIXIAO_ACTOR": "owner"})
    owner.ok("apply", str(GOLDEN / "example-1/commands.jsonl"))
    key = tmp_path / "master.key"
    owner.ok("keys", "master", "--output", str(key))
    role = grant_reads(pg_server, pg_env["POSTGRES_SCHEMA"])
    try:
        owner.ok("personal", "record", "--employee", "wang", "--bank-name", "ICBC",
                 "--account", "6222020200112233", "--id-number", ID_NUMBER,
                 "--key-file", str(key))
        auditor = Cli({**pg_env, "POSTGRES_USER": role, "POSTGRES_PASSWORD": "pw",
                       "JIXIAO_ACTOR": "auditor"})
        english = _payroll(auditor, tmp_path, key)
        chinese = _payroll(Cli(auditor.environ, lang=None), tmp_path, key)
    finally:
        drop_role(pg_server, role)
    assert (english[0], chinese[0]) == (2, 2), (english, chinese)
    assert "may not read the table" in english[1]
    assert "jixiao_personal_keys" in english[1]
    assert "grant it SELECT" in english[1]
    assert "jixiao_personal_keys" in chinese[1]
    assert "无权读取" in chinese[1], chinese[1]
    assert english[2] == chinese[2] == b""
