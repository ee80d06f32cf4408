"""A text verb over a read-only ledger (api/storage/read_only.py) reads the file into
memory once: its session's copy also answers the ledger's time zone, which the verb asks
before its session (an `--as-of` typed without a zone) or after it (the times it prints).
Each made a copy of its own, the whole file read twice."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from builders import GOLDEN, Cli

from api.storage import read_only as module
from api.storage.session import Session, store_env
from api.usecases.ports import Caller
from api.usecases.streaming import apply_jsonl, open_jsonl
from domain.errors import ReadOnlyStoreError

ID_NUMBER = "11010519491231002X"  # a resident ID with a right check digit


@pytest.fixture
def copies(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The copies made (each a read of the whole file), none kept from another test."""
    made: list[str] = []
    construct = module.ReadOnlyCopy.__init__

    def counted(copy: module.ReadOnlyCopy, env: dict[str, str]) -> None:
        made.append(env["SQLITE_DBNAME"])
        construct(copy, env)

    monkeypatch.setattr(module.ReadOnlyCopy, "__init__", counted)
    monkeypatch.setattr(module, "_KEPT", [], raising=False)  # none kept before
    return made


@pytest.mark.parametrize("verb", [
    ("events",),  # the zone asked after the session, for the times printed
    ("payout", "--period", "2026-Q4", "--as-of", "2030-01-01T12:00"),  # and before it
    ("diff", "--period", "2026-Q4", "--from", "2029-12-31T00:00"),
], ids=lambda verb: verb[0])
def test_a_text_verb_copies_a_read_only_ledger_once(tmp_path: Path, copies: list[str],
                                                    verb: tuple[str, ...]) -> None:
    path = tmp_path / "ledger.db"
    Cli({"JIXIAO_DB": str(path), "JIXIAO_ACTOR": "test"}).ok(
        "apply", str(GOLDEN / "example-3" / "commands.jsonl"))
    path.chmod(0o444)
    reader = Cli({"JIXIAO_DB": str(path), "JIXIAO_ACTOR": "test"})
    assert reader.ok(*verb).out
    assert copies == [str(path)]
    again = reader.ok(*verb).out  # the copy the first verb left, the file unchanged
    assert copies == [str(path)]
    os.utime(path, ns=(1, 1))  # as if written since: read anew
    assert reader.ok(*verb).out == again
    assert copies == [str(path)] * 2


def test_a_session_closed_twice_never_hands_its_copy_to_two_sessions(tmp_path: Path) -> None:
    """A second `close` of a session kept its copy again, though the next session had
    taken it: the one after shared it with that open session (one shared cache, whose
    connections lock each other's tables rather than wait)."""
    path = tmp_path / "ledger.db"
    Cli({"JIXIAO_DB": str(path), "JIXIAO_ACTOR": "test"}).ok(
        "apply", str(GOLDEN / "example-3" / "commands.jsonl"))
    env = store_env(str(path), environ={"JIXIAO_READ_ONLY": "1"})
    first = Session(env)
    first.close()
    second = Session(env)  # the copy the first kept
    first.close()
    third = Session(env)
    try:
        assert third.env["SQLITE_DBNAME"] != second.env["SQLITE_DBNAME"]
    finally:
        third.close()
        second.close()


def test_a_chunked_write_to_a_read_only_ledger_is_refused_as_read_only(tmp_path: Path) -> None:
    """A batch written in chunks (a sheet's import, an apply longer than a chunk) asks the
    ledger's `stored_rows` before any insert: on the copy's ledger it was an
    AttributeError (a traceback, a 500), not exit 4 / 409 `read_only`."""
    path = tmp_path / "ledger.db"
    Cli({"JIXIAO_DB": str(path), "JIXIAO_ACTOR": "test"}).ok(
        "apply", str(GOLDEN / "example-1" / "commands.jsonl"))
    before = path.read_bytes()
    batch = tmp_path / "batch.jsonl"
    batch.write_text("".join(json.dumps({
        "type": "record_deduction", "period": "2026-Q1", "employee_id": "wang",
        "kind": "late", "minutes": minutes}) + "\n" for minutes in (15, 20)),
        encoding="utf-8")
    session = Session(store_env(str(path), environ={"JIXIAO_READ_ONLY": "1"}))
    try:
        with open_jsonl(str(batch)) as source, \
                pytest.raises(ReadOnlyStoreError, match="is read-only"):
            apply_jsonl(session, Caller("test"), source, chunk_rows=1)
    finally:
        session.close()
    assert path.read_bytes() == before


@pytest.mark.parametrize("recorded", [True, False], ids=["keys", "no-key-table"])
def test_personal_details_on_a_read_only_ledger_read_as_on_its_writable_twin(
        tmp_path: Path, recorded: bool) -> None:
    """The key vault reads the session's copy: the payroll export with the master key is
    the writable ledger's, byte for byte, with or without a key table; recording details
    is refused as read-only; the file is left as it was."""
    key = tmp_path / "master.key"
    writable = tmp_path / "writable.db"
    owner = Cli({"JIXIAO_DB": str(writable), "JIXIAO_ACTOR": "test"})
    owner.ok("apply", str(GOLDEN / "example-1" / "commands.jsonl"))
    owner.ok("keys", "master", "--output", str(key))
    if recorded:
        owner.ok("personal", "record", "--employee", "wang", "--bank-name", "ICBC",
                 "--account", "6222020200112233", "--id-number", ID_NUMBER,
                 "--key-file", str(key))
    frozen = tmp_path / "frozen.db"
    frozen.write_bytes(writable.read_bytes())  # the WAL checkpointed when owner closed
    frozen.chmod(0o444)
    before = frozen.read_bytes()
    reader = Cli({"JIXIAO_DB": str(frozen), "JIXIAO_ACTOR": "auditor"})

    def payroll(cli: Cli) -> bytes:
        output = tmp_path / "payroll.csv"
        cli.ok("export", "payroll", "--period", "2026-Q1", "--format", "csv",
               "--output", str(output), "--key-file", str(key))
        return output.read_bytes()

    read = payroll(reader)
    assert read == payroll(owner)
    assert (ID_NUMBER.encode() in read) is recorded
    refused = reader("personal", "record", "--employee", "wang", "--account",
                     "6222020200119999", "--key-file", str(key))
    assert refused.code == 4, refused.err
    assert "is read-only" in refused.err
    assert frozen.read_bytes() == before
