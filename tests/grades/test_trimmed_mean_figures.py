"""A trimmed mean shows what a checker compares (issue 15, item 1): which marks were
dropped and the exact mean before the rounding the rule applies. E1 of seeds-003-004.md
§6 (004-S16-R14/R19, AMB-09), through `jixiao grades explain --json`."""

from __future__ import annotations

from typing import Any

import pytest
from builders import cli_for
from gradebook import FIXTURES, explain


@pytest.fixture
def cli(store):  # type: ignore[no-untyped-def]
    cli = cli_for(store.backend, store.env)
    cli.ok("apply", str(FIXTURES / "e1" / "year.jsonl"))
    return cli


def _node(trees: list[dict[str, Any]], suffix: str) -> dict[str, Any]:
    stack = list(trees)
    while stack:
        node = stack.pop()
        if node["key"].endswith(suffix):
            return node
        stack += node.get("because") or []
    raise AssertionError(f"no figure {suffix}")


def test_the_manager_evaluation_drops_the_highest_and_lowest_mark(cli) -> None:  # type: ignore[no-untyped-def]
    [result] = explain(cli, "2025", "manager")["results"]
    node = _node(result["figure_trees"], ":evaluation_mean")
    # 92, 85, 88, 60, 100, 87: drop 60 and 100; 352 ÷ 4 = 88, then rounded up.
    assert node["literals"]["trimmed_mean(evaluation_scores) dropped"] == "lowest 60, highest 100"
    assert node["literals"]["trimmed_mean(evaluation_scores) exact"] == "88"
    assert node["value"] == "88"


def test_the_cook_mean_before_rounding_up(cli) -> None:  # type: ignore[no-untyped-def]
    [result] = explain(cli, "2025", "cook")["results"]
    node = _node(result["figure_trees"], ":resident_mean")
    # Drop 95 and 60: 341 ÷ 4 = 85.25, rounded up to 86 (AMB-09).
    assert node["literals"]["trimmed_mean(resident_scores) dropped"] == "lowest 60, highest 95"
    assert node["literals"]["trimmed_mean(resident_scores) exact"] == "85.25"
    assert node["value"] == "86"
