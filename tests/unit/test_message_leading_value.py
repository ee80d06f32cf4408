"""Which value a message begins with (api/i18n/messages.leading_value): what English
sentence case on the pages leaves as the ledger spells it."""

from __future__ import annotations

import pytest

from api.i18n.messages import leading_value


@pytest.mark.parametrize(("text", "value"), [
    ("late is banded by minutes: give minutes", "late"),
    ("an employee may not read the audit log; it shows the whole organisation", "an employee"),
    ("no department 'x' in 2026-Q1", None),  # the template's own word first
    ("not a message of ours", None),
    # several messages joined: the first begins the line
    ("late is banded by minutes: give minutes; must not be negative", "late"),
])
def test_the_value_a_message_begins_with(text: str, value: str | None) -> None:
    assert leading_value(text) == value
