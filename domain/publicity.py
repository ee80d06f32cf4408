"""The pay close waits for the publicity (公示) a scheme requires (004-S1-R6, 004-S6-R5,
004-S15-R6, S18-R16: results are final only after publicity).

A scheme that states publicity requires it for every period its pipelines grade and the
ledger holds results for (grade inputs, pay bases, proposed grades, ballots). That
publicity holds the close of the pay period the results are paid in: the one containing
the graded period's last day. So a graded quarter holds its quarter, or the month that
ends it; a graded year holds its fourth quarter, its December, the year and its year-end
distribution, whichever the organisation pays in.

A close is held while such publicity was never opened, still runs on the close day, or
has ended with objections that no settlement (domain/procedures.py) has answered.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from domain.errors import InvalidRequestError
from domain.facts import Facts
from domain.grading import GradingPeriod, GradingScheme
from domain.periods import Period
from domain.procedure_events import PublicityOpened, ResultsMadeFinal
from domain.procedure_rules import Deadline, settings_of
from domain.procedures import (
    calendar_of,
    grading_scheme,
    publicity_end,
    unsettled_objections,
)
from domain.records import frozen_record
from domain.sanctions import BallotCast, GradeInputRecorded, GradeProposed, PayBaseRecorded

RESULT_FACTS = (GradeInputRecorded, PayBaseRecorded, GradeProposed, BallotCast)
HoldState = Literal["not_opened", "running", "objections"]


class PublicityPendingError(InvalidRequestError):
    """A close refused because results paid in it are not yet past their publicity."""

    code = "publicity_pending"


@frozen_record
class PublicityHold:
    """Publicity of one scheme's results for one graded period that the close waits for."""

    rulebook: str
    grading_period: str
    rule: Deadline
    state: HoldState
    opened_on: date | None = None
    ends_on: date | None = None
    objections: int = 0  # recorded and not settled


def pays_in(period: Period, graded: GradingPeriod) -> bool:
    """Whether results for `graded` are paid in pay period `period`: it holds their last
    day (a year's results in Q4, December, the year or its year end)."""
    return period.first_day <= graded.last_day <= period.last_day


def _result_periods(scheme: GradingScheme, held: GradingPeriod) -> set[GradingPeriod]:
    """The periods the scheme's pipelines grade that a fact for `held` feeds."""
    year = GradingPeriod(held.year, "year", 1)
    return {graded for kind in {p.period for p in scheme.pipelines}
            for graded in (year, *year.sub_periods(kind)) if graded.kind == kind
            and graded.first_day <= held.first_day and held.last_day <= graded.last_day}


def required_publicity(facts: Facts, period: Period) -> set[tuple[str, str]]:
    """(rulebook, graded period) of every result paid in `period` whose scheme requires
    publicity: a result exists once the ledger holds a fact the scheme grades it from."""
    grading_books = sorted({e.scheme_id for e in facts.index.schemes
                            if e.document.get("kind") == "grading"})
    if not any("publicity" in (e.document.get("procedures") or {})
               for e in facts.index.schemes):
        return set()  # no scheme states publicity: nothing to look for
    seen: dict[tuple[str, str], set[tuple[str, str]]] = {}
    for event in facts.live.values():
        if not isinstance(event, RESULT_FACTS) or not event.grading_period.startswith(
                str(period.year)):
            continue
        for book in (event.rulebook,) if event.rulebook else grading_books:
            if (book, event.grading_period) not in seen:
                seen[(book, event.grading_period)] = _results_paid_in(
                    facts, period, book, GradingPeriod.parse(event.grading_period))
    return set().union(*seen.values())


def _results_paid_in(facts: Facts, period: Period, book: str, held: GradingPeriod
                     ) -> set[tuple[str, str]]:
    scheme = grading_scheme(facts, book, held.first_day)
    settings = settings_of(scheme)
    if scheme is None or settings is None or settings.publicity is None:
        return set()
    return {(book, str(g)) for g in _result_periods(scheme, held) if pays_in(period, g)}


def publicity_holds(facts: Facts, period: Period, today: date) -> list[PublicityHold]:
    """The publicity that holds the close of pay period `period` on `today`. A day in a
    year no calendar knows is refused (CalendarUnknownError), never guessed."""
    wanted = required_publicity(facts, period) | {
        (e.rulebook, e.grading_period) for e in facts.live.values()
        if isinstance(e, PublicityOpened)
        and pays_in(period, GradingPeriod.parse(e.grading_period))}
    calendar = calendar_of(facts)
    holds = []
    for book, graded_text in sorted(wanted):
        graded = GradingPeriod.parse(graded_text)
        settings = settings_of(grading_scheme(facts, book, graded.first_day))
        if settings is None or settings.publicity is None:
            continue
        rule = settings.publicity
        key = ("publicity", book, graded_text)
        opened = facts.live.get(facts.unique[key]) if key in facts.unique else None
        if not isinstance(opened, PublicityOpened):
            holds.append(PublicityHold(book, graded_text, rule, "not_opened"))
            continue
        end = publicity_end(rule, opened.opened_on, calendar)
        final = facts.unique.get(("final", book, graded_text))
        made_final = final is not None and isinstance(facts.live.get(final), ResultsMadeFinal)
        # Results made final before objections had settlements of their own settled them.
        objections = 0 if made_final else len(
            unsettled_objections(facts, (), book, graded_text))
        if today <= end or objections:
            holds.append(PublicityHold(book, graded_text, rule,
                                       "running" if today <= end else "objections",
                                       opened.opened_on, end, objections))
    return holds


def check_close_after_publicity(facts: Facts, period: Period, today: date) -> None:
    """Refuse the close of `period` while results paid in it are not past the publicity
    their scheme requires: never opened, still running, or with unsettled objections."""
    holds = publicity_holds(facts, period, today)
    if not holds:
        return
    raise PublicityPendingError(
        f"{period} 暂不能结账：" + "；".join(_hold_zh(h) for h in holds) + "。 "
        + f"{period} cannot be closed yet: " + "; ".join(_hold_en(h) for h in holds) + ".")


def _hold_zh(hold: PublicityHold) -> str:
    what = f"{hold.rulebook} {hold.grading_period} 的考核结果"
    if hold.state == "not_opened":
        return (f"{what}须公示 {hold.rule.text()} 后方可结账，但尚未公示；先公示（jixiao "
                f"procedures publicize --rulebook {hold.rulebook} --period "
                f"{hold.grading_period} --on 日期），公示期满后再结账")
    if hold.state == "running":
        return (f"{what}自 {hold.opened_on} 起公示 {hold.rule.text()}，公示期至 {hold.ends_on} "
                f"结束，{hold.ends_on} 之后方可结账")
    return (f"{what}公示期已于 {hold.ends_on} 结束，但有 {hold.objections} 项异议尚未处理；"
            "逐项处理异议（jixiao procedures settle）并定稿后方可结账")


def _hold_en(hold: PublicityHold) -> str:
    what = f"the results of {hold.rulebook} {hold.grading_period}"
    if hold.state == "not_opened":
        return f"{what} must be made public first ({hold.rule.ref}; open_publicity)"
    if hold.state == "running":
        return f"{what} are public until {hold.ends_on} ({hold.rule.ref})"
    return (f"publicity of {what} ended on {hold.ends_on} with {hold.objections} "
            "objection(s) not settled (settle_objection)")
