"""The ledger's immutable facts, and the commands that ask for them.

Each fact has a *body* (what happened) shared by its command and its event, so the CLI,
the HTTP API and JSON Lines batches all speak the same validated vocabulary. An event adds
the envelope: who recorded it, when the ledger learned it (`recorded_at`, UTC), why, on
which rule, with what evidence, and which earlier entry it supersedes, if any.

Stored events are never updated or deleted. A correction is a new event: a fact that
`supersedes` an earlier one of the same type, or an `EntryVoided` that withdraws one.
"""

import sys
import threading
from decimal import Decimal
from functools import cache
from importlib import import_module
from typing import TYPE_CHECKING, Annotated, Any, Literal
from uuid import UUID

from pydantic import AfterValidator, BaseModel, Field, model_validator

from domain.appeal_bodies import (
    AppealAssignmentBody,
    AppealBody,
    AppealDecisionBody,
    AppealEscalationBody,
)

# The envelope and field types live below both fact families (domain/envelope.py).
from domain.envelope import (
    Cny,
    Code,
    CommandEnvelope,
    Day,
    Exact,
    Frozen,
    HistoryDay,
    Int,
    PeriodText,
    Points,
    Text,
    _command,
)

# Re-exported: every caller has always imported the envelope from here.
from domain.envelope import LedgerEvent as LedgerEvent  # noqa: PLC0414
from domain.limits import (
    DEDUCTION_COUNT_MAX,
    DEDUCTION_MINUTES_MAX,
    PERIOD_DAYS_MAX,
    YEAR_MAX,
    YEAR_MIN,
)
from domain.periods import Period
from domain.settings import SETTINGS_COMMANDS, SETTINGS_EVENTS


def _non_negative(value: Decimal) -> Decimal:
    if value < 0:
        raise ValueError("must not be negative")
    return value


def _positive(value: Decimal) -> Decimal:
    if value <= 0:
        raise ValueError("must be greater than zero")
    return value


def _days_in_period(value: Decimal) -> Decimal:
    if value > PERIOD_DAYS_MAX:
        raise ValueError(f"must be at most {PERIOD_DAYS_MAX} days")
    return value


NonNegative = Annotated[Exact, AfterValidator(_non_negative)]
Positive = Annotated[Exact, AfterValidator(_positive)]
NonNegativePoints = Annotated[Points, AfterValidator(_non_negative)]
PositivePoints = Annotated[Points, AfterValidator(_positive)]
NonNegativeCny = Annotated[Cny, AfterValidator(_non_negative)]
PositiveCny = Annotated[Cny, AfterValidator(_positive)]
Days = Annotated[Exact, AfterValidator(_non_negative), AfterValidator(_days_in_period)]
PositiveDays = Annotated[Days, AfterValidator(_positive)]
Year = Annotated[Int, Field(ge=YEAR_MIN, le=YEAR_MAX)]


# ------------------------------------------------------------------ bodies (what happened)


class SchemeBody(Frozen):
    scheme_id: Code
    version: Int = Field(ge=1)
    effective_from: Day
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    document: dict[str, Any]


class DepartmentBody(Frozen):
    department_id: Code
    name: Text
    kind: Literal["clinical", "admin"]
    admin_class: Literal[1, 2, 3] | None = None
    admin_role: Code | None = None  # looks up the scheme's admin risk coefficient
    risk_coefficient: Positive | None = None
    effective_on: Day

    @model_validator(mode="after")
    def _admin_fields_fit_kind(self) -> "DepartmentBody":
        if self.kind == "admin" and self.admin_class is None:
            raise ValueError("an admin department needs admin_class 1, 2 or 3")
        if self.kind == "clinical" and (self.admin_class or self.admin_role):
            raise ValueError("a clinical department takes no admin_class or admin_role")
        return self


# Categories and leave kinds are the scheme's words (`HospitalPayScheme.staff`), checked
# against the scheme in force by domain/validation.py; stored events keep their strings.
Category = Annotated[Code, Field(examples=["regular", "temporary", "contract", "lump_sum"])]
LeaveKind = Annotated[Code, Field(examples=["sick", "maternity", "personal", "study", "training"])]


