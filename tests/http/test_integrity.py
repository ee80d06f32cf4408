"""Integrity beyond the event log (issue 14, items 5 and 6), on SQLite and PostgreSQL:

* the cached statements are checked, not trusted: an edited row is reported (stderr on
  the CLI, `integrity_warning` in the API body), recomputed from the events, and named
  by `verify`; a closed period's payout first checks the chain at its close;
* signed checkpoints: a receipt signed with a key outside the database detects a
  truncated tail, a forged append and a recomputed chain, all of which the chain alone
  accepts; a damaged tracking row is a clear error.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from builders import GOLDEN, Cli, cli_for, raw_connection
from psycopg import sql
from seeding import seeded, serve

from api.storage.chain import catch_up_chain, open_chain
from api.storage.session import Session

EVENTS = {"sqlite": ("stored_events", "rowid"), "postgres": ("jixiao_events", "notification_id")}


def _table(store: Any, name: str) -> Any:
    if store.backend == "sqlite":
        return sql.Identifier(name)
    return sql.Identifier(store.env["POSTGRES_SCHEMA"], name)


def _execute(store: Any, text: str, *args: Any) -> int:
    """Run one statement as someone with database access; `{t}`, `{c}`, `{k}` name the
    events, chain and chain-tracking tables; `?` is a parameter."""
    events, _ = EVENTS[store.backend]
    names = {"t": _table(store, events), "c": _table(store, "jixiao_chain"),
             "k": _table(store, "jixiao_chain_tracking"),
             "s": _table(store, "jixiao_statements")}
    with raw_connection(store) as db:
        if store.backend == "sqlite":
            query = sql.SQL(text.replace("?", "%s")).format(**names).as_string(None)
            return int(db.execute(query.replace("%s", "?"), args).rowcount)
        return int(db.execute(sql.SQL(text.replace("?", "%s")).format(**names), args).rowcount)


def _ledger(store: Any, *files: str) -> Cli:
    cli = cli_for(store.backend, store.env)
    for name in files:
        cli.ok("apply", str(GOLDEN / name))
    return cli


def _keys(tmp_path: Path, cli: Cli) -> tuple[str, str]:
    cli.ok("keys", "new", "--output", str(tmp_path / "keys"))
    return (str(tmp_path / "keys" / "jixiao-signing.pem"),
            str(tmp_path / "keys" / "jixiao-signing.pub.pem"))


def _checkpoint(cli: Cli, key: str, path: Path) -> dict[str, Any]:
    cli.ok("checkpoint", "--key", key, "--output", str(path))
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _recompute_chain(store: Any) -> None:
    """What an insider with database access does after rewriting events: throw the
    chain away and chain the log as it now is, so `verify` alone finds nothing."""
    _execute(store, "DELETE FROM {c}")
    _execute(store, "UPDATE {k} SET position = 0, head = ?", "0" * 64)
    with Session(store.env) as session:
        catch_up_chain(session.ledger, open_chain(session.ledger))


def _verify(cli: Cli, *extra: str) -> tuple[int, dict[str, Any]]:
    run = cli("verify", "--json", *extra)
    assert run.code in (0, 1), run.err
    return run.code, run.json()


# ------------------------------------------------------------------ views (item 5)


def test_an_edited_statement_row_is_reported_recomputed_and_named_by_verify(store) -> None:  # type: ignore[no-untyped-def]
    cli = _ledger(store, "example-1/commands.jsonl")
    honest = cli.payout("2026-Q1")
    changed = _execute(store, "UPDATE {s} SET body = replace(body, ?, ?) WHERE period = ?",
                       '"total":"9687.50"', '"total":"99687.50"', "2026-Q1")
    assert changed == 1
    run = cli.ok("payout", "--period", "2026-Q1", "--json")
    assert "the view was tampered with" in run.err
    assert "2026-Q1" in run.err
    shown = run.json()
    assert shown.pop("integrity_warning")
    assert shown == honest  # recomputed from the events, not the edited row
    code, report = _verify(cli)
    assert code == 1
    assert [(f["kind"], "statement row 2026-Q1" in f["detail"]) for f in report["findings"]] \
        == [("view", True)]


def test_a_closed_rows_hash_must_be_the_one_its_close_recorded(store) -> None:  # type: ignore[no-untyped-def]
    """Editing the row and its hash together passes the row's own check, but not the
    hash the close recorded in the chained log."""
    cli = _ledger(store, "example-1/commands.jsonl")
    cli.ok("close", "--period", "2026-Q1")
    honest = cli.payout("2026-Q1")
    with Session(store.env) as session:
        row = session.view.get("2026-Q1")
    assert row is not None
    body = row.body.replace('"total":"9687.50"', '"total":"99687.50"')
    _execute(store, "UPDATE {s} SET body = ?, sha256 = ? WHERE period = ?", body,
             hashlib.sha256(body.encode()).hexdigest(), "2026-Q1")
    run = cli.ok("payout", "--period", "2026-Q1", "--json")
    assert "recorded when the period was closed" in run.err
    shown = run.json()
    shown.pop("integrity_warning")
    assert shown == honest
    assert _verify(cli)[0] == 1


def test_a_closed_payout_refuses_when_the_chain_at_its_close_was_rewritten(store) -> None:  # type: ignore[no-untyped-def]
    cli = _ledger(store, "example-1/commands.jsonl")
    cli.ok("close", "--period", "2026-Q1")
    closed = next(e for e in map(json.loads, cli.ok("events", "--json").out.splitlines())
                  if e["type"] == "PeriodClosed")
    position = closed["position"]
    assert _execute(store, "UPDATE {c} SET link = ? WHERE position = ?", "f" * 64,
                    position) == 1
    run = cli("payout", "--period", "2026-Q1")
    assert run.code == 1
    assert f"the chain at position {position}" in run.err
    assert "Traceback" not in run.err
    assert run.out == ""  # nothing shown before the check


def test_the_api_body_carries_the_warning(store) -> None:  # type: ignore[no-untyped-def]
    with serve(store.env) as client:
        served = seeded(store.env, client)
        honest = served.get("finance", "/periods/2026-Q1/payout").json()
        assert "integrity_warning" not in honest
        _execute(store, "UPDATE {s} SET body = replace(body, ?, ?) WHERE period = ?",
                 '"notes":[', '"notes":["paid in full",', "2026-Q1")
        response = served.get("finance", "/periods/2026-Q1/payout")
        english = served.client.get("/periods/2026-Q1/payout", headers={
            **served.headers("finance"), "Accept-Language": "en"}).json()
        served.close()
    assert response.status_code == 200, response.text
    body = response.json()  # in the reader's language, Chinese by default
    assert body.pop("integrity_warning").startswith("视图被篡改，已从事件重新计算：报表行 2026-Q1")
    assert body == honest
    assert english.pop("integrity_warning").startswith(
        "the view was tampered with; recomputed from the events: statement row 2026-Q1")
    assert english == honest


def test_a_recomputed_row_is_worded_in_chinese_on_the_cli(store) -> None:  # type: ignore[no-untyped-def]
    """The warning on stderr in the reader's language, no English sentence left in it;
    --json keeps its English, the same in every language."""
    cli = _ledger(store, "example-1/commands.jsonl")
    cli.payout("2026-Q1")
    _execute(store, "UPDATE {s} SET body = replace(body, ?, ?) WHERE period = ?",
             '"total":"9687.50"', '"total":"99687.50"', "2026-Q1")
    chinese = replace(cli, lang=None).ok("payout", "--period", "2026-Q1")
    [warning] = [line for line in chinese.err.splitlines() if "视图" in line]
    assert warning.startswith("警告：视图被篡改，已从事件重新计算：报表行 2026-Q1")
    assert not re.search(r"[A-Za-z]{3,} [a-z]{2,}", warning), warning  # no English words


def _late(cli: Cli, tmp_path: Path, minutes: int) -> None:
    path = tmp_path / f"late-{minutes}.jsonl"
    path.write_text(json.dumps({"type": "record_deduction", "period": "2026-Q1",
                                "employee_id": "wang", "kind": "late",
                                "minutes": minutes}) + "\n", encoding="utf-8")
    cli.ok("apply", str(path))


def test_a_catch_up_that_rewrites_an_edited_row_still_reports_it(store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A new fact of the period makes the next read recompute the row; the edit it
    replaces is still reported (by that read, and by `verify` if it comes first)."""
    cli = _ledger(store, "example-1/commands.jsonl")
    honest = cli.payout("2026-Q1")
    _execute(store, "UPDATE {s} SET body = replace(body, ?, ?) WHERE period = ?",
             '"total":"9687.50"', '"total":"99687.50"', "2026-Q1")
    _late(cli, tmp_path, 90)
    run = cli.ok("payout", "--period", "2026-Q1", "--json")
    assert "the view was tampered with" in run.err
    assert "statement row 2026-Q1" in run.json()["integrity_warning"]
    assert run.json()["people"] != honest["people"]  # the new score counts
    _execute(store, "UPDATE {s} SET body = replace(body, ?, ?) WHERE period = ?",
             '"notes":[', '"notes":["paid in full",', "2026-Q1")
    _late(cli, tmp_path, 45)
    code, report = _verify(cli)
    assert code == 1
    assert [f["kind"] for f in report["findings"]] == ["view"]
    assert "statement row 2026-Q1" in report["findings"][0]["detail"]


