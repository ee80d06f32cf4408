"""The finance restatement page of a closed period whose deltas a later close paid only in
part names the quarter that pays the rest: a second correction after that close shared a
pool out again, its deltas summing to nothing, and the page said nothing was outstanding
while the next open quarter paid them (a module of its own: the demo is the module's)."""

from __future__ import annotations

import json
from pathlib import Path

from builders import cli_for
from fastapi.testclient import TestClient
from web_support import Demo, sign_in


def test_a_restatement_paid_in_part_by_a_later_close_names_the_quarter_that_pays_the_rest(
        app_client: TestClient, demo: Demo, tmp_path: Path) -> None:
    cli = cli_for("sqlite", demo.env)
    cli.ok("settings", "--one-person-close")
    cli.ok("close", "--period", "2026-Q1")
    events = [json.loads(line) for line in cli.ok("events", "--json", "--limit",
                                                  "100000").out.splitlines()]
    first, other = [e for e in events
                    if e["type"] == "DeductionRecorded" and e["period"] == "2026-Q1"][:2]
    for n, entry in enumerate((first, other)):
        void = tmp_path / f"void-{n}.jsonl"
        void.write_text(json.dumps({"type": "void_entry", "target_id": entry["originator_id"],
                                    "reason": "voided on appeal"}) + "\n")
        cli.ok("apply", str(void))
        if n == 0:
            cli.ok("close", "--period", "2026-Q2")  # pays the first void's deltas only
    sign_in(app_client, "finance", demo.passwords["finance"])
    page = app_client.get("/web/periods/2026-Q1/restated").text
    assert "差额在 2026年第3季度 中结算。" in page  # the second void's deltas are Q3's
    assert "没有待结算的差额" not in page
