"""Closing a period freezes it; a later correction restates it in the next open quarter."""

from __future__ import annotations

import re
from decimal import Decimal

from builders import GOLDEN, by_id, cli_for


def _close(cli, period: str) -> str:  # type: ignore[no-untyped-def]
    out = cli.ok("close", "--period", period).out
    match = re.search(r"--as-of (\S+)", out)
    assert match, out
    return match.group(1)


def test_a_correction_after_close_is_restated_in_the_next_quarter(store) -> None:  # type: ignore[no-untyped-def]
    cli = cli_for(store.backend, store.env)
    cli.ok("apply", str(GOLDEN / "example-3" / "commands.jsonl"))
    q2_before = cli.payout("2026-Q2")
    closed_at = _close(cli, "2026-Q1")
    closed = cli.ok("payout", "--period", "2026-Q1", "--json").out

    cli.ok("apply", str(GOLDEN / "example-3" / "correction.jsonl"))

    # The closed statement is unchanged, and --as-of the close time reproduces it.
    assert cli.ok("payout", "--period", "2026-Q1", "--json").out == closed
    assert cli.ok("payout", "--period", "2026-Q1", "--json", "--as-of", closed_at).out == closed

    # The restatement's deltas add up to the difference between the old and new totals.
    restatement = cli.ok("restatement", "--period", "2026-Q1", "--json").json()
    diff = cli.ok("diff", "--period", "2026-Q1", "--from", "closed", "--to", "now",
                  "--json").json()
    outstanding = sum(Decimal(p["outstanding"]) for p in restatement["people"])
    assert outstanding == Decimal(diff["total"]["delta"]) == Decimal("-2000.00")
    assert restatement["settles_in"] == "2026-Q2"
    assert diff["events"][0]["type"] == "DepartmentFiguresRecorded"
    assert diff["events"][0]["reason"] == "appeal upheld: workload double-counted"

    # The deltas appear in Q2's payout as named lines, and Q2 still reconciles.
    q2 = cli.payout("2026-Q2")
    people = by_id(q2["people"], "employee_id")
    assert people["ward-01"]["restatement"] == "-125.00"
    assert people["icu-1"]["restatement"] == "0.00"  # ICU's Q1 excess went to its bank
    lines = {line["line"]: line["amount"] for line in q2["reconciliation"]["lines"]}
    assert lines["restatements of closed periods (paid +, recovered −)"] == "-2000.00"
    assert q2["reconciliation"]["balance"] == "0.00"
    assert Decimal(q2["totals"]["paid"]) == Decimal(q2_before["totals"]["paid"]) - 2000
    # The bank path of the later quarters is restated too (worked example 3's replay).
    icu = by_id(q2["departments"], "department_id")["icu"]
    assert (icu["bank_before"], icu["bank_after"]) == ("10000.00", "9200.00")


def test_a_restatement_is_settled_once(store) -> None:  # type: ignore[no-untyped-def]
    cli = cli_for(store.backend, store.env)
    cli.ok("apply", str(GOLDEN / "example-3" / "commands.jsonl"))
    _close(cli, "2026-Q1")
    cli.ok("apply", str(GOLDEN / "example-3" / "correction.jsonl"))
    _close(cli, "2026-Q2")  # settles Q1's deltas
    restatement = cli.ok("restatement", "--period", "2026-Q1", "--json").json()
    assert restatement["outstanding"] == "0.00"
    q3 = cli.payout("2026-Q3")
    assert all(p["restatement"] == "0.00" for p in q3["people"])
    assert q3["restatements"] == []


def test_closed_periods_refuse_new_entries_but_take_corrections(store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli = cli_for(store.backend, store.env)
    cli.ok("apply", str(GOLDEN / "example-3" / "commands.jsonl"))
    run = cli("close", "--period", "2026-Q2")
    assert run.code == 2
    assert "close 2026-Q1 first" in run.err
    _close(cli, "2026-Q1")
    again = cli("close", "--period", "2026-Q1")
    assert again.code == 2
    assert "already recorded (close 2026-Q1)" in again.err
    late = tmp_path / "late.jsonl"
    late.write_text('{"type": "record_deduction", "period": "2026-Q1", "employee_id": '
                    '"icu-1", "kind": "error"}\n', encoding="utf-8")
    run = cli("apply", str(late))
    assert run.code == 2
    assert "2026-Q1 is closed; record a correction" in run.err
    cli.ok("apply", str(GOLDEN / "example-3" / "correction.jsonl"))


def test_what_if_shows_a_correction_without_writing_it(store) -> None:  # type: ignore[no-untyped-def]
    cli = cli_for(store.backend, store.env)
    cli.ok("apply", str(GOLDEN / "example-3" / "commands.jsonl"))
    count = cli.event_count()
    now = cli.payout("2026-Q1")
    what_if = cli.ok("payout", "--period", "2026-Q1", "--json", "--with",
                     str(GOLDEN / "example-3" / "correction.jsonl")).json()
    icu_now = by_id(now["departments"], "department_id")["icu"]
    icu_if = by_id(what_if["departments"], "department_id")["icu"]
    assert (icu_now["banked"], icu_if["banked"]) == ("8000.00", "10000.00")
    diff = cli.ok("diff", "--period", "2026-Q4", "--from", "now", "--to", "now", "--with",
                  str(GOLDEN / "example-3" / "correction.jsonl"), "--json").json()
    assert by_id(diff["departments"], "id") == {}  # Q4 pay unchanged: the bank absorbs it
    assert cli.event_count() == count
    assert cli.payout("2026-Q1") == now
