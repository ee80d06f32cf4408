"""Checks a batch of commands against what is known, before anything is written.

Every problem is collected (where, field, reason) so a user fixes a whole file in one
go; the batch is written only when there are none. Checks run in batch order against
the facts plus the commands already checked, so a file may define a department and
then hire into it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import field
from datetime import date
from typing import TYPE_CHECKING, Any
from uuid import UUID

from pydantic import BaseModel

from domain.check_plans import CHECK_PLANS, CheckPlan, check_plan
from domain.close_order import has_pool, open_before
from domain.errors import DomainError, Problem
from domain.events import (
    AdoptScheme,
    AppealAssigned,
    AppealDecided,
    AppealEscalated,
    AppealFiled,
    EmployeeHired,
    EntryVoided,
    LedgerEvent,
    PeriodClosed,
    SchemeAdopted,
)
from domain.facts import Facts, field_of, register_unique, uniqueness_key
from domain.periods import Period
from domain.plain_runs import DATE_FIELDS, RunChecks, take_plain_run
from domain.records import mutable_record
from domain.scheme import ADOPTING, PAY_SCHEME_KIND, Scheme
from domain.scheme_checks import scheme_problems
from domain.scheme_corrections import check_scheme_correction, check_version_order
from domain.scheme_kinds import parse_scheme

if TYPE_CHECKING:
    from domain.calendar import WorkingCalendar

_NO_SCHEME: Any = object()
# The payroll facts' (domain/personal.py) and the procedure facts' (procedure_events.py):
# registered here, with the ledger, not by their own modules, which are imported only with
# their first entry (events.py keeps those families lazy), after a fold may have met one.
register_unique("WithholdingRecorded", "withholding", "pay_period", "employee_id")
register_unique("HolidayNoticeRecorded", "holiday notice", "year")
register_unique("DecisionDelivered", "delivery", "target_id")
register_unique("ResultsFiled", "filing", "rulebook", "grading_period")
register_unique("PublicityOpened", "publicity", "rulebook", "grading_period")
register_unique("ResultsMadeFinal", "final", "rulebook", "grading_period")
register_unique("ObjectionSettled", "settlement", "objection_id")
register_unique("OutsideResultRecorded", "outside result", "subject_id", "name",
                "grading_period", "rulebook")


@mutable_record
class BatchScope:
    """The facts as they will stand after the commands checked so far."""

    facts: Facts
    closed: frozenset[str] = frozenset()
    departments: dict[str, str] = field(default_factory=dict)  # id → kind, added in batch
    employees: set[str] = field(default_factory=set)
    schemes: list[tuple[date, int, Scheme]] = field(default_factory=list)  # pay schemes
    taken: dict[tuple[Any, ...], UUID | None] = field(default_factory=dict)  # in the batch
    replaced: set[UUID] = field(default_factory=set)
    # id (its int: a UUID's hash is a Python call) → event class name
    batch_ids: dict[int, str] = field(default_factory=dict)
    # What `scheme_problems` worked out for the batch, and the pay entries checked before
    # any grading entry (`_check_grading`): fields rather than set on first use, which
    # made a list or dict per command only to drop it.
    scheme_memo: dict[tuple[Any, ...], tuple[tuple[str, str], ...]] = field(
        default_factory=dict)
    grading_backlog: list[LedgerEvent] = field(default_factory=list)
    scheme_days: dict[date, Scheme | None] = field(default_factory=dict)  # `scheme_on`

    def __post_init__(self) -> None:
        # Only what the batch adds is kept here; the facts' own indexes answer the rest,
        # so checking a batch costs the batch, not the ledger.
        self.closed = frozenset(self.closed | set(self.facts.closes))
        for event in self.facts.index.schemes:
            if event.document.get("kind") == PAY_SCHEME_KIND:
                self.schemes.append((event.effective_from, event.version,
                                     self.facts.index.scheme_on(event.effective_from)))
        self.schemes.sort(key=lambda item: item[0])  # as Facts orders them

    def holder(self, key: tuple[Any, ...]) -> UUID | None:
        """The live entry that holds a one-per-period key, if any."""
        if key in self.taken:
            return self.taken[key]
        holder = self.facts.unique.get(key)
        return None if holder in self.replaced else holder

    def scheme_on(self, day: date) -> Scheme | None:
        # Asked per command of a batch that names a few days: remembered per day until
        # the batch adopts a scheme (`_take_in` forgets them).
        found = self.scheme_days.get(day, _NO_SCHEME)
        if found is not _NO_SCHEME:
            return found  # type: ignore[no-any-return]
        current = None
        for effective_from, _, scheme in self.schemes:
            if effective_from <= day:
                current = scheme
        self.scheme_days[day] = current
        return current

    def department_kind(self, department_id: str) -> str | None:
        if department_id in self.departments:
            return self.departments[department_id]
        history = self.facts.index.departments.get(department_id)
        return history[-1].kind if history else None

    def knows_employee(self, employee_id: str) -> bool:
        return employee_id in self.employees or self.facts.knows_employee(employee_id)

    def live_type(self, entry_id: UUID) -> str | None:
        if entry_id in self.replaced:
            return None
        if entry_id.int in self.batch_ids:
            return self.batch_ids[entry_id.int]
        event = self.facts.live.get(entry_id)
        return type(event).__name__ if event is not None else None




def _period_parts(text: object) -> tuple[Period | None, date | None, str | None]:
    """A command's period, its first day and its name, worked out once per period text."""
    if isinstance(text, str):
        return _PERIODS.get(text) or _period_of(text)
    return None, None, None


