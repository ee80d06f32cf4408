"""Every error text of the domain, the projections and the use cases and adapters reads in
Chinese by default: a template of api/i18n/messages.py matches it and has a Chinese
translation (or the text is written in Chinese already). The texts are found by walking
the source (tests/unit/error_texts.py), so a new `raise …Error(f"…")` or `Problem(…)`
without a translation fails here."""

from __future__ import annotations

import re

from api.i18n import gettext, use_language
from api.i18n.messages import TEMPLATES, translate
from tests.unit.error_texts import Site, sample, sample_values, shape, sites

CHINESE = re.compile(r"[\u4e00-\u9fff]")

# Messages the walker cannot follow to their text, by file and function, with why. This
# list may only shrink: a new entry needs a reason as good as these.
ALLOWED: dict[tuple[str, str], str] = {
    ("api/sheets/columns.py", "_model_problems"):
        "pydantic's own message for a cell (its texts: the templates of pydantic errors)",
    ("domain/batch_rules.py", "problems_from_validation"):
        "pydantic's own message for a field (its texts: the templates of pydantic errors)",
    ("api/usecases/appeals.py", "preview_appeal"):
        "the ValueError of a decision's pydantic model, as pydantic words it",
    ("domain/ledger_reads.py", "_new_items"):
        "the ValueError of building an event from a checked command (a model validator's)",
    ("domain/ledger_reads.py", "_refusals"):
        "the ValidationError of building an event, one problem an error: a model "
        "validator's message (domain/calculations.py, domain/grading_pools.py: templates of "
        "api/i18n/error_templates.py) or pydantic's own (api/i18n/pydantic_texts.py)",
    ("api/usecases/grades.py", "parse_grading_period"):
        "GradingPeriod.parse's ValueError (domain/grading.py), not a domain error type",
    ("api/usecases/ports.py", "parse_period"):
        "Period.parse's ValueError; its text has a template ('{text} is not a period; …')",
    ("api/sheets/rows.py", "_read_row"):
        "passes on a cell's problem (api/sheets/text.py's, English with templates) or a "
        "problem walked where it is made",
    ("api/usecases/personal_import.py", "seal_changed"):
        "passes on detail_problems' reasons, walked in api/usecases/personal.py (moved here "
        "from roster_details.seal_roster_details, which now calls it)",
    ("api/usecases/schemes.py", "load_scheme"):
        "the first problem of a scheme file's check (scheme checking, issue of its own)",
    ("api/usecases/schemes.py", "problems_of"):
        "the problems of a scheme file's check (scheme checking, issue of its own)",
    ("domain/publicity.py", "check_close_after_publicity"):
        "written in Chinese, joined from Chinese pieces (_hold_zh)",
    ("domain/validation.py", "_check_scheme_values"):
        "passes on scheme_problems' reasons (domain/scheme_checks.py's _check_against_scheme, "
        "walked where they are made), memoised per batch",
    ("api/usecases/payroll.py", "_csv_bytes"):
        "MESSAGES['encoding'] or ['encoding_option'], chosen by its caller; both are written "
        "Chinese first in payroll.MESSAGES",
    ("domain/validation.py", "_check_appeal"):
        "passes on the text of a domain error walked where it is raised",
}


SITES: list[Site] = sites()


def shown(text: str) -> tuple[str, str]:
    """(English, Chinese) of a text as the shells show it: a refusal with its problems
    listed shows its first line as the headline."""
    english = text.split("\n", 1)[0].rstrip().rstrip(":") if "\n" in text else text
    with use_language("zh_CN"):
        return english, translate(english)


def test_the_walker_finds_the_raised_texts() -> None:
    templates = {site.template for site in SITES}
    # one of each way a message is written: an f-string, a constant filled in with
    # .format, a list a helper builds, a helper's parameter
    assert "no grading scheme is in force in {period}; adopt one first" in templates
    assert "no sheet {sheet}; the sheets are: {sheets}" in templates
    assert "the reviewer recorded the contested entry" in templates
    assert "unknown employee {employee_id}; hire them first" in templates
    assert len(SITES) > 250


def test_every_error_text_has_a_chinese_translation() -> None:
    missing = []
    for site in SITES:
        if site.template is None or CHINESE.search(site.template):
            continue
        english, chinese = shown(sample(site.template))
        if chinese == english or not CHINESE.search(chinese):
            missing.append(f"{site.where}: {site.template!r}")
    assert missing == [], "add a template to api/i18n/error_templates.py and translate it " \
        "(scripts/i18n.py update, fill api.po, compile):\n" + "\n".join(missing)


def test_only_the_allowed_messages_are_built_where_the_walker_cannot_see() -> None:
    unseen = {(site.where.split(":")[0], site.function) for site in SITES
              if site.template is None}
    assert sorted(unseen - ALLOWED.keys()) == []
    assert sorted(ALLOWED.keys() - unseen) == [], "no longer needed: remove from ALLOWED"


def test_each_template_translates_its_own_texts() -> None:
    # A shorter template that also matches (say "no employee {employee}" for "no
    # employee 'E9' in 2026-Q4") would carry part of the English into the Chinese.
    for template in TEMPLATES:
        text = sample(template)
        with use_language("zh_CN"):
            assert translate(text) == gettext(template).format(**sample_values(template))
        with use_language("en"):
            assert translate(text) == text


def test_templates_are_written_once() -> None:
    shapes = [shape(t) for t in TEMPLATES]
    assert sorted({s for s in shapes if shapes.count(s) > 1}) == []


def test_a_value_that_is_itself_a_message_is_translated_too() -> None:
    text = ("rev is recused: the reviewer recorded the contested entry; the reviewer heads "
            "the appellant's department (GB/T 1 §3)")
    with use_language("zh_CN"):
        assert translate(text) == ("rev 须回避：审核人录入了被申诉的条目；审核人是申诉人所在科室的"
                                   "负责人（GB/T 1 §3）")
        # an id or a period is not a message: kept as it is
        assert translate("no figure 'Not a message' in 2026-Q3") == \
            "2026-Q3 没有数字 'Not a message'"
    with use_language("en"):
        assert translate(text) == text


def test_the_ids_to_choose_from_keep_their_names_and_ids() -> None:
    # A clerk who typed the name 工作量 was told the entered items were 工作量: the id to
    # type (quantity) now stands beside its name; ids without a name stay as they are.
    with use_language("zh_CN"):
        one = translate("'工作量' is not an entered item; entered items: quantity")
        two = translate("'x' is not an entered item; entered items: quality, quantity")
    assert one == "'工作量' 不是录入项；录入项有：工作量（quantity）"
    assert two == "'x' 不是录入项；录入项有：quality、工作量（quantity）"
    with use_language("en"):
        assert translate("'x' is not an entered item; entered items: quality, quantity") == \
            "'x' is not an entered item; entered items: quality, quantity"
