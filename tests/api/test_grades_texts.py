"""`jixiao grades` and `grades explain` in the reader's language: a walkthrough found them
largely English under Chinese (「scored」, 「(default)」, 「value of a point」, 「E4 in 2025」,
a pay line's parts printed as JSON). Each line reads in one language; ids, periods and
rules stay as they are, the scheme's own labels show in the reader's language (「年终考核
(year-end assessment and settlement)」 is two labels, domain/labels.py), and `--json`
stays data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from builders import Cli

FIXTURES = Path(__file__).parents[1] / "grades" / "fixtures"


@pytest.fixture(scope="module")
def ledgers(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """E1 (a nursing home, scored without grades), E2 (quotas, a forced grade, one not
    assessed), E4a (a hold-back settled by grade), E5 (a pool shared by points), E8 (a
    pay line waiting for inputs), WE-2 (a sanction's procedure), each in its own ledger."""
    folder = tmp_path_factory.mktemp("grades-texts")
    made = {}
    for name, fixture in (("e1", "e1/year.jsonl"), ("e2", "e2/quarter.jsonl"),
                          ("e4", "e4/dongkou.jsonl"), ("e5", "e5/ningxiang.jsonl"),
                          ("e8", "e8/thermal.jsonl"), ("we2", "we-2/decision.jsonl")):
        made[name] = folder / f"{name}.db"
        reader(made[name], None).ok("apply", str(FIXTURES / fixture))
    return made


def reader(db: Path, lang: str | None) -> Cli:
    return Cli({"JIXIAO_DB": str(db), "JIXIAO_ACTOR": "test"}, lang=lang)


def test_a_subject_s_explanation_reads_in_chinese_by_default(
        ledgers: dict[str, Path]) -> None:
    lines = reader(ledgers["e2"], None).ok(
        "grades", "explain", "--period", "2025-Q1", "--subject", "F").out.splitlines()
    assert lines[0] == "F，2025-Q1（meiling-subdistrict-quarterly@2）"
    assert "quarterly：良好（得分 90.6）" in lines
    assert ("  分档：- → 优秀：total 90.6 ≥ 90 [004-S18-R9 004_deb0a29d71ec55ac.txt:L1093 "
            "AMB-02]") in lines
    [quota] = [line for line in lines if line.startswith("  名额：")]
    assert quota.startswith(
        "  名额：优秀 → 良好：优秀 名额（category general）：floor(0.25 × 8) = 2；按 "
        "total 90.6 在 3 人中排第 3；名额已归 E (92), A (91.2)；降一个等次；不计入 N：R 未考核 "
        "[004-S18-R9")
    assert ("  绩效 季度考核奖金：¥1,800.00（已计算）[004-S18-R17 004_deb0a29d71ec55ac.txt:"
            "L1113]") in lines
    assert "        · pre_retirement = 0（默认）" in lines
    text = "\n".join(lines)
    for english in (" in 2025", "score", "(ok)", "(default)", "quota", "pay ", "cascades",
                    "ranked", "not assessed", '{"'):
        assert english not in text, english


def test_a_subject_s_explanation_reads_in_english(ledgers: dict[str, Path]) -> None:
    lines = reader(ledgers["e2"], "en").ok(
        "grades", "explain", "--period", "2025-Q1", "--subject", "F").out.splitlines()
    assert lines[0] == "F in 2025-Q1 (meiling-subdistrict-quarterly@2)"
    # the scheme names its grades in Chinese only (良好): English reads the grade's code
    assert "quarterly: good (score 90.6)" in lines
    [quota] = [line for line in lines if line.startswith("  quota: ")]
    assert "ranked 3 of 3 by total 90.6" in quota
    assert ("  pay 季度考核奖金: ¥1,800.00 (computed) [004-S18-R17 "
            "004_deb0a29d71ec55ac.txt:L1113]") in lines
    assert "        · pre_retirement = 0 (default)" in lines


def test_the_report_says_status_reasons_and_quotas_in_the_reader_s_language(
        ledgers: dict[str, Path]) -> None:
    zh = reader(ledgers["e2"], None).ok("grades", "--period", "2025-Q1").out
    # A grade by the scheme's name in Chinese (「优秀 名额」, not 「excellent 名额」)
    assert ("名额 优秀（category general）：已用 2/2（floor(0.25 × 8) = 2；004-S18-R9 "
            "004_deb0a29d71ec55ac.txt:L1093）；降等：F") in zh.splitlines()
    # the label's bracket 「(fixed 称职 bonus)」 is a note, not its reading: shown whole
    assert "考核资格：当季退休、调离本市或离岗待退人员 (fixed 称职 bonus)：不参加考核" in zh
    assert "规定等次：规定等次即为最终等次 [004-S18-R12]" in zh
    assert "季度考核奖金 ¥2,100.00" in zh  # pay as money, not 2100.00
    assert "名额：优秀 名额（category general）：floor(0.25 × 8) = 2" in zh
    assert "excellent" not in zh
    en = reader(ledgers["e2"], "en").ok("grades", "--period", "2025-Q1").out
    assert ("quota excellent in category general: 2 of 2 (floor(0.25 × 8) = 2; 004-S18-R9 "
            "004_deb0a29d71ec55ac.txt:L1093); demoted: F") in en.splitlines()
    assert "eligibility: 当季退休、调离本市或离岗待退人员 (fixed 称职 bonus): not assessed" in en
    scored = reader(ledgers["e1"], None).ok("grades", "--period", "2025").out.splitlines()
    [manager] = [line for line in scored if line.startswith("manager ")]
    assert "已评分（无等次）" in manager
    assert "scored" not in manager
    assert "年终一次性绩效工资 ¥3,612.00" in manager
    english = reader(ledgers["e1"], "en").ok("grades", "--period", "2025").out.splitlines()
    assert "scored" in next(line for line in english if line.startswith("manager "))


def test_a_pay_line_s_parts_are_lines_not_json(ledgers: dict[str, Path]) -> None:
    argv = ("grades", "explain", "--period", "2025", "--subject", "centre")
    zh = reader(ledgers["e4"], None).ok(*argv).out.splitlines()
    assert "      即时发放 70% = ¥840,000.00  (基数 × 0.7，分 12 期发放)" in zh
    assert ("      年终考核兑现 (half of the 30%) = ¥144,000.00  (暂扣额 × basic 的兑现比例"
            "（annual 2025）)") in zh
    assert "        · 暂扣 = ¥36,000.00" in zh
    en = reader(ledgers["e4"], "en").ok(*argv).out.splitlines()
    assert "      immediate 70 % = ¥840,000.00  (base × 0.7, in 12 instalment(s))" in en
    assert "        · withheld = ¥36,000.00" in en
    assert not [line for line in zh + en if '{"' in line]


def test_a_pool_s_formula_and_a_pay_line_s_missing_inputs_read_in_one_language(
        ledgers: dict[str, Path]) -> None:
    """A pool's formula is written in both languages by the code (「分配池 × … (pool ×
    points ÷ Σ points, largest remainder)」); a line missing three inputs joins three
    reasons."""
    argv = ("grades", "explain", "--period", "2025-03", "--subject", "physician")
    zh = reader(ledgers["e5"], None).ok(*argv).out.splitlines()
    assert ("      绩效工资 (剩余40%按考核得分分配) = ¥1,776.00  (分配池 × 本人得分 ÷ 得分合计，"
            "按最大余额法分配)") in zh
    assert "        · 每分值 = 16 元/分" in zh
    en = reader(ledgers["e5"], "en").ok(*argv).out.splitlines()
    assert ("      绩效工资 (剩余40%按考核得分分配) = ¥1,776.00  (pool × points ÷ Σ points, "
            "largest remainder)") in en
    assert "        · value of a point = 16 yuan per point" in en
    argv = ("grades", "explain", "--period", "2025-01", "--subject", "logistics")
    [line] = [line for line in reader(ledgers["e8"], None).ok(*argv).out.splitlines()
              if line.startswith("  绩效 业绩工资")]
    assert line.endswith("（缺少输入）[003-A2-R11 003_8312023e5dafd40d.txt:L91] — weights_total："
                         "2025-01 未记录 w_indicator；final：2025-01 未记录 w_indicator；"
                         "coefficient：2025-01 未记录 final")
    [line] = [line for line in reader(ledgers["e8"], "en").ok(*argv).out.splitlines()
              if line.startswith("  pay 业绩工资")]
    assert line.endswith("— weights_total: no w_indicator recorded for 2025-01; final: no "
                         "w_indicator recorded for 2025-01; coefficient: no final recorded for "
                         "2025-01")


def test_where_withheld_pay_goes_is_said_in_one_language(ledgers: dict[str, Path]) -> None:
    """The scheme's `withheld_to` labels are bilingual data (「全县绩效考核奖励基金 (the county
    reward fund)」), hashed with the adopted scheme: the catalogue says them."""
    zh = reader(ledgers["e4"], None).ok("grades", "--period", "2025").out.splitlines()[-1]
    assert zh == ("发放：4 行，实发 ¥2,286,000.00，暂扣 ¥126,000.00（全县绩效考核奖励基金）、"
                  "¥36,000.00（扣除的职务补助），差额 ¥0.00")
    en = reader(ledgers["e4"], "en").ok("grades", "--period", "2025").out.splitlines()[-1]
    assert en == ("Pay: 4 line(s), paid ¥2,286,000.00, withheld ¥126,000.00 (the county's "
                  "performance reward fund), ¥36,000.00 (leadership allowance cut), balance "
                  "¥0.00")


def test_the_json_stays_data(ledgers: dict[str, Path]) -> None:
    report = json.loads(reader(ledgers["e4"], None).ok(
        "grades", "--period", "2025", "--json").out)
    assert report["pay"]["withheld"] == {
        "全县绩效考核奖励基金 (the county reward fund)": "126000.00",
        "扣除的职务补助 (cut leadership allowance)": "36000.00"}
    explained = json.loads(reader(ledgers["e2"], None).ok(
        "grades", "explain", "--period", "2025-Q1", "--subject", "R", "--json").out)
    [result] = explained["results"]
    assert result["status"] == "not_assessed"
    assert result["steps"][0]["reason"].endswith(": not assessed")


def test_a_sanction_s_procedure_is_words_not_a_python_dict(ledgers: dict[str, Path]) -> None:
    zh = reader(ledgers["we2"], None).ok("grades", "--period", "2025").out.splitlines()
    [line] = [line for line in zh if line.startswith("程序 P ")]
    assert line.startswith("程序 P circulated_criticism 2025-03-19：处分/问责决定 0a44c4ce-")
    assert ("；送达（期限 2025-04-02；送达日 2025-03-20；按期 是 [TIM-02 "
            "000_73ec1dfeee760274.txt:L75 AMB-07]）") in line
    en = reader(ledgers["we2"], "en").ok("grades", "--period", "2025").out.splitlines()
    [line] = [line for line in en if line.startswith("procedure P ")]
    assert ("; delivery (due 2025-04-02; delivered on 2025-03-20; on time yes [TIM-02 "
            "000_73ec1dfeee760274.txt:L75 AMB-07])") in line
    assert '{"' not in line


def test_a_pool_s_gate_reads_in_one_language(ledgers: dict[str, Path]) -> None:
    """E5's bonus pool pays a unit only when its gate holds (pools.py): the gate's line
    and where a shut gate's pay goes read 「surplus > 0 on nx-deficit: fails {}」 and
    「暂扣 ¥2,000.00（surplus > 0 does not hold: not paid）」 under Chinese."""
    zh = reader(ledgers["e5"], None).ok("grades", "--period", "2025-03").out.splitlines()[-1]
    assert zh == ("发放：8 行，实发 ¥15,000.00，暂扣 ¥2,000.00（surplus > 0 不成立：不发），"
                  "差额 ¥0.00")
    en = reader(ledgers["e5"], "en").ok("grades", "--period", "2025-03").out.splitlines()[-1]
    assert en.endswith("withheld ¥2,000.00 (surplus > 0 does not hold: not paid), balance ¥0.00")
    argv = ("grades", "explain", "--period", "2025-03", "--subject", "deficit-doctor")
    assert "        · 条件 = nx-deficit 的 surplus > 0：不成立 {}" in reader(
        ledgers["e5"], None).ok(*argv).out.splitlines()
    assert "        · gate = surplus > 0 on nx-deficit: fails {}" in reader(
        ledgers["e5"], "en").ok(*argv).out.splitlines()


def test_a_figure_no_result_feeds_reads_in_one_language(ledgers: dict[str, Path]) -> None:
    """E8's year end averages the monthly results, and one department has none: the table's
    reason and `grades explain` said 「monthly_average: no monthly results recorded for
    2025」 under Chinese, and explain did not say why the result is blocked at all."""
    reason = "monthly_average：2025 未记录 monthly 的结果"
    [row] = [line for line in reader(ledgers["e8"], None).ok(
        "grades", "--period", "2025").out.splitlines() if line.startswith("bad-weights")]
    assert row.endswith(f"缺少输入                      {reason}")
    argv = ("grades", "explain", "--period", "2025", "--subject", "bad-weights")
    assert f"  问题：{reason}" in reader(ledgers["e8"], None).ok(*argv).out.splitlines()
    english = "monthly_average: no monthly results recorded for 2025"
    [row] = [line for line in reader(ledgers["e8"], "en").ok(
        "grades", "--period", "2025").out.splitlines() if line.startswith("bad-weights")]
    assert row.endswith(f"blocked         {english}")
    assert f"  problem: {english}" in reader(ledgers["e8"], "en").ok(*argv).out.splitlines()


def test_a_scheme_s_label_shows_in_the_reader_s_language_only(
        ledgers: dict[str, Path]) -> None:
    """dongkou-health-centres@2 labels its pipeline 「年终考核 (year-end assessment and
    settlement)」: one reading of it a language, the adopted document's text in `--json`."""
    argv = ("grades", "--period", "2025")
    zh = reader(ledgers["e4"], None).ok(*argv).out.splitlines()
    assert zh[0].endswith("方案 dongkou-health-centres@2：洞口县乡镇卫生院绩效考核")
    assert "年终考核 (annual, 2025)" in zh
    # 「(of the annual allowance, AMB-06)」 notes the Chinese rather than naming it, and
    # says of what the 50 % is: the effect whole, in both languages
    effect = "扣除该单位班子成员职务补助的50% (of the annual allowance, AMB-06)"
    assert f"后果 centre：{effect} [004-S2-R9 004_deb0a29d71ec55ac.txt:L83]" in zh
    en = reader(ledgers["e4"], "en").ok(*argv).out.splitlines()
    assert "year-end assessment and settlement (annual, 2025)" in en
    assert f"consequence centre: {effect} [004-S2-R9 004_deb0a29d71ec55ac.txt:L83]" in en
    assert "年终考核" not in "\n".join(en)
    assert "year-end assessment" not in "\n".join(zh)
    data = json.loads(reader(ledgers["e4"], "en").ok(*argv, "--json").out)
    assert data["pipelines"][0]["label"] == "年终考核 (year-end assessment and settlement)"
