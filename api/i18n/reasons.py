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
    N_("{leave} leave in the period: no performance pay"),
    N_("away for {leave} {first}…{last}: paid by the hospital at {rate} % of "
       "same-level pay"),
    N_("away for {leave} {first}…{last}: not paid"),
    # A statement's notes (projections/payout/stages.py, year_end.py), hashed with it
    # like the reasons, and shown under a payout (CLI and page) in the reader's words.
    N_("scheme {scheme} ({source})"),
)
# The reasons the ledger writes on an entry itself: a decided appeal's correction
# (domain/appeals.py; the outcome inside it is a value translated below), a derived fact
# and its withdrawal (domain/derived_facts.py), the demo's close (api/usecases/demo_accounts.py).
# Where an entry's reason is shown (a diff, a grade's history) only these are translated
# (`messages.entry_reason`): a reason a person typed is shown as typed, in every language,
# so a void "late" is not 逾期 and a "sick" one is not 病.
LEDGER_REASONS: Final = (
    N_("appeal {appeal} level {level}: {outcome}"),
    N_("appeal {appeal} level {level}: {outcome}: deduction doubled"),
    N_("derived by policy {policy}: {name}"),
    N_("no longer derived by {scheme} {policy}: the facts it was derived from changed"),
    N_("trigger revoked: {entries}"),
    N_("demo: two-person close"),
)
# The year end's note as projections/payout/stages.py words it (hashed, so it keeps its
# bilingual words and its plain amount), read as the pattern below, and as a person reads
# it: one language, the amount as money (api/i18n/messages.py, `statement_note`).
LAPSE_NOTE: Final = re.compile(
    r"bank lapsing at year end \(超年度无效\): (?P<amount>-?[0-9]+\.[0-9]{2})")
LAPSE_SHOWN: Final = N_("the bank's balance lapsing at the year end: {amount}")
# An appeal's outcomes, as such a reason names them.
APPEAL_OUTCOMES: Final = (N_("uphold"), N_("change"), N_("revoke"))
