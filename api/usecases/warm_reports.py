"""Reports answered from the warm statements view alone, for a process that has nothing
else to do: the store owner's payout of a period (the command line's `jixiao payout`).
None means "not from the view" and the caller runs `api.usecases.reports.payout`, which
gives the same answer the long way (a view to catch up, a row to recompute, a what-if,
an as-of, a user's scope, an access to log)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from domain.periods import Period

if TYPE_CHECKING:
    from api.storage.warm_view import WarmStatement


def owner_payout(read: Callable[[str], WarmStatement | None],
                 period_text: str) -> dict[str, Any] | None:
    """`reports.payout` for the store's owner (no user: nothing scoped, no access logged)
    with no as-of, what-if or figures, when the view can answer it unchanged."""
    try:
        period = Period.parse(period_text)
    except ValueError:
        return None  # the full path names the mistake
    found = read(str(period))
    if found is None:
        return None
    statement: dict[str, Any] = json.loads(found.body)
    if found.invalid_entries:  # as reports.payout names them: beside, not folded in
        statement = {**statement, "invalid_entries": found.invalid_entries}
    return statement