def _closed_reason(period: Period) -> str:
    return (f"{period} is closed; record a correction (supersede the entry it corrects), "
            "it will be restated in the next open quarter")


def check_command(
    scope: BatchScope, where: str, command: BaseModel, event: LedgerEvent
) -> list[Problem]:
    """Problems with one command in its scope; when none, the scope takes it in."""
    plan = CHECK_PLANS.get(type(event)) or check_plan(type(event))
    problems: list[Problem] = []

    def problem(field_name: str, reason: str) -> None:
        problems.append(Problem(where, field_name, reason))

    period, first_day, period_name = _period_parts(command.__dict__.get("period"))
    # A closed period takes corrections only: they restate it in the next open quarter.
    if period is not None and scope.closed and period_name in scope.closed and (
            event.supersedes is None):
        problem("period", _closed_reason(period))
    if plan.close:
        _check_close(scope, event, problem)  # type: ignore[arg-type]
    if plan.appeal:
        _check_appeal(scope, event, problem)

    if event.supersedes is not None or plan.void:  # the rest correct nothing
        _check_correction(scope, event, plan, problem)
    if plan.adoption:
        check_scheme_correction(scope.facts.live, scope.__dict__.setdefault("adoptions", {}),
                                event, problem)
        check_version_order(_live_adoptions(scope), event, problem)
    _check_roster_references(scope, command, event, plan, problem)

    _check_scheme_values(scope, command, event, plan, period, where=where,
                         problems=problems, first_day=first_day)

    # One fact of a kind per period: a second one must supersede the first.
    key = uniqueness_key(event)
    holder = scope.holder(key) if key is not None else None
    if key is not None and holder is not None and event.supersedes is None:
        problem(_key_field(key), _already_recorded(key, holder))
    if plan.grading or "grading" in scope.__dict__:
        _check_grading(scope, event, plan, problem)
    else:  # what `_check_grading` does with a pay entry before any grading entry
        scope.grading_backlog.append(event)
    if plan.procedure:
        # Procedure and grading facts' checks are imported with their first such entry:
        # a pay batch never needs them (domain/events.py keeps their families lazy).
        from domain.procedures import check_procedure_entry  # noqa: PLC0415 - lazy

        procedure_batch = scope.__dict__.setdefault("procedure_batch", [])
        check_procedure_entry(scope.facts, procedure_batch, event, problem)

    if not problems:
        _take_in(scope, event, plan, key)
        if plan.procedure:
            procedure_batch.append(event)
    elif plan.hire:
        scope.employees.add(event.employee_id)  # type: ignore[attr-defined]
    elif plan.department:
        scope.departments[event.department_id] = event.kind  # type: ignore[attr-defined]
    return problems


