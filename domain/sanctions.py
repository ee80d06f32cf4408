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
The checks a batch of these entries passes are in domain/grading_checks.py.
"""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from pydantic import BeforeValidator, Field, model_validator

from domain.envelope import (
    Cny,
    Code,
    Day,
    Exact,
    Frozen,
    LedgerEvent,
    Text,
    _command,
)
from domain.grading import grading_period_text

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
    enrolled_on: Day
    left_on: Day | None = None

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
    decided_on: Day
    until_on: Day | None = None  # the end of a sanction's period, when it has one
    misconduct_on: Day | None = None
    investigation_started_on: Day | None = None
    investigation_reported_on: Day | None = None
    extension_approved: bool = False
    delivered_on: Day | None = None
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
    received_on: Day
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
    received_on: Day  # when the decision letter reached the subject
    applied_on: Day

    @model_validator(mode="after")
    def _ordered(self) -> ReviewRequestBody:
        if self.applied_on < self.received_on:
            raise ValueError("applied_on is before received_on")
        return self


class ReviewDecisionBody(Frozen):
    target_id: UUID
    decided_on: Day
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
    derived_on: Day
    until_on: Day | None = None
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
# What the escalation policies read (domain/derivations.py, domain/check_plans.py).
POLICY_INPUTS = (SanctionRecorded, ComplaintRecorded, SubjectEnrolled, DerivedFactRecorded)

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
