"""Calculation kinds in the scheme tooling (issue 16, items 2 and 3): `jixiao scheme
check` names the line and the reason of a wrong calculation, and `jixiao scheme show`
reads each calculation from its own values and lists the rules declared not computable."""

from __future__ import annotations

import re
from pathlib import Path

from builders import Cli

from api.usecases.scheme_catalogue import scheme_coverage

CLI = Cli({"JIXIAO_ACTOR": "test"})


def test_check_names_the_line_and_reason_of_a_wrong_calculation(tmp_path: Path) -> None:
    copy = tmp_path / "variant.yaml"
    CLI.ok("scheme", "new", "my-disputes", "--from", "hospital-medical-disputes",
           "--output", str(copy))
    text = copy.read_text(encoding="utf-8")
    text = text.replace("kind: progressive", "kind: progresive", 1)
    text = text.replace('director: "0.10"', 'director: "0.05"')
    text = text.replace('{up_to: 50000, rate: "0.10", label: B段}',
                        '{up_to: 10000, rate: "0.10", label: B段}')
    copy.write_text(text, encoding="utf-8")
    run = CLI("scheme", "check", str(copy))  # --lang en
    assert run.code == 2
    lines = run.out.splitlines() + run.err.splitlines()
    kind = next(line for line in lines if "progresive" in line)
    assert "unknown calculation kind progresive; the kinds: 'progressive'" in kind
    # The line of each calculation named, counted in the copy itself.
    numbered = list(enumerate(text.splitlines(), 1))
    bands = next(n for n, line in numbered if line.strip() == "defect_bands:")
    shares = next(n for n, line in numbered if 'director: "0.05"' in line)
    assert f"line {bands} " in kind
    assert f"  line {shares} calculations.clinical_split.shares: the shares add up to 95%, " \
        "not 100 %" in lines
    assert any("band bounds, up_to, must be positive and increase: a gap or an overlap" in line
               and "avoidable_bands" in line for line in lines)
    assert not re.search(r"[\u4e00-\u9fff]", run.out.replace("B段", ""))
    # The default: Chinese only, the model's own refusals (domain/calculations.py) too
    zh = Cli({"JIXIAO_ACTOR": "test"}, lang=None)("scheme", "check", str(copy))
    assert zh.code == 2
    assert f"  第 {shares} 行 calculations.clinical_split.shares: 比例合计 95%，应为 100%" in \
        zh.out.splitlines()
    assert "各段上限 up_to 必须为正数且逐段递增：各段之间有缺口或重叠" in zh.out
    assert "未知的计算类型「progresive」" in zh.out
    assert not re.search(r"(unknown|band bounds|add up|must)", zh.out)


def test_show_reads_calculations_from_their_values(tmp_path: Path) -> None:
    shown = CLI.ok("scheme", "show", "hospital-medical-disputes", "--json").json()
    texts = {r["path"]: r["text"] for r in shown["rules"]}
    assert texts["calculations.defect_bands"].endswith(
        "0–10000 × 15% + 10000–20000 × 10% + 20000–50000 × 5% + 50000–100000 × 3% + "
        "> 100000 × 1%–2% (per case) (累进)")
    assert "responsible 65%" in texts["calculations.clinical_split"]
    undoable = {e["rule"]: e for e in shown["not_computable"]}
    assert undoable["S13-R36"]["source"] == "002_db447562deed9801.txt:L2247"
    table = CLI.ok("scheme", "show", "salesperson-pay").out
    assert "declared not computable" in table
    assert "S16-R09" in table


def test_a_declared_rule_is_not_counted_as_implemented_in_the_list() -> None:
    index = {"schemes": [{"scheme": "16", "rules": ["S16-R01", "S16-R02", "S16-R09"]}]}
    source = "002_db447562deed9801.txt:L2433"
    document = {"pipelines": [{"ref": {"rule": "S16-R01", "source": source}}],
                "not_computable": [{"rule": "S16-R09", "source": source, "why": "a date"}]}
    assert scheme_coverage("sales", document, index) == (1, 3)
    assert scheme_coverage("dates", {"not_computable": document["not_computable"]},
                           index) == (0, 3)


def test_check_names_a_pool_s_missing_line_and_figure_in_one_language(tmp_path: Path) -> None:
    copy = tmp_path / "stations.yaml"
    CLI.ok("scheme", "new", "my-stations", "--from", "guangdong-village-stations",
           "--output", str(copy))
    text = copy.read_text(encoding="utf-8").replace("from_lines: [subsidy]",
                                                    "from_lines: [subsidyy]", 1)
    copy.write_text(text.replace("rank_by: total", "rank_by: nothing", 1), encoding="utf-8")
    en = CLI("scheme", "check", str(copy))
    assert en.code == 2
    assert ("pool station_reward: station has no pay line 'subsidyy'; pool station_reward: "
            "rank_by 'nothing' is not a figure") in en.out
    assert not re.search(r"[\u4e00-\u9fff]", en.out)
    zh = Cli({"JIXIAO_ACTOR": "test"}, lang=None)("scheme", "check", str(copy))
    assert zh.code == 2
    assert ("分配池 station_reward：station 中没有发放项 'subsidyy'；分配池 station_reward："
            "rank_by 'nothing' 不是指标") in zh.out
    assert not re.search(r"(pool|pay line|figure)", zh.out.replace("pool_", ""))
