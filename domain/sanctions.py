"""Facts that grading reads: who is assessed, warnings and sanctions, complaints, grade
inputs, proposed grades, ballots, tie-breaks and reviews of a sanction.

They are declared like every other fact (a body shared by command and event, the
`LedgerEvent` envelope of domain/envelope.py), and `domain.events` adds them to its
registry. Field names are chosen so the pay ledger's checks leave them alone: a subject is a
`subject_id` (a person or a unit, not necessarily on the pay roster), a grading period
is a `grading_period` (months and half years too), dates are `*_on`.

Corrections work as everywhere: `supersedes` replaces an entry, `void_entry` withdraws
it, and every grade, derived warning and pay line downstream is recomputed from the live
facts. A sanction revoked on review is voided (or superseded, if changed) with a reason.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BeforeValidator, Field, model_validator

from domain.envelope import (
    Cny,
    Code,
    Exact,
    Frozen,
    LedgerEvent,
    Text,
    _command,
)
from domain.grading import GRADING_KIND, GradingPeriod, grading_period_text
from domain.scheme import parse_scheme

GradingPeriodText = Annotated[str, BeforeValidator(grading_period_text)]
VALUES_MAX = 1000  # a named limit: rater scores or deductions in one input


# ------------------------------------------------------------------ bodies


class SubjectBody(Frozen):
    """Someone (or a unit) a grading scheme assesses, and the scopes quotas run in."""

    subject_id: Code
    name: Text
    kind: Literal["person", "unit"] = "person"
    unit_id: Code | None = None  # the unit (office, department, line) a person belongs to
    heads: Code | None = None  # the unit this person heads
    scopes: dict[Code, Code] = Field(default_factory=dict)  # line, category, entity …
    rulebooks: tuple[Code, ...] = ()  # grading schemes that assess them; empty: all
    enrolled_on: date
    left_on: date | None = None

    @model_validator(mode="after")
    def _dates(self) -> SubjectBody:
        if self.left_on is not None and self.left_on < self.enrolled_on:
            raise ValueError("left_on is before enrolled_on")
        if self.kind == "unit" and (self.heads or self.unit_id):
            raise ValueError("a unit belongs to no unit and heads none; enrol its head")
        return self


class SanctionBody(Frozen):
    """A warning, admonition, sanction, veto, demerit, reassignment, stand-down or an
    open investigation, in the vocabulary of a grading scheme (`kind`). The decision
    date is the one that counts (AMB-06); the others are kept for the record and the
    procedure's deadlines."""

    subject_id: Code
    kind: Code
    form: Code | None = None  # e.g. oral / written (行政告诫, SAN-15)
    decided_on: date
    until_on: date | None = None  # the end of a sanction's period, when it has one
    misconduct_on: date | None = None
    investigation_started_on: date | None = None
    investigation_reported_on: date | None = None
    extension_approved: bool = False
    delivered_on: date | None = None
    responsibility: Literal["direct", "indirect_principal", "indirect_important",
                            "department"] | None = None
    severity: Code | None = None
    rulebook: Code | None = None  # the grading scheme whose counters it feeds; None: all
    detail: Text | None = None

    @model_validator(mode="after")
    def _dates(self) -> SanctionBody:
        if self.until_on is not None and self.until_on < self.decided_on:
            raise ValueError("until_on is before decided_on")
        if self.delivered_on is not None and self.delivered_on < self.decided_on:
            raise ValueError("delivered_on is before decided_on")
        return self


class ComplaintBody(Frozen):
    subject_id: Code
    kind: Code
    received_on: date
    verified: bool = False  # investigated and found factually clear (「事实清楚」)
    rulebook: Code | None = None
    detail: Text | None = None


class GradeInputBody(Frozen):
    """One number (or one list: rater scores, deductions) a grading pipeline reads:
    a period score, a component of a sheet, a count of incidents, a vote tally."""

    subject_id: Code
    grading_period: GradingPeriodText
    component: Code
    value: Exact | None = None
    values: tuple[Exact, ...] | None = Field(default=None, max_length=VALUES_MAX)
    rulebook: Code | None = None

    @model_validator(mode="after")
    def _one_value(self) -> GradeInputBody:
        if (self.value is None) == (self.values is None):
            raise ValueError("give exactly one of value or values")
        return self


