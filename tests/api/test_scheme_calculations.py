"""Calculation kinds in the scheme tooling (issue 16, items 2 and 3): `jixiao scheme
check` names the line and the reason of a wrong calculation, and `jixiao scheme show`
reads each calculation from its own values and lists the rules declared not computable."""

from __future__ import annotations

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
    run = CLI("scheme", "check", str(copy))
    assert run.code == 2
    lines = run.out.splitlines() + run.err.splitlines()
    kind = next(line for line in lines if "progresive" in line)
    assert "未知的计算类型" in kind
    # The line of each calculation named, counted in the copy itself.
    numbered = list(enumerate(text.splitlines(), 1))
    bands = next(n for n, line in numbered if line.strip() == "defect_bands:")
    shares = next(n for n, line in numbered if 'director: "0.05"' in line)
    assert f"第 {bands} 行" in kind
    assert any("比例合计 95%" in line and f"第 {shares} 行" in line for line in lines)
    assert any("gap or an overlap" in line and "avoidable_bands" in line for line in lines)


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
