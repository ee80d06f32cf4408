"""A stored event whose id was edited in the database to text that is no UUID (the
reviewer's reproduction, on a copy of the first worked example's old ledger): `payout`
names one invalid entry in the reader's language and pays the rest, and `verify` names
the record and exits 1. Before, both ended in `ValueError: badly formed hexadecimal UUID
string`. (PostgreSQL types the column `uuid` and refuses the edit:
tests/contract/test_stored_ids.py.)"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from pathlib import Path

from builders import Cli
from fastapi.testclient import TestClient

from api.http.app import create_app
from api.http.settings import ServerSettings

FIXTURE = Path(__file__).parent.parent / "fixtures" / "old_ledger" / "example-1" / "ledger.db"


def _edited_copy(tmp_path: Path) -> tuple[Cli, int]:
    """The fixture copied, its fourth stored row's id set to 'not-a-uuid'; its position."""
    db = tmp_path / "ledger.db"
    shutil.copy(FIXTURE, db)
    with sqlite3.connect(db) as connection:
        [(position,)] = connection.execute(
            "SELECT rowid FROM stored_events LIMIT 1 OFFSET 3").fetchall()
        connection.execute("UPDATE stored_events SET originator_id='not-a-uuid' "
                           "WHERE rowid=?", [position])
    connection.close()
    return Cli({"JIXIAO_DB": str(db), "JIXIAO_ACTOR": "test"}, lang=None), position


def test_payout_names_the_edited_id_in_chinese_and_english(tmp_path: Path) -> None:
    cli, position = _edited_copy(tmp_path)
    placeholder = f"00000000-0000-0000-0000-{position:012d}"
    for _ in range(2):  # the second answer may come from the warm view's note
        chinese = cli("payout", "--period", "2026-Q1", "--lang", "zh")
        assert chinese.code == 0, chinese.err
        assert f"警告：账本中的条目 {placeholder}（ScoreRecorded）无法读取" in chinese.err
        assert f"其存储的条目编号 'not-a-uuid' 格式无效（位置 {position}）：数据库被改动过" \
            in chinese.err
        assert not re.search(r"Traceback|warning|UUID string", chinese.err), chinese.err
        english = cli("payout", "--period", "2026-Q1", "--lang", "en")
        assert english.code == 0, english.err
        assert (f"warning: entry {placeholder} (ScoreRecorded) is invalid and left out of "
                f"every figure: its stored id 'not-a-uuid' is not a UUID (position "
                f"{position}): the database was edited") in english.err
        assert not re.search(r"[\u4e00-\u9fff]", english.err), english.err
        as_json = cli("payout", "--period", "2026-Q1", "--json")
        [entry] = as_json.json()["invalid_entries"]
        assert entry == {"id": placeholder, "type": "ScoreRecorded",
                         "reason": f"stored id 'not-a-uuid' is not a UUID (position {position})",
                         "problems": [{"field": "", "code": "unreadable_id", "context": {
                             "id": "'not-a-uuid'", "position": str(position)}}]}


def test_verify_names_the_edited_id_and_exits_1(tmp_path: Path) -> None:
    cli, position = _edited_copy(tmp_path)
    chinese = cli("verify", "--lang", "zh")
    assert chinese.code == 1, chinese.err
    assert (f"已篡改：位置 {position} 的事件 not-a-uuid（得分，ScoreRecorded）：其存储的条目编号"
            "格式无效，无法据此计算链节") in chinese.out + chinese.err
    english = cli("verify", "--lang", "en")
    assert english.code == 1
    assert (f"altered: event not-a-uuid at position {position} (score, ScoreRecorded): its "
            "stored id is not a UUID, so no chain link is made of it") in english.out + english.err
    findings = cli("verify", "--json").json()["findings"]
    assert [(f["kind"], f["reason"], f["position"], f["event_id"]) for f in findings] == [
        ("altered", "unreadable_id", position, "not-a-uuid")]


