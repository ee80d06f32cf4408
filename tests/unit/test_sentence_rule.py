"""The pages' one sentence-case rule (api/web/templating.py `sentence`): a text that
starts a line begins with a capital on an English page, but a message of the ledger keeps
a one-token value it begins with as spelt (an id), and one that is none of the templates
is left as it came; the template is the one `translate` matched (api/i18n/messages.py
`worded`), not a second look at every template. Error lines, statement notes and what
`verify` found all read by it."""

from __future__ import annotations

import pytest

from api.i18n import use_language
from api.i18n.messages import worded
from api.web.templating import finding_sentence, message_line, note_line
from projections.audit import Finding


@pytest.mark.parametrize(("text", "template", "value"), [
    ("late is banded by minutes: give minutes", "{kind} is banded by minutes: give minutes",
     "late"),
    ("an employee may not read the audit log; it shows the whole organisation",
     "{role} may not read {what}; it shows the whole organisation", "an employee"),
    ("no department 'x' in 2026-Q1", "no department {department} in {period}", None),
    # a message with no value: its own id, also where English has no catalogue
    ("the scheme in force has no appeal procedure",
     "the scheme in force has no appeal procedure", None),
    ("not a message of ours", None, None),
    # several messages joined: the first begins the line
    ("late is banded by minutes: give minutes; must not be negative",
     "{kind} is banded by minutes: give minutes", "late"),
])
def test_translate_gives_the_template_it_matched(
        text: str, template: str | None, value: str | None) -> None:
    with use_language("en"):
        found = worded(text)
    assert (found.template, found.leading) == (template, value)


@pytest.mark.parametrize(("message", "line"), [
    ("late is banded by minutes: give minutes", "late is banded by minutes: give minutes"),
    ("an employee may not read the audit log; it shows the whole organisation",
     "An employee may not read the audit log; it shows the whole organisation"),
    ("no department 'x' in 2026-Q1", "No department 'x' in 2026-Q1"),
    ("the scheme in force has no appeal procedure",
     "The scheme in force has no appeal procedure"),
    # none of the templates: as it came, a command's name in lowercase
    ("jixiao verify found nothing to check", "jixiao verify found nothing to check"),
])
def test_a_message_starting_a_line_on_an_english_page(message: str, line: str) -> None:
    with use_language("en"):
        assert message_line(message) == line


def test_a_statement_note_starting_a_line() -> None:
    with use_language("en"):
        assert note_line("scheme xinghe-county-hospital@1 (shipped)").startswith("Scheme ")
        assert note_line("jixiao noted this") == "jixiao noted this"
    with use_language("zh_CN"):
        assert note_line("bank lapsing at year end (超年度无效): 25005.68").endswith("¥25,005.68")


def test_what_verify_found_starting_a_line() -> None:
    with use_language("en"):
        assert finding_sentence(Finding("removed", 7, None, None)).startswith("Removed")
        # a kind this version has no word for is shown by its id, as spelt
        assert finding_sentence(Finding("rewound", 7, None, None)).startswith("rewound")
