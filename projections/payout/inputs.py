"""What a payout needs before it starts: the scheme in force, and a quarter's individual
scores (which the year end reuses)."""

from __future__ import annotations

from domain.errors import Problem
from domain.facts import Facts
from domain.periods import Period
from domain.scheme import Scheme
from projections.figures import Ledgerbook
from projections.memo import memo_of
from projections.payout.statement import CalculationBlockedError
from projections.scoring import PersonScore, score_people

QUARTER_PEOPLE = "people"


def scheme_or_block(facts: Facts, period: Period) -> Scheme:
    scheme: Scheme | None = facts.scheme_for(period)
    if scheme is None:
        raise CalculationBlockedError(
            str(period), [Problem(str(period), "scheme", "no scheme adopted in force on "
                                  f"{period.first_day}; run adopt_scheme first")])
    return scheme


def quarter_people(facts: Facts, quarter: Period, scheme: Scheme) -> list[PersonScore]:
    """A quarter's individual scores: those its statement computed when it has been
    computed on these facts (memoised, dropped with them), else scored afresh. Scoring
    everyone again for each quarter was half the cost of a catch-up's year end."""
    known: list[PersonScore] | None = memo_of(facts).get(QUARTER_PEOPLE, {}).get(quarter)
    if known is not None:
        return known
    return score_people(facts, quarter, scheme, Ledgerbook())


def remember_quarter_people(facts: Facts, quarter: Period, people: list[PersonScore]) -> None:
    """The year end's mean of quarterly scores reuses these (see `quarter_people`)."""
    memo_of(facts).setdefault(QUARTER_PEOPLE, {})[quarter] = people
