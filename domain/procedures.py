"""The procedures around results (issue 15): the working-day calendar a ledger knows, a
scheme's procedural settings, and the checks the procedure facts of
domain/procedure_events.py pass before they are written.

Publicity (公示) runs for the scheme's number of days from the day after it opens; an
objection is recorded only while it runs and settled on its own (upheld, naming the
entry that corrects the result, or rejected), and the results are made final only after
publicity has ended and every objection is settled (004-S1-R6, 004-S6-R5, 004-S15-R5/R6).
How publicity holds the pay close is in domain/publicity.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date
from typing import Any

from domain.calendar import HolidayNotice, WorkingCalendar, add_days
from domain.errors import DomainError
from domain.events import AppealDecided, EntryVoided, LedgerEvent, SchemeAdopted
from domain.facts import Facts
from domain.grading import GradingPeriod, GradingScheme
from domain.procedure_events import (
    DecisionDelivered,
    HolidayNoticeRecorded,
    ObjectionRecorded,
    ObjectionSettled,
    OutsideResultRecorded,
    PublicityOpened,
    ResultsFiled,
    ResultsMadeFinal,
)
from domain.procedure_rules import Deadline, settings_of
from domain.sanctions import ReviewDecided, SanctionRecorded
from domain.scheme_kinds import parse_scheme

# The procedure facts' uniqueness shapes are registered by domain/validation.py: this
# module is imported with the first procedure entry checked, later than a fold of them.

DECISIONS = (SanctionRecorded, AppealDecided, ReviewDecided)
Problem = Callable[[str, str], None]


class _LedgerNotices(Mapping[int, HolidayNotice]):
    """The live holiday notices of a ledger, read a year at a time (a notice carries
    `year`, so the facts' year index finds it without a scan of every fact)."""

    def __init__(self, events: Callable[[int], Sequence[LedgerEvent]]) -> None:
        self._events = events
        self._read: dict[int, HolidayNotice | None] = {}

    def _notice(self, year: int) -> HolidayNotice | None:
        if year not in self._read:
            found = None
            for event in self._events(year):
                if isinstance(event, HolidayNoticeRecorded):
                    found = HolidayNotice(event.year, frozenset(event.holidays),
                                          frozenset(event.workdays), event.notice)
            self._read[year] = found
        return self._read[year]

    def __getitem__(self, year: int) -> HolidayNotice:
        notice = self._notice(year)
        if notice is None:
            raise KeyError(year)
        return notice

    def __iter__(self) -> Iterator[int]:
        return iter(sorted(y for y in range(2000, 2100) if self._notice(y) is not None))

    def __len__(self) -> int:
        return sum(1 for _ in self)


def calendar_of(facts: Facts, extra: Sequence[LedgerEvent] = ()) -> WorkingCalendar:
    """The statutory calendar with the notices recorded in the ledger (and in a batch
    being checked, `extra`)."""
    def events(year: int) -> list[LedgerEvent]:
        return [*facts.in_year(year), *(e for e in extra if getattr(e, "year", None) == year)]
    return WorkingCalendar(_LedgerNotices(events))


def grading_scheme(facts: Facts, rulebook: str, day: date) -> GradingScheme | None:
    """The version of grading scheme `rulebook` in force on `day` (else its first)."""
    versions = [e for e in facts.index.schemes
                if isinstance(e, SchemeAdopted) and e.scheme_id == rulebook
                and e.document.get("kind") == "grading"]
    if not versions:
        return None
    in_force = [e for e in versions if e.effective_from <= day] or versions[:1]
    event = in_force[-1]
    if event.originator_id not in facts.index.parsed:
        facts.index.parsed[event.originator_id] = parse_scheme(event.document)
    scheme = facts.index.parsed[event.originator_id]
    return scheme if isinstance(scheme, GradingScheme) else None


def delivery_rule(scheme: Any) -> Deadline | None:
    """The delivery deadline of a scheme's written decisions: its own setting, else its
    sanction procedure's (ZC TIM-02)."""
    settings = settings_of(scheme)
    if settings is not None and settings.delivery is not None:
        return settings.delivery
    procedure = getattr(scheme, "procedure", None)
    if procedure is None:
        return None
    return Deadline(days=procedure.delivery_working_days, unit="working",
                    ref=procedure.delivery_ref)


def publicity_end(rule: Deadline, opened_on: date, calendar: WorkingCalendar) -> date:
    """The last day of publicity: N days after the day it opened (AMB-07)."""
    return add_days(opened_on, rule.days, rule.unit, calendar)


def _live(facts: Facts, batch: Sequence[LedgerEvent], kind: type[LedgerEvent],
          rulebook: str, period: str) -> LedgerEvent | None:
    found = None
    for event in (*facts.live.values(), *batch):
        if isinstance(event, kind) and getattr(event, "rulebook", None) == rulebook and (
                getattr(event, "grading_period", None) == period):
            found = event
    return found


def check_procedure_entry(facts: Facts, batch: Sequence[LedgerEvent], event: LedgerEvent,
                          problem: Problem) -> None:
    """Problems with one procedure fact; `batch` holds the ones already checked."""
    try:
        if isinstance(event, DecisionDelivered):
            _check_delivery(facts, event, problem)
        elif isinstance(event, ObjectionSettled):
            _check_settlement(facts, batch, event, problem)
        elif isinstance(event, ResultsFiled | PublicityOpened | ObjectionRecorded
                        | ResultsMadeFinal | OutsideResultRecorded):
            _check_results(facts, batch, event, problem)
    except DomainError as error:  # a day in a year no calendar knows
        problem("", str(error))

# The problems of a procedure fact, in English: worded where they are shown
# (api/i18n/error_templates.py).
NO_LIVE_DECISION = ("no live decision {decision} (a sanction, an appeal decision or a "
                    "review decision)")
DELIVERED_BEFORE = "delivered before the decision of {decided_on}"
NO_GRADING_SCHEME = "no grading scheme {rulebook} is adopted"
NO_PUBLICITY = "the scheme {rulebook} states no publicity"
NO_LIVE_OBJECTION = "no live objection {objection}"
SETTLED_BEFORE = "settled before the objection was received on {received_on}"
ALREADY_FINAL = ("the results of {rulebook} {period} are already final: an objection is "
                 "settled before they are made final")
NOT_A_CORRECTION = ("{correction} is not a live correction (a void_entry or a superseding "
                    "entry)")
OTHER_SUBJECT = "the correction is about {subject}, the objection about {objected}"


def _check_delivery(facts: Facts, event: DecisionDelivered, problem: Problem) -> None:
    target = facts.live.get(event.target_id)
    if not isinstance(target, DECISIONS):
        problem("target_id", NO_LIVE_DECISION.format(decision=event.target_id))
        return
    decided_on: date = target.decided_on
    if event.delivered_on < decided_on:
        problem("delivered_on", DELIVERED_BEFORE.format(decided_on=decided_on))


def _check_results(facts: Facts, batch: Sequence[LedgerEvent], event: Any,
                   problem: Problem) -> None:
    period = GradingPeriod.parse(event.grading_period)
    rulebook = event.rulebook
    if rulebook is None:
        return
    scheme = grading_scheme(facts, rulebook, period.first_day)
    if scheme is None:
        problem("rulebook", NO_GRADING_SCHEME.format(rulebook=repr(rulebook)))
        return
    settings = settings_of(scheme)
    publicity = settings.publicity if settings else None
    if isinstance(event, PublicityOpened) and publicity is None:
        problem("rulebook", NO_PUBLICITY.format(rulebook=rulebook))
    if isinstance(event, ObjectionRecorded | ResultsMadeFinal) and publicity is not None:
        _check_publicity(facts, batch, event, publicity, problem)


def _check_publicity(facts: Facts, batch: Sequence[LedgerEvent], event: Any,
                     rule: Deadline, problem: Problem) -> None:
    opened = _live(facts, batch, PublicityOpened, event.rulebook, event.grading_period)
    what = f"{event.rulebook} {event.grading_period}"
    if not isinstance(opened, PublicityOpened):
        problem("grading_period", f"{what} 的结果尚未公示；须公示 {rule.text()} 后方可"
                f"{'提出异议' if isinstance(event, ObjectionRecorded) else '定稿'}。 "
                f"The results of {what} have not been made public yet (open_publicity).")
        return
    end = publicity_end(rule, opened.opened_on, calendar_of(facts, batch))
    if isinstance(event, ObjectionRecorded) and not (
            opened.opened_on <= event.received_on <= end):
        problem("received_on", f"异议须在公示期内提出（{opened.opened_on} 至 {end}）。 "
                f"An objection is recorded while the results are public "
                f"({opened.opened_on} to {end}).")
    if isinstance(event, ResultsMadeFinal):
        _check_objections_settled(facts, batch, event, problem)
    if isinstance(event, ResultsMadeFinal) and event.final_on <= end:
        problem("final_on", f"公示期尚未结束：{what} 自 {opened.opened_on} 起公示 "
                f"{rule.text()}，至 {end} 结束，{end} 之后方可定稿。 Publicity of {what} "
                f"runs until {end}; the results are made final after it has ended.")


def _known(facts: Facts, batch: Sequence[LedgerEvent], entry_id: Any) -> LedgerEvent | None:
    return facts.live.get(entry_id) or next(
        (e for e in batch if e.originator_id == entry_id), None)


def unsettled_objections(facts: Facts, batch: Sequence[LedgerEvent], rulebook: str,
                         period: str) -> list[ObjectionRecorded]:
    """The objections to a rulebook's results for a period that no settlement answers."""
    settled = {e.objection_id for e in (*facts.live.values(), *batch)
               if isinstance(e, ObjectionSettled)}
    return [o for o in (*facts.live.values(), *batch) if isinstance(o, ObjectionRecorded)
            and (o.rulebook, o.grading_period) == (rulebook, period)
            and o.originator_id not in settled]


def _check_objections_settled(facts: Facts, batch: Sequence[LedgerEvent],
                              event: ResultsMadeFinal, problem: Problem) -> None:
    open_ = unsettled_objections(facts, batch, event.rulebook, event.grading_period)
    if open_:
        ids = "、".join(str(o.originator_id) for o in open_)
        problem("grading_period", f"{event.rulebook} {event.grading_period} 有 {len(open_)} "
                f"项异议尚未处理（{ids}）；先逐项处理（jixiao procedures settle），再定稿。 "
                f"{len(open_)} objection(s) are not settled yet (settle_objection).")


def _check_settlement(facts: Facts, batch: Sequence[LedgerEvent], event: ObjectionSettled,
                      problem: Problem) -> None:
    objection = _known(facts, batch, event.objection_id)
    if not isinstance(objection, ObjectionRecorded):
        problem("objection_id", NO_LIVE_OBJECTION.format(objection=event.objection_id))
        return
    if event.settled_on < objection.received_on:
        problem("settled_on", SETTLED_BEFORE.format(received_on=objection.received_on))
    final = _live(facts, batch, ResultsMadeFinal, objection.rulebook, objection.grading_period)
    if final is not None:
        problem("objection_id", ALREADY_FINAL.format(
            rulebook=objection.rulebook, period=objection.grading_period))
    if event.correction_id is None:
        return
    correction = _known(facts, batch, event.correction_id)
    if correction is None or not (isinstance(correction, EntryVoided)
                                  or correction.supersedes is not None):
        problem("correction_id", NOT_A_CORRECTION.format(correction=event.correction_id))
        return
    corrected = (facts.events.get(correction.target_id)
                 if isinstance(correction, EntryVoided) else correction)
    subject = getattr(corrected, "subject_id", objection.subject_id)
    if subject != objection.subject_id:
        problem("correction_id", OTHER_SUBJECT.format(
            subject=subject, objected=objection.subject_id))


def delivered_on(facts: Facts, decision: LedgerEvent) -> tuple[date | None, str | None]:
    """When a written decision reached its subject, and the entry saying so: a recorded
    delivery, else the day written on the decision itself (a sanction's `delivered_on`)."""
    holder = facts.unique.get(("delivery", decision.originator_id))
    event = facts.live.get(holder) if holder is not None else None
    if isinstance(event, DecisionDelivered):
        return event.delivered_on, str(event.originator_id)
    own = getattr(decision, "delivered_on", None)
    return (own, str(decision.originator_id)) if isinstance(own, date) else (None, None)
