"""Strict input on the command line and in JSON Lines files: "2026-Q1\\n" names no period
(and so closes none), numbers are ASCII digits, a JSON key is given once and an exponent
is written out; each refusal exits 2, names line and field, and writes nothing."""

from __future__ import annotations

import json

import pytest
from builders import GOLDEN, cli_for


@pytest.mark.parametrize("period", ["2026-Q1\n", " 2026-Q1", "２０２６-Q1", "2026-Q1 "])
def test_a_period_not_plainly_written_closes_nothing(store, period: str) -> None:  # type: ignore[no-untyped-def]
    cli = cli_for(store.backend, store.env)
    cli.ok("apply", str(GOLDEN / "example-1" / "commands.jsonl"))
    before = cli.event_count()
    run = cli("close", "--period", period)
    assert run.code == 2, (run.out, run.err)
    assert "not a period" in run.err
    assert cli.event_count() == before


@pytest.mark.parametrize("limit", ["１２", "1_0", " 3", "3\n", "1e1"])
def test_a_whole_number_option_takes_ascii_digits_only(store, limit: str) -> None:  # type: ignore[no-untyped-def]
    cli = cli_for(store.backend, store.env)
    run = cli("events", "--limit", limit)
    assert run.code == 2
    assert "ASCII digits" in run.err


LINES = (
    ('{"type":"record_score","period":"2026-Q2","employee_id":"li","item":"quantity",'
     '"points":"1","points":"40"}', "line 1", "given twice"),
    ('{"type":"record_score","period":"2026-Q2","employee_id":"li","item":"quantity",'
     '"points":1e5000}', "line 2", "exponent"),
    (json.dumps({"type": "record_score", "period": "2026-Q2", "employee_id": "li",
                 "item": "quantity", "points": "1e5000"}), "line 3: points", "plain decimal"),
    (json.dumps({"type": "record_score", "period": "2026-Q2", "employee_id": "li",
                 "item": "quantity", "points": "999999999"}), "line 4: points",
     "less than 1,000,000"),
    (json.dumps({"type": "declare_pool", "period": "2026-Q2", "amount_cny": "１００"}),
     "line 5: amount_cny", "plain decimal"),
    (json.dumps({"type": "record_attendance", "period": "2026-Q2", "employee_id": "li",
                 "scheduled_days": "400"}), "line 6: scheduled_days", "at most 366"),
    (json.dumps({"type": "record_score", "period": "2026-Q2", "employee_id": "li",
                 "item": "quantity", "points": "4", "x": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[
                 ]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}), "line 7", "deeper than 32"),
)


def test_a_json_lines_file_is_read_strictly_line_by_line(store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli = cli_for(store.backend, store.env)
    cli.ok("apply", str(GOLDEN / "example-1" / "commands.jsonl"))
    before = cli.event_count()
    path = tmp_path / "strict.jsonl"
    path.write_text("\n".join(line for line, _, _ in LINES) + "\n", encoding="utf-8")
    run = cli("apply", str(path))
    assert run.code == 2
    for _, where, words in LINES:
        line = next((x for x in run.err.splitlines() if where in x), "")
        assert words in line, (where, run.err)
    assert cli.event_count() == before


def test_negative_zero_money_is_read_as_zero(store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli = cli_for(store.backend, store.env)
    cli.ok("apply", str(GOLDEN / "example-1" / "commands.jsonl"))
    path = tmp_path / "zero.jsonl"
    path.write_text(json.dumps({"type": "adjust_pool", "period": "2026-Q1",
                                "amount_cny": "-0.00", "reason": "nothing"}) + "\n",
                    encoding="utf-8")
    cli.ok("apply", str(path))
    events = [json.loads(x) for x in cli.ok("events", "--json").out.splitlines()]
    adjusted = [e for e in events if e["type"] == "PoolAdjusted"]
    assert [e["amount_cny"] for e in adjusted] == ["0.00"]
