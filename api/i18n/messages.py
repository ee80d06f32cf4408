"""The domain's error texts in the reader's language, translated where they are shown
(the CLI, the API's error body), never where they are raised: the domain keeps its
English text, which is the message id.

A text with values in it (an id, a period, a count) is matched against the templates
below; each `{name}` stands for one value, which is carried into the translation
unchanged. A text no template matches is shown as it is (English, or the bilingual
text some messages already carry), so nothing is ever lost by translating.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import TYPE_CHECKING, Final

from api.i18n import N_, current_language, gettext, translations
from api.i18n.error_templates import ERROR_TEMPLATES
from api.i18n.figures import NP_
from api.i18n.formats import money
from api.i18n.pydantic_texts import PYDANTIC_TEMPLATES
from api.i18n.reasons import (
    APPEAL_OUTCOMES,
    LAPSE_NOTE,
    LAPSE_SHOWN,
    LEDGER_REASONS,
    REASON_TEMPLATES,
)

if TYPE_CHECKING:  # a report's text (api/render_text.py) translates without the domain
    from domain.errors import Problem

# The English texts raised by the HTTP shell and the first of the domain's; the rest of
# the domain's are in ERROR_TEMPLATES. A text is matched against the template with the
# most fixed text first, so "no employee {employee} in {period}" is tried before "no
# employee {employee}" (which would take "'E9' in 2026-Q4" as the id), wherever each
# is written.
TEMPLATES: Final = (
    # headers of a refusal with a list of problems
    N_("{count} problem(s); nothing was written"),
    N_("{period} cannot be calculated until these are recorded"),
    # whole messages
    N_("{period} is closed; record a correction, it will be restated"),
    N_("{text} is not a period; write 2026-Q1 (quarter), 2026-03 (month), 2026 (year) or "
       "2026-YE (year end)"),
    N_("{text} is not a date like 2026-03-20"),
    N_("{text} is not a time like 2026-04-05T14:03"),  # the auditor's filter (api/web)
    N_("give exactly one of --employee, --department or --figure"),
    N_("give exactly one of employee, department or figure"),
    N_("no employee {employee} in {period}"),
    N_("no department {department} in {period}"),
    N_("no employee {employee}"),
    N_("no department {department}"),
    N_("no appeal {appeal}"),
    N_("no command type {kind}"),
    N_("no file {path}"),
    N_("another writer recorded one of these entries at the same time; nothing was "
       "written, run the command again"),
    N_("unknown, rotated or disabled token; ask an administrator for a new one "
       "(`jixiao users rotate`)"),
    N_("send `Authorization: Bearer <token>`; an administrator gives you a token "
       "(`jixiao users add`)"),
    N_("the scheme in force has no appeal procedure"),
    N_("the contested entry belongs to no period to preview"),
    N_("Not Found"),
    # an upload to import (api/http/routes/imports.py, api/web/pages/head.py)
    N_("larger than {limit} bytes"),
    N_("the file is larger than {size}"),
    N_("upload an .xlsx or .csv file"),
    N_("Method Not Allowed"),
    # the bank file's refusals (api/usecases/payroll.py), shared by the CLI, API and page
    N_("payroll pays the performance pay of {period}: there is no bank file"),
    N_("{period} is not closed yet: a bank file pays a closed statement only; close the "
       "period first"),
    N_("no bank layout {name}: give a layout file or a shipped layout ({shipped})"),
    N_("payroll has not reported the tax withheld, and gross pay is never paid: import "
       "payroll's withholding sheet first"),
    N_("no bank account is on record; record the person's bank details first"),
    # reasons of single problems
    N_("Field required"),
    N_("Extra inputs are not permitted"),
    N_("unknown command type {kind}; `jixiao schema` lists them"),
    N_("no scheme adopted in force on {day}; run adopt_scheme first"),
    N_("must be a plain decimal like 12 or 12.50 (ASCII digits, no spaces, exponent or "
       "separators), got {value}"),
    N_("must be an integer, got {value}"),
    N_("must be an integer written in ASCII digits, got {value}"),
    N_("must not be negative"),
    # api/http/deps.py: an integer query parameter not in ASCII digits
    N_("must be an integer written in ASCII digits only (no plus sign, spaces, separators or "
       "other scripts' digits), got {value}"),
    N_("a correction (supersedes) must give a reason"),
    # domain/labels.py: a scheme's label written {zh, en} that would not read back apart
    N_("label '{zh}': read as Chinese and English; give them apart, as zh and en"),
    N_("label '{zh}' / '{en}': the Chinese must be Chinese words and the English start with "
       "no Chinese character and have an English word with balanced brackets, so that the "
       "two are read back apart"),
    N_("label '{zh}' / '{en}': the English reads as a note (a scope, a figure or a "
       "qualifier), not as the label's name, so it would not be shown apart; give its "
       "English name, or write the note in zh with the Chinese"),
    *ERROR_TEMPLATES,
    *REASON_TEMPLATES,  # a statement's reasons for no pay (api/i18n/reasons.py)
    *LEDGER_REASONS,  # the reasons the ledger writes on an entry (api/i18n/reasons.py)
    *PYDANTIC_TEMPLATES,  # pydantic's own texts for a field (api/i18n/pydantic_texts.py)
)
# Where a problem is (a file's row or line, a sheet's row, a column with no header):
# matched on their own, with numbers for numbers, so that no sentence is read as a place.
LOCATIONS: Final = (
    (N_("row {row}"), r"row (?P<row>\d+)"),
    (N_("{sheet} row {row}"), r"(?P<sheet>.+) row (?P<row>\d+)"),
    (N_("line {line}"), r"line (?P<line>\d+)"),
    (N_("byte {offset}"), r"byte (?P<offset>\d+)"),
    (N_("column {column}"), r"column (?P<column>\d+)"),
    (N_("department {department}"), r"department (?P<department>\S+)"),
)
# A column the ledger names as the clerk's sheet heads it (the rest are shown as they are).
FIELD_NAMES: Final = {"tax_withheld_cny": N_("tax withheld"),
                      "bank_account": N_("bank account"), "bank_name": N_("bank name"),
                      "id_number": N_("ID number")}
# What a period's calculation waits for (projections/payout), named where a blocked period
# lists it; anywhere else the same field is the key a person typed (`jixiao apply`'s
# risk_coefficient) and is shown as typed.
BLOCKED_FIELDS: Final = {"scheme": N_("scheme"),
                         "annual_target_score": N_("annual target score"),
                         "risk_coefficient": N_("risk coefficient"),
                         "admin_class": N_("admin class")}
# The same, for a field whose word means something else elsewhere in the catalogue (a
# grading pool is 分配池, a stage "figures" 计分): English keeps the field's own name.
FIELD_CONTEXT: Final = "field"
BLOCKED_WORDS: Final = {"pool": NP_("field", "pool"), "figures": NP_("field", "figures"),
                        "base": NP_("field", "base")}
PLACEHOLDER: Final = re.compile(r"\{(\w+)\}")
# pydantic's list of the values a field allows ('a', 'b' or 'c'), inside its message
CHOICES: Final = re.compile(r"(?:'[^']*', )*'[^']*' or '[^']*'")
CHOICE_LIST: Final = N_("{choices} or {last}")


@cache
def _templates(templates: tuple[str, ...]) -> tuple[tuple[str, str, str], ...]:
    """Each template with the words it begins and ends with, the longest text first (the
    order the templates are tried in)."""
    ordered = sorted(templates, key=lambda t: -len(PLACEHOLDER.sub("", t)))
    return tuple((pieces[0], pieces[-1], template)
                 for template in ordered for pieces in [PLACEHOLDER.split(template)])


@cache
def _pattern(template: str) -> re.Pattern[str]:
    return re.compile(_regex(template), re.S)


def _matches(text: str, templates: tuple[str, ...] = TEMPLATES,
             ) -> Iterator[tuple[re.Match[str], str]]:
    """The templates the text is, in the order they are tried. Only a template that begins
    and ends as the text does can be it, so only those are compiled and tried: a payout's
    person reasons and scheme note, none of them a message, compiled and tried all ≈500
    (hospital `jixiao payout` 146.8 → 106.0 ms CPU, docs/benchmarks.md)."""
    for head, tail, template in _templates(templates):
        if text.startswith(head) and text.endswith(tail):
            match = _pattern(template).fullmatch(text)
            if match is not None:
                yield match, template


def _regex(template: str) -> str:
    """Each placeholder matches one value; a name written twice matches the same value."""
    pieces = PLACEHOLDER.split(template)  # text, name, text, name, …, text
    named: set[str] = set()
    regex = []
    for i, piece in enumerate(pieces):
        if i % 2 == 0:
            regex.append(re.escape(piece))
        else:
            regex.append(f"(?P={piece})" if piece in named else f"(?P<{piece}>.+?)")
            named.add(piece)
    return "".join(regex)


@dataclass(frozen=True)
class Worded:
    """A message as the reader reads it (`text`), with what sentence case needs to know
    of it: the template it is (`template`: the catalogue's message id; None where no
    message or template is it, and it is shown as it came) and the value that template
    begins with (`leading`: None where it begins with a word of its own)."""

    text: str
    template: str | None = None
    leading: str | None = None


def translate(text: str) -> str:
    """One message (or reason) in the current language; unknown texts unchanged."""
    return worded(text).text


def worded(text: str) -> Worded:
    """`translate`, with the template it matched beside the text; several messages
    joined: the first's, which begins the line."""
    if not text:
        return Worded(text)  # gettext("") is the catalogue's header, not a translation
    found = _translated(text, one=True)
    if found is not None or JOINED not in text:
        # Without a "; " no value holds one, so a second look at every template (below)
        # would find nothing the first did not.
        return Worded(text) if found is None else found
    joined, whole, first = _joined(text)
    if whole:  # several messages, each of them known
        return replace(first, text=joined)
    found = _translated(text)  # a value that holds a "; " (a list of reasons)
    return replace(first, text=joined) if found is None else found


