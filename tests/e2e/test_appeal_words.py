"""The clerk's walk of issue 13: a revoke on the appeals desk read in Chinese. The
preview, the decision, `appeal show` and `appeal list` name entry types, outcomes,
statuses and departments in the reader's language and times in the organisation's zone;
the ids stay in `--json`."""

from __future__ import annotations

import json
from uuid import uuid5

from builders import GOLDEN, Cli, cli_for

from domain.application import IDEMPOTENCY_NAMESPACE

LI_COMPLAINT = str(uuid5(IDEMPOTENCY_NAMESPACE, "ex1-li-complaint"))
ENGLISH_IDS = ("EntryVoided", "DeductionRecorded", "revoke", "decided:", "assigned",
               "still_in_force", "if revoked", "+00:00")


def test_a_revoke_reads_in_chinese(sqlite_env) -> None:  # type: ignore[no-untyped-def]
    cli = cli_for("sqlite", sqlite_env)
    cli.ok("apply", str(GOLDEN / "example-1" / "commands.jsonl"))
    cli.ok("settings", "--time-zone", "Asia/Shanghai")
    cli.ok("appeal", "file", "--appeal-id", "A-1", "--employee", "li", "--entry", LI_COMPLAINT,
           "--grounds", "投诉已由患者撤回", "--received-on", "2026-04-01",
           "--filed-on", "2026-04-03")
    cli.ok("appeal", "assign", "A-1", "--reviewer", "reviewer-wu")
    zh = Cli(cli.environ, lang="zh")
    preview = zh.ok("appeal", "preview", "A-1", "--outcome", "revoke",
                    "--actor", "reviewer-wu").out
    decided = zh.ok("appeal", "decide", "A-1", "--outcome", "revoke", "--reason", "投诉不成立",
                    "--decided-on", "2026-04-10", "--actor", "reviewer-wu").out
    shown = zh.ok("appeal", "show", "A-1").out
    listed = zh.ok("appeal", "list", "--all").out

    wanted = {"preview": (preview, ("若撤销原决定", "内科", "作废记录", "+08:00", "申诉 A-1")),
              "decided": (decided, ("撤销原决定", "作废记录")),
              "shown": (shown, ("已决定：撤销原决定", "扣分记录", "已失效")),
              "listed": (listed, ("已决定：撤销原决定", "扣分记录"))}
    # "内科": the department's name, not its id alone; "+08:00": the ledger's zone.
    missing = {name: [w for w in words if w not in text]
               for name, (text, words) in wanted.items()}
    assert not any(missing.values()), missing
    for text in (preview, decided, shown, listed):
        assert not [word for word in ENGLISH_IDS if word in text], text
    # The machine's view keeps the ids.
    machine = cli.ok("appeal", "show", "A-1", "--json").json()
    assert machine["status"] == "decided: revoke"
    assert machine["contested"]["type"] == "DeductionRecorded"
    assert json.loads(cli.ok("appeal", "preview", "A-1", "--outcome", "uphold", "--json",
                             "--actor", "reviewer-wu").out)["to"] == "if upheld"
