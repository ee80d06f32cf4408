"""Tamper evidence: `jixiao verify` and GET /audit/verify recompute the hash chain and
name the first event that was altered or removed behind the ledger's back, on SQLite
(`stored_events`) and PostgreSQL (`jixiao_events`)."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any
from uuid import uuid5

import pytest
from builders import GOLDEN, cli_for, raw_connection, record, snapshot_key_file, snapshot_row
from psycopg import sql
from seeding import Served, seeded, serve

from api.storage.chain import catch_up_chain, open_chain, stored_records
from api.storage.session import Session
from api.storage.snapshot_key import SNAPSHOT_KEY_ENV
from domain.application import IDEMPOTENCY_NAMESPACE
from domain.errors import ConflictError
from projections.audit import GENESIS, extend_chain

LI_LATE = uuid5(IDEMPOTENCY_NAMESPACE, "ex1-li-late")  # li late by 40 minutes
WANG_ACCIDENT = uuid5(IDEMPOTENCY_NAMESPACE, "ex1-wang-accident")


def _position(env: dict[str, str], event_id: Any) -> int:
    with Session(env) as session:
        return session.ledger.facts().positions[event_id]




def alter(store: Any, position: int, old: str, new: str) -> None:
    """Rewrite part of one stored event's state bytes (its JSON stays valid)."""
    with raw_connection(store) as db:
        if store.backend == "sqlite":
            changed = db.execute(
                "UPDATE stored_events SET state = CAST(replace(CAST(state AS TEXT), ?, ?) "
                "AS BLOB) WHERE rowid = ? AND instr(CAST(state AS TEXT), ?) > 0",
                (old, new, position, old)).rowcount
        else:
            changed = db.execute(sql.SQL(
                "UPDATE {} SET state = convert_to(replace(convert_from(state, 'UTF8'), %s, "
                "%s), 'UTF8') WHERE notification_id = %s AND position(%s in "
                "convert_from(state, 'UTF8')) > 0").format(
                    sql.Identifier(store.env["POSTGRES_SCHEMA"], "jixiao_events")),
                (old, new, position, old)).rowcount
    assert changed == 1


def delete(store: Any, position: int) -> None:
    with raw_connection(store) as db:
        if store.backend == "sqlite":
            changed = db.execute("DELETE FROM stored_events WHERE rowid = ?",
                                 (position,)).rowcount
        else:
            changed = db.execute(sql.SQL("DELETE FROM {} WHERE notification_id = %s").format(
                sql.Identifier(store.env["POSTGRES_SCHEMA"], "jixiao_events")),
                (position,)).rowcount
    assert changed == 1


def _verify_over_http(served: Served) -> dict[str, Any]:
    response = served.get("auditor", "/audit/verify")
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_an_untouched_log_verifies_on_the_cli_and_over_http(store) -> None:  # type: ignore[no-untyped-def]
    with serve(store.env) as client:
        served = seeded(store.env, client)
        report = _verify_over_http(served)
        assert report["ok"] is True
        assert report["events"] == report["links"] == report["chained_upto"] > 20
        assert report["first_problem"] is None
        served.close()
    run = cli_for(store.backend, store.env).ok("verify")
    assert run.out.startswith(f"chain intact: {report['events']} event(s)")
    assert report["head"] in run.out


def test_an_altered_event_is_named_as_the_first_problem(store) -> None:  # type: ignore[no-untyped-def]
    position = None
    with serve(store.env) as client:
        served = seeded(store.env, client)
        assert _verify_over_http(served)["ok"] is True
        position = _position(store.env, LI_LATE)
        alter(store, position, '"minutes":40', '"minutes":4')  # forgive li's lateness
        report = _verify_over_http(served)  # the running server notices
        english = served.client.get("/audit/verify", headers={
            **served.headers("auditor"), "Accept-Language": "en"}).json()
        served.close()
    assert report["ok"] is False
    first = report["first_problem"]
    assert (first["kind"], first["position"], first["event_id"], first["type"]) == (
        "altered", position, str(LI_LATE), "DeductionRecorded")
    assert [f["kind"] for f in report["findings"]] == ["altered"]  # only that one
    # the detail in the reader's language (Chinese by default), the machine fields alike
    assert first["detail"].startswith("其存储字节的哈希与链上记录的链节不再相符")
    assert english["first_problem"]["detail"].startswith("its stored bytes no longer hash")
    assert {**english["first_problem"], "detail": ""} == {**first, "detail": ""}
    run = cli_for(store.backend, store.env)("verify")
    assert run.code == 1
    assert f"altered: event {LI_LATE} at position {position}" in run.out
    chinese = replace(cli_for(store.backend, store.env), lang=None)("verify")
    assert chinese.code == 1
    assert chinese.out.startswith("哈希链已损坏：1 处问题")
    assert f"已篡改：位置 {position} 的事件 {LI_LATE}（扣分记录，DeductionRecorded）：其存储" \
        in chinese.out


