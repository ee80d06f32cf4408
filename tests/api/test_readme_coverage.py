"""The README's claim of what is implemented is the generated one: per shipped scheme of
the registry, rules implemented out of the catalogue's and worked examples passing."""

from __future__ import annotations

from pathlib import Path

from api.usecases.scheme_catalogue import (
    README_BEGIN,
    README_END,
    coverage,
    readme_markdown,
)
from domain.shipped_schemes import shipped_scheme_names

ROOT = Path(__file__).resolve().parents[2]


def _readme_table() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start, end = text.index(README_BEGIN), text.index(README_END) + len(README_END)
    return text[start:end]


def test_the_coverage_table_in_the_readme_is_the_generated_one() -> None:
    assert _readme_table() == readme_markdown(coverage()), (
        "the coverage table in README.md is stale: run "
        "`python -m api.usecases.scheme_catalogue`")


def test_every_shipped_scheme_has_a_row_with_its_counts() -> None:
    table = _readme_table()
    rows = coverage()
    for name in shipped_scheme_names():
        line = next(line for line in table.splitlines() if line.startswith(f"| `{name}` |"))
        drawn = [r for r in rows if name in r.shipped]
        assert drawn, f"{name} cites no catalogue rule"
        implemented = sum(r.implemented for r in drawn)
        assert f"| {implemented} of {sum(r.rules for r in drawn)} |" in line
        assert 0 < implemented <= sum(r.rules for r in drawn)


def test_a_scheme_added_to_the_registry_gets_a_row() -> None:
    rows = coverage(documents={"made-up": {"pay": {"ref": {
        "rule": "S11-R06", "source": "002_db447562deed9801.txt:L805"}}}})
    hospital = next(r for r in rows if (r.seed, r.scheme) == ("002", "11"))
    assert hospital.shipped == ("made-up",)
    assert hospital.implemented == 1
    line = next(line for line in readme_markdown(rows, ["made-up"]).splitlines()
                if line.startswith("| `made-up` |"))
    assert line == (f"| `made-up` | 002 11 | 1 of {hospital.rules} | "
                    f"{hospital.examples_with_fixture} of {hospital.examples} |")
