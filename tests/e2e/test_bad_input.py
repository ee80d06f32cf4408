"""Bad input is refused whole: every problem is named with its line and field, the CLI
exits non-zero, and the store is unchanged."""

from __future__ import annotations

import json

from builders import GOLDEN, cli_for


def test_a_batch_with_bad_lines_names_every_problem_and_writes_nothing(store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli = cli_for(store.backend, store.env)
    cli.ok("apply", str(GOLDEN / "example-1" / "commands.jsonl"))
    before = cli.event_count()
    payout_before = cli.ok("payout", "--period", "2026-Q1", "--json").out
    rows = [
        {"type": "record_deduction", "period": "2026-Q1", "employee_id": "li", "kind": "error"},
        {"type": "record_deduction", "period": "2026-Q5", "employee_id": "li", "kind": "error"},
        {"type": "record_deduction", "period": "2026-Q1", "employee_id": "nobody",
         "kind": "error"},
        {"type": "record_deduction", "period": "2026-Q1", "employee_id": "li", "kind": "late"},
        {"type": "record_attendance", "period": "2026-Q1", "employee_id": "zhang",
         "scheduled_days": 64, "absence_days": {"other": -1}},
        {"type": "declare_pool", "period": "2026-Q1", "amount_cny": 1.5},
        {"type": "fire_everyone"},
    ]
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join(json.dumps(r) for r in rows) + "\n{not json\n", encoding="utf-8")
    run = cli("apply", str(bad))
    assert run.code == 2
    assert "nothing was written" in run.err
    for expected in (
        "line 2: period: '2026-Q5' is not a period",
        "line 5: absence_days.other: must not be negative",
        "line 7: type: unknown command type 'fire_everyone'",
        "line 8: not valid JSON",
    ):
        assert expected in run.err, run.err
    assert cli.event_count() == before
    # A file that parses but breaks the ledger's rules is refused the same way.
    rows[1]["period"] = "2026-Q1"
    rows[4]["absence_days"] = {"other": 1}
    rows[5]["amount_cny"] = "1.50"
    bad.write_text("\n".join(json.dumps(r) for r in rows[:-1]) + "\n", encoding="utf-8")
    run = cli("apply", str(bad))
    assert run.code == 2
    for expected in (
        "line 3: employee_id: unknown employee 'nobody'",
        "line 4: minutes: late is banded by minutes: give minutes",
        "line 5: period: already recorded (attendance 2026-Q1 zhang)",
        "line 6: period: already recorded (pool 2026-Q1)",
    ):
        assert expected in run.err, run.err
    assert cli.event_count() == before
    assert cli.ok("payout", "--period", "2026-Q1", "--json").out == payout_before


def test_a_float_amount_is_refused_because_money_is_exact(store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli = cli_for(store.backend, store.env)
    cli.ok("apply", str(GOLDEN / "example-1" / "commands.jsonl"))
    bad = tmp_path / "float.jsonl"
    bad.write_text('{"type": "adjust_pool", "period": "2026-Q1", "amount_cny": 0.1}\n')
    run = cli("apply", str(bad))
    # JSON numbers with a fraction reach the model as their exact text, so 0.1 is 0.10;
    # three decimals are refused rather than rounded.
    assert run.code == 0, run.err
    bad.write_text('{"type": "adjust_pool", "period": "2026-Q1", "amount_cny": 0.125}\n')
    run = cli("apply", str(bad))
    assert run.code == 2
    assert "line 1: amount_cny: money must be finite with at most two decimals" in run.err


def test_applying_the_same_file_twice_records_it_once(store) -> None:  # type: ignore[no-untyped-def]
    cli = cli_for(store.backend, store.env)
    first = cli.ok("apply", str(GOLDEN / "example-1" / "commands.jsonl"))
    count = cli.event_count()
    second = cli.ok("apply", str(GOLDEN / "example-1" / "commands.jsonl"))
    assert "recorded 20 event(s)" in first.out
    assert "recorded 0 event(s); 20 already recorded" in second.out
    assert cli.event_count() == count


def test_a_blocked_period_says_what_is_missing(store) -> None:  # type: ignore[no-untyped-def]
    cli = cli_for(store.backend, store.env)
    cli.ok("apply", str(GOLDEN / "example-1" / "commands.jsonl"))
    run = cli("payout", "--period", "2026-Q2")
    assert run.code == 5
    assert "no pool declared" in run.err
    assert "department internal: figures: no workload, revenue and cost recorded" in run.err