class HireBody(Frozen):
    employee_id: Code
    name: Text
    department_id: Code
    title_grade: Code
    post: Code = "staff"
    category: Category = "regular"
    participation_class: Code = "full"
    hired_on: HistoryDay
    probation_until: HistoryDay | None = None

    @model_validator(mode="after")
    def _probation_after_hire(self) -> "HireBody":
        if self.probation_until is not None and self.probation_until < self.hired_on:
            raise ValueError("probation_until is before hired_on")
        return self


class TransferBody(Frozen):
    employee_id: Code
    department_id: Code
    effective_on: Day


class TitleGradeBody(Frozen):
    employee_id: Code
    title_grade: Code
    effective_on: Day


class PostBody(Frozen):
    employee_id: Code
    post: Code
    effective_on: Day


class CategoryBody(Frozen):
    employee_id: Code
    category: Category
    participation_class: Code
    effective_on: Day


class LeaveBody(Frozen):
    employee_id: Code
    kind: LeaveKind
    first_day: Day
    last_day: Day

    @model_validator(mode="after")
    def _ordered(self) -> "LeaveBody":
        if self.last_day < self.first_day:
            raise ValueError("last_day is before first_day")
        return self


class DepartureBody(Frozen):
    employee_id: Code
    effective_on: Day  # the last day employed


class PoolBody(Frozen):
    """The quarter's pool: from medical revenue by the scheme's rate, or a stated amount."""

    period: PeriodText
    medical_revenue_cny: NonNegativeCny | None = None
    amount_cny: NonNegativeCny | None = None

    @model_validator(mode="after")
    def _one_source(self) -> "PoolBody":
        if (self.medical_revenue_cny is None) == (self.amount_cny is None):
            raise ValueError("give exactly one of medical_revenue_cny or amount_cny")
        return self


class PoolAdjustmentBody(Frozen):
    """A manual, audited change to a pool (S11-R07/R44: reduce when the budget fails)."""

    period: PeriodText
    amount_cny: Cny


class DepartmentFiguresBody(Frozen):
    period: PeriodText
    department_id: Code
    workload_base: Positive
    workload_actual: NonNegative
    medical_revenue_cny: NonNegativeCny
    full_cost_cny: PositiveCny


Indicator = Literal[
    "expenditure_quota",
    "outpatient_fee_per_visit",
    "inpatient_fee_per_admission",
    "drug_revenue_ratio",
]


class ControlBody(Frozen):
    period: PeriodText
    department_id: Code
    indicator: Indicator
    limit: Positive
    actual: NonNegative


class DepartmentDeductionBody(Frozen):
    period: PeriodText
    department_id: Code
    item: Literal["quality", "ethics", "task", "professional_ethics"]
    points: PositivePoints


class DepartmentPenaltyBody(Frozen):
    period: PeriodText
    department_id: Code
    kind: Code
    retail_value_cny: PositiveCny


class ScoreBody(Frozen):
    period: PeriodText
    employee_id: Code
    item: Code
    points: NonNegativePoints


class DeductionBody(Frozen):
    period: PeriodText
    employee_id: Code
    kind: Code
    count: Int = Field(default=1, ge=1, le=DEDUCTION_COUNT_MAX)
    minutes: Int | None = Field(default=None, ge=0, le=DEDUCTION_MINUTES_MAX)
    points: PositivePoints | None = None  # magnitude, only for discretionary kinds


AbsenceKind = Literal["sick", "maternity", "personal", "other"]


class AttendanceBody(Frozen):
    period: PeriodText
    employee_id: Code
    scheduled_days: PositiveDays
    absence_days: dict[AbsenceKind, Days] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _absence_within_schedule(self) -> "AttendanceBody":
        if (days := self.absence_days) and sum(days.values(), Decimal(0)) > self.scheduled_days:
            raise ValueError("absence_days add up to more than scheduled_days")
        return self


class AssessmentBody(Frozen):
    employee_id: Code
    kind: Literal["tenure_target", "year_end"]
    year: Year
    result: Literal["pass", "fail"]


