"""The explanation tree's words (api/i18n/figures): every label, unit and formula the
recorded explanations contain has a Chinese rendering, English is the text itself, and
a text no pattern knows is shown as it is."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from api.i18n import figures, gettext, use_language

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "old_ledger"


def nodes(tree: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield tree
    for child in tree.get("because", []):
        yield from nodes(child)


def recorded_figures() -> list[dict[str, Any]]:
    found = []
    for path in sorted(FIXTURES.glob("**/expected/explain-*.json")):
        for tree in json.loads(path.read_text())["explain"]:
            found.extend(nodes(tree))
    return found


FIGURES = recorded_figures()


@pytest.mark.parametrize(("field", "translate"), [
    ("label", figures.label), ("unit", figures.unit), ("formula", figures.formula)])
def test_every_recorded_text_has_a_chinese_rendering(field: str, translate: Any) -> None:
    texts = {node[field] for node in FIGURES}
    assert len(texts) > 3
    with use_language("zh_CN"):
        assert sorted(text for text in texts if translate(text) == text) == []
    with use_language("en"):
        assert sorted(text for text in texts if translate(text) != text) == []


def test_a_composed_label_keeps_its_name_and_translates_its_words() -> None:
    with use_language("zh_CN"):
        assert figures.label("韦斌琳: title points") == "韦斌琳：职称分"
        assert figures.label("内科: quality score") == "内科：工作质量得分"
        assert figures.label("内科: drug_revenue_ratio deduction") == "内科：药占比扣款"
        assert figures.formula("ratios[temporary][full]") == "参与比例[临时][全额]"
        assert figures.literal("absence:sick") == "缺勤:sick"
        assert figures.label("office: head-count") == "office：人数"  # a name stays a name


def test_a_text_no_pattern_knows_is_shown_as_it_is() -> None:
    with use_language("zh_CN"):
        assert figures.label("a label nobody wrote yet") == "a label nobody wrote yet"
        assert figures.unit("furlongs") == "furlongs"


def test_the_figure_words_do_not_change_other_shells_texts() -> None:
    """"ratio" is a column of `jixiao payout` (系数) and a unit here (比率): the context
    keeps them apart in the one merged lookup."""
    with use_language("zh_CN"):
        assert figures.unit("ratio") == "比率"
        assert gettext("ratio") == "系数"
