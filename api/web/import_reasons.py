"""A refused upload's reasons as the clerk on the import page reads them. The page names
each problem's row and column already; what a clerk cannot act on is left out: the id of
the entry that holds a value, department ids, and the command names (hire_employee,
record_score) meant for the command line and the API, whose texts stay as they are."""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache
from typing import Final

from api.i18n import N_, gettext
from api.i18n.messages import shown
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
    for pattern, clerk in _patterns():
        match = pattern.fullmatch(problem.reason)
        if match is not None:
            return replace(shown(problem), reason=gettext(clerk).format(**match.groupdict()))
    return shown(problem)
