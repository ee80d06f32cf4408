"""Periods close in order: a quarter after the earlier quarters of its year, the year end
after all four (of those with a pool declared; a quarter without one has nothing to
close). One rule for the close itself (domain.validation) and for the preparation of a
two-person close (api.usecases.closing), so a preparation the close would refuse is
refused when it is requested, not at the approval."""

from __future__ import annotations

from collections.abc import Collection

from domain.facts import Facts
from domain.periods import Period


def has_pool(facts: Facts, period: Period) -> bool:
    """A live pool declared for the period: the fold keeps a period's one pool among its
    unique facts, so this is a lookup, not a pass over every live event (a province's
    close looked through millions)."""
    return ("pool", str(period)) in facts.unique


def open_before(facts: Facts, period: Period, closed: Collection[str]) -> list[str]:
    """The periods that must close before `period` and are still open, oldest first."""
    earlier = period.previous_in_year() if period.kind == "quarter" else \
        period.quarters_of_year()
    return [str(p) for p in earlier if has_pool(facts, p) and str(p) not in closed]
