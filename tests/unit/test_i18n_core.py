"""The language choice behind every human-facing text (api/i18n)."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from api.i18n import DEFAULT_LANGUAGE, current_language, from_environment, negotiate, use_language


@pytest.mark.parametrize(("header", "expected"), [
    (None, "zh_CN"),
    ("", "zh_CN"),
    ("zh-CN,zh;q=0.9", "zh_CN"),
    ("en-US,en;q=0.9,zh;q=0.8", "en"),
    ("zh;q=0.5, en;q=0.6", "en"),
    ("fr-FR, de", "zh_CN"),
    ("fr, en;q=0.1", "en"),
    ("en;q=0, zh-TW", "zh_CN"),
    ("en;q=bad, zh", "zh_CN"),
])
def test_accept_language_picks_a_supported_language(header: str | None, expected: str) -> None:
    assert negotiate(header) == expected


def test_the_cli_language_prefers_the_flag_then_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("JIXIAO_LANG", "en_US.UTF-8")
    assert from_environment(None) == "en"
    assert from_environment("zh") == "zh_CN"
    monkeypatch.setenv("JIXIAO_LANG", "klingon")
    assert from_environment(None) == DEFAULT_LANGUAGE


def test_a_language_applies_only_inside_its_block() -> None:
    assert current_language() == "zh_CN"
    with use_language("en-GB"):
        assert current_language() == "en"
    assert current_language() == "zh_CN"


# Texts two catalogues translate differently. Every domain is merged into one lookup (the
# last .mo in name order wins), so one of the two translations is never shown. Known
# ones only; the list may only shrink (the fix is a distinct message id per meaning).
KNOWN_COLLISIONS = frozenset({"filed", "overdue", "score", "settled", "Reason",
                              "personal details"})


def test_no_new_text_is_translated_two_ways_across_catalogues() -> None:
    folder = Path(__file__).resolve().parents[2] / "api/i18n/locale/zh_CN/LC_MESSAGES"
    # A message context (msgctxt, `NP_`) is a distinct id: a field's 'pool' (绩效总额) is
    # not a grading pool (分配池).
    found: dict[tuple[str | None, str], set[str]] = {}
    for po in sorted(folder.glob("*.po")):
        with po.open("rb") as handle:
            for message in read_po(handle, locale="zh_CN"):
                if message.id and isinstance(message.id, str) and message.string:
                    found.setdefault((message.context, message.id), set()).add(
                        str(message.string))
    collisions = {text for (_, text), strings in found.items() if len(strings) > 1}
    assert sorted(collisions - KNOWN_COLLISIONS) == []
    assert sorted(KNOWN_COLLISIONS - collisions) == []  # fixed ones leave the list
