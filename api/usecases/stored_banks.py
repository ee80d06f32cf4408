"""A what-if's earlier quarters from the statements view: their banks are read from the
statements stored for them rather than computed again (`projections.whatif.carry_banks`
decides which quarters may be read; this module only reads, and only rows it can trust)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from api.usecases.period_facts import is_now
from api.usecases.ports import Workspace
from domain.errors import DomainError
from domain.facts import Facts
from domain.periods import Period
from projections.whatif import StatementReader


def stored_statements(ws: Workspace, base: Facts | None) -> StatementReader | None:
    """The caught-up view's statements of `base`'s periods, or None when `base` is not
    the ledger as it stands now (as of a time, or a write came in: the rows are of other
    facts)."""
    facts = base if base is not None else ws.facts()
    if not is_now(ws, facts):
        return None
    position = facts.last_position

    def read(period: Period) -> Mapping[str, Any] | None:
        if ws.ledger.max_position() != position:
            return None
        try:
            # Its hash checked against the row's; only the departments parsed (banks_of).
            statement = ws.statement_json(period, departments_only=True)
        except DomainError:
            return None  # blocked: computed (and reported) as without the view
        # A row found edited is recomputed and flagged; a write since makes it another's.
        if "integrity_warning" in statement or ws.ledger.max_position() != position:
            return None
        return statement

    return read
