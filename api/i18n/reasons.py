"""Why a person takes no part in a period's scoring, in the reader's language.

The statement keeps the reason as projections/scoring.py words it, in English: the
canonical JSON of a closed period is hashed, so its bytes never change with the reader.
A shell shows the reason through `reason_text`, which recognises each wording the
projection produces and says it again in the current language (Chinese by default);
a reason it does not recognise (one from a later version) is shown as written."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final

from api.i18n import N_, gettext

_KINDS: Final[dict[str, str]] = {
    "sick": N_("sick"), "maternity": N_("maternity"), "personal": N_("personal"),
    "study": N_("study"), "training": N_("training"),
}
_LUMP_SUM = N_("lump-sum wage: no performance pay")
_PROBATION = N_("on probation until {date}: no performance pay")
_LEAVE = N_("{kind} leave in the period: no performance pay")
_AWAY_PAID = N_("away for {kind} {first}…{last}: paid by the hospital at {rate} % of "
                "same-level pay")
_AWAY_UNPAID = N_("away for {kind} {first}…{last}: not paid")


def _kind(code: str) -> str:
    return gettext(_KINDS[code]) if code in _KINDS else code


_DATE = r"(\d{4}-\d{2}-\d{2})"
_PATTERNS: Final[tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...]] = (
    (re.compile(re.escape(_LUMP_SUM)), lambda m: gettext(_LUMP_SUM)),
    (re.compile(rf"on probation until {_DATE}: no performance pay"),
     lambda m: gettext(_PROBATION).format(date=m[1])),
    (re.compile(r"(\w+) leave in the period: no performance pay"),
     lambda m: gettext(_LEAVE).format(kind=_kind(m[1]))),
    (re.compile(rf"away for (\w+) {_DATE}…{_DATE}: paid by the hospital at (\S+) % of "
                r"same-level pay"),
     lambda m: gettext(_AWAY_PAID).format(kind=_kind(m[1]), first=m[2], last=m[3],
                                          rate=m[4])),
    (re.compile(rf"away for (\w+) {_DATE}…{_DATE}: not paid"),
     lambda m: gettext(_AWAY_UNPAID).format(kind=_kind(m[1]), first=m[2], last=m[3])),
)


def reason_text(reason: str) -> str:
    """The statement's exclusion reason in the current language ("" stays "")."""
    for pattern, words in _PATTERNS:
        match = pattern.fullmatch(reason)
        if match is not None:
            return words(match)
    return reason