class PayBaseBody(Frozen):
    """A money amount grade-dependent pay is computed from (a subsidy, a monthly post
    bonus …) where the scheme does not fix it."""

    subject_id: Code
    grading_period: GradingPeriodText
    component: Code
    amount_cny: Cny
    rulebook: Code | None = None


class GradeProposalBody(Frozen):
    """The grade a meeting or leading group proposes where the regulation has no bands
    (S2-R08, AMB-28, A-S2-2); ceilings, forced grades and quotas still apply."""

    subject_id: Code
    grading_period: GradingPeriodText
    rulebook: Code
    pipeline: Code
    grade: Code


class TieBreakBody(Frozen):
    """The leadership group's order for subjects tied at a quota cut-off (AMB-22)."""

    rulebook: Code
    pipeline: Code
    grading_period: GradingPeriodText
    scope_value: Code | None = None  # the scope (line, category …) the quota ran in
    grade: Code
    order: tuple[Code, ...] = Field(min_length=2, max_length=1000)  # best first


class BallotBody(Frozen):
    """One rater's ballot: a mark for each subject (好/较好/一般/差 …)."""

    rulebook: Code
    grading_period: GradingPeriodText
    rater: Code
    sheet: Code = "main"
    marks: dict[Code, Code] = Field(min_length=1, max_length=1000)


class ReviewRequestBody(Frozen):
    """An application for review (复核) of a sanction. Review does not stay the sanction
    (APP-03); the outcome is recorded with `decide_review`, and a revoke or change is a
    void or supersede of the sanction, recorded before it."""

    target_id: UUID
    received_on: date  # when the decision letter reached the subject
    applied_on: date

    @model_validator(mode="after")
    def _ordered(self) -> ReviewRequestBody:
        if self.applied_on < self.received_on:
            raise ValueError("applied_on is before received_on")
        return self


class ReviewDecisionBody(Frozen):
    target_id: UUID
    decided_on: date
    outcome: Literal["uphold", "change", "revoke"]


class DerivedFactBody(Frozen):
    """A fact a grading scheme's policy derived (a stand-down required, an admonition of
    the unit head, a referral …), recorded by the ledger itself in the batch that made it
    derivable (domain/derivations.py), never sent as a command. `derived_id` is the stable
    id the policy evaluation gives it (domain/policies.py) and the event's originator id
    is uuid5 of it, so deriving the same fact again records nothing. When a trigger is
    voided or superseded the ledger voids this entry in the same batch."""

    derived_id: str = Field(max_length=200)
    policy_id: str = Field(max_length=200)
    rulebook: str = Field(max_length=200)  # the grading scheme's id
    scheme_key: str = Field(max_length=200)  # id@version whose policies derived it
    subject_id: str = Field(max_length=200)
    kind: str = Field(max_length=200)
    derived_on: date
    until_on: date | None = None
    window: str = Field(max_length=200)
    triggers: tuple[UUID, ...]  # the entries (sanctions, complaints, derived facts) counted


# ------------------------------------------------------------------ events


class SubjectEnrolled(LedgerEvent, SubjectBody): ...
class SanctionRecorded(LedgerEvent, SanctionBody): ...
class ComplaintRecorded(LedgerEvent, ComplaintBody): ...
class GradeInputRecorded(LedgerEvent, GradeInputBody): ...
class PayBaseRecorded(LedgerEvent, PayBaseBody): ...
class GradeProposed(LedgerEvent, GradeProposalBody): ...
class TieBreakRecorded(LedgerEvent, TieBreakBody): ...
class BallotCast(LedgerEvent, BallotBody): ...
class ReviewRequested(LedgerEvent, ReviewRequestBody): ...
class ReviewDecided(LedgerEvent, ReviewDecisionBody): ...
class DerivedFactRecorded(LedgerEvent, DerivedFactBody): ...


GRADING_EVENTS: tuple[type[LedgerEvent], ...] = (
    SubjectEnrolled, SanctionRecorded, ComplaintRecorded, GradeInputRecorded, PayBaseRecorded,
    GradeProposed, TieBreakRecorded, BallotCast, ReviewRequested, ReviewDecided,
    DerivedFactRecorded,  # no command: only the ledger records it (domain/derivations.py)
)

# ------------------------------------------------------------------ commands

EnrolSubject = _command(
    "enrol_subject", SubjectBody, SubjectEnrolled,
    "Enrol a person or unit for grading, with their unit, the unit they head and scopes.")