def test_a_deleted_event_is_named_as_removed(store) -> None:  # type: ignore[no-untyped-def]
    with serve(store.env) as client:
        served = seeded(store.env, client)
        assert _verify_over_http(served)["ok"] is True
        served.close()
    position = _position(store.env, WANG_ACCIDENT)
    delete(store, position)  # wang's medical accident never happened
    run = cli_for(store.backend, store.env)("verify", "--json")
    assert run.code == 1
    report = run.json()
    first = report["first_problem"]
    assert (first["kind"], first["position"], first["event_id"], first["type"]) == (
        "removed", position, str(WANG_ACCIDENT), "DeductionRecorded")
    assert {f["kind"] for f in report["findings"]} == {"removed", "count"}
    assert report["events"] == report["links"] - 1
    # --json is machine output: byte for byte the same in Chinese (the default) and English
    chinese = replace(cli_for(store.backend, store.env), lang=None)("verify", "--json")
    assert (chinese.code, chinese.out) == (1, run.out)
    assert first["detail"].startswith("the chain records this event")


def test_later_events_are_chained_and_verified_too(store) -> None:  # type: ignore[no-untyped-def]
    cli = cli_for(store.backend, store.env)
    with serve(store.env) as client:
        served = seeded(store.env, client)
        chained = _verify_over_http(served)["chained_upto"]
        served.close()
    with Session(store.env) as session:
        ledger = session.ledger
        ledger.record(ledger.parse_commands([("late", {
            "type": "record_leave", "employee_id": "zhang", "kind": "study",
            "first_day": "2026-09-01", "last_day": "2026-09-30"})]), "cli:someone")  # unchained
    run = cli.ok("verify", "--json")
    assert run.json()["chained_upto"] == chained + 1


def test_a_racing_chain_catch_up_loses_and_chains_nothing_twice(store) -> None:  # type: ignore[no-untyped-def]
    # Written straight through the ledger (the CLI would chain them at once).
    with Session(store.env) as writer:
        lines = (GOLDEN / "example-1" / "commands.jsonl").read_text(encoding="utf-8")
        record(writer.ledger, *(json.loads(line) for line in lines.splitlines()
                                if line.strip() and not line.startswith("#")))
    with Session(store.env) as first, Session(store.env) as second:
        ours, theirs = open_chain(first.ledger), open_chain(second.ledger)
        records = list(stored_records(first.ledger))
        links = extend_chain(GENESIS, records)
        ours.save(links[:5], expected=0)
        with pytest.raises(ConflictError):
            theirs.save(links[:7], expected=0)  # computed before ours moved the position
        assert ours.tracking() == (links[4].position, links[4].link)
        assert catch_up_chain(second.ledger, theirs) == len(records) - 5
        assert catch_up_chain(first.ledger, ours) == 0
        assert [k.link for k in ours.all_links()] == [k.link for k in links]


def test_the_report_notes_whether_the_snapshot_of_the_fold_was_checked(  # type: ignore[no-untyped-def]
        store, tmp_path) -> None:
    """What `jixiao verify` prints below its findings about the stored snapshot, the API
    gives as `notes` (worded in the reader's language, the machine fields alike)."""
    keyed = {**store.env, SNAPSHOT_KEY_ENV: str(snapshot_key_file(tmp_path / "snapshot.key"))}
    with serve(keyed) as client:
        served = seeded(keyed, client)
        with Session(keyed) as session:
            session.ledger.facts()  # a session that folds leaves the snapshot at its close
        checked = _verify_over_http(served)
        served.close()
    row = snapshot_row(keyed)
    assert row is not None
    assert checked["ok"] is True
    assert checked["notes"] == [{
        "kind": "snapshot", "state": "checked", "position": row[0],
        "detail": f"事实快照（位置 {row[0]}）：与按库中事件重新计算到该位置的结果一致"}]
    with serve(store.env) as client:  # the same store where no snapshot key is configured
        served = Served(store.env, client, dict(served.tokens))
        unkeyed = _verify_over_http(served)
        english = served.client.get("/audit/verify", headers={
            **served.headers("auditor"), "Accept-Language": "en"}).json()
    assert unkeyed["ok"] is True
    [note] = unkeyed["notes"]
    assert (note["kind"], note["state"], note["position"]) == ("snapshot", "no_key", None)
    assert note["detail"].startswith("未核对事实快照：本环境没有快照密钥")
    assert english["notes"][0]["detail"].startswith(
        "the snapshot of the fold was not checked: no snapshot key here")
    assert {k: v for k, v in unkeyed.items() if k != "notes"} == {
        k: v for k, v in english.items() if k != "notes"}
