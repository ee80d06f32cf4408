"""What the CLI prints for a person reads in Chinese by default: `init`'s answer, and
`events` naming each entry in Chinese beside its class name, in the ledger's time zone."""

from __future__ import annotations

from pathlib import Path

from builders import GOLDEN, Cli

from api.i18n import use_language
from api.i18n.events import event_name


def _chinese_cli(tmp_path: Path) -> Cli:
    return Cli({"JIXIAO_DB": str(tmp_path / "j.db"), "JIXIAO_ACTOR": "test"}, lang=None)


def test_init_answers_in_chinese(tmp_path: Path) -> None:
    out = _chinese_cli(tmp_path).ok("init", "--organisation", "兴和县医院").out
    assert out.startswith("已新建账本：")
    assert "时区 Asia/Shanghai" in out
    assert "第二人审批" in out
    assert "ledger created" not in out


def test_events_name_each_entry_in_chinese_in_the_ledger_s_zone(tmp_path: Path) -> None:
    cli = _chinese_cli(tmp_path)
    cli.ok("init")
    cli.ok("apply", str(GOLDEN / "example-1" / "commands.jsonl"))
    lines = cli.ok("events", "--limit", "1000").out.splitlines()
    scores = [line for line in lines if " ScoreRecorded " in line]
    with use_language("zh_CN"):
        name = event_name("ScoreRecorded")
    assert not name.isascii()
    assert scores
    assert all(f" {name} " in line and "+08:00" in line for line in scores)
