"""Every refusal domain/grading_checks.py writes has a Chinese wording (api/i18n): a grading
entry `jixiao apply` refuses reads whole in Chinese, never half."""

from __future__ import annotations

import re

import pytest

from api.i18n import use_language
from api.i18n.messages import translate

REFUSALS = {
    "a derived fact is recorded by the ledger from its triggers, never sent":
        "派生事实由账本依其触发条件自动记录，不能提交",
    "no grading scheme 'x' is adopted; adopted: (none)": "未采用评定方案 'x'；已采用：（无）",
    "already recorded by entry 0a44; to change it, supersede that entry with a reason":
        "已由条目 0a44 记录；如需修改，请注明理由更正该条目",
    "a correction keeps what the entry is about (subject_id, kind cannot change); void it "
    "and record a new one":
        "更正不能改变条目所涉的对象（subject_id, kind 不可更改）；请作废该条目并重新记录",
    "no grading pipeline reads 'x'; known: (none)": "没有考核流程读取 'x'；已知：（无）",
    "r1 is not in force in 2025-Q1": "r1 在 2025-Q1 不生效",
    "r1 has no pipeline 'x'; it has a, b": "r1 没有考核流程 'x'；现有：a, b",
    "p has no grade 'Z'; grades: A, B": "p 没有等次 'Z'；等次：A, B",
    "unknown subject(s) pay, Q": "未知的考核对象：pay, Q",
    "p grades by score bands; it takes no proposals": "p 按分数段评定等次，不接受提名",
    "r1 takes no ballots": "r1 不进行投票",
    "unknown mark(s) x; marks: a, b": "未知的标记：x；可用标记：a、b",
    "QuotaExceeded: 3 excellent on one ballot of 10; at most 2 (floor of 0.2 × 10) (S-1)":
        "QuotaExceeded：一张 10 人的选票上有 3 个 excellent；至多 2 个"
        "（0.2 × 10，向下取整）（S-1）",
    "annual grades by year, not quarter": "annual 按 年度 评定等次，不按 季度",
    "r1 grades by quarter, half, not month": "r1 按 季度、半年 评定等次，不按 月",
    "that sanction was already revoked or changed": "该处分已被撤销或变更",
    "no review was requested for this sanction": "该处分未申请复核",
    "the sanction is no longer in force; it cannot be upheld": "该处分已不再有效，不能维持",
    "record the revoke first: void_entry (revoke) or a record_sanction that supersedes it "
    "(change), with the reason": "请先记录撤销：用 void_entry 作废该处分，并附理由",
    "record the change first: void_entry (revoke) or a record_sanction that supersedes it "
    "(change), with the reason": "请先记录变更：用取代该处分的 record_sanction，并附理由",
}


@pytest.mark.parametrize(("english", "chinese"), REFUSALS.items(),
                         ids=[re.sub(r"\W+", "-", e[:30]) for e in REFUSALS])
def test_a_grading_refusal_reads_whole_in_either_language(english: str, chinese: str) -> None:
    assert translate(english) == chinese
    with use_language("en"):
        assert translate(english) == english
