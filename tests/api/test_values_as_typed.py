"""A translation replaces a message's own words, never a value in it: a file, a database
or a person named with one of the catalogue's words (`pay` is 绩效工资 as a word) is
shown as typed, in both languages."""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import Cli

from api.i18n import use_language
from api.i18n.messages import translate


def test_a_path_named_like_a_word_is_kept_as_typed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pay").write_text("")
    cli = Cli({"JIXIAO_ACTOR": "test"}, lang=None)
    assert cli("demo", "--db", "pay").err.splitlines()[-1] == \
        "错误：pay 已存在；加 --force 以新的演示数据替换"
    assert cli("--lang", "en", "demo", "--db", "pay").err.splitlines()[-1] == \
        "error: pay already exists; pass --force to replace it with a fresh demo"


def test_a_database_named_like_a_word_is_kept_as_typed() -> None:
    text = ("the PostgreSQL server at db.example:5432 has no database pay: check "
            "POSTGRES_DBNAME; nothing was written")
    with use_language("zh_CN"):
        worded = translate(text)
    assert worded != text
    assert "pay" in worded
    assert "绩效工资" not in worded
    with use_language("en"):
        assert translate(text) == text