def _check_scheme_values(scope: BatchScope, command: BaseModel, event: LedgerEvent,
                         plan: CheckPlan, period: Period | None, *, where: str,
                         problems: list[Problem], first_day: date | None = None) -> None:
    """Values the scheme must know. Roster facts may predate the scheme (a 2020 hire
    under a 2026 scheme): they are checked against the earliest scheme adopted; period
    facts against the one in force. `first_day`: the period's, when known."""
    day = first_day if first_day is not None else _effective_day(event, period)
    scheme = scope.scheme_on(day) if day is not None else None
    if scheme is None and period is None and scope.schemes:
        scheme = scope.schemes[0][2]
    if plan.needs_scheme and day is not None and scheme is None:
        problems.append(Problem(where, "", f"no scheme in force on {day}; adopt one first "
                                "(adopt_scheme)"))
    if scheme is not None:
        for field_name, reason in scheme_problems(scope.scheme_memo, command, scheme):
            problems.append(Problem(where, field_name, reason))


def _check_correction(scope: BatchScope, event: LedgerEvent, plan: CheckPlan,
                      problem: Any) -> None:
    """The target of a correction must be live and, when superseded, of the same type."""
    if event.supersedes is not None:
        target_type = scope.live_type(event.supersedes)
        if target_type is None:
            problem("supersedes", f"no live entry {event.supersedes} (unknown, voided or "
                    "already superseded)")
        elif target_type != plan.name:
            problem("supersedes", f"entry {event.supersedes} is a {target_type}, not a "
                    f"{plan.name}; a correction replaces a fact of its own kind")
    if plan.void and isinstance(event, EntryVoided):  # the plan first: it costs nothing
        if scope.live_type(event.target_id) is None:
            problem("target_id", f"no live entry {event.target_id} (unknown, voided or "
                    "already superseded)")
        if not event.reason:
            problem("reason", "voiding an entry needs a reason")


def _check_department(scope: BatchScope, department_id: str, plan: CheckPlan,
                      problem: Any) -> None:
    """A named department must be defined; figures go to clinical departments only."""
    reason = _department_refusal(scope.department_kind(department_id), department_id, plan)
    if reason is not None:
        problem("department_id", reason)


def _department_refusal(kind: str | None, department_id: str, plan: CheckPlan) -> str | None:
    if kind is None:
        return f"unknown department {department_id!r}; define it first"
    if plan.figures and kind != "clinical":
        return (f"{department_id!r} is an admin department; workload, revenue and cost are "
                "recorded for clinical departments")
    return None


def _unknown_employee(employee_id: str) -> str:
    return f"unknown employee {employee_id!r}; hire them first"


def _already_recorded(key: tuple[Any, ...], holder: UUID) -> str:
    return (f"already recorded ({' '.join(map(str, key))}) by entry {holder}; to change it, "
            "supersede that entry with a reason")


def _check_roster_references(
    scope: BatchScope, command: BaseModel, event: LedgerEvent, plan: CheckPlan, problem: Any
) -> None:
    """Departments and employees named must be known; a hire must be new."""
    department_id = command.__dict__.get("department_id")
    if isinstance(department_id, str) and not plan.department:
        _check_department(scope, department_id, plan, problem)
    employee_id = command.__dict__.get("employee_id")
    if isinstance(employee_id, str) and not plan.hire:
        if not scope.knows_employee(employee_id):
            problem("employee_id", _unknown_employee(employee_id))
    if plan.hire and isinstance(event, EmployeeHired) and event.supersedes is None and (
        scope.knows_employee(event.employee_id)
    ):
        problem("employee_id", f"{event.employee_id!r} is already hired; use transfer_employee, "
                "change_title_grade, change_post or supersede the hire")


def _check_grading(scope: BatchScope, event: LedgerEvent, plan: CheckPlan,
                   problem: Any) -> None:
    """Grading entries (domain/sanctions.py): subjects, vocabularies, quotas, reviews. The
    grading view of the batch so far is kept with the batch's scope."""
    # Built once per batch, and only for a batch with grading entries: building it reads
    # every live fact, which a pay-only batch must not pay for on each command.
    grading = scope.__dict__.get("grading")
    if grading is None:
        backlog = scope.grading_backlog
        if not plan.grading:
            backlog.append(event)
            return
        from domain.grading_checks import GradingScope  # noqa: PLC0415 - lazy, as above

        grading = scope.__dict__["grading"] = GradingScope(scope.facts)
        for earlier in backlog:
            grading.take_in(earlier)
        backlog.clear()
    from domain.grading_checks import check_grading_entry  # noqa: PLC0415 - lazy, as above

    check_grading_entry(grading, event, problem)


