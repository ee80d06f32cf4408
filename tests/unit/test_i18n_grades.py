"""The grades report's reasons in the reader's language (api/i18n/grades.py): a reason is
translated whole or shown as the data says it, never half in one language and half in
the other, and a scheme's own words are not taken for the report's."""

from __future__ import annotations

from api.i18n import grades, use_language

QUOTA = ("quota for {grade} in category general: floor(0.25 × 8) = 2; ranked 3 of 3 by "
         "{figure} 90.6; the place(s) went to E (92), A (91.2); cascades down one grade; "
         "not counted in N: R not assessed")


def chinese(text: str) -> str:
    with use_language("zh"):
        return grades.text(text)


def test_a_quota_reason_with_any_code_a_scheme_may_use_is_translated_whole() -> None:
    """A grade or figure is a scheme's code (domain/grading.py `Code`): "1", "total-score"."""
    for grade, figure in (("excellent", "total"), ("1", "total"), ("A-1", "total-score")):
        shown = chinese(QUOTA.format(grade=grade, figure=figure))
        assert shown.startswith(f"{grade} 名额（category general）"), shown
        assert shown.endswith("不计入 N：R 未考核"), shown


def test_a_reason_no_template_matches_is_shown_as_the_data_says_it() -> None:
    unforeseen = "quota for excellent, somehow; not counted in N: R not assessed"
    assert chinese(unforeseen) == unforeseen  # was 「…; not counted in N: R 未考核」
    missing = "no w_indicator recorded for 2025-01; weights_total: 2 of 3 weights"
    assert chinese(missing) == missing


def test_a_label_ending_in_a_status_word_is_the_scheme_s_words() -> None:
    assert chinese("Reports pending: not assessed") == "Reports pending：不参加考核"
    assert chinese("Blood bank pending") == "Blood bank pending"
    assert chinese("R pending") == "R 待定"


def test_why_a_pay_line_or_a_pool_waits_is_in_the_reader_s_language() -> None:
    """What projections/grading/pay.py and pools.py write when a line waits (no fixture
    reaches them: a pending grade with pay, a pool's unit left out or in deficit)."""
    assert chinese("the grade is not settled yet") == "等次尚未确定"
    assert chinese("a tranche's grade is not settled yet") == "有一期的等次尚未确定"
    assert chinese("unit u1 is not assessed by units") == "单位 u1 未参加 units 考核"
    assert chinese("surplus_cny on u1: 6000.00") == "u1 的 surplus_cny：6000.00"
    assert chinese("surplus_cny on u1 is -5: the pool must be an amount, not negative") == (
        "u1 的 surplus_cny 为 -5：分配池须为非负金额")
    with use_language("en"):
        assert grades.text("the grade is not settled yet") == "the grade is not settled yet"


def test_a_reason_inside_a_figure_s_or_a_member_s_reason_is_worded_whole_or_not_at_all() -> None:
    """score.py writes `{rule.name}: {error}` and pools.py `{member} {line}: {reason}`."""
    assert chinese("monthly_average: no monthly results recorded for 2025") == \
        "monthly_average：2025 未记录 monthly 的结果"
    assert chinese("E1 pool: no points recorded for 2025") == "E1 的 pool：2025 未记录 points"
    assert chinese("total: 'a / b': division by zero") == "total：'a / b'：除数为零"
    for unknown in ("total: a reason nobody worded", "E1 pool: a reason nobody worded",
                    "E1 pool: factor"):
        assert chinese(unknown) == unknown
    with use_language("en"):
        assert grades.text("E1 pool: no points recorded for 2025") == \
            "E1 pool: no points recorded for 2025"


def test_a_pool_member_s_line_that_waits_for_its_grade_reads_in_chinese() -> None:
    """pools.py's `{member} {line}: {reason}` when the line waits (pay.py): the wait is a
    reason with its own wording, not a label like "factor"."""
    assert chinese("s00 withheld: the grade is not settled yet") == "s00 的 withheld：等次尚未确定"
    assert chinese("s00 withheld: a tranche's grade is not settled yet") == \
        "s00 的 withheld：有一期的等次尚未确定"
    assert chinese("E1 pool: factor") == "E1 pool: factor"
