"""Domain error texts translated where they are shown (api/i18n/messages.py)."""

from __future__ import annotations

from api.i18n import use_language
from api.i18n.messages import entry_reason, refusal, translate
from domain.errors import PeriodClosedError, Problem, RejectedError


def test_values_in_a_message_are_carried_into_the_translation() -> None:
    text = str(PeriodClosedError("2026-Q1"))
    assert translate(text) == "2026-Q1 已结账；请记录更正，将在重述中体现"
    with use_language("en"):
        assert translate(text) == text


def test_a_text_no_template_matches_is_shown_as_it_is() -> None:
    assert translate("something nobody wrote a template for") == \
        "something nobody wrote a template for"


def test_a_refusal_translates_the_place_and_the_reasons_and_keeps_the_field() -> None:
    error = RejectedError([Problem("row 3", "hired_on", "Field required"),
                           Problem("row 4", "", "a reason without a template")])
    assert refusal(str(error), error.problems) == (
        "2 处问题；未写入任何内容：\n"
        "  第 3 行：hired_on：缺少必填字段\n"
        "  第 4 行：a reason without a template")
    with use_language("en"):
        assert refusal(str(error), error.problems) == (
            "2 problem(s); nothing was written:\n"
            "  row 3: hired_on: Field required\n"
            "  row 4: a reason without a template")


def test_a_missing_employee_or_department_of_a_period_reads_wholly_in_chinese() -> None:
    # The shorter "no employee {employee}" once took "'E9' in 2026-Q4" as the id and
    # left the English " in 2026-Q4" inside the Chinese text.
    for text, subject in (("no employee 'E9' in 2026-Q4", "没有员工 'E9'"),
                          ("no department 'icu' in 2026-Q4", "没有科室 'icu'")):
        translated = translate(text)
        assert translated == f"2026-Q4 {subject}"
        assert " in " not in translated
        with use_language("en"):
            assert translate(text) == text
    assert translate("no employee 'E9'") == "没有员工 'E9'"


def test_an_entry_s_reason_a_person_typed_is_shown_as_typed() -> None:
    # 「sick」 is a leave's kind in the catalogue (病), but a void's reason is the person's.
    for typed in ("sick", "late", "迟到已核实", "appeal upheld: recorded as a roster matter",
                  "appeal 12 level 1: the patient withdrew"):  # the ledger's shape, typed
        assert entry_reason(typed) == typed
        with use_language("en"):
            assert entry_reason(typed) == typed


def test_an_entry_s_reason_the_ledger_wrote_reads_in_the_reader_s_language() -> None:
    written = {"appeal A7 level 1: revoke": "申诉 A7 第 1 级：撤销",
               "appeal A7 level 2: uphold: deduction doubled": "申诉 A7 第 2 级：维持：扣分加倍",
               "derived by policy P1: 警告": "依规则 P1 派生：警告",
               "demo: two-person close": "演示：两人结账"}
    for reason, chinese in written.items():
        assert entry_reason(reason) == chinese
        with use_language("en"):
            assert entry_reason(reason) == reason


def test_only_a_placeholder_declared_a_word_is_translated() -> None:
    # Ids in {objected}, {unit}, {fund}, {admin_class}, {indicator}, {kind} that happen to
    # be the catalogue's words (a leave's kind: sick 病, study 进修) stay as written.
    for text in ("the correction is about E1, the objection about sick",
                 "sick on study is -1: the pool must be an amount, not negative",
                 "the scheme has no admin class sick",
                 "the scheme has no control on study",
                 "no command type sick",
                 "cannot export study; choose one of payroll, statement",
                 "row 3, study: thousands separators removed 1,000 → 1000"):
        translated = translate(text)
        assert translated != text
        assert "病" not in translated, translated
        assert "进修" not in translated, translated
        assert "sick" in translated or "study" in translated
    # A word the template declares is still the reader's: an appeal's outcome, a category.
    assert translate("already decided at level 1: revoke") == "已在第 1 级裁决：撤销"
    assert "季度" in translate("annual grades by year, not quarter")


def test_an_entry_s_kind_inside_a_refusal_is_the_reader_s_word() -> None:
    # The class name of a contested entry is the ledger's own word (扣分记录), not a value a
    # person typed: an appeal's change of a field the entry does not have names it so.
    assert translate("'points' is not a field of DeductionRecorded") == \
        "'points' 不是 扣分记录 的字段"
    with use_language("en"):
        assert translate("'points' is not a field of DeductionRecorded") == \
            "'points' is not a field of DeductionRecorded"
