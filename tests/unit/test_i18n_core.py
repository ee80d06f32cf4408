"""The language choice behind every human-facing text (api/i18n)."""

from __future__ import annotations

import pytest

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
