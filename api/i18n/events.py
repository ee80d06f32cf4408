"""What a person calls each kind of ledger entry and each appeal outcome, in the current
language (Chinese by default, English with `--lang en` / Accept-Language): decision
letters name the contested entry and the decision with these, never with the event's
class name. Machine output (`--json`, event logs) keeps the class names.

The message ids are plain English names; the Chinese are in api.po. A type not listed
here is shown by its class name, so a new event type is readable before it is named."""

from __future__ import annotations

from typing import Final

from api.i18n import N_, gettext

EVENT_NAMES: Final[dict[str, str]] = {
    "AnnualTargetScoreRecorded": N_("annual target score"),
    "AppealAssigned": N_("appeal assigned"),
    "AppealDecided": N_("appeal decision"),
    "AppealEscalated": N_("appeal escalated"),
    "AppealFiled": N_("appeal filed"),
    "AssessmentRecorded": N_("assessment result"),
    "AttendanceRecorded": N_("attendance record"),
    "BallotCast": N_("ballot"),
    "CloseApprovalSet": N_("two-person close setting"),
    "CloseApproved": N_("close approved"),
    "ClosePrepared": N_("close prepared"),
    "CmeCreditsRecorded": N_("continuing-education credits"),
    "ComplaintRecorded": N_("complaint"),
    "ControlIndicatorMeasured": N_("control indicator measurement"),
    "DecisionDelivered": N_("delivery of a written decision"),
    "DeductionRecorded": N_("deduction"),
    "DepartmentDeductionRecorded": N_("department deduction"),
    "DepartmentDefined": N_("department defined"),
    "DepartmentFiguresRecorded": N_("department figures"),
    "DepartmentPenaltyRecorded": N_("department penalty"),
    "DerivedFactRecorded": N_("derived consequence"),
    "EmployeeHired": N_("hiring"),
    "EmployeeLeft": N_("departure"),
    "EmployeeTransferred": N_("transfer"),
    "EmploymentCategoryChanged": N_("employment category change"),
    "EntryVoided": N_("voided entry"),
    "GradeInputRecorded": N_("grade input"),
    "GradeProposed": N_("proposed grade"),
    "HolidayNoticeRecorded": N_("holiday notice"),
    "InvalidEntry": N_("invalid entry"),
    "LeaveRecorded": N_("leave record"),
    "LedgerConfigured": N_("ledger settings"),
    "ObjectionRecorded": N_("objection during publicity"),
    "ObjectionSettled": N_("objection settled"),
    "OutsideResultRecorded": N_("result from outside the ledger"),
    "PasswordSet": N_("password set"),
    "PayBaseRecorded": N_("pay base"),
    "PaymentChannelDeclared": N_("payment channel"),
    "PeriodClosed": N_("period closed"),
    "PersonalDataRead": N_("personal data read"),
    "PersonalDetailsForgotten": N_("personal data erased"),
    "PersonalDetailsRecorded": N_("personal details"),
    "PoolAdjusted": N_("pool adjustment"),
    "PoolDeclared": N_("pool declared"),
    "PostChanged": N_("post change"),
    "PublicityOpened": N_("publicity opened"),
    "ResultsFiled": N_("results filed"),
    "ResultsMadeFinal": N_("results made final"),
    "ReviewDecided": N_("review decision"),
    "ReviewRequested": N_("review requested"),
    "SanctionRecorded": N_("sanction"),
    "SchemeAdopted": N_("scheme adopted"),
    "ScoreRecorded": N_("score"),
    "SubjectEnrolled": N_("subject enrolled"),
    "TieBreakRecorded": N_("tie-break decision"),
    "TitleGradeChanged": N_("title grade change"),
    "TokenRotated": N_("token rotated"),
    "TrainingRefused": N_("refused training placement"),
    "UserDisabled": N_("user disabled"),
    "UserRegistered": N_("user registered"),
    "WithholdingRecorded": N_("tax withheld"),
}
# An appeal about a payout line rather than one entry.
PAYOUT_LINE: Final = N_("a person's payout line")
OUTCOMES: Final[dict[str, str]] = {
    "uphold": N_("original decision upheld"),
    "change": N_("original decision changed"),
    "revoke": N_("original decision revoked"),
}


def event_name(type_name: str) -> str:
    """The name of an entry type in the current language; unknown types as they are."""
    named = EVENT_NAMES.get(type_name)
    return gettext(named) if named is not None else type_name


def outcome_name(outcome: str) -> str:
    named = OUTCOMES.get(outcome)
    return gettext(named) if named is not None else outcome


def payout_line_name() -> str:
    return gettext(PAYOUT_LINE)
