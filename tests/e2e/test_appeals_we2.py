"""WE-2 of seeds-000-001.md through the appeal desk: the review request within 10
working days of receipt, no stay, and a revocation that recomputes the March grade."""

from __future__ import annotations

import sys
from pathlib import Path

from builders import cli_for

sys.path.insert(0, str(Path(__file__).parents[1] / "grades"))
from gradebook import FIXTURES, grades, subjects

WE2 = FIXTURES / "we-2"
SANCTION_P = "0a44c4ce-a69b-5571-b51a-ee2206032725"
SANCTION_P2 = "d1629804-6b78-5009-ab4c-a33a447fae72"


def _march(cli, *extra: str) -> str:  # type: ignore[no-untyped-def]
    return str(subjects(grades(cli, "2025-03", *extra), "monthly")["P"]["grade"])


def test_we2_through_the_appeal_desk(store) -> None:  # type: ignore[no-untyped-def]
    cli = cli_for(store.backend, store.env)
    cli.ok("apply", str(WE2 / "decision.jsonl"))
    assert _march(cli) == "basic"  # 通报批评 decided in March fixes March at 基本称职

    # The window: 10 working days after receipt on Thu 2025-03-20 closes Thu 2025-04-03.
    filed = cli("appeal", "file", "--appeal-id", "WE2-P", "--employee", "P", "--entry",
                SANCTION_P, "--grounds", "the circulated criticism is disproportionate",
                "--received-on", "2025-03-20", "--filed-on", "2025-03-27")
    assert filed.code == 0, filed.err
    late = cli("appeal", "file", "--appeal-id", "WE2-P2", "--employee", "P2", "--entry",
               SANCTION_P2, "--grounds", "late", "--received-on", "2025-03-20",
               "--filed-on", "2025-04-07")
    assert late.code == 2
    assert "closed on 2025-04-03" in late.err

    # No stay: while the review runs the sanction counts.
    cli.ok("appeal", "assign", "WE2-P", "--reviewer", "supervision-office")
    before = cli.ok("events", "--json", "--limit", "1").json()["recorded_at"]
    assert _march(cli) == "basic"
    cli.ok("appeal", "decide", "WE2-P", "--outcome", "revoke", "--actor",
           "supervision-office", "--reason", "復核決定: 撤銷", "--decided-on", "2025-04-10")
    assert _march(cli) == "excellent"  # recomputed without the revoked sanction
    assert _march(cli, "--as-of", before) == "basic"  # as known while under review
    shown = cli.ok("appeal", "show", "WE2-P", "--json").json()
    assert shown["status"] == "decided: revoke"
    assert shown["contested"]["still_in_force"] is False
