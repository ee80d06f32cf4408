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


def test_a_category_the_scheme_knows_reads_in_chinese(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A category is the scheme's word, not a value typed as it is: 「temporary 人员」 under
    Chinese was half English."""
    monkeypatch.chdir(tmp_path)
    cli = Cli({"JIXIAO_ACTOR": "test", "JIXIAO_DB": str(tmp_path / "d.db")}, lang=None)
    assert cli("demo", "--db", str(tmp_path / "d.db")).code == 0
    (tmp_path / "roster.csv").write_text(
        "employee_id,name,department_id,title_grade,category,hired_on\n"
        "zhao,Zhao,internal,worker,temporary,2026-01-05\n")
    [line] = [line for line in cli("import", "roster", "roster.csv").err.splitlines()
              if "participation_class" in line]
    assert "：临时 人员的参与方式须为" in line
    [line] = [line for line in cli("--lang", "en", "import", "roster", "roster.csv")
              .err.splitlines() if "participation_class" in line]
    assert ": temporary staff take part as one of" in line
