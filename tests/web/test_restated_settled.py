"""The finance restatement page of a closed period whose deltas a later close has paid
says so: it said 「差额在 2026年第3季度 中结算」 (the next open quarter) though 2026-Q2's
close had paid them all, as if Q3 would pay them again."""

from __future__ import annotations

import json
from pathlib import Path

from builders import cli_for
from fastapi.testclient import TestClient
from web_support import Demo, sign_in


def test_a_restatement_paid_by_a_later_close_says_nothing_is_outstanding(
        app_client: TestClient, demo: Demo, tmp_path: Path) -> None:
    cli = cli_for("sqlite", demo.env)
    cli.ok("settings", "--one-person-close")
    cli.ok("close", "--period", "2026-Q1")
    events = (json.loads(line) for line in cli.ok("events", "--json", "--limit",
                                                  "100000").out.splitlines())
    entry = next(e for e in events
                 if e["type"] == "DeductionRecorded" and e["period"] == "2026-Q1")
    void = tmp_path / "void.jsonl"
    void.write_text(json.dumps({"type": "void_entry", "target_id": entry["originator_id"],
                                "reason": "voided on appeal"}) + "\n")
    cli.ok("apply", str(void))
    sign_in(app_client, "finance", demo.passwords["finance"])
    before = app_client.get("/web/periods/2026-Q1/restated").text
    assert "差额在 2026年第2季度 中结算。" in before  # still to be paid by the open Q2
    cli.ok("close", "--period", "2026-Q2")
    after = app_client.get("/web/periods/2026-Q1/restated").text
    assert "差额已在此后结账的期间中结算，没有待结算的差额。" in after
    assert "差额在 2026年第3季度 中结算" not in after
