"""Domain error texts translated where they are shown (api/i18n/messages.py)."""

from __future__ import annotations

from api.i18n import use_language
from api.i18n.messages import refusal, translate
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
        "2 处问题；未写入任何内容:\n"
        "  第 3 行: hired_on: 缺少必填字段\n"
        "  第 4 行: a reason without a template")
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
