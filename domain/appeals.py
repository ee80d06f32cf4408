"""Appeals (复核 / 申诉): their state, deadlines, recusal, and the corrections a decision
implies. Pure functions of the facts; the write side records what they return.

Review does not suspend the contested entry (APP-03 「復核期間,不停止原決定的執行」): it
keeps counting until a decision records a correction, which the fold then applies like
any other, so everything downstream, closed periods included, is restated.
"""

from __future__ import annotations

from dataclasses import field
from datetime import date
from typing import Any
from uuid import UUID

from domain.calendar import STATUTORY, WorkingCalendar, add_days, within_days
from domain.events import (
    AppealAssigned,
    AppealDecided,
    AppealEscalated,
    AppealFiled,
    DeductionRecorded,
    LedgerEvent,
    command_types_of_events,
)
from domain.facts import Facts, field_of
from domain.periods import Period
from domain.procedure_rules import Deadline, settings_of
from domain.records import frozen_record
from domain.scheme import AppealRule, Scheme
from domain.users import UserDirectory

# Fields of an entry that say what it is about; a "change" may not move them.
IDENTITY_FIELDS = ("period", "employee_id", "department_id", "item", "indicator", "year", "kind")


@frozen_record
class Review:
    level: int
    reviewer: str | None = None
    decision: AppealDecided | None = None
    assigned_by: str | None = None  # the actor of the assignment


@frozen_record
class AppealState:
    filed: AppealFiled
    reviews: tuple[Review, ...] = field(default_factory=tuple)
    escalations: tuple[AppealEscalated, ...] = ()

    @property
    def appeal_id(self) -> str:
        return self.filed.appeal_id

    @property
    def level(self) -> int:
        return 1 + len(self.escalations)

    @property
    def current(self) -> Review:
        for review in self.reviews:
            if review.level == self.level:
                return review
        return Review(self.level)

    @property
    def status(self) -> str:
        current = self.current
        if current.decision is not None:
            return f"decided: {current.decision.outcome}"
        return "assigned" if current.reviewer else "filed"


def appeals_of(facts: Facts) -> dict[str, AppealState]:
    states: dict[str, AppealState] = {}
    for event in facts.live.values():
        if isinstance(event, AppealFiled):
            states[event.appeal_id] = AppealState(event)
    for event in facts.live.values():
        state = states.get(field_of(event, "appeal_id") or "")
        if state is None or isinstance(event, AppealFiled):
            continue
        if isinstance(event, AppealAssigned):
            state = _with_review(state, event.level, reviewer=event.reviewer,
                                 assigned_by=event.actor)
        elif isinstance(event, AppealDecided):
            state = _with_review(state, event.level, decision=event)
        elif isinstance(event, AppealEscalated):
            state = AppealState(state.filed, state.reviews, (*state.escalations, event))
        states[state.appeal_id] = state
    return states


def _with_review(state: AppealState, level: int, **changes: Any) -> AppealState:
    reviews = {review.level: review for review in state.reviews}
    current = reviews.get(level, Review(level))
    reviews[level] = Review(level, changes.get("reviewer", current.reviewer),
                            changes.get("decision", current.decision),
                            changes.get("assigned_by", current.assigned_by))
    return AppealState(state.filed, tuple(sorted(reviews.values(), key=lambda r: r.level)),
                       state.escalations)


APPEAL_SCHEME_KINDS = ("hospital_two_level", "grading")


class SettingAppealRule(AppealRule):
    """The appeal desk's rule for a scheme whose own window is a setting (`procedures:
    appeal:`), in the seed's unit (S2-R20: 7 calendar days): its seed line stands for the
    review, outcome and recusal too, as the seed states nothing more."""

    window: Deadline
    review: Deadline


def appeal_rule(facts: Facts, filed_on: date) -> tuple[Scheme | None, AppealRule | None]:
    """The appeal procedure in force when the appeal is filed: the pay scheme's, else the
    grading rulebook's (a college appeals sanctions, a hospital deductions)."""
    for kind in APPEAL_SCHEME_KINDS:
        scheme = facts.index.scheme_on(filed_on, kind) or (
            facts.index.scheme_on(date(filed_on.year, 12, 31), kind))
        rule = getattr(scheme, "appeals", None) or _setting_rule(scheme)
        if rule is not None:
            return scheme, rule
    return None, None


