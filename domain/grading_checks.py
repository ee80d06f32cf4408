"""Checks of grading entries as a batch is prepared: the subject is enrolled, the kind is
in a scheme's vocabulary, the component is read by a pipeline, an identity is recorded
once, a ballot keeps within its quota, a proposal keeps within its quota among the
subjects known at entry (decided again when the ranking is computed), a review names a
sanction.

The grading view of the facts (`GradingScope`) is built once per batch and kept up to
date as the batch's entries are taken in, so checking a batch is linear in its size.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID

from domain.envelope import LedgerEvent
from domain.grading import GradingPeriod
from domain.grading_quota_entry import check_proposal_quota, quota_limit
from domain.sanctions import (
    GRADING_EVENTS,
    BallotCast,
    ComplaintRecorded,
    DerivedFactRecorded,
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

Problem = Callable[[str, str], None]
_IDENTITY = {
    "SubjectEnrolled": ("subject_id",),
    "GradeInputRecorded": ("subject_id", "grading_period", "component", "rulebook"),
    "PayBaseRecorded": ("subject_id", "grading_period", "component", "rulebook"),
    "GradeProposed": ("subject_id", "grading_period", "rulebook", "pipeline"),
    "TieBreakRecorded": ("rulebook", "pipeline", "grading_period", "scope_value", "grade"),
    "BallotCast": ("rulebook", "grading_period", "rater", "sheet"),
    "SanctionRecorded": ("subject_id",),
    "ComplaintRecorded": ("subject_id",),
    "ReviewRequested": ("target_id",),
}


class GradingScope:
    """The live facts plus the batch checked so far, as the grading checks see them: kept
    as indexes updated entry by entry, so checking a batch stays linear in its size."""

    def __init__(self, facts: Any) -> None:
        self.facts = facts
        self.batch_events: dict[UUID, LedgerEvent] = {}
        self._live: set[UUID] = set()
        self._identities: dict[tuple[Any, ...], UUID] = {}
        self._subjects: dict[str, SubjectEnrolled] = {}
        self._proposals: dict[UUID, GradeProposed] = {}
        self._adoptions: dict[UUID, Any] = {}
        self._schemes: dict[str, list[Any]] | None = None
        self._parsed: dict[UUID, Any] = {}
        for event in facts.live.values():
            self._add(event)

    def _add(self, event: LedgerEvent) -> None:
        self._live.add(event.originator_id)
        key = identity_of(event)
        if key is not None:
            self._identities[key] = event.originator_id
        if isinstance(event, SubjectEnrolled):
            self._subjects[event.subject_id] = event
        elif isinstance(event, GradeProposed):
            self._proposals[event.originator_id] = event
        elif type(event).__name__ == "SchemeAdopted" and (
                event.document.get("kind") == GRADING_KIND):  # type: ignore[attr-defined]
            self._adoptions[event.originator_id] = event
            self._schemes = None

    def _remove(self, entry_id: UUID) -> None:
        if entry_id not in self._live:
            return
        self._live.discard(entry_id)
        event = self.entry(entry_id)
        if event is None:
            return
        key = identity_of(event)
        if key is not None and self._identities.get(key) == entry_id:
            del self._identities[key]
        if isinstance(event, SubjectEnrolled) and (
                self._subjects.get(event.subject_id) is event):
            del self._subjects[event.subject_id]
        self._proposals.pop(entry_id, None)
        if self._adoptions.pop(entry_id, None) is not None:
            self._schemes = None

    def take_in(self, event: LedgerEvent) -> None:
        self.batch_events[event.originator_id] = event
        if event.supersedes is not None:
            self._remove(event.supersedes)
        if type(event).__name__ == "EntryVoided":
            self._remove(event.target_id)  # type: ignore[attr-defined]
            return
        self._add(event)

    def is_live(self, entry_id: UUID) -> bool:
        return entry_id in self._live

    def entry(self, entry_id: UUID) -> LedgerEvent | None:
        return self.batch_events.get(entry_id) or self.facts.events.get(entry_id)

    def holder(self, key: tuple[Any, ...]) -> UUID | None:
        return self._identities.get(key)

    def proposals(self) -> list[GradeProposed]:
        return list(self._proposals.values())

    def grading_schemes(self) -> dict[str, list[Any]]:
        """Scheme id → adopted grading versions (parsed), oldest first."""
        if self._schemes is None:
            found: dict[str, list[tuple[date, int, Any]]] = {}
            for entry_id, event in self._adoptions.items():
                if entry_id not in self._parsed:
                    self._parsed[entry_id] = parse_scheme(event.document)
                scheme = self._parsed[entry_id]
                found.setdefault(scheme.id, []).append(
                    (scheme.effective_from, scheme.version, scheme))
            self._schemes = {key: [s for _, _, s in sorted(v, key=lambda t: (t[0], t[1]))]
                             for key, v in found.items()}
        return self._schemes

    def subjects(self) -> dict[str, SubjectEnrolled]:
        return self._subjects


def identity_of(event: LedgerEvent) -> tuple[Any, ...] | None:
    """What a grading entry is about: a second live entry with the same identity must
    supersede the first (sanctions and complaints may repeat)."""
    name = type(event).__name__
    fields = _IDENTITY.get(name)
    if fields is None or name in ("SanctionRecorded", "ComplaintRecorded"):
        return None
    return (name, *(getattr(event, f) for f in fields))


def check_grading_entry(scope: GradingScope, event: LedgerEvent, problem: Problem) -> None:
    """Problems with one grading entry against the facts and the batch so far."""
    if not isinstance(event, GRADING_EVENTS):
        scope.take_in(event)
        return
    if isinstance(event, DerivedFactRecorded):  # the ledger derives these; no row may
        problem("type", "a derived fact is recorded by the ledger from its triggers, "
                "never sent")
        scope.take_in(event)
        return
    schemes = scope.grading_schemes()
    subjects = scope.subjects()
    name = type(event).__name__
    subject_id = getattr(event, "subject_id", None)
    if subject_id is not None and not isinstance(event, SubjectEnrolled) and (
        subject_id not in subjects
    ):
        problem("subject_id", f"unknown subject {subject_id!r}; enrol them first (enrol_subject)")
    rulebook = getattr(event, "rulebook", None)
    if rulebook is not None and rulebook not in schemes:
        problem("rulebook", f"no grading scheme {rulebook!r} is adopted; adopted: "
                f"{', '.join(sorted(schemes)) or '(none)'}")
    if not schemes and not isinstance(event, SubjectEnrolled):
        problem("", "no grading scheme is adopted; adopt one first (adopt_scheme)")
    versions = [s for key, group in schemes.items() if rulebook in (None, key) for s in group]

    # One live entry per identity: a second one must supersede the first.
    identity = _IDENTITY.get(name)
    key = identity_of(event)
    holder = scope.holder(key) if key is not None else None
    if identity and holder is not None and holder != event.supersedes:
        problem(identity[-1], f"already recorded by entry {holder}; to change it, supersede "
                "that entry with a reason")
    if event.supersedes is not None and identity:
        target = scope.entry(event.supersedes)
        if target is not None and type(target) is type(event):
            moved = [f for f in identity if getattr(target, f) != getattr(event, f)]
            if moved:
                problem(moved[0], f"a correction keeps what the entry is about ({', '.join(moved)}"
                        " cannot change); void it and record a new one")

    if isinstance(event, SanctionRecorded | ComplaintRecorded):
        vocabulary = "sanction_kinds" if isinstance(event, SanctionRecorded) else "complaint_kinds"
        known = {k for s in versions for k in getattr(s, vocabulary)}
        if event.kind not in known:
            problem("kind", f"unknown {vocabulary.removesuffix('s').replace('_', ' ')} "
                    f"{event.kind!r}; the grading schemes know "
                    f"{', '.join(sorted(known)) or '(none)'}")
    if isinstance(event, GradeInputRecorded | PayBaseRecorded):
        known = {k for s in versions for k in s.inputs_declared()}
        if event.component not in known:
            problem("component", f"no grading pipeline reads {event.component!r}; known: "
                    f"{', '.join(sorted(known)) or '(none)'}")
    if isinstance(event, GradeProposed | TieBreakRecorded | BallotCast):
        _check_against_scheme(scope, event, schemes.get(event.rulebook, []), subjects, problem)
    if isinstance(event, ReviewRequested | ReviewDecided):
        _check_review(scope, event, problem)
    scope.take_in(event)


def _scheme_on(versions: list[Any], day: date) -> Any:
    current = None
    for scheme in versions:
        if scheme.effective_from <= day:
            current = scheme
    return current


def _check_against_scheme(scope: GradingScope, event: Any, versions: list[Any],
                          subjects: dict[str, SubjectEnrolled], problem: Problem) -> None:
    period = GradingPeriod.parse(event.grading_period)
    scheme = _scheme_on(versions, period.first_day)
    if scheme is None:
        if versions:
            problem("grading_period", f"{event.rulebook} is not in force in {period}")
        return
    if isinstance(event, BallotCast):
        _check_ballot(scheme, event, subjects, problem)
        return
    pipeline = scheme.pipeline(event.pipeline)
    if pipeline is None:
        problem("pipeline", f"{scheme.key} has no pipeline {event.pipeline!r}; it has "
                f"{', '.join(p.name for p in scheme.pipelines)}")
        return
    if pipeline.period != period.kind:
        problem("grading_period", f"{pipeline.name} grades by {pipeline.period}, not {period.kind}")
    if pipeline.grade(event.grade) is None:
        problem("grade", f"{pipeline.name} has no grade {event.grade!r}; grades: "
                f"{', '.join(g.code for g in pipeline.grades)}")
        return
    if isinstance(event, TieBreakRecorded):
        unknown = [s for s in event.order if s not in subjects]
        if unknown:
            problem("order", f"unknown subject(s) {', '.join(unknown)}")
        return
    if pipeline.bands is None or pipeline.bands.source != "proposal":
        problem("pipeline", f"{pipeline.name} grades by score bands; it takes no proposals")
        return
    # Refused at entry when its places are all proposed among the subjects known now (6a);
    # decided again when the ranking is computed (domain/grading_quota_entry.py).
    check_proposal_quota(event, scheme_id=scheme.id, pipeline=pipeline, period=period,
                         subjects=subjects, proposals=scope.proposals(), problem=problem)


def _check_ballot(scheme: Any, event: BallotCast, subjects: dict[str, SubjectEnrolled],
                  problem: Problem) -> None:
    rule = scheme.ballots
    if rule is None:
        problem("rulebook", f"{scheme.key} takes no ballots")
        return
    bad = sorted({m for m in event.marks.values() if m not in rule.marks})
    if bad:
        problem("marks", f"unknown mark(s) {', '.join(bad)}; marks: {', '.join(rule.marks)}")
    unknown = sorted(s for s in event.marks if s not in subjects)
    if unknown:
        problem("marks", f"unknown subject(s) {', '.join(unknown)}")
    limit = quota_limit(rule.max_share, len(event.marks), rule.rounding, None)
    used = sum(1 for m in event.marks.values() if m == rule.mark)
    if used > limit:
        problem("marks", f"QuotaExceeded: {used} {rule.mark} on one ballot of "
                f"{len(event.marks)}; at most {limit} ({rule.rounding} of {rule.max_share} × "
                f"{len(event.marks)}) ({rule.ref})")


def _check_review(scope: GradingScope, event: Any, problem: Problem) -> None:
    target = scope.entry(event.target_id)
    if not isinstance(target, SanctionRecorded):
        problem("target_id", f"no sanction {event.target_id}")
        return
    still_live = scope.is_live(event.target_id)
    if isinstance(event, ReviewRequested):
        if not still_live:
            problem("target_id", "that sanction was already revoked or changed")
        return
    requested = scope.holder(("ReviewRequested", event.target_id)) is not None
    if not requested:
        problem("target_id", "no review was requested for this sanction")
    if event.outcome == "uphold" and not still_live:
        problem("outcome", "the sanction is no longer in force; it cannot be upheld")
    if event.outcome != "uphold" and still_live:
        problem("outcome", f"record the {event.outcome} first: void_entry (revoke) or a "
                "record_sanction that supersedes it (change), with the reason")
