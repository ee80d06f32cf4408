"""`jixiao apply` refusing grading entries reads in one language: under Chinese every
reason is Chinese (it read 「no grading scheme is adopted…」), the ids and the command
types a person writes in the file stay as written; under English as before."""

from __future__ import annotations

from pathlib import Path

from builders import Cli

WE2 = Path(__file__).parents[1] / "grades" / "fixtures" / "we-2"
SANCTION = "0a44c4ce-a69b-5571-b51a-ee2206032725"


def fresh(tmp_path: Path) -> dict[str, str]:
    store = {"JIXIAO_DB": str(tmp_path / "grading.db"), "JIXIAO_ACTOR": "test"}
    assert Cli(store)("init").code == 0
    return store


def test_a_review_with_no_scheme_and_no_sanction_is_refused_in_chinese(tmp_path: Path) -> None:
    store = fresh(tmp_path)
    lines = Cli(store, lang=None)("apply", str(WE2 / "review.jsonl")).err.splitlines()
    assert "  第 2 行：尚未采用评定方案；请先采用（adopt_scheme）" in lines
    assert f"  第 2 行：target_id：没有处分 {SANCTION}" in lines
    english = Cli(store, lang=None)("--lang", "en", "apply", str(WE2 / "review.jsonl"))
    assert "  line 2: no grading scheme is adopted; adopt one first (adopt_scheme)" in \
        english.err.splitlines()
    assert f"  line 2: target_id: no sanction {SANCTION}" in english.err.splitlines()


def test_a_changed_sanction_of_an_unknown_subject_is_refused_in_chinese(
        tmp_path: Path) -> None:
    store = fresh(tmp_path)
    lines = Cli(store, lang=None)("apply", str(WE2 / "change.jsonl")).err.splitlines()
    assert "  第 2 行：subject_id：未知的考核对象 'P'；请先登记（enrol_subject）" in lines
    assert ("  第 2 行：kind：未知的处分类型 'admonition_talk'；评定方案中的处分类型：（无）"
            in lines)
    english = Cli(store, lang=None)("--lang", "en", "apply", str(WE2 / "change.jsonl"))
    assert ("  line 2: kind: unknown sanction kind 'admonition_talk'; the grading schemes "
            "know (none)") in english.err.splitlines()
