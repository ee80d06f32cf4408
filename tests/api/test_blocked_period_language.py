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
