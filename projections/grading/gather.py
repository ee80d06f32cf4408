"""Collect: the live grading facts, indexed once for a run, and the scheme in force."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from domain.errors import InvalidRequestError, NotFoundError
from domain.events import LedgerEvent, SchemeAdopted
from domain.facts import Facts
from domain.grading import GradingPeriod, GradingScheme
from domain.records import mutable_record
from domain.sanctions import (
    BallotCast,
    ComplaintRecorded,
    GradeInputRecorded,
    GradeProposed,
    PayBaseRecorded,
    ReviewDecided,
    ReviewRequested,
    SanctionRecorded,
    SubjectEnrolled,
    TieBreakRecorded,
)
from domain.scheme import GRADING_KIND
from domain.scheme_kinds import parse_scheme


@mutable_record
class GradingFacts:
    """The live grading facts, indexed once for a run."""

    subjects: dict[str, SubjectEnrolled]
    inputs: dict[tuple[str, str, str], list[GradeInputRecorded]]
    pay_bases: dict[tuple[str, str, str], list[PayBaseRecorded]]
    proposals: dict[tuple[str, str, str, str], GradeProposed]
    sanctions: dict[str, list[SanctionRecorded]]
    complaints: dict[str, list[ComplaintRecorded]]
    tie_breaks: list[TieBreakRecorded]
    ballots: list[BallotCast]
    reviews: list[LedgerEvent]

    @staticmethod
    def build(facts: Facts) -> GradingFacts:
        g = GradingFacts({}, defaultdict(list), defaultdict(list), {}, defaultdict(list),
                         defaultdict(list), [], [], [])
        for event in facts.live.values():
            g._take(event)
        return g

    def _take(self, event: LedgerEvent) -> None:
        if isinstance(event, SubjectEnrolled):
            self.subjects[event.subject_id] = event
        elif isinstance(event, GradeInputRecorded):
            self.inputs[(event.subject_id, event.grading_period, event.component)].append(event)
        elif isinstance(event, PayBaseRecorded):
            self.pay_bases[(event.subject_id, event.grading_period, event.component)].append(
                event)
        elif isinstance(event, GradeProposed):
            self.proposals[(event.rulebook, event.pipeline, event.subject_id,
                            event.grading_period)] = event
        elif isinstance(event, SanctionRecorded):
            self.sanctions[event.subject_id].append(event)
        elif isinstance(event, ComplaintRecorded):
            self.complaints[event.subject_id].append(event)
        elif isinstance(event, TieBreakRecorded):
            self.tie_breaks.append(event)
        elif isinstance(event, BallotCast):
            self.ballots.append(event)
        elif isinstance(event, ReviewRequested | ReviewDecided):
            self.reviews.append(event)


def grading_schemes_in_force(facts: Facts, period: GradingPeriod
                             ) -> dict[str, tuple[SchemeAdopted, GradingScheme]]:
    """Scheme id → (adoption, scheme) of each grading scheme in force on the period's
    first day: the version with the latest effective_from on or before it."""
    found: dict[str, tuple[tuple[date, int], SchemeAdopted]] = {}
    for event in facts.live.values():
        if not isinstance(event, SchemeAdopted) or event.document.get("kind") != GRADING_KIND:
            continue
        if event.effective_from > period.first_day:
            continue
        key = (event.effective_from, event.version)
        current = found.get(event.scheme_id)
        if current is None or key > current[0]:
            found[event.scheme_id] = (key, event)
    return {scheme_id: (event, _parse(facts, event))
            for scheme_id, (_, event) in sorted(found.items())}


def _parse(facts: Facts, event: SchemeAdopted) -> GradingScheme:
    parsed: dict[Any, Any] = facts.index.parsed
    if event.originator_id not in parsed:
        parsed[event.originator_id] = parse_scheme(event.document)
    scheme: GradingScheme = parsed[event.originator_id]
    return scheme


def choose_scheme(facts: Facts, period: GradingPeriod, scheme_id: str | None
                  ) -> tuple[SchemeAdopted, GradingScheme]:
    schemes = grading_schemes_in_force(facts, period)
    if scheme_id is not None:
        if scheme_id not in schemes:
            raise NotFoundError(f"no grading scheme {scheme_id!r} in force in {period}; in force: "
                                f"{', '.join(schemes) or '(none)'}")
        return schemes[scheme_id]
    if not schemes:
        raise NotFoundError(f"no grading scheme is in force in {period}; adopt one first")
    if len(schemes) > 1:
        raise InvalidRequestError(f"{len(schemes)} grading schemes are in force in {period}: "
                                  f"{', '.join(schemes)}; choose one with --scheme")
    return next(iter(schemes.values()))
