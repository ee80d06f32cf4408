"""「late」 is two things: a deduction kind's id, which a refusal carries as a value and
shows as spelt, and a sanction procedure's field, 「逾期」 in Chinese. The field's word has
a message context, so a refusal about the kind does not read 「逾期」."""

from __future__ import annotations

import pytest

from api.i18n import use_language
from api.i18n.grades import procedure_field
from api.i18n.messages import translate


@pytest.mark.parametrize(("language", "field", "reason"), [
    ("zh_CN", "逾期", "late 按分钟分档：请给出分钟数"),
    ("en", "late", "late is banded by minutes: give minutes")])
def test_the_kind_late_is_not_the_procedures_late(language: str, field: str,
                                                  reason: str) -> None:
    with use_language(language):
        assert procedure_field("late") == field
        assert translate("late is banded by minutes: give minutes") == reason