def _check_appeal(scope: BatchScope, event: LedgerEvent, problem: Any) -> None:
    try:
        _check_appeal_rules(scope, event, problem)
    except DomainError as error:  # e.g. a date outside the known statutory calendar
        problem("", str(error))


def _calendar(facts: Facts) -> WorkingCalendar:
    """The statutory calendar with the ledger's holiday notices (procedure facts, whose
    checks' module is imported with the first appeal step: a pay batch never needs it)."""
    from domain.procedures import calendar_of  # noqa: PLC0415 - lazy, see above

    return calendar_of(facts)


def _check_appeal_rules(scope: BatchScope, event: LedgerEvent, problem: Any) -> None:
    from domain import appeals  # noqa: PLC0415 - appeal steps only, as _calendar's
    facts = scope.facts
    if isinstance(event, AppealFiled):
        _, rule = appeals.appeal_rule(facts, event.filed_on)
        if rule is None:
            problem("filed_on", "the scheme in force has no appeal procedure")
            return
        if late := appeals.late_filing(rule, event.received_on, event.filed_on, _calendar(facts)):
            problem("filed_on", late)
        if event.contested_entry_id is not None:
            contested = facts.events.get(event.contested_entry_id)
            if contested is None:
                problem("contested_entry_id", f"no entry {event.contested_entry_id}")
            elif event.contested_entry_id not in facts.live:
                problem("contested_entry_id", "that entry was already corrected or voided; "
                        "appeal the entry that replaced it")
        for name in ("appellant_employee_id", "contested_employee_id"):
            employee_id = getattr(event, name)
            if employee_id and not (scope.knows_employee(employee_id)
                                    or _enrolled(facts, employee_id)):
                problem(name, f"unknown employee or graded subject {employee_id!r}")
        return
    states = appeals.appeals_of(facts)
    state = states.get(event.appeal_id)  # type: ignore[attr-defined]
    if state is None:
        problem("appeal_id", f"no appeal {event.appeal_id!r}")  # type: ignore[attr-defined]
        return
    _, rule = appeals.appeal_rule(facts, state.filed.filed_on)
    if rule is None:
        problem("appeal_id", "the scheme in force has no appeal procedure")
        return
    if isinstance(event, AppealEscalated):
        decision = state.current.decision
        if decision is None:
            problem("appeal_id", "the appeal is not decided yet; a re-review follows a decision")
        elif len(state.escalations) >= rule.re_reviews_max:
            problem("appeal_id", f"the scheme allows {rule.re_reviews_max} re-review(s); "
                    "the last decision is final")
        elif (closes := appeals.closed_before(rule, decision.decided_on, event.filed_on,
                                              _calendar(facts))) is not None:
            problem("filed_on", f"late: the re-review window closed on {closes}")
        return
    level = event.level  # type: ignore[attr-defined]
    if level != state.level:
        problem("level", f"the appeal is at level {state.level}")
        return
    if state.current.decision is not None:
        problem("appeal_id", f"already decided at level {level}: "
                f"{state.current.decision.outcome}")
        return
    person = event.reviewer if isinstance(event, AppealAssigned) else event.actor
    reasons = appeals.recusal_reasons(facts, state, person, rule)
    if reasons:
        problem("reviewer", f"{person} is recused: {'; '.join(reasons)} ({rule.recusal_ref})")
    if isinstance(event, AppealDecided):
        if state.current.reviewer is None:
            problem("appeal_id", "assign a reviewer first")
        elif state.current.reviewer != event.actor:
            problem("actor", f"the appeal is assigned to {state.current.reviewer}, not "
                    f"{event.actor}")
        if event.outcome == "change":
            for reason in appeals.changes_problems(
                appeals.contested_entry(facts, state.filed), event.changes or {}
            ):
                problem("changes", reason)


def _enrolled(facts: Facts, subject_id: str) -> bool:
    """A subject of a grading rulebook (a college's staff member) may appeal too."""
    return any(type(e).__name__ == "SubjectEnrolled" and field_of(e, "subject_id") == subject_id
               for e in facts.live.values())


