"""A scheme's label in two languages (domain/labels.py): the shipped one-text form read
as two readings, and the {zh, en} form read as that same one text."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from domain.grading import GradingScheme
from domain.labels import Label, join_label, split_label


@pytest.mark.parametrize(("text", "zh", "en"), [
    ("年终考核 (year-end assessment and settlement)", "年终考核",
     "year-end assessment and settlement"),
    ("手术麻醉科核算 (surgery and anaesthesia)", "手术麻醉科核算", "surgery and anaesthesia"),
    # nested brackets: the last group is the English
    ("重点项目得分 (40) (key project score (40))", "重点项目得分 (40)",
     "key project score (40)"),
    # a bracket that notes the Chinese is no reading of it, but says what the words alone
    # do not (what 1 means, of what the 50 % is): the label whole, in both languages
    ("扣除该单位班子成员职务补助的50% (of the annual allowance, AMB-06)",
     "扣除该单位班子成员职务补助的50% (of the annual allowance, AMB-06)", None),
    ("综合评价 (annual)", "综合评价 (annual)", None),
    ("离岗待退 (1 = yes)", "离岗待退 (1 = yes)", None),
    ("党政领导测评排名 (1 = best)", "党政领导测评排名 (1 = best)", None),
    ("村卫生站年度考核 (village health station, 100 points)", "村卫生站年度考核",
     "village health station, 100 points"),
    ("社区卫生服务 (003-A5, one survey a month)", "社区卫生服务 (003-A5, one survey a month)",
     None),
    ("种子文件000中无法计算的规则 (seed 000 rules declared not computable)",
     "种子文件000中无法计算的规则", "seed 000 rules declared not computable"),
    # a Chinese bracket, or one with no English word, is part of the Chinese
    ("扣减部分 (奖励优秀乡镇卫生院)", "扣减部分 (奖励优秀乡镇卫生院)", None),
    ("重点项目得分 (40)", "重点项目得分 (40)", None),
    ("信访 (例)", "信访 (例)", None),
    # English with a Chinese word is one English text
    ("a head's 优秀 is decided by the committee (proposal)",
     "a head's 优秀 is decided by the committee (proposal)", None),
    ("not paid (扣完为止; the seed names no destination)",
     "not paid (扣完为止; the seed names no destination)", None),
    ("优秀", "优秀", None),
    ("CT/MRI室", "CT/MRI室", None),
    ("季度考核(quarterly)", "季度考核(quarterly)", None),  # no space: not the shipped form
])
def test_a_label_is_read_as_its_chinese_and_its_english(
        text: str, zh: str, en: str | None) -> None:
    assert split_label(text) == Label(zh, en)


def test_each_language_falls_back_to_the_other() -> None:
    both = split_label("月度考核 (monthly assessment)")
    assert (both.read("zh"), both.read("en")) == ("月度考核", "monthly assessment")
    only = split_label("良好")
    assert (only.read("zh"), only.read("en")) == ("良好", "良好")


def test_two_readings_join_into_the_text_they_are_read_back_from() -> None:
    assert join_label("年终考核", "year-end assessment") == "年终考核 (year-end assessment)"
    assert join_label("年终考核", None) == "年终考核"
    with pytest.raises(ValueError, match="reads as a note"):
        join_label("年终考核", "annual")  # a note: it would not read back as the English
    with pytest.raises(ValueError, match="read back apart"):
        join_label("year end", "annual assessment")
    with pytest.raises(ValueError, match="as zh and en"):
        join_label("年终考核 (year-end assessment)", None)


def _scheme(label: object, name: object) -> GradingScheme:
    ref = {"rule": "R1", "source": "004_deb0a29d71ec55ac.txt:L1093"}
    return GradingScheme.model_validate({
        "kind": "grading", "id": "t", "version": 1, "rulebook": "test", "title": "考核",
        "effective_from": "2026-01-01", "source": "004_deb0a29d71ec55ac.txt:L1093",
        "pipelines": [{
            "name": "quarterly", "label": label, "period": "quarter",
            "grades": [{"code": "excellent", "name": name}],
            "inputs": {"score": {"label": "score"}},
            "figures": [{"name": "total", "expr": "score", "ref": ref}], "score": "total",
            "bands": {"source": "score", "ref": ref, "rows": [{"grade": "excellent"}]}}]})


def test_a_label_written_in_two_languages_hashes_as_the_one_text() -> None:
    apart = _scheme({"zh": "季度考核", "en": "quarterly assessment"}, {"zh": "优秀"})
    joined = _scheme("季度考核 (quarterly assessment)", "优秀")
    assert apart.pipelines[0].label == "季度考核 (quarterly assessment)"
    assert apart.sha256 == joined.sha256


@pytest.mark.parametrize("label", [{"en": "quarterly"}, {"zh": "季度", "fr": "trimestre"},
                                   {"zh": "季度", "en": 4}])
def test_a_two_language_label_is_zh_and_en(label: object) -> None:
    with pytest.raises(ValidationError, match="label"):
        _scheme(label, "优秀")