# ------------------------------------------------------------ receipts (item 6)


def test_a_receipt_detects_a_truncated_tail_with_its_chain_rows(store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli = _ledger(store, "example-1/commands.jsonl")
    key, public = _keys(tmp_path, cli)
    receipt = _checkpoint(cli, key, tmp_path / "receipt.json")
    _events, column = EVENTS[store.backend]
    cut = receipt["position"] - 3
    with Session(store.env) as session:
        head_at_cut = session.chain.link_at_or_before(cut)
    _execute(store, f"DELETE FROM {{t}} WHERE {column} > ?", cut)
    _execute(store, "DELETE FROM {c} WHERE position > ?", cut)
    _execute(store, "UPDATE {k} SET position = ?, head = ?", cut, head_at_cut)
    assert _verify(cli)[1]["ok"] is True  # the chain alone cannot tell
    code, report = _verify(cli, "--expect", str(tmp_path / "receipt.json"),
                           "--public-key", public)
    assert code == 1
    assert report["findings"][0]["kind"] == "receipt"
    assert "truncated" in report["findings"][0]["detail"]


def test_a_receipt_detects_a_forged_append_with_a_recomputed_chain(store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli = _ledger(store, "example-1/commands.jsonl")
    key, public = _keys(tmp_path, cli)
    receipt = _checkpoint(cli, key, tmp_path / "receipt.json")
    _, column = EVENTS[store.backend]
    # The last event goes, and a forged one takes its place at the end of the log.
    _execute(store, f"DELETE FROM {{t}} WHERE {column} = ?", receipt["position"])
    with Session(store.env) as session:
        ledger = session.ledger
        ledger.record(ledger.parse_commands([("forged", {
            "type": "record_deduction", "period": "2026-Q1", "employee_id": "wang",
            "kind": "late", "minutes": 90})]), "cli:insider")
    _recompute_chain(store)
    assert _verify(cli)[1]["ok"] is True
    code, report = _verify(cli, "--expect", str(tmp_path / "receipt.json"),
                           "--public-key", public)
    assert code == 1
    assert {f["kind"] for f in report["findings"]} == {"receipt"}
    assert any("rewritten or replaced" in f["detail"] for f in report["findings"])


def test_a_receipt_detects_a_recomputed_whole_chain(store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli = _ledger(store, "example-1/commands.jsonl")
    key, public = _keys(tmp_path, cli)
    _checkpoint(cli, key, tmp_path / "receipt.json")
    _events, _column = EVENTS[store.backend]
    if store.backend == "sqlite":
        text = ("UPDATE {t} SET state = CAST(replace(CAST(state AS TEXT), ?, ?) AS BLOB) "
                "WHERE instr(CAST(state AS TEXT), ?) > 0")
    else:
        text = ("UPDATE {t} SET state = convert_to(replace(convert_from(state, 'UTF8'), ?, ?),"
                " 'UTF8') WHERE position(? in convert_from(state, 'UTF8')) > 0")
    assert _execute(store, text, '"minutes":40', '"minutes":4', '"minutes":40') == 1
    _recompute_chain(store)
    assert _verify(cli)[1]["ok"] is True
    code, report = _verify(cli, "--expect", str(tmp_path / "receipt.json"),
                           "--public-key", public)
    assert code == 1
    assert report["findings"][0]["kind"] == "receipt"
    # and an untouched ledger agrees with its receipt
    assert report["chained_upto"] >= json.loads(
        (tmp_path / "receipt.json").read_text())["position"]


def test_the_trusted_key_is_the_auditors_never_the_receipts(store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli = _ledger(store, "example-1/commands.jsonl")
    key, public = _keys(tmp_path, cli)
    _checkpoint(cli, key, tmp_path / "receipt.json")
    cli.ok("keys", "new", "--output", str(tmp_path / "insider"))
    forged = _checkpoint(cli, str(tmp_path / "insider" / "jixiao-signing.pem"),
                         tmp_path / "forged.json")
    assert _verify(cli, "--expect", str(tmp_path / "receipt.json"),
                   "--public-key", public)[0] == 0
    code, report = _verify(cli, "--expect", str(tmp_path / "forged.json"),
                           "--public-key", public)
    assert code == 1
    assert "not signed by the trusted key" in report["findings"][0]["detail"]
    assert forged["key_id"] != json.loads((tmp_path / "receipt.json").read_text())["key_id"]
    run = cli("verify", "--expect", str(tmp_path / "receipt.json"))
    assert run.code == 2
    assert "--public-key" in run.err


def test_a_close_writes_a_receipt_when_a_key_is_configured_and_says_so_when_not(  # type: ignore[no-untyped-def]
        store, tmp_path) -> None:
    cli = _ledger(store, "example-3/commands.jsonl")
    run = cli.ok("close", "--period", "2026-Q1")
    assert "no outside receipt was written" in run.err
    key, public = _keys(tmp_path, cli)
    signing = Cli({**cli.environ, "JIXIAO_SIGNING_KEY": key,
                   "JIXIAO_RECEIPT_DIR": str(tmp_path / "receipts")})
    run = signing.ok("close", "--period", "2026-Q2")
    [receipt] = list((tmp_path / "receipts").glob("receipt-2026-Q2-*.json"))
    assert str(receipt) in run.err
    assert _verify(cli, "--expect", str(receipt), "--public-key", public)[0] == 0


def test_a_checkpoint_over_a_broken_chain_is_refused_in_the_readers_language(  # type: ignore[no-untyped-def]
        store, tmp_path) -> None:
    cli = _ledger(store, "example-1/commands.jsonl")
    key, _public = _keys(tmp_path, cli)
    _execute(store, "UPDATE {c} SET link = ? WHERE position = ?", "f" * 64, 3)
    output = str(tmp_path / "receipt.json")
    english = cli("checkpoint", "--key", key, "--output", output)
    assert english.code == 4  # a conflict, as before
    assert english.err.startswith("error: the chain is broken; nothing signed: altered: ")
    assert not re.search(r"[\u4e00-\u9fff]", english.err), english.err
    chinese = replace(cli, lang=None)("checkpoint", "--key", key, "--output", output)
    assert chinese.code == 4
    assert chinese.err.startswith("错误：哈希链已损坏，拒绝签名：已篡改：位置 3 的事件")
    assert "nothing signed" not in chinese.err
    assert not (tmp_path / "receipt.json").exists()


def test_post_audit_verify_uses_the_servers_key(store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli = cli_for(store.backend, store.env)
    key, public = _keys(tmp_path, cli)
    with serve({**store.env, "JIXIAO_AUDIT_PUBLIC_KEY": public}) as client:
        served = seeded(store.env, client)
        receipt = _checkpoint(cli, key, tmp_path / "receipt.json")
        good = served.post("auditor", "/audit/verify", {"receipt": receipt})
        bad = served.post("auditor", "/audit/verify",
                          {"receipt": {**receipt, "events": receipt["events"] + 1}})
        junk = served.post("auditor", "/audit/verify", {"receipt": {"position": "x"}})
        served.close()
    assert good.status_code == 200, good.text
    assert good.json()["ok"] is True
    assert bad.status_code == 200
    assert bad.json()["findings"][0]["kind"] == "receipt"
    assert junk.status_code == 422, junk.text


def test_a_damaged_tracking_row_is_a_clear_error(store) -> None:  # type: ignore[no-untyped-def]
    cli = _ledger(store, "example-1/commands.jsonl")
    _execute(store, "UPDATE {k} SET head = ?", "not a hash")
    run = cli("verify")
    assert run.code == 1
    assert "tracking row" in run.err
    assert "Traceback" not in run.err
    _execute(store, "DELETE FROM {k}")
    run = cli("verify")
    assert run.code == 1
    assert "missing" in run.err


@pytest.mark.parametrize("verb", [("payout", "--period", "2026-Q1"), ("verify",),
                                  ("events",), ("explain", "--period", "2026-Q1",
                                                "--employee", "li"),
                                  ("reconcile", "--period", "2026-Q1")])
def test_a_read_of_a_missing_ledger_says_so_and_creates_nothing(tmp_path, verb) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "typo.db"
    run = Cli({"JIXIAO_ACTOR": "test"})(*verb, "--db", str(path))
    assert run.code != 0
    assert f"no ledger at {path}" in run.err
    assert not path.exists()
