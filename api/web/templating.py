"""The pages' Jinja2 environment: autoescaped templates, messages through the one
catalogue (api/i18n) with jinja2.ext.i18n, and the filters the pages share (money as
¥12,345.60, period names as people write them)."""

from __future__ import annotations

import re
import sys
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from api import i18n
from api.i18n import N_, figures, formats, scheme_labels
from api.i18n.events import event_name
from api.i18n.findings import report_notes, worded_finding
from api.i18n.messages import Worded, entry_reason, statement_note, translate, worded, worded_note
from api.web.labels import DEDUCTION_LABELS, GRID_COLUMNS
from api.web.sessions import CSRF_FIELD, CSRF_HEADER, LANGUAGE_COOKIE

TEMPLATES_DIR: Final = Path(__file__).parent / "templates"

# Message ids marked with N_ so the extractor keeps them; templates translate at render.
ROLE_LABELS: Final = {
    "administrator": N_("Administrator"), "finance": N_("Finance"), "department_head":
    N_("Department head"), "appeals_reviewer": N_("Appeals reviewer"),
    "auditor": N_("Auditor"), "employee": N_("Employee"),
}

STATE_LABELS: Final = {"open": N_("Not closed"), "awaiting_approval": N_("Awaiting approval"),
                       "closed": N_("Closed"), "restated": N_("Restated")}