def _setting_rule(scheme: Any) -> AppealRule | None:
    settings = settings_of(scheme)
    appeal = settings.appeal if settings else None
    if appeal is None or appeal.window is None or appeal.review is None:
        return None
    ref = appeal.window.ref
    return SettingAppealRule(
        window_working_days=min(appeal.window.days, 60),
        review_working_days=min(appeal.review.days, 120), re_reviews_max=appeal.re_reviews_max,
        window_ref=ref, review_ref=appeal.review.ref, outcome_ref=ref, recusal_ref=ref,
        window=appeal.window, review=appeal.review)


def window_of(rule: AppealRule) -> Deadline:
    """The filing window in its own unit."""
    if isinstance(rule, SettingAppealRule):
        return rule.window
    return Deadline(days=rule.window_working_days, unit="working", ref=rule.window_ref)


def filing_deadline(rule: AppealRule, received_on: date,
                    calendar: WorkingCalendar = STATUTORY) -> date:
    window = window_of(rule)
    return add_days(received_on, window.days, window.unit, calendar)


def closed_before(rule: AppealRule, start: date, filed_on: date,
                  calendar: WorkingCalendar = STATUTORY) -> date | None:
    """The day the filing window opened on `start` closed, when that is before `filed_on`;
    None when `filed_on` is inside the window, judged on the days up to `filed_on` only."""
    window = window_of(rule)
    if within_days(start, window.days, window.unit, filed_on, calendar):
        return None
    return filing_deadline(rule, start, calendar)


def late_filing(rule: AppealRule, received_on: date, filed_on: date,
                calendar: WorkingCalendar = STATUTORY) -> str | None:
    """Why an appeal filed on `filed_on` is too late, in the window's own unit."""
    deadline = closed_before(rule, received_on, filed_on, calendar)
    if deadline is None:
        return None
    window = window_of(rule)
    unit = "working" if window.unit == "working" else "calendar"
    return (f"late: the window of {window.days} {unit} days after {received_on} closed on "
            f"{deadline} ({rule.window_ref})")


def review_deadline(rule: AppealRule, state: AppealState,
                    calendar: WorkingCalendar = STATUTORY) -> date:
    start = state.escalations[-1].filed_on if state.escalations else state.filed.filed_on
    if isinstance(rule, SettingAppealRule):
        return add_days(start, rule.review.days, rule.review.unit, calendar)
    return add_days(start, rule.review_working_days, "working", calendar)


def recusal_reasons(facts: Facts, state: AppealState, reviewer: str, rule: AppealRule,
                    ) -> list[str]:
    """Why `reviewer` may not review this appeal (APP-06); empty when they may."""
    reasons = []
    filed = state.filed
    appellant = filed.appellant_employee_id or filed.appellant_department_id
    if reviewer in (appellant, filed.actor):
        reasons.append("the reviewer is the appellant, or filed the appeal")
    contested = contested_entry(facts, filed)
    if contested is not None and contested.actor == reviewer:
        reasons.append("the reviewer recorded the contested entry")
    if any(r.reviewer == reviewer and r.decision is not None for r in state.reviews
           if r.level < state.level):
        reasons.append("the reviewer decided this appeal at a lower level")
    if rule.recuse_department_head and filed.appellant_employee_id:
        department = _department_of(facts, filed.appellant_employee_id, filed.filed_on)
        if reviewer in _heads_of(facts, department, filed.filed_on, rule):
            reasons.append("the reviewer heads the appellant's department")
    return reasons + duty_reasons(facts, state, reviewer)


def self_assigned(state: AppealState, actor: str) -> str | None:
    """Why `actor` may not decide: they assigned the appeal to themselves (issue 14)."""
    current = state.current
    if current.reviewer == actor and current.assigned_by == actor:
        return ("the reviewer assigned the appeal to themselves; someone else assigns it "
                "again first (审核人不得自行指派)")
    return None


def duty_reasons(facts: Facts, state: AppealState, reviewer: str) -> list[str]:
    """Separation of duties (issue 14): a reviewer who is, or whose user account is, an
    employee the case is about (the appellant, or the person of the contested entry or
    line) is a party."""
    reasons = []
    parties = parties_of(facts, state.filed)
    user = UserDirectory.fold(facts.live.values()).users.get(reviewer)
    if reviewer in parties or (user is not None and user.employee_id in parties):
        reasons.append("the reviewer is a party to the appeal (审核人是当事人)")
    return reasons


def parties_of(facts: Facts, filed: AppealFiled) -> set[str]:
    """The employees an appeal is about: its appellant and the contested line's person."""
    contested = contested_entry(facts, filed)
    people = {filed.appellant_employee_id, filed.contested_employee_id,
              getattr(contested, "employee_id", None)}
    return {p for p in people if isinstance(p, str)}