def test_as_of_what_if_and_http_name_it_and_answer(tmp_path: Path) -> None:
    cli, position = _edited_copy(tmp_path)
    placeholder = f"00000000-0000-0000-0000-{position:012d}"
    late = {"type": "record_deduction", "period": "2026-Q1", "employee_id": "li",
            "kind": "late", "minutes": 90}
    with_file = tmp_path / "what-if.jsonl"
    with_file.write_text(json.dumps(late) + "\n")
    for argv in (["--as-of", "2026-12-31"], ["--with", str(with_file)]):
        run = cli("payout", "--period", "2026-Q1", "--lang", "en", *argv)
        assert run.code == 0, run.err
        assert f"warning: entry {placeholder} (ScoreRecorded)" in run.err
    token = cli("users", "add", "fin", "--name", "Finance", "--role",
                "finance").out.strip().splitlines()[-1]
    app = create_app(ServerSettings(store_env={"PERSISTENCE_MODULE": "eventsourcing.sqlite",
                                               "SQLITE_DBNAME": cli.environ["JIXIAO_DB"]}))
    try:
        with TestClient(app, raise_server_exceptions=False) as client:
            headers = {"Authorization": f"Bearer {token}", "Accept-Language": "en"}
            payout = client.get("/periods/2026-Q1/payout", headers=headers)
            assert payout.status_code == 200, payout.text
            [entry] = payout.json()["invalid_entries"]
            assert (entry["id"], entry["detail"]) == (placeholder, (
                f"its stored id 'not-a-uuid' is not a UUID (position {position}): the "
                "database was edited"))
            what_if = client.post("/periods/2026-Q1/payout/what-if", json=[late],
                                  headers=headers)
            assert what_if.status_code == 200, what_if.text
            for path in ("/periods/2026-Q1/reconciliation", "/audit/events"):
                assert client.get(path, headers=headers).status_code == 200, path
    finally:
        app.state.ledger.close()


def test_an_edited_id_where_a_close_anchors_the_chain_is_named_as_an_altered_event(
        tmp_path: Path) -> None:
    """The third worked example's close recorded the chain at position 42: that event's id
    edited, a report of the closed period stops as for any event altered there (the warm
    view's check and check_close no longer reach `chain_link` with the text)."""
    db = tmp_path / "ledger.db"
    shutil.copy(FIXTURE.parent.parent / "example-3" / "ledger.db", db)
    with sqlite3.connect(db) as connection:
        connection.execute("UPDATE stored_events SET originator_id='not-a-uuid' WHERE rowid=42")
    connection.close()
    cli = Cli({"JIXIAO_DB": str(db), "JIXIAO_ACTOR": "test"})
    for command in ("payout", "reconcile"):
        run = cli(command, "--period", "2026-Q1")
        assert run.code == 1, run.err
        assert "the event at position 42 no longer hashes to its chain link" in run.err
        assert "Traceback" not in run.err
    findings = cli("verify", "--json").json()["findings"]
    assert [(f["reason"], f["position"]) for f in findings] == [("unreadable_id", 42)]


def test_a_closed_period_unlike_its_chain_is_refused_in_one_language(tmp_path: Path) -> None:
    """The refusal's own problem (check_close) is worded too: in Chinese no English
    sentence in the middle of the Chinese one, in English no Chinese."""
    db = tmp_path / "ledger.db"
    shutil.copy(FIXTURE.parent.parent / "example-3" / "ledger.db", db)
    with sqlite3.connect(db) as connection:
        connection.execute("UPDATE stored_events SET originator_id='not-a-uuid' WHERE rowid=42")
    connection.close()
    environ = {"JIXIAO_DB": str(db), "JIXIAO_ACTOR": "test"}
    chinese = Cli(environ, lang="zh")("payout", "--period", "2026-Q1")
    assert chinese.code == 1, chinese.err
    assert "2026-Q1 已结账" in chinese.err
    assert "位置 42 的事件已与其链节不符" in chinese.err
    assert not re.search(r"[A-Za-z]+ [A-Za-z]+", chinese.err.replace("jixiao verify", "")), \
        chinese.err
    english = Cli(environ, lang="en")("payout", "--period", "2026-Q1")
    assert "the event at position 42 no longer hashes to its chain link" in english.err
    assert not re.search(r"[\u4e00-\u9fff]", english.err), english.err
