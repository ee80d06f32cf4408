"""A what-if's people from the statements view: the scores of the period it reports are
read from the statement stored for the facts it starts from, so only the people its batch
concerns are scored again, and only the departments they belong to split again
(`projections.seeded_scores` and `projections.payout.seeded_splits` decide what is taken; this
module only reads, and only a row it can trust)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from api.usecases.period_facts import is_now
from api.usecases.ports import Workspace
from domain.errors import DomainError
from domain.facts import Facts
from domain.periods import Period
from projections.seeded_scores import seed_person_scores


def seed_stored_scores(ws: Workspace, base: Facts, period: Period, *,
                       splits: bool = True) -> int:
    """Seed `base`'s scores of `period` from the caught-up view when its row is of exactly
    these facts (how many people were seeded; 0 leaves everything to be computed), and
    with `splits` its unmoved departments' splits (`seed_person_scores`)."""
    if not is_now(ws, base):
        return 0
    position = base.last_position

    def read() -> Mapping[str, Any] | None:
        if ws.ledger.max_position() != position:
            return None  # a write since: the view's rows are of other facts
        try:
            statement = ws.statement_json(period)  # its hash and a close checked
        except DomainError:
            return None  # blocked: computed (and reported) as without the view
        # A row found edited is recomputed and flagged: its lines are then of the
        # computation, but nothing is saved by trusting them; a write since, another's.
        if "integrity_warning" in statement or ws.ledger.max_position() != position:
            return None
        return statement

    return seed_person_scores(base, period, read, splits=splits)