def money(value: Any) -> str:
    """¥12,345.60 for a decimal text or number; anything else as it is."""
    try:
        return formats.money(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return str(value)


def period_name(text: Any) -> str:
    """2026-Q3 → 2026年第3季度, 2026-YE → 2026年年终 (English: 2026 Q3)."""
    return formats.period_name(str(text))


# What `exact_text` writes (projections/figures.py), "…" aside: no exponent, no NaN or
# Infinity. Fraction(Decimal("1e999999999")) computes 10**999999999: a page would hang.
_EXACT_TEXT = re.compile(r"-?[0-9]+(?:\.[0-9]+|/[0-9]+)?")
# Nor longer than it writes (projections.seeded_scores STORED_TEXT_CHARS_MAX, which a
# shell does not import): Fraction(Decimal) of a million digits took ≈50 s.
_EXACT_TEXT_CHARS_MAX = sys.int_info.default_max_str_digits + 2


def exact_number(text: str) -> Fraction:
    """A figure's value as the explanation renders it: a decimal, `n/d`, or a long value
    rounded to 18 places and marked with "…"; ValueError for any other text."""
    text = text.rstrip("…")
    if len(text) > _EXACT_TEXT_CHARS_MAX or _EXACT_TEXT.fullmatch(text) is None:
        raise ValueError(f"not an exact text: {text[:40]!r}")
    numerator, _, denominator = text.partition("/")
    if denominator:
        return Fraction(int(numerator), int(denominator))
    return Fraction(Decimal(text))


def figure_value(node: dict[str, Any]) -> str:
    """A figure of the explanation tree for a person: money as the payout pays it (¥, to
    the fen, half-up), another value that is not a short decimal to four places with
    "≈". The exact value stays on the node for the title (the auditor's check)."""
    text = str(node.get("value", ""))
    try:
        value = exact_number(text)
    except (InvalidOperation, ValueError, ZeroDivisionError):
        return text
    if node.get("unit") == "cny":
        with localcontext() as context:
            context.prec = 60  # wide enough for any fen of an 18-place value
            return formats.money(Decimal(value.numerator) / Decimal(value.denominator))
    if "/" in text or text.endswith("…") or len(text.partition(".")[2]) > 4:
        return f"≈ {float(round(value, 4)):.4f}"
    return text


POINTS_SHOWN: Final = Decimal("0.01")  # a person's points as a payslip writes them


def points(value_text: Any) -> str:
    """A person's points to two places (110.70); a value finer than that, or a fraction
    the statement keeps exact (837357/7564), rounded half-up for reading, with the exact
    value in the cell's title. Pay comes from the exact value, never from this text."""
    text = str(value_text)
    try:
        value = exact_number(text)
    except (InvalidOperation, ValueError, ZeroDivisionError):
        return text
    with localcontext() as context:
        context.prec = 60  # wide enough for the hundredth of any exact text
        shown = (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
            POINTS_SHOWN, rounding=ROUND_HALF_UP)
    # -1/1000 rounds to Decimal("-0.00"): a sign on nothing reads as a deduction.
    shown = shown.copy_abs() if shown.is_zero() else shown
    if shown == value:
        return str(shown)
    exact = i18n.gettext("exact value: %(value)s") % {"value": text}
    cell: Markup = Markup('<span class="rounded" title="{}">{}</span>').format(exact, shown)
    return cell


def local_time(value: Any) -> str:
    """An ISO instant → 2026-04-05 14:03:09 +08:00 in the organisation's zone."""
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return formats.local_time(moment)


def appeal_status(status: Any) -> str:
    """filed, assigned, or "decided: <outcome>" in the reader's language."""
    head, _, outcome = str(status).partition(": ")
    text = i18n.gettext(head)
    return f"{text}: {i18n.gettext(outcome)}" if outcome else text


def deduction_label(kind: str) -> str:
    """A deduction kind in the reader's language (its code where the scheme is not ours)."""
    label = DEDUCTION_LABELS.get(kind)
    return i18n.gettext(label) if label is not None else kind


def sentence(text: Any, message: Worded | None = None) -> Any:
    """A text that starts a cell or a line, in sentence case where the page is English:
    the ledger's English names are written for the middle of a sentence ("paid", "appeal
    decision"), and a page began cells with them in lowercase. Chinese has no case.
    A message of the ledger (`message`, as `worded` read it, `text` its words) keeps a
    value it begins with that is one token, an id the ledger spells so ("late is banded
    by minutes", "internal …": not 「Late」 of the kind late; a value of words, "an
    employee may not …", begins the sentence as a word does), and is left as it came
    where it is none of the templates (`jixiao users add …` names a command)."""
    if message is not None and (message.template is None or (
            message.leading is not None and len(message.leading.split()) == 1)):
        return text
    if i18n.current_language() == "zh_CN" or not text or _WORD_FIRST.match(text) is None:
        return text
    # Sliced and joined, a Markup (what `_()` gives a template) stays one.
    return text[0].upper() + text[1:]


def message_line(message: str) -> str:
    """A message of the ledger (its English id) that starts a line: translated, by
    `sentence`'s one rule."""
    found = worded(message)
    return str(sentence(found.text, found))


def finding_sentence(finding: Any) -> str:
    """What `verify` found, starting a line (api/i18n/findings.py `worded_finding`)."""
    found = worded_finding(finding)
    return str(sentence(found.text, found))


def note_line(note: str) -> str:
    """A statement's note that starts a line (api/i18n/messages.py `worded_note`)."""
    found = worded_note(note)
    return str(sentence(found.text, found))


# A lowercase English word first ("paid", "late:", "year-end"), not a value a message
# begins with: an id or a key ("team-quarterly@1 grades by quarter", "finance2",
# "late_arrival") is written as the ledger spells it, in the middle of a sentence or not.
_WORD_FIRST = re.compile(r"[a-z]+(?:['-][a-z]+)*(?![\w@/'-]|\.\w)")


def event_type(type_name: str) -> str:
    """An event's type as the auditor's history names it: the entry's name in the page's
    language, sentence case (the class id is shown beside it, for the filter)."""
    return str(sentence(entry_type(type_name)))


def column_label(column: str) -> str:
    """A grid column's heading in the reader's language (its code where not ours)."""
    label = GRID_COLUMNS.get(column)
    return i18n.gettext(label) if label is not None else column


def query_without(params: Any, key: str) -> str:
    """The page's query string without `key` (for paging links)."""
    return urlencode([(k, v) for k, v in params.multi_items() if k != key])


def entry_type(type_name: str) -> str:
    """An entry's type (an event's class name, or "payout line") as the pages name it: the
    page's own word where web.po has one, else the ledger's name for it. English has no
    catalogue, so `_()` of the class name showed 「CmeCreditsRecorded」 there."""
    named = i18n.gettext(type_name)
    return named if named != type_name else event_name(type_name)


def grade_text(grade: dict[str, Any]) -> str:
    """A grade row's name ({code, name}) in the reader's language."""
    return scheme_labels.grade_reading(grade["name"], grade["code"])


@cache
def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES_DIR),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True)
    env.install_gettext_callables(  # type: ignore[attr-defined]
        i18n.gettext, i18n.ngettext, newstyle=True)
    env.filters["money"] = money
    env.filters["points"] = points
    env.filters["period"] = period_name
    env.filters["local_time"] = local_time
    env.filters["query_without"] = query_without
    env.filters["appeal_status"] = appeal_status
    env.filters["figure_value"] = figure_value
    env.filters["figure_label"] = figures.label  # the explanation tree's words
    env.filters["scheme_label"] = scheme_labels.reading  # one language of a scheme's label
    env.globals["grade_label"] = scheme_labels.grade_reading
    env.filters["grade_text"] = grade_text
    env.filters["figure_unit"] = figures.node_unit
    env.filters["figure_formula"] = figures.formula
    env.filters["finding_sentence"] = finding_sentence  # what `verify` found, a line
    env.filters["report_notes"] = report_notes  # and what it says besides (the snapshot's)
    env.filters["statement_note"] = statement_note  # a statement's notes are English ids
    env.filters["note_line"] = note_line  # … and one that starts a line
    env.filters["message"] = translate  # an English message of the data (api/i18n/messages.py)
    env.filters["entry_reason"] = entry_reason  # typed as typed; the ledger's own translated
    env.filters["entry_type"] = entry_type
    env.filters["event_type"] = event_type
    env.filters["sentence"] = sentence
    env.globals["ROLE_LABELS"] = ROLE_LABELS
    env.globals["deduction_label"] = deduction_label
    env.globals["column_label"] = column_label
    env.globals["STATE_LABELS"] = STATE_LABELS
    env.globals["CSRF_FIELD"] = CSRF_FIELD
    env.globals["CSRF_HEADER"] = CSRF_HEADER
    return env


def language_of(request: Request) -> str:
    return i18n.normalise(request.cookies.get(LANGUAGE_COOKIE)) or i18n.negotiate(
        request.headers.get("accept-language"))


def render(request: Request, template: str, context: dict[str, Any],
           status_code: int = 200) -> HTMLResponse:
    language = language_of(request)
    # An error page's context names no viewer: the one the request was signed in as.
    context = {"viewer": getattr(request.state, "viewer", None), **context}
    with i18n.use_language(language):
        html = environment().get_template(template).render(
            request=request, lang=language, html_lang="zh-CN" if language == "zh_CN" else "en",
            **context)
    return HTMLResponse(html, status_code=status_code)