def _translated(text: str, *, one: bool = False) -> Worded | None:
    """The text translated, or None when no message or template is it; `one`: a template
    whose value would hold a "; " (a second message) is not it."""
    exact = gettext(text)
    if exact != text or _catalogued(text):
        return Worded(exact, text)
    for match, template in _matches(text):
        if not (one and any(JOINED in v for v in match.groups())):
            first = PLACEHOLDER.match(template)
            return Worded(gettext(template).format(**_values(match)), template,
                          None if first is None else match[first[1]])
    return None


# English is the message ids, and has no catalogue: whether a text is one of our
# messages is asked of the catalogue there is.
CATALOGUE_LANGUAGE: Final = "zh_CN"


def _catalogued(text: str) -> bool:
    return current_language() != CATALOGUE_LANGUAGE and (
        translations(CATALOGUE_LANGUAGE).gettext(text) != text)


def _values(match: re.Match[str]) -> dict[str, str]:
    """A template's values as the reader reads them: the catalogue's words (WORDS) in
    the reader's language, every other value as written."""
    return {name: _known(value) if name == "known" and IDENTIFIERS.fullmatch(value)
            else _listed(value) if name in WORD_LISTS
            else place(value) if name in PLACES
            else _value(value) if name in WORDS or name == "known"
            else value for name, value in match.groupdict().items()}


