"""The scheme check's reasons, and the model refusals and pool reasons it and the grades
report carry, are English message ids written where they are made (api/usecases, domain/,
projections/ are not extracted into the catalogue) and again as templates of
api/i18n/error_templates.py, which the catalogue is extracted from: each must be there,
word for word, and read in Chinese by default."""

from __future__ import annotations

import re

import pytest

from api.i18n import gettext, use_language
from api.i18n.error_templates import ERROR_TEMPLATES
from api.usecases import scheme_check, scheme_rules, scheme_versions
from domain import calculations, grading_pools
from projections import restated
from projections.grading import pools

CHINESE = re.compile(r"[\u4e00-\u9fff]")
WRITTEN_TWICE = (
    *scheme_check.TEMPLATES,
    calculations.NOT_A_SHARE, calculations.NEGATIVE, calculations.LAST_OPEN,
    calculations.RATE_OR_RANGE, calculations.POOL_SOURCE, calculations.UP_TO_SHARE,
    calculations.RANGE_OUTSIDE, calculations.SHARES_SUM, calculations.BOUNDS_RISE,
    calculations.STEPS_RISE, calculations.UNIT_AMOUNT, calculations.UNIT_GROUP,
    calculations.NO_CUT, calculations.NO_RESERVE, calculations.FITS,
    grading_pools.POOL_ID, grading_pools.NOT_UNIT_PIPELINE, grading_pools.NO_PAY_LINE,
    grading_pools.NOT_A_FIGURE,
    pools.WAITS, pools.GATE_SHUT, pools.NOT_AN_AMOUNT, pools.NOT_AN_AMOUNT_FROM,
    restated.NOT_CLOSED, scheme_rules.ALSO_COMPUTED,
    scheme_versions.EDITED, scheme_versions.NEXT_NUMBER, scheme_versions.NOT_LOCKED,
    scheme_versions.LATER_LOCKED,
)


@pytest.mark.parametrize("text", WRITTEN_TWICE)
def test_each_text_is_a_template_with_its_chinese(text: str) -> None:
    assert text in ERROR_TEMPLATES
    assert not CHINESE.search(text)
    with use_language("zh_CN"):
        assert CHINESE.search(gettext(text))
