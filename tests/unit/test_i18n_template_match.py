"""Which message template a text is (api/i18n/messages.py): only templates that begin and
end as the text does are tried, and the one found is the one trying them all finds."""

from __future__ import annotations

import re
from functools import cache

import pytest

from api.i18n import messages, use_language
from api.i18n.messages import PLACEHOLDER, TEMPLATES


def _every_template_tried(text: str) -> list[str]:
    """The templates the text fully matches, in the order they are tried, each compiled
    (what the matching did before it looked at a template's first and last words)."""
    return [t for pattern, t in _all_compiled() if pattern.fullmatch(text)]


@cache
def _all_compiled() -> list[tuple[re.Pattern[str], str]]:
    ordered = sorted(TEMPLATES, key=lambda t: -len(PLACEHOLDER.sub("", t)))
    return [(re.compile(messages._regex(t), re.S), t) for t in ordered]


def _filled(template: str, value: str) -> str:
    return PLACEHOLDER.sub(lambda m: f"{value}{m[1]}", template)


@pytest.mark.parametrize("value", ["x", "E0017", "a; b", "{", "医疗"])
def test_each_template_filled_in_is_found_as_before(value: str) -> None:
    for template in TEMPLATES:
        text = _filled(template, value)
        found = [t for _, t in messages._matches(text)]
        assert found == _every_template_tried(text), text


@pytest.mark.parametrize("text", [
    "scheme xinghe-county-hospital@2 (002_db447562deed9801.txt:L805-L1073)",
    "lump-sum wage: no performance pay",
    "nothing of the catalogue",
    "",
])
def test_a_text_is_matched_against_the_templates_it_could_be_only(text: str) -> None:
    messages._pattern.cache_clear()
    found = [t for _, t in messages._matches(text)]
    assert found == _every_template_tried(text)
    # A payout's note and person reasons are no template: trying all compiled ~500.
    assert messages._pattern.cache_info().currsize < len(TEMPLATES) / 10


def test_a_translation_reads_as_before() -> None:
    with use_language("zh_CN"):
        assert messages.translate(
            "scheme xinghe-county-hospital@2 (002_db447562deed9801.txt:L805-L1073)"
        ) == "方案 xinghe-county-hospital@2（002_db447562deed9801.txt:L805-L1073）"