def entry_reason(reason: str) -> str:
    """An entry's reason as the reader reads it (a diff, a grade's history): one the ledger
    wrote itself (LEDGER_REASONS) in the reader's language; one a person typed as typed,
    even where it is one of the catalogue's words ("late", "sick")."""
    for match, template in _matches(reason, LEDGER_REASONS):
        if "outcome" in match.groupdict() and match["outcome"] not in APPEAL_OUTCOMES:
            continue  # typed in the shape of one: the ledger writes only its outcomes
        return gettext(template).format(**_values(match))
    return reason


# How several refusals of one thing are joined (a model's validators, an adoption's
# problems: domain/ledger_reads.py); a message may hold "; " itself ("{value} is
# negative; it must not be"), so each run of parts is tried, the shortest first.
JOINED: Final = "; "


def _joined(text: str) -> tuple[str, bool, Worded]:
    """The messages joined in the text, each translated, whether each was known, and the
    first as `worded` reads it (a part no template is: as it came)."""
    parts = text.split(JOINED)
    worded_parts: list[str] = []
    start, whole = 0, True
    first: Worded | None = None
    while start < len(parts):
        for end in range(start + 1, len(parts) + 1):
            found = _translated(JOINED.join(parts[start:end]), one=True)
            if found is not None:
                worded_parts.append(found.text)
                first = first or found
                start = end
                break
        else:
            worded_parts.append(parts[start])
            first = first or Worded(parts[start])
            start, whole = start + 1, False
    shown = text if JOINED.join(worded_parts) == text else "；".join(worded_parts)
    return shown, whole, first or Worded(text)


def statement_note(note: str) -> str:
    """A statement's note as the reader reads it (`worded_note`)."""
    return worded_note(note).text


def worded_note(note: str) -> Worded:
    """A statement's note as the reader reads it: the year end's lapsing bank with its
    amount as money (the stored note writes 「25005.68」 among English and Chinese words);
    any other note translated as a message."""
    lapse = LAPSE_NOTE.fullmatch(note)
    if lapse is not None:
        return Worded(gettext(LAPSE_SHOWN).format(amount=money(lapse["amount"])), LAPSE_SHOWN)
    return worded(note)


def place(where: str) -> str:
    """A problem's place (`row 3`, `分数 row 3`, `column 6`) in the current language;
    any other text (a column's name, a file's) unchanged."""
    for template, regex in LOCATIONS:
        match = re.fullmatch(regex, where, re.S)
        if match is not None:
            return gettext(template).format(**match.groupdict())
    return where


