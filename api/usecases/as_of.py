"""The facts as known at an instant, from the folded facts the session already holds.

Folding the store again for each "as of" read decoded every stored event anew (about 1.7 s
of the auditor's as-of page on the hospital preset). The events known at an instant are
the longest prefix, in notification order, recorded up to it (`Ledger.read` stops at the
first later one), so they are a prefix of the live facts' events: an instant after the
last event is the live facts themselves, an earlier one a fold of that prefix, kept for
the next read at the same position."""

from __future__ import annotations

from datetime import datetime
from itertools import takewhile
from weakref import WeakKeyDictionary

from api.usecases.ports import Workspace, known_as_of
from domain.facts import Facts

# One earlier fold per ledger: an auditor reads several periods as known on one day; a
# fold per position asked would hold a copy of the facts for every day ever asked.
_LAST_FOLD: WeakKeyDictionary[object, tuple[int, int, Facts]] = WeakKeyDictionary()


def facts_known_at(ws: Workspace, moment: datetime) -> Facts:
    """The facts of the events recorded up to `moment` (checked against the ledger's
    window of dates as every read's instant is)."""
    return facts_at(ws, known_as_of(ws, moment))


class KnownAt:
    """`ledger.facts(cutoff=…)` for the projections that take a ledger (a diff's sides),
    answered from the session's facts."""

    def __init__(self, ws: Workspace) -> None:
        self._ws = ws

    def facts(self, cutoff: datetime) -> Facts:
        return facts_at(self._ws, cutoff)


def facts_at(ws: Workspace, cutoff: datetime) -> Facts:
    """The facts of the events recorded up to `cutoff` (an aware instant), unchecked."""
    facts = ws.facts()
    known = list(takewhile(lambda event: event.recorded_at <= cutoff, facts.events.values()))
    if len(known) == len(facts.events):
        return facts
    position = facts.positions[known[-1].originator_id] if known else 0
    cached = _LAST_FOLD.get(ws.ledger)
    if cached is not None and cached[:2] == (id(facts), position):
        return cached[2]
    folded = Facts.fold((facts.positions[event.originator_id], event) for event in known)
    _LAST_FOLD[ws.ledger] = (id(facts), position, folded)
    return folded