def _department_of(facts: Facts, employee_id: str, day: date) -> str | None:
    state = facts.employee_on(employee_id, day)
    return state.department_id if state else None


def _heads_of(facts: Facts, department_id: str | None, day: date, rule: AppealRule) -> set[str]:
    heads = set()
    for employee_id in facts.employee_ids():
        state = facts.employee_on(employee_id, day)
        if state and state.department_id == department_id and state.post in rule.head_posts:
            heads.add(employee_id)
    return heads


def contested_entry(facts: Facts, filed: AppealFiled) -> LedgerEvent | None:
    if filed.contested_entry_id is None:
        return None
    return facts.events.get(filed.contested_entry_id)


def contested_period(facts: Facts, filed: AppealFiled) -> Period | None:
    if filed.contested_period is not None:
        return Period.parse(filed.contested_period)
    entry = contested_entry(facts, filed)
    text = getattr(entry, "period", None)
    return Period.parse(text) if isinstance(text, str) else None


def correction_rows(facts: Facts, state: AppealState, decision: AppealDecided | Any,
                    rule: AppealRule) -> list[dict[str, Any]]:
    """The commands a decision implies, as rows: revoke → void the contested entry;
    change → supersede it with the changed fields; a failed appeal under the "double"
    option → the contested deduction once more (004-S13-R15, AMB-20)."""
    filed = state.filed
    entry = contested_entry(facts, filed)
    if entry is None or entry.originator_id not in facts.live:
        return []
    why = f"appeal {filed.appeal_id} level {decision.level}: {decision.outcome}"
    key = f"appeal:{filed.appeal_id}:{decision.level}"
    if decision.outcome == "revoke":
        return [{"type": "void_entry", "target_id": str(entry.originator_id), "reason": why,
                 "idempotency_key": f"{key}:void"}]
    if decision.outcome == "change":
        body = entry.model_dump(mode="json", exclude=set(_ENVELOPE))
        kind = command_types_of_events()[type(entry).__name__]
        return [{**body, **(decision.changes or {}), "type": kind,
                 "supersedes": str(entry.originator_id), "reason": why,
                 "idempotency_key": f"{key}:change"}]
    if rule.failed_appeal == "double" and isinstance(entry, DeductionRecorded):
        body = entry.model_dump(mode="json", exclude=set(_ENVELOPE))
        return [{**body, "type": "record_deduction", "reason": f"{why}: deduction doubled",
                 "idempotency_key": f"{key}:double"}]
    if rule.failed_appeal == "double" and is_deduction_input(entry):
        return [_doubled_input(entry, why, key)]
    return []


def is_deduction_input(entry: LedgerEvent | None) -> bool:
    """A grading input that is a deduction: by its component's name (`deduction`,
    `…_deduction`), the one thing a grading scheme's inputs say about what they are."""
    from domain.sanctions import GradeInputRecorded  # noqa: PLC0415 - grading facts: lazy

    return isinstance(entry, GradeInputRecorded) and (
        entry.component == "deduction" or entry.component.endswith("_deduction"))


def _doubled_input(entry: Any, why: str, key: str) -> dict[str, Any]:
    """004-S13-R15 (AMB-20) for a grading input: the contested deduction is superseded by
    twice itself, so every stage (bands, quotas) runs again on the doubled figure."""
    body = entry.model_dump(mode="json", exclude=set(_ENVELOPE))
    if entry.value is not None:
        body["value"] = str(entry.value * 2)
    else:
        body["values"] = [str(v * 2) for v in entry.values]
    return {**body, "type": "record_grade_input", "supersedes": str(entry.originator_id),
            "reason": f"{why}: deduction doubled", "idempotency_key": f"{key}:double"}


def changes_problems(entry: LedgerEvent | None, changes: dict[str, Any]) -> list[str]:
    if entry is None:
        return ["a change needs a contested entry (a payout line is changed through the "
                "entries behind it)"]
    fields = set(type(entry).model_fields) - set(_ENVELOPE)
    problems = [f"{name!r} is not a field of {type(entry).__name__}"
                for name in changes if name not in fields]
    problems += [f"{name!r} says what the entry is about and cannot change; revoke it and "
                 "record a new one" for name in changes if name in IDENTITY_FIELDS
                 and name != "kind"]
    return problems


_ENVELOPE = ("originator_id", "originator_version", "recorded_at", "actor", "reason",
             "rule_ref", "evidence_ref", "idempotency_key", "supersedes")


def entry_id_text(value: UUID | None) -> str:
    return str(value) if value else ""