# The placeholders whose value is the ledger's own words, translated into the reader's
# language: a message or several joined by "; " (an OS error, a reviewer's reasons to recuse),
# pydantic's list of choices, or one of the catalogue's words (a leave's kind, an appeal's
# outcome, a role, an import's kind, a category the scheme knows). An allow-list: any other
# value (a path, a database, a person, an id, a department, a fund, a number, a key a person
# typed) is carried into the translation as written, so a database named `pay` is not
# 绩效工资 and a unit named `sick` is not 病. A placeholder that holds a word in one template
# and a typed value in another has a name of its own in each ({leave}, {kind}).
WORDS: Final = frozenset({
    # messages and choices
    "error", "problem", "reason", "reasons", "msg", "expected", "what", "scope",
    # the catalogue's words
    "outcome", "leave", "category", "role", "status", "sheet_kind", "other_kind",
    "rounding", "period_kind", "period_kinds",
    # an entry's kind: an event's class (「是 分数记录，不是 扣分记录」) or an entries
    # sheet's kind (「扣分记录 条目不使用此列」), the ledger's names, never typed
    "found", "entry_type", "entry_kind"})
# The placeholders whose value is a place (`row 3`, `column 6`: LOCATIONS), or else a name as
# written (a column's header, a file).
PLACES: Final = frozenset({"where", "earlier", "row", "column"})
# The same, a list of words joined by ", " ("year, quarter"), each translated.
WORD_LISTS: Final = frozenset({"period_kinds"})


def _listed(value: str) -> str:
    return gettext(", ").join(gettext(word) for word in value.split(", "))


def _value(value: str) -> str:
    """A value that is itself a message or a place, or a list of messages joined by "; "
    (a reviewer's reasons to recuse, "(none)"), reads translated too; any other value is
    kept as is."""
    if (placed := place(value)) != value:
        return placed
    if CHOICES.fullmatch(value):
        choices, last = value.rsplit(" or ", 1)
        return gettext(CHOICE_LIST).format(choices=choices, last=last)
    parts = value.split("; ")
    translated = [translate(part) for part in parts]
    return "；".join(translated) if translated != parts else value


# The ids a refusal offers to choose from ({known}: "quantity", "quality, quantity"):
# the reader must type the id, so it stays beside its name (「工作量（quantity）」); the
# name alone sent a clerk who had typed 工作量 to a list that said 工作量.
IDENTIFIERS: Final = re.compile(r"[A-Za-z][A-Za-z0-9_]*(, [A-Za-z][A-Za-z0-9_]*)*")


def _known(value: str) -> str:
    named = ((gettext(word), word) for word in value.split(", "))
    return gettext(", ").join(word if name == word else f"{name}（{word}）" for name, word in named)


def headline(message: str) -> str:
    """The first line of a refusal listing its problems, translated, without its colon."""
    return translate(message.split("\n", 1)[0].rstrip().rstrip(":"))


def shown(problem: Problem, *, blocked: bool = False) -> Problem:
    """A problem as a person reads it: its place, column and reason translated; `blocked`:
    one of a blocked period's, its field named (BLOCKED_FIELDS)."""
    return replace(problem, where=place(problem.where),
                   field=_field(problem.field, blocked=blocked),
                   reason=translate(problem.reason))


def _field(field: str, *, blocked: bool) -> str:
    if field in FIELD_NAMES:
        return gettext(FIELD_NAMES[field])
    if blocked and field in BLOCKED_FIELDS:
        return gettext(BLOCKED_FIELDS[field])
    if blocked and field in BLOCKED_WORDS:
        return str(translations(current_language()).pgettext(FIELD_CONTEXT,
                                                             BLOCKED_WORDS[field]))
    return place(field)


# A refusal's lines with the reader's colon (「第 2 行：项目：…」), every verb's alike (`apply`,
# `import`, a blocked period); English keeps its ASCII colon.
WORDED_LINE: Final = N_("{where}: {field}: {reason}")
WORDED_PLACE: Final = N_("{where}: {reason}")
WORDED_HEADLINE: Final = N_("{headline}:")


def problem_line(problem: Problem, *, blocked: bool = False) -> str:
    problem = shown(problem, blocked=blocked)
    return (gettext(WORDED_LINE) if problem.field else gettext(WORDED_PLACE)).format(
        where=problem.where, field=problem.field, reason=problem.reason)


def refusal(message: str, problems: Sequence[Problem], *, blocked: bool = False) -> str:
    """A refusal as the CLI prints it: the headline, then one problem a line, with the
    reader's colons (WORDED_LINE); `blocked`: a blocked period's (`shown`)."""
    if not problems:
        return translate(message)
    lines = "\n".join(f"  {problem_line(p, blocked=blocked)}" for p in problems)
    return f"{gettext(WORDED_HEADLINE).format(headline=headline(message))}\n{lines}"