RecordSanction = _command(
    "record_sanction", SanctionBody, SanctionRecorded,
    "Record a warning, admonition, sanction, veto, demerit, reassignment or stand-down.")
RecordComplaint = _command(
    "record_complaint", ComplaintBody, ComplaintRecorded,
    "Record a complaint; supersede it with verified=true once found factually clear.")
RecordGradeInput = _command(
    "record_grade_input", GradeInputBody, GradeInputRecorded,
    "Record a number a grading pipeline reads (a score, a count, rater scores, votes).")
RecordPayBase = _command(
    "record_pay_base", PayBaseBody, PayBaseRecorded,
    "Record an amount grade-dependent pay is computed from (a subsidy, a post bonus).")
ProposeGrade = _command(
    "propose_grade", GradeProposalBody, GradeProposed,
    "Record the grade a meeting or leading group proposes; quotas are checked.")
RecordTieBreak = _command(
    "record_tie_break", TieBreakBody, TieBreakRecorded,
    "Record the order the leadership group chose for subjects tied at a quota cut-off.")
CastBallot = _command(
    "cast_ballot", BallotBody, BallotCast,
    "Record one rater's ballot; the scheme's per-ballot quota is checked.")
RequestReview = _command(
    "request_review", ReviewRequestBody, ReviewRequested,
    "Apply for review of a sanction, within the scheme's window; no stay.")
DecideReview = _command(
    "decide_review", ReviewDecisionBody, ReviewDecided,
    "Record a review's outcome; record the void or correction of the sanction first.")

GRADING_COMMANDS: tuple[type[Frozen], ...] = (
    EnrolSubject, RecordSanction, RecordComplaint, RecordGradeInput, RecordPayBase,
    ProposeGrade, RecordTieBreak, CastBallot, RequestReview, DecideReview,
)


# ------------------------------------------------------------------ checks

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


def quota_limit(share: Decimal, headcount: int, rounding: str, min_one_below: int | None) -> int:
    """⌊share × n⌋ (or the configured rounding), at least 1 when n < min_one_below."""
    mode = {"floor": ROUND_FLOOR, "half_up": ROUND_HALF_UP, "ceil": ROUND_CEILING}[rounding]
    limit = int((share * headcount).quantize(Decimal(1), rounding=mode))
    if min_one_below is not None and 0 < headcount < min_one_below:
        limit = max(limit, 1)
    return limit


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
    subject = subjects.get(event.subject_id)
    if subject is None:
        return
    for rule in pipeline.quotas:
        if rule.grade != event.grade:
            continue
        _check_proposal_quota(scope, event, rule, subject, subjects=subjects, problem=problem)


def _check_proposal_quota(scope: GradingScope, event: GradeProposed, rule: Any,
                          subject: SubjectEnrolled, *, subjects: dict[str, SubjectEnrolled],
                          problem: Problem) -> None:
    """QuotaExceeded: a proposal beyond the quota of its scope is refused (seeds-002 6a)."""
    period = GradingPeriod.parse(event.grading_period)
    value = subject.scopes.get(rule.scope) if rule.scope else None
    members = [s for s in subjects.values()
               if s.kind == subject.kind and s.enrolled_on <= period.last_day
               and (s.left_on is None or s.left_on >= period.first_day)
               and (not s.rulebooks or event.rulebook in s.rulebooks)
               and (rule.scope is None or s.scopes.get(rule.scope) == value)]
    limit = quota_limit(rule.max_share, len(members), rule.rounding, rule.min_one_below)
    ids = {s.subject_id for s in members}
    holders = {e.subject_id for e in scope.proposals()
               if e.rulebook == event.rulebook and e.pipeline == event.pipeline
               and e.grading_period == event.grading_period and e.grade == rule.grade
               and e.subject_id in ids and e.subject_id != event.subject_id
               and e.originator_id != event.supersedes}
    if len(holders) + 1 > limit:
        where = f"{rule.scope} {value}" if rule.scope else "the whole population"
        problem("grade", f"QuotaExceeded: {where} has {len(members)} assessed, at most "
                f"{limit} {rule.grade} ({rule.rounding} of {rule.max_share} × {len(members)}"
                f"{', at least 1 below ' + str(rule.min_one_below) if rule.min_one_below else ''})"
                f" and {len(holders)} already proposed ({rule.ref})")


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