class CmeCreditsBody(Frozen):
    employee_id: Code
    year: Year
    credits: NonNegativePoints


class TrainingRefusalBody(Frozen):
    employee_id: Code
    year: Year


class AnnualTargetBody(Frozen):
    year: Year
    department_id: Code
    score: NonNegativePoints


class VoidBody(Frozen):
    target_id: UUID


class CloseBody(Frozen):
    """Freezes a period's statement: the notification position it was computed at and the
    SHA-256 of its canonical JSON. `jixiao close` fills both; a reprint must match."""

    period: PeriodText
    position: Int = Field(ge=0)
    statement_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    # The hash chain's link at `position` (api/storage/chain.py): a rewrite of any event up
    # to the close shows against this copy. None on closes recorded before it existed.
    chain_head: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")


# ------------------------------------------------------------------ events (the envelope)


class SchemeAdopted(LedgerEvent, SchemeBody): ...
class DepartmentDefined(LedgerEvent, DepartmentBody): ...
class EmployeeHired(LedgerEvent, HireBody): ...
class EmployeeTransferred(LedgerEvent, TransferBody): ...
class TitleGradeChanged(LedgerEvent, TitleGradeBody): ...
class PostChanged(LedgerEvent, PostBody): ...
class EmploymentCategoryChanged(LedgerEvent, CategoryBody): ...
class LeaveRecorded(LedgerEvent, LeaveBody): ...
class EmployeeLeft(LedgerEvent, DepartureBody): ...
class PoolDeclared(LedgerEvent, PoolBody): ...
class PoolAdjusted(LedgerEvent, PoolAdjustmentBody): ...
class DepartmentFiguresRecorded(LedgerEvent, DepartmentFiguresBody): ...
class ControlIndicatorMeasured(LedgerEvent, ControlBody): ...
class DepartmentDeductionRecorded(LedgerEvent, DepartmentDeductionBody): ...
class DepartmentPenaltyRecorded(LedgerEvent, DepartmentPenaltyBody): ...
class ScoreRecorded(LedgerEvent, ScoreBody): ...
class DeductionRecorded(LedgerEvent, DeductionBody): ...
class AttendanceRecorded(LedgerEvent, AttendanceBody): ...
class AssessmentRecorded(LedgerEvent, AssessmentBody): ...
class CmeCreditsRecorded(LedgerEvent, CmeCreditsBody): ...
class TrainingRefused(LedgerEvent, TrainingRefusalBody): ...
class AnnualTargetScoreRecorded(LedgerEvent, AnnualTargetBody): ...
class EntryVoided(LedgerEvent, VoidBody): ...
class PeriodClosed(LedgerEvent, CloseBody): ...
class AppealFiled(LedgerEvent, AppealBody): ...
class AppealAssigned(LedgerEvent, AppealAssignmentBody): ...
class AppealDecided(LedgerEvent, AppealDecisionBody): ...
class AppealEscalated(LedgerEvent, AppealEscalationBody): ...


# ------------------------------------------------------------------ commands (the asking)


class AdoptScheme(CommandEnvelope):
    """Adopt a scheme version: a shipped one by name, or a full document."""

    type: Literal["adopt_scheme"]
    scheme: Code | None = None
    document: dict[str, Any] | None = None
    event_class = SchemeAdopted

    @model_validator(mode="after")
    def _one_source(self) -> "AdoptScheme":
        if (self.scheme is None) == (self.document is None):
            raise ValueError("give exactly one of scheme (a shipped name) or document")
        return self


