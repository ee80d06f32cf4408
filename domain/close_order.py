"""Periods close in order: a quarter after the earlier quarters of its year, the year end
after all four (of those with a pool declared; a quarter without one has nothing to
close). One rule for the close itself (domain.validation) and for the preparation of a
two-person close (api.usecases.closing), so a preparation the close would refuse is
refused when it is requested, not at the approval."""

from __future__ import annotations

from collections.abc import Collection

from domain.events import PoolDeclared
from domain.facts import Facts
from domain.periods import Period


def declared_pools(facts: Facts) -> set[str]:
    return {e.period for e in facts.live.values() if isinstance(e, PoolDeclared)}


def open_before(facts: Facts, period: Period, closed: Collection[str]) -> list[str]:
    """The periods that must close before `period` and are still open, oldest first."""
    pools = declared_pools(facts)
    earlier = period.previous_in_year() if period.kind == "quarter" else \
        period.quarters_of_year()
    return [str(p) for p in earlier if str(p) in pools and str(p) not in closed]
