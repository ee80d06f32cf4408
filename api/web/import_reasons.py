"""A refused upload's (or download's) reasons as the clerk on the page reads them. The page names
each problem's row and column already; what a clerk cannot act on is left out: the id of
the entry that holds a value, department ids, and the command names (hire_employee,
record_score) meant for the command line and the API, whose texts stay as they are."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from functools import cache
from typing import Final

from api.i18n import N_, gettext
from api.i18n.messages import FIELD_NAMES, Worded, shown, worded
from api.web.templating import sentence
from domain.errors import Problem

# The domain's English reason (as raised; not a text shown) → the page's words.
CLERK: Final = (
    ("already recorded ({what}) by entry {holder}; to change it, supersede that entry with "
     "a reason",
     N_("this is recorded already; to change it, correct the entry with a reason on the "
        "entry page")),
    ("unknown employee {employee}; hire them first",
     N_("{employee} is not on the roster; the roster is imported first")),
    ("{employee} is in {department}, not in a department you head ({heads})",
     N_("{employee} is not in a department you head; their department or the finance "
        "office imports this row")),
    ("{role} may not issue {kind} (issued by: {who})",
     N_("your role may not import this kind of row")),
)
# A field the ledger names, as the clerk's column is headed.
# (the bank file's refusals and their columns are the shared ones, api/i18n/messages.py)
FIELDS: Final = {**FIELD_NAMES, "employee_id": N_("employee no.")}
PLACEHOLDER: Final = re.compile(r"\{(\w+)\}")


@cache
def _patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    found = []
    for source, clerk in CLERK:
        pieces = PLACEHOLDER.split(source)  # text, name, text, …: names at odd places
        regex = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)"
                        for i, p in enumerate(pieces))
        found.append((re.compile(regex, re.S), clerk))
    return tuple(found)


def for_clerk(problem: Problem) -> Problem:
    """The problem with its place and column translated and its reason in the page's
    words (the shared translation when the page has none of its own)."""
    found = shown(problem)
    if problem.field in FIELDS:
        found = replace(found, field=gettext(FIELDS[problem.field]))
    return replace(found, reason=_worded(problem.reason).text)


def _worded(reason: str) -> Worded:
    """The reason in the page's words, with the template it is (the page's own, else the
    shared one: api/i18n/messages.py `worded`)."""
    for pattern, clerk in _patterns():
        match = pattern.fullmatch(reason)
        if match is not None:
            first = PLACEHOLDER.match(clerk)
            return Worded(gettext(clerk).format(**match.groupdict()), clerk,
                          None if first is None else match[first[1]])
    return worded(reason)


def grouped(problems: Sequence[Problem], shown_max: int = 10) -> list[Problem]:
    """One line per column and reason, naming the first places ("E0095, E0096 … 114")
    rather than a line a person: a bank file refused for a whole hospital reads at once."""
    places: dict[tuple[str, str], list[str]] = {}
    for problem in problems:
        clerk = for_clerk(problem)
        places.setdefault((clerk.field, clerk.reason), []).append(clerk.where)
    lines = []
    for (field, reason), wheres in places.items():
        where = "、".join(wheres[:shown_max])
        if len(wheres) > shown_max:
            where += " " + gettext(N_("… %(n)s in all")) % {"n": len(wheres)}
        lines.append(Problem(where, field, reason))
    return lines


def clerk_line(problem: Problem) -> Problem:
    """`for_clerk`, its reason beginning a table's cell: in sentence case, an id it begins
    with as the ledger spells it ("late is banded by minutes", not 「Late …」)."""
    reason = _worded(problem.reason)
    return replace(for_clerk(problem), reason=str(sentence(reason.text, reason)))