# The other commands are made on first use, by name (`__getattr__`) or type (`command_model`):
# each is a pydantic class, ≈0.2 ms to make, and a what-if uses one or two. In registry order.
_COMMANDS: dict[str, tuple[type[BaseModel], type[LedgerEvent], str]] = {
    "define_department": (
        DepartmentBody, DepartmentDefined,
        "Register a department, or revise its class or coefficient from a date."),
    "hire_employee": (HireBody, EmployeeHired, "Hire an employee."),
    "transfer_employee": (TransferBody, EmployeeTransferred, "Move an employee to a department."),
    "change_title_grade": (TitleGradeBody, TitleGradeChanged, "Change an employee's title grade."),
    "change_post": (PostBody, PostChanged, "Change an employee's post."),
    "change_employment_category": (
        CategoryBody, EmploymentCategoryChanged,
        "Change an employee's category and participation class."),
    "record_leave": (LeaveBody, LeaveRecorded, "Record a leave span."),
    "record_departure": (DepartureBody, EmployeeLeft, "Record an employee's last day."),
    "declare_pool": (PoolBody, PoolDeclared, "Declare a period's pool."),
    "adjust_pool": (PoolAdjustmentBody, PoolAdjusted, "Adjust a pool by a signed amount."),
    "record_department_figures": (
        DepartmentFiguresBody, DepartmentFiguresRecorded,
        "Record a clinical department's workload, revenue and cost for a period."),
    "record_control_indicator": (
        ControlBody, ControlIndicatorMeasured,
        "Record a control indicator's limit and actual value."),
    "record_department_deduction": (
        DepartmentDeductionBody, DepartmentDeductionRecorded,
        "Deduct points from a department's quality, ethics or task score."),
    "record_department_penalty": (
        DepartmentPenaltyBody, DepartmentPenaltyRecorded,
        "Record a department money penalty (e.g. a pharmacy shortage)."),
    "record_score": (ScoreBody, ScoreRecorded, "Record an entered score item (e.g. quantity)."),
    "record_deduction": (DeductionBody, DeductionRecorded, "Record an individual deduction."),
    "record_attendance": (
        AttendanceBody, AttendanceRecorded, "Record scheduled and absence days for a period."),
    "record_assessment": (
        AssessmentBody, AssessmentRecorded,
        "Record a tenure-target or year-end assessment result."),
    "record_cme_credits": (
        CmeCreditsBody, CmeCreditsRecorded, "Record a year's continuing-education credits."),
    "record_training_refusal": (
        TrainingRefusalBody, TrainingRefused, "Record a refused further-training placement."),
    "record_annual_target_score": (
        AnnualTargetBody, AnnualTargetScoreRecorded,
        "Record a department's annual target-assessment score (year-end level 1)."),
    "void_entry": (VoidBody, EntryVoided, "Withdraw an earlier entry; a reason is required."),
    "close_period": (
        CloseBody, PeriodClosed,
        "Close a period (use `jixiao close`, which computes position and hash)."),
    "file_appeal": (
        AppealBody, AppealFiled,
        "Appeal one contested entry or payout line, within the scheme's window."),
    "assign_appeal": (
        AppealAssignmentBody, AppealAssigned,
        "Assign an appeal to a reviewer who is not recused."),
    "decide_appeal": (
        AppealDecisionBody, AppealDecided,
        "Uphold, change or revoke; the corrections it implies are recorded with it."),
    "escalate_appeal": (
        AppealEscalationBody, AppealEscalated,
        "Ask for a re-review of a decided appeal, where the scheme allows."),
}
_MAKING = threading.Lock()  # two threads making one type would make two classes of it
# Command models by type, once made or imported: a batch's look-up per row is one get.
_KNOWN: dict[str, type[BaseModel]] = {}


def _model_name(kind: str) -> str:
    return "".join(map(str.capitalize, kind.split("_")))  # as `_command` names it


def _made(kind: str) -> Any:
    """The command model of `kind` (in _COMMANDS), made once and kept as a name here."""
    model = _KNOWN.get(kind)
    if model is None:
        with _MAKING:
            model = globals().get(_model_name(kind))
            if model is None:
                model = globals()[_model_name(kind)] = _command(kind, *_COMMANDS[kind])
            _KNOWN[kind] = model
    return model


_COMMAND_TYPES = {_model_name(kind): kind for kind in _COMMANDS}