def _check_close(scope: BatchScope, event: PeriodClosed, problem: Any) -> None:
    period = Period.parse(event.period)
    if scope.batch_ids:
        problem("type", "close a period in a batch of its own")
    if event.position != scope.facts.last_position:
        problem("position", f"the ledger has moved on since the statement was computed "
                f"(position {event.position}, now {scope.facts.last_position}); close again")
    if period.kind == "quarter" and not has_pool(scope.facts, period):
        problem("period", f"{period} has no pool declared; there is nothing to close")
    still_open = open_before(scope.facts, period, scope.closed)
    if still_open:
        problem("period", f"close {', '.join(still_open)} first; periods close in order")


# Period text → (period, its first day, its canonical text): a batch names a few periods
# thousands of times, and each command asked for the three anew.
_PERIODS: dict[str, tuple[Period, date, str]] = {}
_PERIODS_MAX = 4096


def _period_of(text: str) -> tuple[Period, date, str]:
    period = Period.parse(text)
    if len(_PERIODS) >= _PERIODS_MAX:
        _PERIODS.clear()
    found = _PERIODS[text] = (period, period.first_day, str(period))
    return found


def _effective_day(event: LedgerEvent, period: Period | None) -> date | None:
    if period is not None:
        return period.first_day
    for name in DATE_FIELDS:
        value = field_of(event, name)
        if isinstance(value, date):
            return value
    year = field_of(event, "year")
    return date(year, 1, 1) if isinstance(year, int) else None


def _key_field(key: tuple[Any, ...]) -> str:
    return {"pool": "period", "employee": "employee_id", "scheme": "version",
            "assessment": "year", "cme": "year", "annual_target": "year",
            "holiday notice": "year", "delivery": "target_id", "filing": "grading_period",
            "publicity": "grading_period", "final": "grading_period",
            "outside result": "name"}.get(key[0], "period")


def _live_adoptions(scope: BatchScope) -> list[SchemeAdopted]:
    """The adoptions in force after the commands checked so far (the ledger's and the
    batch's, less those the batch replaced)."""
    batch: dict[UUID, SchemeAdopted] = scope.__dict__.get("adoptions", {})
    return [e for e in (*scope.facts.index.schemes, *batch.values())
            if e.originator_id not in scope.replaced]


def _take_in(scope: BatchScope, event: LedgerEvent, plan: CheckPlan,
             key: tuple[Any, ...] | None) -> None:
    scope.batch_ids[event.originator_id.int] = plan.name
    if event.supersedes is not None:
        scope.replaced.add(event.supersedes)
    if plan.void:
        scope.replaced.add(event.target_id)  # type: ignore[attr-defined]
    if key is not None:
        scope.taken[key] = event.originator_id
    if plan.department:
        scope.departments[event.department_id] = event.kind  # type: ignore[attr-defined]
    if plan.hire:
        scope.employees.add(event.employee_id)  # type: ignore[attr-defined]
    if plan.adoption and isinstance(event, SchemeAdopted) and (
            event.document.get("kind") == PAY_SCHEME_KIND):
        scope.schemes.append((event.effective_from, event.version, parse_scheme(event.document)))
        scope.schemes.sort(key=lambda item: item[0])  # as Facts orders them
        scope.scheme_days.clear()


def adopted_scheme_body(command: AdoptScheme, shipped: dict[str, Any] | None) -> dict[str, Any]:
    """The event body of an adoption: the whole document, so a replay never reads files."""
    document = command.document if command.document is not None else shipped
    if document is None:
        raise ValueError("no scheme document")
    scheme = parse_scheme(document, ADOPTING)
    return {
        "scheme_id": scheme.id,
        "version": scheme.version,
        "effective_from": scheme.effective_from,
        "sha256": scheme.sha256,
        "document": scheme.model_dump(mode="json"),
    }


def check_batch(
    facts: Facts,
    items: Sequence[tuple[str, BaseModel, LedgerEvent]],
    closed: frozenset[str],
    pending: frozenset[str] = frozenset(),
) -> list[Problem]:
    scope = BatchScope(facts, closed)
    scope.employees.update(pending)  # refused rows' ids: no cascade of "unknown" problems
    scope.departments.update({key: "clinical" for key in pending})
    problems: list[Problem] = []
    run: list[tuple[str, BaseModel, LedgerEvent]] = []  # plain entries not yet checked
    # Each type's plan once a batch (a run's row-by-row check reads it here too), and the
    # plain types as a set: asked per entry, the plan look-up was ≈1.5 ms a hospital.
    plans = {cls: check_plan(cls) for cls in {type(i[2]) for i in items}}
    plain = {cls for cls, plan in plans.items() if plan.plain}
    for item in items:
        if type(item[2]) in plain and item[2].supersedes is None:
            run.append(item)
            continue
        if run:
            problems += _check_run(scope, run, plans)
            run = []
        found = check_command(scope, *item)
        if found:
            problems += found
    if run:
        problems += _check_run(scope, run, plans)
    return problems


