"""A period that cannot be computed lists what it waits for in one language: under
Chinese the reader's colons, the field by its Chinese name and what to do (采用方案), not
the command's id; under English as before."""

from __future__ import annotations

from pathlib import Path

from builders import Cli


def test_a_period_with_no_scheme_reads_in_one_language(tmp_path: Path) -> None:
    store = {"JIXIAO_DB": str(tmp_path / "blocked.db"), "JIXIAO_ACTOR": "test"}
    assert Cli(store)("init").code == 0
    chinese = Cli(store, lang=None)("payout", "--period", "2026-Q1")
    assert chinese.code == 5
    assert chinese.err == ("错误：2026-Q1 在记录以下事项之前无法计算：\n"
                           "  2026-Q1：方案：2026-01-01 没有生效的已采用方案；请先采用方案\n")
    english = Cli(store, lang=None)("--lang", "en", "payout", "--period", "2026-Q1")
    assert english.err == ("error: 2026-Q1 cannot be calculated until these are recorded:\n"
                           "  2026-Q1: scheme: no scheme adopted in force on 2026-01-01; run "
                           "adopt_scheme first\n")


def test_a_period_with_nothing_recorded_names_its_fields_in_chinese(tmp_path: Path) -> None:
    """The next quarter of the demo: no pool and no department's figures. The fields read
    「绩效总额」 and 「科室数据」 under Chinese (they were `pool` and `figures`), as recorded
    under English."""
    store = {"JIXIAO_DB": str(tmp_path / "demo.db"), "JIXIAO_ACTOR": "test"}
    assert Cli(store)("demo", "--db", store["JIXIAO_DB"]).code == 0
    chinese = Cli(store, lang=None)("payout", "--period", "2027-Q1").err.splitlines()
    assert "  2027-Q1：绩效总额：未申报绩效总额（declare_pool）" in chinese
    assert "  科室 ecg：科室数据：该期间没有记录工作量、收入和成本" in chinese
    english = Cli(store, lang=None)("--lang", "en", "payout", "--period", "2027-Q1")
    assert "  2027-Q1: pool: no pool declared (declare_pool)" in english.err.splitlines()
    assert ("  department ecg: figures: no workload, revenue and cost recorded for the period"
            in english.err.splitlines())


def test_a_field_a_person_typed_in_a_file_is_shown_as_typed(tmp_path: Path) -> None:
    """The blocked period's names are for its list only: `jixiao apply` refusing a line
    names the key the person must correct in the file (it read 「风险系数」)."""
    store = {"JIXIAO_DB": str(tmp_path / "apply.db"), "JIXIAO_ACTOR": "test"}
    assert Cli(store)("init").code == 0
    line = tmp_path / "department.jsonl"
    line.write_text('{"type": "define_department", "department_id": "zz", "name": "Z", '
                    '"kind": "clinical", "effective_on": "2026-01-01", '
                    '"risk_coefficient": "-1"}\n')
    refused = Cli(store, lang=None)("apply", str(line)).err.splitlines()
    assert "  第 1 行：risk_coefficient：须大于零" in refused