if TYPE_CHECKING:  # made on first use by __getattr__ below
    FileAppeal: type[AppealBody]
    DecideAppeal: type[AppealDecisionBody]
    DefineDepartment: type[DepartmentBody]
    HireEmployee: type[HireBody]
    TransferEmployee: type[TransferBody]
    ChangeTitleGrade: type[TitleGradeBody]
    ChangePost: type[PostBody]
    ChangeEmploymentCategory: type[CategoryBody]
    RecordLeave: type[LeaveBody]
    RecordDeparture: type[DepartureBody]
    DeclarePool: type[PoolBody]
    AdjustPool: type[PoolAdjustmentBody]
    RecordDepartmentFigures: type[DepartmentFiguresBody]
    RecordControlIndicator: type[ControlBody]
    RecordDepartmentDeduction: type[DepartmentDeductionBody]
    RecordDepartmentPenalty: type[DepartmentPenaltyBody]
    RecordScore: type[ScoreBody]
    RecordDeduction: type[DeductionBody]
    RecordAttendance: type[AttendanceBody]
    RecordAssessment: type[AssessmentBody]
    RecordCmeCredits: type[CmeCreditsBody]
    RecordTrainingRefusal: type[TrainingRefusalBody]
    RecordAnnualTargetScore: type[AnnualTargetBody]
    VoidEntry: type[VoidBody]
    ClosePeriod: type[CloseBody]
    AssignAppeal: type[AppealAssignmentBody]
    EscalateAppeal: type[AppealEscalationBody]
    COMMAND_MODELS: tuple[type[BaseModel], ...]
    COMMANDS_BY_TYPE: dict[str, type[BaseModel]]
    EVENT_CLASSES: dict[str, type[LedgerEvent]]

# Grading facts (warnings, sanctions, complaints, grade inputs …, domain/sanctions.py) and
# the procedures around results (domain/procedure_events.py) are declared on the same
# envelope and join the registry below, but only when first asked for: their classes and
# the grading scheme were ≈30 ms of every process's start, and a pay ledger records none.
# A stored one is read by its topic (`domain.sanctions:…`), which imports its module.
# The user facts and commands keep this module's name, made in domain/user_facts.py on
# first use: by these names (`__getattr__`), command type (_FAMILY_OF) or stored topic.
_USER_NAMES = ("UserRegistered", "TokenRotated", "UserDisabled", "RegisterUser",
               "RotateToken", "DisableUser")
_PAY_EVENTS: tuple[type[LedgerEvent], ...] = tuple(
    cls for cls in LedgerEvent.__subclasses__()
    if cls.__module__ == __name__ and cls.__name__ not in _USER_NAMES)
# The facts a statement reads (and the steps and closes around them): the other families
# are read by payslips, deadlines, grades and sign-in, never by a statement.
PAY_EVENTS = _PAY_EVENTS


def _type_of(model: type[BaseModel]) -> str:
    return model.model_fields["type"].annotation.__args__[0]  # type: ignore[union-attr, no-any-return]


_KNOWN.update({_type_of(model): model for model in (AdoptScheme, *SETTINGS_COMMANDS)})
# The small families a pay what-if does not need either (access log, two-person close,
# passwords, payroll details, users): imported alone with their first command (here) or stored
# fact (by topic); tests/unit/test_lazy_families.py checks this table.
_FAMILY_OF: dict[str, str] = {
    "record_access": "domain.access_log", "set_close_approval": "domain.close_review",
    "prepare_close": "domain.close_review", "approve_close": "domain.close_review",
    "set_password": "domain.passwords", "record_personal_details": "domain.personal",
    "forget_personal_details": "domain.personal", "record_withholding": "domain.personal",
    "declare_payment_channel": "domain.personal", "register_user": "domain.user_facts",
    "rotate_token": "domain.user_facts", "disable_user": "domain.user_facts"}


