"""Issue 12: the CLI's human output is Chinese by default and English with `--lang en` or
JIXIAO_LANG=en; `--json` output is the same in every language."""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import GOLDEN, Cli, cli_for


@pytest.fixture
def ledger(store) -> Cli:  # type: ignore[no-untyped-def]
    cli = cli_for(store.backend, store.env)
    cli.ok("apply", str(GOLDEN / "example-1" / "commands.jsonl"))
    return Cli(cli.environ, lang=None)  # no JIXIAO_LANG: the default language


def test_human_output_is_chinese_by_default_and_english_on_request(ledger: Cli) -> None:
    chinese = ledger.ok("reconcile", "--period", "2026-Q1").out
    assert "对账 2026-Q1（2026年第1季度）" in chinese
    assert "差额（应为 0.00）" in chinese
    assert "¥0.00" in chinese
    # The lines by the names the exports and pages use; their ids stay in --json.
    assert "发放给个人" in chinese
    assert "paid to people" not in chinese
    english = ledger.ok("--lang", "en", "reconcile", "--period", "2026-Q1").out
    assert "Reconciliation 2026-Q1 (2026 Q1)" in english
    assert "balance (must be 0.00)" in english
    assert "paid to people" in english
    assert "对账" not in english
    after_the_verb = ledger.ok("reconcile", "--period", "2026-Q1", "--lang", "en").out
    assert after_the_verb == english
    from_the_environment = Cli({**ledger.environ, "JIXIAO_LANG": "en"}, lang=None)
    assert from_the_environment.ok("reconcile", "--period", "2026-Q1").out == english


def test_payout_tables_have_chinese_headers_and_yuan(ledger: Cli) -> None:
    out = ledger.ok("payout", "--period", "2026-Q1").out
    header = next(line for line in out.splitlines() if line.startswith("员工"))
    assert header.split() == ["员工", "姓名", "科室", "得分", "系数", "绩效工资", "岗位奖",
                              "进修", "重述", "合计", "备注"]
    assert "奖金池：" in out


@pytest.mark.parametrize("verb", [("payout",), ("reconcile",), ("explain", "--employee", "li")])
def test_json_output_never_changes_with_the_language(ledger: Cli, verb: tuple[str, ...]) -> None:
    argv = (*verb, "--period", "2026-Q1", "--json")
    chinese = ledger.ok(*argv).out
    assert chinese == ledger.ok("--lang", "en", *argv).out
    assert chinese == ledger.ok("--lang", "zh-CN", *argv).out


def test_errors_are_translated_where_they_are_shown(ledger: Cli, tmp_path: Path) -> None:
    refused = ledger("payout", "--period", "2026-Q9")
    assert refused.code == 2
    assert refused.err.startswith("错误：'2026-Q9' 不是期间；")
    english = ledger("--lang", "en", "payout", "--period", "2026-Q9")
    assert english.code == 2
    assert english.err.startswith("error: '2026-Q9' is not a period;")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"type":"record_score","employee_id":"li","points":"abc"}\n')
    rejected = ledger("apply", str(bad))
    assert rejected.code == 2
    assert "处问题；未写入任何内容" in rejected.err
    assert "第 1 行：period：缺少必填字段" in rejected.err  # the place reads in Chinese, the
    assert "第 1 行：points：应为普通小数" in rejected.err  # field is the input's own name


def test_an_unknown_language_is_refused_with_exit_2(ledger: Cli) -> None:
    run = ledger("--lang", "fr", "reconcile", "--period", "2026-Q1")
    assert run.code == 2
    assert "--lang" in run.err
    assert run.out == ""
