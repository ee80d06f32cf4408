"""The server over a read-only SQLite ledger (api/storage/read_only.py): reads answer as
over the writable ledger, a write is 409 `read_only` naming the file, and the file is
unchanged. So is a read of another person's data, which the access log must record
(api/usecases/access_log.py): served unrecorded, it would break that log's promise.
Read-only by `JIXIAO_READ_ONLY=1` or by a file nobody may write (`chmod a-w`), which
binds the suite's root too."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from seeding import Served, seed, serve

from api.storage import read_only as copies_module


@pytest.mark.parametrize("how", ["setting", "chmod"])
def test_a_read_only_ledger_is_served_for_reading_and_refuses_writes(tmp_path: Path,
                                                                      how: str) -> None:
    path = tmp_path / "ledger.db"
    env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(path)}
    tokens = seed(env)
    copy = tmp_path / "audit" / "ledger.db"
    copy.parent.mkdir()
    shutil.copyfile(path, copy)
    if how == "chmod":
        copy.chmod(0o444)
    before = copy.read_bytes()
    with serve(env) as client:
        writable = Served(env, client, tokens).get("employee", "/periods/2026-Q1/payout")
    assert writable.status_code == 200, writable.text
    read_only = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(copy),
                 **({"JIXIAO_READ_ONLY": "1"} if how == "setting" else {})}
    with serve(read_only) as client:
        served = Served(read_only, client, tokens)
        answer = served.get("employee", "/periods/2026-Q1/payout")  # their own lines
        assert (answer.status_code, answer.content) == (200, writable.content)
        logged = served.get("auditor", "/periods/2026-Q1/payout")  # everyone's
        assert logged.status_code == 409, logged.text
        assert logged.json()["error"]["code"] == "read_only"
        assert "访问日志" in logged.json()["error"]["message"], logged.text  # a read, said so
        refused = served.post("head", "/commands", {
            "type": "record_score", "period": "2026-Q2", "employee_id": "wang",
            "item": "quantity", "points": "30"})
    assert refused.status_code == 409, refused.text
    assert refused.json()["error"]["code"] == "read_only"
    assert str(copy) in refused.json()["error"]["message"]
    assert copy.read_bytes() == before


def test_a_server_over_a_read_only_ledger_sees_what_another_process_writes_later(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The server keeps one session, so one copy: made at its first request, it must be
    made again once the file has changed (another process, a writer with the permission
    this server lacks), else the server answers from that first copy for ever."""
    path = tmp_path / "ledger.db"
    env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(path)}
    tokens = seed(env)
    copies: list[str] = []
    made = copies_module.ReadOnlyCopy.__init__

    def counted(copy: copies_module.ReadOnlyCopy, env: dict[str, str]) -> None:
        copies.append(env["SQLITE_DBNAME"])
        made(copy, env)

    monkeypatch.setattr(copies_module.ReadOnlyCopy, "__init__", counted)
    forced = {**env, "JIXIAO_READ_ONLY": "1"}
    with serve(forced) as reading:
        reader = Served(forced, reading, tokens)
        before = reader.get("administrator", "/employees")
        assert reader.get("administrator", "/employees").content == before.content
        assert len(copies) == 1  # unchanged (SQLite's own empty -wal aside): not copied again
        with serve(env) as writing:
            writer = Served(env, writing, tokens)
            hired = writer.post("administrator", "/commands", {
                "type": "hire_employee", "employee_id": "zhao", "name": "Zhao",
                "department_id": "internal", "title_grade": "practitioner",
                "hired_on": "2026-04-01"})
            assert hired.status_code == 201, hired.text
            expected = writer.get("administrator", "/employees")
        after = reader.get("administrator", "/employees")
    assert before.status_code == after.status_code == 200, after.text
    assert "zhao" not in before.text
    assert (after.status_code, after.content) == (200, expected.content)
