"""Issue 12, item 2: `jixiao explain` shows the explanation tree's labels, units,
formulas and literal names in Chinese by default and in English with `--lang en`;
`--json` keeps the English texts in every language."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

import pytest
from builders import GOLDEN, Cli, cli_for

from api.i18n.formats import money

EXPLAIN = ("explain", "--period", "2026-Q1", "--employee", "li", "--depth", "64")


@pytest.fixture
def ledger(store) -> Cli:  # type: ignore[no-untyped-def]
    cli = cli_for(store.backend, store.env)
    cli.ok("apply", str(GOLDEN / "example-1" / "commands.jsonl"))
    return Cli(cli.environ, lang=None)  # no JIXIAO_LANG: the default language


def nodes(tree: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield tree
    for child in tree.get("because", []):
        yield from nodes(child)


def figures_of(ledger: Cli) -> list[dict[str, Any]]:
    report = json.loads(ledger.ok(*EXPLAIN, "--json").out)
    return [node for tree in report["explain"] for node in nodes(tree)]


def test_explain_is_chinese_by_default(ledger: Cli) -> None:
    out = ledger.ok(*EXPLAIN).out
    for words in ("绩效工资", "计分", "个人得分", "考勤前得分", "职称分", "岗位加分",
                  "考勤扣分", "参与比例"):
        assert f"Li：{words} = " in out, words
    assert " 分  [" in out
    assert "Li：绩效工资 = ¥" in out  # money as money is read, no 元 after it
    assert " 元  [" not in out
    assert "= 考勤前得分 ÷ 应出勤天数 × 缺勤天数" in out
    assert "· 应出勤天数 = " in out
    figures = figures_of(ledger)
    english = {node["label"].partition(": ")[2] or node["label"] for node in figures}
    assert len(english) > 8
    assert [words for words in english if words in out] == []
    assert [node["formula"] for node in figures if node["formula"] in out] == []
    assert [unit for unit in {node["unit"] for node in figures} if f" {unit}  [" in out] == []


def test_explain_is_english_on_request(ledger: Cli) -> None:
    out = ledger.ok("--lang", "en", *EXPLAIN).out
    for node in figures_of(ledger):
        value = node.get("approx", node["value"])
        if node["unit"] == "cny":  # ¥12,345.60; finer than the fen: ≈ as it would be paid
            numerator, _, denominator = node["value"].partition("/")
            exact = Fraction(Decimal(numerator)) / Fraction(denominator or "1")
            paid = (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(
                Decimal("0.01"), rounding=ROUND_HALF_UP)
            value = ("" if paid == exact else "≈") + money(paid)
        assert f"{node['label']} = {value}" in out
        assert f"= {node['formula']}" in out
        for name in node.get("literals", {}):
            assert f"· {name} = " in out
    assert "职称分" not in out


def test_explain_json_keeps_the_english_texts(ledger: Cli) -> None:
    chinese = ledger.ok(*EXPLAIN, "--json").out
    assert chinese == ledger.ok("--lang", "en", *EXPLAIN, "--json").out
    labels = {node["label"] for node in figures_of(ledger)}
    assert "Li: title points" in labels
    assert "职称分" not in chinese
