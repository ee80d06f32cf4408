"""docs/figures.md is what the code produces: regenerated from the worked examples (the
pay scheme, through the CLI) and the shipped grading schemes, and compared whole."""

from __future__ import annotations

from pathlib import Path

from figures_doc import render

ROOT = Path(__file__).resolve().parents[2]


def test_docs_figures_is_the_generated_one() -> None:
    committed = (ROOT / "docs" / "figures.md").read_text(encoding="utf-8")
    assert committed == render(), (
        "docs/figures.md is stale: run `.venv/bin/python tests/figures_doc.py > "
        "docs/figures.md`")


def test_every_figure_name_of_a_payout_is_documented() -> None:
    """The names the golden examples produce each have a row (none is left undocumented,
    and a renamed figure shows as a stale document above)."""
    text = (ROOT / "docs" / "figures.md").read_text(encoding="utf-8")
    for name in ("pool:distributable", "hospital:average_bonus", "per_capita_rank",
                 "control:drug_revenue_ratio", "bank_before", "drawn", "subsidy", "pay_exact",
                 "pay", "attendance", "quarter_mean", "study_leave", "post_bonus"):
        assert f"| `{name}` |" in text, name