# Runs shorter than this are checked row by row: grouping them costs more than it saves.
RUN_MIN = 16


def _check_run(scope: BatchScope, run: list[tuple[str, BaseModel, LedgerEvent]],
               plans: dict[type, CheckPlan]) -> list[Problem]:
    """A run of plain entries that correct nothing: at once when none has a problem
    (domain/plain_runs.py), else row by row, which words every problem."""
    if len(run) >= RUN_MIN and "grading" not in scope.__dict__ and take_plain_run(
            scope, run, _RUN_CHECKS):
        return []
    problems: list[Problem] = []
    for where, command, event in run:
        problems += _check_plain(scope, where, command, event, plans[type(event)])
    return problems


def _check_plain(scope: BatchScope, where: str, command: BaseModel, event: LedgerEvent,
                 plan: CheckPlan) -> list[Problem]:
    """`check_command` for an entry of a plain type (`CheckPlan.plain`) that corrects
    nothing: the same checks in the same order with the same words, less the questions
    the plan answers (scores, deductions and attendance are most of a batch, and asking
    them every question was a fifth of the batch check). Problems go straight to the list:
    no `problem` closure is made unless a grading check needs one."""
    values = command.__dict__
    problems: list[Problem] = []
    period, day, period_name = _period_parts(values.get("period"))
    if period is not None and scope.closed and period_name in scope.closed:
        problems.append(Problem(where, "period", _closed_reason(period)))
    _check_plain_roster(scope, where, values, plan, problems)
    _check_scheme_values(scope, command, event, plan, period, where=where,
                         problems=problems, first_day=day)
    key = uniqueness_key(event)
    if key is not None and (holder := scope.holder(key)) is not None:
        problems.append(Problem(where, _key_field(key), _already_recorded(key, holder)))
    if "grading" in scope.__dict__:
        def problem(field_name: str, reason: str) -> None:
            problems.append(Problem(where, field_name, reason))

        _check_grading(scope, event, plan, problem)
    else:
        scope.grading_backlog.append(event)
    if not problems:  # `_take_in` of a plain type that corrects nothing
        scope.batch_ids[event.originator_id.int] = plan.name
        if key is not None:
            scope.taken[key] = event.originator_id
    return problems


def _period_closed(scope: BatchScope, text: object) -> bool:
    period, _, period_name = _period_parts(text)
    return period is not None and bool(scope.closed) and period_name in scope.closed


def _plain_scheme_problems(scope: BatchScope, where: str, command: BaseModel,
                           event: LedgerEvent, plan: CheckPlan) -> list[Problem]:
    period, day, _ = _period_parts(command.__dict__.get("period"))
    problems: list[Problem] = []
    _check_scheme_values(scope, command, event, plan, period, where=where,
                         problems=problems, first_day=day)
    return problems


# `_check_plain`'s questions but the key's, one at a time, for a run of plain entries.
_RUN_CHECKS = RunChecks(
    closed=_period_closed,
    refused=lambda scope, department_id, plan: _department_refusal(
        scope.department_kind(department_id), department_id, plan) is not None,
    scheme=_plain_scheme_problems)


def _check_plain_roster(scope: BatchScope, where: str, values: dict[str, Any],
                        plan: CheckPlan, problems: list[Problem]) -> None:
    """`_check_roster_references` of a type that neither defines a department nor hires."""
    department_id = values.get("department_id")
    if isinstance(department_id, str):
        reason = _department_refusal(scope.department_kind(department_id), department_id, plan)
        if reason is not None:
            problems.append(Problem(where, "department_id", reason))
    employee_id = values.get("employee_id")
    if isinstance(employee_id, str) and not scope.knows_employee(employee_id):
        problems.append(Problem(where, "employee_id", _unknown_employee(employee_id)))
