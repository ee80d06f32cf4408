"""Usage errors (a mistyped verb or option, a missing or extra value) in the reader's
language: Chinese by default, English with `--lang en` or JIXIAO_LANG=en, exit 2 either
way; the typed words and option names are carried over as typed."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.builders import Cli

CASES = [
    (("payot",), "错误：没有命令 'payot'。您是否要输入 'payout'？",
     "Error: No such command 'payot'. Did you mean 'payout'?"),
    (("payout", "--perod", "2026-Q1"), "错误：没有选项：--perod（可能的选项：--period）",
     "Error: No such option: --perod (Possible options: --period)"),
    (("payout",), "错误：缺少选项 '--period'。", "Error: Missing option '--period'."),
    (("payout", "--period"), "错误：选项 '--period' 需要一个值。",
     "Error: Option '--period' requires an argument."),
    (("payout", "--period", "2026-Q1", "extra"), "错误：多余的参数（extra）",
     "Error: Got unexpected extra argument(s) (extra)"),
    (("events", "--limit", "abc"), "错误：'--limit' 的值无效：'abc' 不是用半角数字写的整数",
     "Error: Invalid value for '--limit': 'abc' is not a whole number written in ASCII "
     "digits"),
]


@pytest.fixture
def store(tmp_path: Path) -> dict[str, str]:
    return {"JIXIAO_DB": str(tmp_path / "usage.db"), "JIXIAO_ACTOR": "test"}


@pytest.mark.parametrize(("argv", "chinese", "english"), CASES,
                         ids=[" ".join(argv) for argv, _, _ in CASES])
def test_usage_errors_are_chinese_by_default(store: dict[str, str], argv: tuple[str, ...],
                                             chinese: str, english: str) -> None:
    run = Cli(store, lang=None)(*argv)
    assert run.code == 2
    assert chinese in run.err
    assert english not in run.err
    assert "Error:" not in run.err
    assert "Usage:" not in run.err


@pytest.mark.parametrize(("argv", "chinese", "english"), CASES,
                         ids=[" ".join(argv) for argv, _, _ in CASES])
def test_usage_errors_are_english_by_the_switch(store: dict[str, str], argv: tuple[str, ...],
                                                chinese: str, english: str) -> None:
    by_option = Cli(store, lang=None)("--lang", "en", *argv)
    by_environment = Cli(store, lang="en")(*argv)
    for run in (by_option, by_environment):
        assert run.code == 2
        assert english in run.err
        assert chinese not in run.err


def test_the_usage_lines_are_chinese_too(store: dict[str, str]) -> None:
    run = Cli(store, lang=None)("payout", "--perod", "2026-Q1")
    assert run.err.startswith("用法：jixiao payout [OPTIONS]\n"
                              "运行 'jixiao payout --help' 查看帮助。")


def test_a_verb_missing_still_prints_the_help(store: dict[str, str]) -> None:
    run = Cli(store, lang=None)("appeal")
    assert run.code == 2
    assert "Usage: jixiao appeal" in run.out + run.err  # click's help page itself
    assert "错误" not in run.out + run.err