def _registries() -> dict[str, Any]:
    # The lazy families (see _PAY_EVENTS and _FAMILY_OF).
    from domain.access_log import ACCESS_COMMANDS, ACCESS_EVENTS  # noqa: PLC0415
    from domain.close_review import CLOSE_REVIEW_COMMANDS, CLOSE_REVIEW_EVENTS  # noqa: PLC0415
    from domain.passwords import PASSWORD_COMMANDS, PASSWORD_EVENTS  # noqa: PLC0415
    from domain.personal import PAYROLL_COMMANDS, PAYROLL_EVENTS  # noqa: PLC0415
    from domain.procedure_events import PROCEDURE_COMMANDS, PROCEDURE_EVENTS  # noqa: PLC0415
    from domain.sanctions import GRADING_COMMANDS, GRADING_EVENTS  # noqa: PLC0415
    from domain.user_facts import USER_COMMANDS, USER_EVENTS  # noqa: PLC0415

    models: tuple[type[BaseModel], ...] = (
        AdoptScheme, *map(_made, _COMMANDS), *USER_COMMANDS, *GRADING_COMMANDS,
        *ACCESS_COMMANDS, *CLOSE_REVIEW_COMMANDS, *PAYROLL_COMMANDS, *SETTINGS_COMMANDS,
        *PROCEDURE_COMMANDS, *PASSWORD_COMMANDS)
    # Pay facts first, then grading facts: the order the registry has always had.
    classes = {cls.__name__: cls for cls in (
        *_PAY_EVENTS, *USER_EVENTS, *GRADING_EVENTS, *ACCESS_EVENTS, *CLOSE_REVIEW_EVENTS,
        *PAYROLL_EVENTS, *SETTINGS_EVENTS, *PROCEDURE_EVENTS, *PASSWORD_EVENTS)}
    return {"COMMAND_MODELS": models,
            "COMMANDS_BY_TYPE": {_type_of(model): model for model in models},
            "EVENT_CLASSES": classes}


_LAZY = ("COMMAND_MODELS", "COMMANDS_BY_TYPE", "EVENT_CLASSES")


def __getattr__(name: str) -> Any:
    """`COMMAND_MODELS`, `COMMANDS_BY_TYPE` and `EVENT_CLASSES`: every family's, the lazy
    ones imported on first use (see _PAY_EVENTS); a command model of _COMMANDS by name;
    a user fact or command (_USER_NAMES)."""
    if name in _COMMAND_TYPES:
        return _made(_COMMAND_TYPES[name])
    if name in _USER_NAMES:
        return getattr(import_module("domain.user_facts"), name)
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    found = globals()
    if name not in found:
        found.update(_registries())
    return found[name]


def command_model(kind: str) -> type[BaseModel] | None:
    """The command model of type `kind` (`record_score`), or None: the lazy families are
    imported only for a type none of the others has."""
    model = _KNOWN.get(kind)
    if model is None and kind in _COMMANDS:
        model = _made(kind)
    elif model is None and kind in _FAMILY_OF:  # the model is named as _command names it
        model = _KNOWN[kind] = getattr(import_module(_FAMILY_OF[kind]), _model_name(kind))
    if model is None:
        by_type: dict[str, type[BaseModel]] = __getattr__("COMMANDS_BY_TYPE")
        model = by_type.get(kind)
    return model


def command_models() -> tuple[type[BaseModel], ...]:
    """Every command model (`COMMAND_MODELS`), the lazy families' imported."""
    models: tuple[type[BaseModel], ...] = __getattr__("COMMAND_MODELS")
    return models


@cache
def command_types_of_events() -> dict[str, str]:
    """Event class name → the command type that records it, every family's: built when a
    void or an appeal's restatement first asks, so that a batch of other entries does not
    import the lazy families."""
    by_type: dict[str, type[BaseModel]] = __getattr__("COMMANDS_BY_TYPE")
    return {model.event_class.__name__: kind
            for kind, model in by_type.items() if hasattr(model, "event_class")}


def loaded_family(module: str, name: str) -> tuple[type, ...]:
    """`module.name`, a tuple of one lazy family's classes, if `module` is imported, else
    () (for isinstance and issubclass): no object of a family's classes can exist before
    its module is imported, so the answer is the same without importing it."""
    found = sys.modules.get(module)
    family: tuple[type, ...] = getattr(found, name) if found is not None else ()
    return family


def period_of(event: LedgerEvent) -> Period | None:
    text = getattr(event, "period", None)
    return Period.parse(text) if isinstance(text, str) else None
