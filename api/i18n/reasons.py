"""Why a person takes no part in a period's scoring, as templates for
api/i18n/messages.py, which says them in the reader's language.

The statement keeps the reason as projections/scoring.py words it, in English: the
canonical JSON of a closed period is hashed, so its bytes never change with the reader.
A shell shows it through `messages.translate`; the leave kind inside a reason is a
message of its own (below), translated as the value it is."""

from __future__ import annotations

import re
from typing import Final

from api.i18n import N_

# The leave kinds of the shipped schemes, as a reason names them.
LEAVE_KINDS: Final = (N_("sick"), N_("maternity"), N_("personal"), N_("study"),
                      N_("training"))
REASON_TEMPLATES: Final = (
    N_("lump-sum wage: no performance pay"),
    N_("on probation until {date}: no performance pay"),
    N_("{kind} leave in the period: no performance pay"),
    N_("away for {kind} {first}…{last}: paid by the hospital at {rate} % of "
       "same-level pay"),
    N_("away for {kind} {first}…{last}: not paid"),
    # The reason a decided appeal's correction records (domain/appeals.py), as the
    # appeals desk and a diff show it; the outcome inside it is a value translated below.
    N_("appeal {appeal} level {level}: {outcome}"),
    # A statement's notes (projections/payout/stages.py, year_end.py), hashed with it
    # like the reasons, and shown under a payout (CLI and page) in the reader's words.
    N_("scheme {scheme} ({source})"),
)
# The year end's note as projections/payout/stages.py words it (hashed, so it keeps its
# bilingual words and its plain amount), read as the pattern below, and as a person reads
# it: one language, the amount as money (api/i18n/messages.py, `statement_note`).
LAPSE_NOTE: Final = re.compile(
    r"bank lapsing at year end \(超年度无效\): (?P<amount>-?[0-9]+\.[0-9]{2})")
LAPSE_SHOWN: Final = N_("the bank's balance lapsing at the year end: {amount}")
# An appeal's outcomes, as such a reason names them.
APPEAL_OUTCOMES: Final = (N_("uphold"), N_("change"), N_("revoke"))
