"""A period's payout: a pure function of (facts, scheme), in a fixed order of stages.

Quarter (S11-R09/R10, A-S11-9): `PAYOUT_STAGES`. Year end (S11-R44…R47, A-S11-17/18):
`YEAR_END_STAGES`, Σ quarterly reserves ± adjustments → year-end scores → departments by
annual target score → individuals; a failed assessment is excluded. Both are tuples of
stages of one signature, (context, state) → state, and money is checked to be conserved
after every stage (`stages.check_conservation`), naming the stage that broke it.

Money: every split of a fixed total is a largest-remainder allocation, so it adds up to
the fen; any other computed amount is rounded once, half-up. The statement reconciles
to 0.00 with every retained, banked, drawn, subsidised or undistributed amount named.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from domain.errors import InvalidRequestError, InvariantError, invariant
from domain.facts import Facts
from domain.money import ZERO, calc_context
from domain.periods import Period
from domain.records import mutable_record
from projections.memo import memo_of
from projections.payout.inputs import quarter_people, scheme_or_block
from projections.payout.pool import has_pool
from projections.payout.stages import (
    PAYOUT_STAGES,
    PayoutContext,
    PayoutState,
    Stage,
    run_stages,
)
from projections.payout.statement import (
    CalculationBlockedError,
    DepartmentLine,
    PersonLine,
    Statement,
)

if TYPE_CHECKING:
    from projections.payout.year_end import YEAR_END_STAGES, calculate_year_end


def calculate(facts: Facts, period: Period) -> Statement:
    """The statement of one period, from the facts known and the scheme in force."""
    # Memoised beside the facts (dropped when they change): a report of Q4 computes Q1-Q3
    # for the bank, and restatements, views and diffs ask for the same periods again.
    done: dict[Period, Statement] = memo_of(facts).setdefault("statements", {})
    if period in done:
        return done[period]
    with calc_context():
        if period.kind == "quarter":
            return _QuarterRun(facts, done).statement(period)
        if period.kind == "year_end":
            from projections.payout.year_end import calculate_year_end  # noqa: PLC0415 - see __getattr__

            done[period] = calculate_year_end(facts, period)
            return done[period]
    raise InvalidRequestError(
        f"{period} is a {period.kind}; this scheme pays quarters (2026-Q1) and the "
        "year-end distribution (2026-YE)"
    )


def calculate_quarter(
    facts: Facts, period: Period, bank_before: dict[str, Decimal],
    stages: tuple[Stage, ...] = PAYOUT_STAGES,
) -> Statement:
    scheme = scheme_or_block(facts, period)
    invariant(facts.scheme_event_for(period) is not None,
              "a scheme in force has its adoption event")
    state = run_stages(PayoutContext(facts, period, scheme, bank_before), stages)
    if state.statement is None:
        raise InvariantError(f"{period}: the stages wrote no statement")
    return state.statement


@mutable_record
class _QuarterRun:
    """Quarters of a year depend on each other through the bank, so one run computes
    earlier quarters once and reuses them."""

    facts: Facts
    done: dict[Period, Statement] = field(default_factory=dict)

    def statement(self, period: Period) -> Statement:
        if period not in self.done:
            self.done[period] = calculate_quarter(self.facts, period, self._bank_before(period))
        return self.done[period]

    def _bank_before(self, period: Period) -> dict[str, Decimal]:
        """Each department's same-year bank on entering the period (forward-only)."""
        bank: dict[str, Decimal] = defaultdict(lambda: ZERO)
        for earlier in period.previous_in_year():
            if not has_pool(self.facts, earlier):
                continue  # not run in this ledger: no bank movement
            bank.update(self._bank_after(earlier))
        return dict(bank)

    def _bank_after(self, period: Period) -> Mapping[str, Decimal]:
        """Each department's bank on leaving the period: from its statement, or carried
        in (CARRIED_BANKS) when the period was not computed on these facts."""
        if period not in self.done:
            carried: Callable[[Period], Mapping[str, Decimal] | None] | None = (
                memo_of(self.facts).get(CARRIED_BANKS))
            known = None if carried is None else carried(period)
            if known is not None:
                return known
        return {d.department_id: d.bank_after_cny for d in self.statement(period).departments}


# The memo (projections.memo) of a function period → each department's bank on leaving
# that quarter, or None: a what-if's facts, whose earlier quarters the new events cannot
# move, read the banks from the statements already stored for them instead of computing
# those quarters again (projections.whatif.carry_banks).
CARRIED_BANKS = "carried-banks"


__all__ = [
    "CARRIED_BANKS",
    "PAYOUT_STAGES",
    "YEAR_END_STAGES",
    "CalculationBlockedError",
    "DepartmentLine",
    "PayoutContext",
    "PayoutState",
    "PersonLine",
    "Stage",
    "Statement",
    "calculate",
    "calculate_quarter",
    "calculate_year_end",
    "quarter_people",
    "scheme_or_block",
]


def __getattr__(name: str) -> Any:
    """`YEAR_END_STAGES` and `calculate_year_end`, imported with the first year-end
    asked for: a quarter's report (every what-if of a quarter) never needs them."""
    if name in ("YEAR_END_STAGES", "calculate_year_end"):
        from projections.payout import year_end  # noqa: PLC0415

        return getattr(year_end, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
