"""An appeal decided after its review deadline is flagged where reviewers and finance
look (issue 15): on the appeal itself (`appeal show`, JSON and text) and on the
restatement of the period it corrected (`restatement`, `payout --restated`), not only in
the procedures report. Through the CLI on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from uuid import uuid5

from builders import GOLDEN, Cli, cli_for

from domain.application import IDEMPOTENCY_NAMESPACE

LI_COMPLAINT = str(uuid5(IDEMPOTENCY_NAMESPACE, "ex1-li-complaint"))


def _appealed(store, decided_on: str) -> Cli:  # type: ignore[no-untyped-def]
    cli = cli_for(store.backend, store.env)
    cli.ok("apply", str(GOLDEN / "example-1" / "commands.jsonl"))
    cli.ok("close", "--period", "2026-Q1")
    cli.ok("appeal", "file", "--appeal-id", "A-1", "--employee", "li", "--entry", LI_COMPLAINT,
           "--grounds", "投诉已撤回", "--received-on", "2026-04-01", "--filed-on", "2026-04-03")
    cli.ok("appeal", "assign", "A-1", "--reviewer", "reviewer-wu")
    cli.ok("appeal", "decide", "A-1", "--outcome", "revoke", "--actor", "reviewer-wu",
           "--reason", "投诉已撤回", "--decided-on", decided_on)
    return cli


def test_a_late_decision_is_flagged_on_the_appeal_and_the_restatement(  # type: ignore[no-untyped-def]
        store, tmp_path: Path) -> None:
    cli = _appealed(store, "2026-05-08")
    shown = cli.ok("appeal", "show", "A-1", "--json").json()
    [late] = shown["decided_late"]
    assert (late["level"], late["decided_on"]) == (1, "2026-05-08")
    assert late["deadline"] == shown["review_deadline"] < late["decided_on"]
    # The same rows as the procedures report's, which was the only place before.
    report = cli.ok("procedures", "report", "--json").json()
    assert report["appeals_decided_late"] == [late]
    restatement = cli.ok("restatement", "--period", "2026-Q1", "--json").json()
    assert restatement["appeals_decided_late"] == [late]
    restated = cli.ok("payout", "--period", "2026-Q1", "--restated", "--json").json()
    assert restated["appeals_decided_late"] == [late]
    chinese = replace(cli, lang=None)
    expected = f"申诉 A-1 第 1 级：2026-05-08 作出决定，复核期限为 {late['deadline']}"
    assert expected in chinese.ok("appeal", "show", "A-1").out
    assert expected in chinese.ok("restatement", "--period", "2026-Q1").out
    assert expected in chinese.ok("payout", "--period", "2026-Q1", "--restated").out


def test_a_decision_in_time_adds_nothing(store) -> None:  # type: ignore[no-untyped-def]
    cli = _appealed(store, "2026-04-10")
    assert "decided_late" not in cli.ok("appeal", "show", "A-1", "--json").json()
    assert "appeals_decided_late" not in cli.ok(
        "restatement", "--period", "2026-Q1", "--json").json()
    assert "逾期" not in replace(cli, lang=None).ok("appeal", "show", "A-1").out
