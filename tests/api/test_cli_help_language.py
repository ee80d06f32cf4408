"""`jixiao --help` and a verb's `--help` in the reader's language: Chinese by default,
English with `--lang en` or JIXIAO_LANG=en, from the same catalogue as the rest (the
`clihelp` domain, extracted by walking the command tree). Option names stay as typed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.builders import Cli, Run


@pytest.fixture
def store(tmp_path: Path) -> dict[str, str]:
    return {"JIXIAO_DB": str(tmp_path / "help.db"), "JIXIAO_ACTOR": "test"}


def text_of(run: Run) -> str:
    """The help without its layout (rich wraps and boxes it to the terminal's width)."""
    assert run.code == 0, run.err
    return re.sub(r"[\s│╭╮╰╯─]+", "", run.out)


def squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


CHINESE = ["用法：jixiao", "绩效考核与绩效工资的事件溯源账本", "命令", "选项",
           "结账：冻结该期发放表（记录其哈希）。", "将备份恢复为新账本（绝不覆盖已有账本）。",
           "显示本帮助并退出。"]
ENGLISH = ["Usage: jixiao", "An event-sourced ledger", "Commands", "Options",
           "Show this message and exit."]
PAYOUT_CHINESE = ["用法：jixiaopayout", "打印某期绩效工资发放表。", "--period",
                  "2026-Q1…2026-Q4，或2026-YE（年终）。", "[必填]", "规范JSON"]
PAYOUT_ENGLISH = ["Usage: jixiao payout", "Print a period's payout statement.", "--period",
                  "2026-Q1 … 2026-Q4, or 2026-YE.", "[required]", "Canonical JSON"]


def test_the_help_is_chinese_by_default(store: dict[str, str]) -> None:
    shown = text_of(Cli(store, lang=None)("--help"))
    for words in CHINESE:
        assert squeezed(words) in shown, words
    assert squeezed("Print a period's payout statement.") not in shown
    assert "…" not in shown  # rich cuts a long line of Chinese without spaces short
    payout = text_of(Cli(store, lang=None)("payout", "--help"))
    for words in PAYOUT_CHINESE:
        assert squeezed(words) in payout, words
    assert "Usage" not in payout
    assert "Options" not in payout


@pytest.mark.parametrize("how", ["option", "environment"])
def test_the_help_is_english_by_the_switch(store: dict[str, str], how: str) -> None:
    Cli(store, lang=None)("--help")  # a Chinese help first: nothing of it stays behind
    run = Cli(store, lang=None)("--lang", "en", "--help") if how == "option" else \
        Cli(store, lang="en")("--help")
    shown = text_of(run)
    for words in ENGLISH:
        assert squeezed(words) in shown, words
    assert "绩效考核" not in shown
    payout = Cli(store, lang=None)("payout", "--help", "--lang", "en") if how == "option" \
        else Cli(store, lang="en")("payout", "--help")
    payout_text = text_of(payout)
    for words in PAYOUT_ENGLISH:
        assert squeezed(words) in payout_text, words
    assert "用法" not in payout_text


def test_a_mistyped_verb_with_help_names_its_usage_once(store: dict[str, str]) -> None:
    run = Cli(store, lang=None)("payot", "--help")
    assert run.code == 2
    assert "错误：没有命令 'payot'。您是否要输入 'payout'？" in run.err
    assert run.err.count("用法") == 1


def verbs() -> list[list[str]]:
    """Every verb's words (`["appeal", "decide"]`), walked from the command tree."""
    import typer.main  # noqa: PLC0415

    from api.cli import app  # noqa: PLC0415

    found: list[list[str]] = []

    def visit(node: object, words: list[str]) -> None:
        subs = getattr(node, "commands", {})
        if not subs:
            found.append(words)
        for name, sub in subs.items():
            visit(sub, [*words, name])

    visit(typer.main.get_command(app), [])
    return found


def test_every_option_help_is_shown_whole_at_eighty_columns(
    store: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # rich breaks lines only at spaces and cuts a longer run with "…": a Chinese option
    # help lost its middle at 80 columns (「假定已执行该 JSON Line…」) until its runs folded.
    import typer.main  # noqa: PLC0415

    from api.cli import app  # noqa: PLC0415
    from api.i18n import _  # noqa: PLC0415

    monkeypatch.setenv("COLUMNS", "80")
    tree = typer.main.get_command(app)
    checked = 0
    for words in verbs():
        shown = Cli(store, lang=None)(*words, "--help")
        assert shown.code == 0, shown.err
        node = tree
        for word in words:
            node = node.commands[word]  # type: ignore[attr-defined]
        texts = [_(t) for t in (node.help, *(getattr(p, "help", None) for p in node.params))
                 if t]
        # Only our own texts' "…" (2026-Q1 … 2026-Q4) may show: rich's cut would add one.
        assert shown.out.count("…") == sum(t.count("…") for t in texts), (words, shown.out)
        checked += len(texts)
    assert checked > 100


# The payroll hand-off's, the bank file's and the personal details' verbs, whose helps
# were Chinese with English in brackets: each language alone.
BANK_HELPS = {
    ("personal", "--help"): (["个人信息：开户行、银行账号、身份证号。"],
                             ["Personal details: bank name, bank account and ID number."]),
    ("personal", "show", "--help"): (["工号。", "主密钥文件（默认$JIXIAO_MASTER_KEY_FILE）。"],
                                     ["The employee's id.", "The master key file; default "
                                      "$JIXIAO_MASTER_KEY_FILE."]),
    ("export", "bank", "--help"): (["版式YAML文件或内置版式名（如cn-payroll-batch）",
                                    "要写入的文件。"],
                                   ["A layout YAML file, or a shipped layout's name: "
                                    "cn-payroll-batch", "The file to write."]),
    ("export", "payroll", "--help"): (["xlsx或csv"], ["xlsx or csv."]),
}


@pytest.mark.parametrize("words", list(BANK_HELPS), ids=" ".join)
def test_the_bank_verbs_help_reads_in_one_language(store: dict[str, str],
                                                    words: tuple[str, ...]) -> None:
    chinese, english = BANK_HELPS[words]
    shown = text_of(Cli(store, lang=None)(*words))
    for text in chinese:
        assert squeezed(text) in shown, text
    assert not re.search(r"\((the|a|personal|files)\b", shown)  # no English in brackets
    shown = text_of(Cli(store, lang=None)("--lang", "en", *words))
    for text in english:
        assert squeezed(text) in shown, text
    assert not re.search(r"[\u4e00-\u9fff]", shown)  # not a word of Chinese
