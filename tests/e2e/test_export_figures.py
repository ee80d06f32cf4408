"""`jixiao export figures`: every intermediate of a period by name, one a row, read back
from the XLSX with openpyxl and from the CSV."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from builders import GOLDEN, cli_for
from openpyxl import load_workbook


def test_the_figures_export_lists_every_intermediate(store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli = cli_for(store.backend, store.env)
    cli.ok("apply", str(GOLDEN / "example-1" / "commands.jsonl"))
    cli.ok("export", "figures", "--period", "2026-Q1", "--output", str(tmp_path / "f.xlsx"))
    book = load_workbook(tmp_path / "f.xlsx")
    rows = list(book["中间数明细表"].iter_rows(values_only=True))
    found = {(r[0], r[1], r[2]): r[3] for r in rows if r[0] in ("全院", "科室", "人员")}
    # Worked example 1: Li's attendance deduction 100 ÷ 64 × 2 and the per-point pay.
    assert found[("人员", "li", "attendance")] == "3.125"
    assert found[("人员", "li", "pay_exact")] == "9687.5"
    assert found[("科室", "internal", "per_point")] == "100"
    assert found[("全院", None, "pool:distributable")] == "30962.50"  # text: exact, as given
    report = cli.ok("payout", "--period", "2026-Q1", "--json", "--figures").json()
    expected = sum(len(p["figures"]) for p in report["people"]) + sum(
        len(d["figures"]) for d in report["departments"]) + len(report["figures"])
    assert len(found) == expected
    cli.ok("export", "figures", "--period", "2026-Q1", "--format", "csv", "--output",
           str(tmp_path / "f.csv"))
    with (tmp_path / "f.csv").open(encoding="utf-8-sig") as handle:
        lines = list(csv.reader(handle))
    # Each subject's name beside its id (the roster's and the department's own names),
    # and each figure's Chinese name beside its id (api/i18n/figures, as docs/figures.md).
    assert ["人员", "li", "score", "96.875", "Li", "个人得分"] in lines
    assert ["科室", "internal", "per_point", "100", "内科 internal medicine",
            "每分值金额（参考）"] in lines
    named = [r for r in lines if r and r[0] in ("全院", "科室", "人员")]
    assert len(named) == expected
    untranslated = [r for r in named if not re.search("[\u4e00-\u9fff]", r[5])]
    assert untranslated == []
    assert not [r for r in named if r[0] != "全院" and r[5].startswith(r[4])]
