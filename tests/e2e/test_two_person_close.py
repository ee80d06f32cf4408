"""Issue 14, item 8: where the ledger requires it, one person prepares a close and a
different person approves it; an approval is void once the period has moved on."""

from __future__ import annotations

import json
from pathlib import Path

from builders import GOLDEN, cli_for


def _ledger(store, tmp_path: Path, *, required: bool | None):  # type: ignore[no-untyped-def]
    cli = cli_for(store.backend, store.env)
    cli.ok("apply", str(GOLDEN / "example-1" / "commands.jsonl"))
    if required is not None:
        setting = tmp_path / "setting.jsonl"
        setting.write_text(json.dumps({"type": "set_close_approval", "required": required}))
        cli.ok("apply", str(setting))
    return cli


def _closes(cli) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    events = [json.loads(line) for line in cli.ok("events", "--json", "--limit",
                                                  "100000").out.splitlines()]
    return [e for e in events if e["type"] in ("PeriodClosed", "CloseApproved")]


def test_a_second_person_approves_the_prepared_close(store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli = _ledger(store, tmp_path, required=True)
    prepared = cli.ok("close", "--period", "2026-Q1", "--actor", "fin-wang")
    assert "prepared the close of 2026-Q1" in prepared.out
    assert _closes(cli) == []  # not closed yet
    same = cli("close", "--period", "2026-Q1", "--approve", "--actor", "fin-wang")
    assert same.code != 0
    assert "cannot approve it" in same.err
    approved = cli.ok("close", "--period", "2026-Q1", "--approve", "--actor", "fin-li")
    assert "prepared by fin-wang, approved by fin-li" in approved.out
    kinds = {e["type"]: e for e in _closes(cli)}
    assert kinds["CloseApproved"]["prepared_by"] == "fin-wang"
    assert kinds["CloseApproved"]["approved_by"] == "fin-li"
    assert kinds["PeriodClosed"]["actor"] == "fin-li"


def test_an_approval_is_void_after_the_period_moved_on(store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli = _ledger(store, tmp_path, required=True)
    cli.ok("close", "--period", "2026-Q1", "--actor", "fin-wang")
    late = tmp_path / "late.jsonl"
    late.write_text(json.dumps({"type": "record_score", "period": "2026-Q1",
                                "employee_id": "li", "item": "quantity", "points": "1",
                                "supersedes": None}) + "\n")
    score = cli("apply", str(late))
    if score.code != 0:  # the scheme may refuse this entry; any fact of the period will do
        late.write_text(json.dumps({"type": "adjust_pool", "period": "2026-Q1",
                                    "amount_cny": "1.00", "reason": "late"}) + "\n")
        cli.ok("apply", str(late))
    void = cli("close", "--period", "2026-Q1", "--approve", "--actor", "fin-li")
    assert void.code == 4
    assert "approval is void" in void.err
    assert _closes(cli) == []
    cli.ok("close", "--period", "2026-Q1", "--actor", "fin-wang")  # prepared again
    cli.ok("close", "--period", "2026-Q1", "--approve", "--actor", "fin-li")
    assert len(_closes(cli)) == 2


def test_without_the_setting_one_person_closes_as_before(store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli = _ledger(store, tmp_path, required=None)  # every ledger made before the setting
    assert cli.ok("close", "--period", "2026-Q1").out.startswith("closed 2026-Q1")


def test_a_one_person_office_turns_the_rule_off(store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli = _ledger(store, tmp_path, required=False)
    assert cli.ok("close", "--period", "2026-Q1").out.startswith("closed 2026-Q1")
