"""The procedures report (`jixiao procedures`): for every written decision, filing and
publicity a scheme's procedural settings hold to a deadline, the due day on the ledger's
working-day calendar, when it happened, and whether it was late (or is overdue on
`today`); appeals decided after their deadline; sanctions recorded by hand whose
triggering entry was later voided; the holiday notices recorded; the results recorded
from outside the ledger. Pure: facts in, rows out."""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.appeals import (
    APPEAL_SCHEME_KINDS,
    AppealState,
    appeal_rule,
    appeals_of,
    contested_period,
    review_deadline,
)
from domain.calendar import WorkingCalendar, add_days
from domain.errors import DomainError
from domain.events import AppealDecided, LedgerEvent
from domain.facts import Facts
from domain.grading import GradingPeriod
from domain.periods import Period
from domain.procedure_events import (
    HolidayNoticeRecorded,
    ObjectionRecorded,
    ObjectionSettled,
    OutsideResultRecorded,
    PublicityOpened,
    ResultsFiled,
    ResultsMadeFinal,
)
from domain.procedure_rules import Deadline, settings_of
from domain.procedures import (
    calendar_of,
    delivered_on,
    delivery_rule,
    grading_scheme,
    publicity_end,
)
from domain.sanctions import DerivedFactRecorded, ReviewDecided, SanctionRecorded

# In English, the one text every reader's report holds (`--json`, the API); the CLI words
# it in the reader's language (api/i18n/error_templates.py).
TRIGGER_WITHDRAWN = ("the entry that triggered this sanction was voided or corrected; the "
                     "sanction stands until someone reviews it")

def procedures_report(facts: Facts, today: date, rulebook: str | None = None
                      ) -> dict[str, Any]:
    calendar = calendar_of(facts)
    report: dict[str, Any] = {
        "today": today.isoformat(),
        "calendar": _notices(facts),
        "deliveries": _deliveries(facts, calendar, today, rulebook),
        "filings": _filings(facts, calendar, today, rulebook),
        "publicity": _publicity(facts, calendar, today, rulebook),
        "appeals_decided_late": _late_appeals(facts, calendar),
        "voided_triggers": _voided_triggers(facts, rulebook),
        "outside_results": _outside(facts, rulebook),
    }
    report["late"] = {
        "deliveries": sum(1 for d in report["deliveries"] if d["late"] or d["overdue"]),
        "filings": sum(1 for f in report["filings"] if f["late"] or f["overdue"]),
        "appeals": len(report["appeals_decided_late"]),
        "voided_triggers": len(report["voided_triggers"]),
    }
    return report


def _notices(facts: Facts) -> list[dict[str, Any]]:
    found = [e for e in facts.live.values() if isinstance(e, HolidayNoticeRecorded)]
    return [{"year": e.year, "notice": e.notice, "holidays": [d.isoformat() for d in e.holidays],
             "workdays": [d.isoformat() for d in e.workdays], "entry": str(e.originator_id)}
            for e in sorted(found, key=lambda e: e.year)]


def _in_order(facts: Facts, kind: type[LedgerEvent] | tuple[type[LedgerEvent], ...]
              ) -> list[Any]:
    return sorted((e for e in facts.live.values() if isinstance(e, kind)),
                  key=lambda e: facts.positions[e.originator_id])


def _decision_scheme(facts: Facts, decision: Any) -> Any:
    """The scheme whose delivery rule a decision is held to."""
    if isinstance(decision, ReviewDecided):
        decision = facts.events.get(decision.target_id, decision)
    if isinstance(decision, SanctionRecorded):
        if decision.rulebook is not None:
            return grading_scheme(facts, decision.rulebook, decision.decided_on)
        for event in facts.index.schemes:
            scheme = grading_scheme(facts, event.scheme_id, decision.decided_on)
            if scheme is not None and decision.kind in scheme.sanction_kinds:
                return scheme
        return None
    for kind in APPEAL_SCHEME_KINDS:
        scheme = facts.index.scheme_on(decision.decided_on, kind)
        if scheme is not None and delivery_rule(scheme) is not None:
            return scheme
    return None


def _deadline_row(rule: Deadline, start: date, done: date | None, today: date,
                  calendar: WorkingCalendar) -> dict[str, Any]:
    row: dict[str, Any] = {"rule": rule.text(), "days": rule.days, "unit": rule.unit,
                           "due": None, "late": False, "overdue": False}
    try:
        due = add_days(start, rule.days, rule.unit, calendar)
    except DomainError as error:  # a year whose holiday notice nobody has recorded
        row["problem"] = str(error)
        return row
    row["due"] = due.isoformat()
    row["late"] = done is not None and done > due
    row["overdue"] = done is None and today > due
    return row


def _deliveries(facts: Facts, calendar: WorkingCalendar, today: date,
                rulebook: str | None) -> list[dict[str, Any]]:
    rows = []
    for decision in _in_order(facts, (SanctionRecorded, AppealDecided, ReviewDecided)):
        scheme = _decision_scheme(facts, decision)
        rule = delivery_rule(scheme) if scheme is not None else None
        if rule is None or rulebook not in (None, scheme.id):
            continue
        day, entry = delivered_on(facts, decision)
        rows.append({
            "decision": str(decision.originator_id), "type": type(decision).__name__,
            "rulebook": scheme.id, "subject_id": getattr(decision, "subject_id", None)
            or getattr(decision, "appeal_id", None),
            "decided_on": decision.decided_on.isoformat(),
            "delivered_on": day.isoformat() if day else None, "delivery_entry": entry,
            **_deadline_row(rule, decision.decided_on, day, today, calendar)})
    return rows


def _by_results(facts: Facts, kind: type[LedgerEvent]) -> dict[tuple[str, str], Any]:
    return {(e.rulebook, e.grading_period): e for e in _in_order(facts, kind)}


def _filings(facts: Facts, calendar: WorkingCalendar, today: date,
             rulebook: str | None) -> list[dict[str, Any]]:
    filed = _by_results(facts, ResultsFiled)
    rows = []
    for (book, period), final in sorted(_by_results(facts, ResultsMadeFinal).items()):
        scheme = grading_scheme(facts, book, GradingPeriod.parse(period).first_day)
        settings = settings_of(scheme)
        rule = settings.filing if settings else None
        if rule is None or rulebook not in (None, book):
            continue
        done = filed.get((book, period))
        rows.append({"rulebook": book, "grading_period": period, "body": rule.body,
                     "final_on": final.final_on.isoformat(),
                     "filed_on": done.filed_on.isoformat() if done else None,
                     "filed_with": done.body if done else None,
                     **_deadline_row(rule, final.final_on, done.filed_on if done else None,
                                     today, calendar)})
    return rows


def _publicity(facts: Facts, calendar: WorkingCalendar, today: date,
               rulebook: str | None) -> list[dict[str, Any]]:
    finals = _by_results(facts, ResultsMadeFinal)
    objections = _in_order(facts, ObjectionRecorded)
    settlements = {s.objection_id: s for s in _in_order(facts, ObjectionSettled)}
    rows = []
    for (book, period), opened in sorted(_by_results(facts, PublicityOpened).items()):
        scheme = grading_scheme(facts, book, GradingPeriod.parse(period).first_day)
        settings = settings_of(scheme)
        if settings is None or settings.publicity is None or rulebook not in (None, book):
            continue
        row: dict[str, Any] = {"rulebook": book, "grading_period": period,
                               "opened_on": opened.opened_on.isoformat(),
                               "rule": settings.publicity.text(), "ends_on": None}
        try:
            end = publicity_end(settings.publicity, opened.opened_on, calendar)
            row["ends_on"] = end.isoformat()
            row["running"] = opened.opened_on <= today <= end
        except DomainError as error:
            row["problem"] = str(error)
        final = finals.get((book, period))
        row["final_on"] = final.final_on.isoformat() if final else None
        row["objections"] = [_objection(o, settlements.get(o.originator_id))
                             for o in objections
                             if (o.rulebook, o.grading_period) == (book, period)]
        rows.append(row)
    return rows


def _objection(objection: ObjectionRecorded, settled: ObjectionSettled | None
               ) -> dict[str, Any]:
    """An objection and how it was settled (upheld with its correction, or rejected);
    `outcome` None: not settled yet."""
    return {"subject_id": objection.subject_id,
            "received_on": objection.received_on.isoformat(), "detail": objection.detail,
            "entry": str(objection.originator_id),
            "outcome": settled.outcome if settled else None,
            "finding": settled.finding if settled else None,
            "settled_on": settled.settled_on.isoformat() if settled else None,
            "correction": str(settled.correction_id) if settled and settled.correction_id
            else None,
            "settlement": str(settled.originator_id) if settled else None}


def _late_appeals(facts: Facts, calendar: WorkingCalendar) -> list[dict[str, Any]]:
    """Each level's decision made after that level's review deadline."""
    return [row for state in appeals_of(facts).values()
            for row in late_decisions(facts, state, calendar)]


def late_decisions(facts: Facts, state: AppealState,
                   calendar: WorkingCalendar | None = None) -> list[dict[str, Any]]:
    """The levels of one appeal decided after their review deadline (each level's from
    the day it was filed), with the deadline, the day decided and the rule: what the
    appeal's own view and the restatement it causes show reviewers and finance."""
    _, rule = appeal_rule(facts, state.filed.filed_on)
    if rule is None:
        return []
    calendar = calendar or calendar_of(facts)
    rows = []
    for review in state.reviews:
        if review.decision is None:
            continue
        try:
            deadline = review_deadline(rule, _at_level(state, review.level), calendar)
        except DomainError:
            continue  # the appeal desk names the unknown year on the appeal itself
        if review.decision.decided_on > deadline:
            rows.append({"appeal_id": state.appeal_id, "level": review.level,
                         "deadline": deadline.isoformat(),
                         "decided_on": review.decision.decided_on.isoformat(),
                         "decision": str(review.decision.originator_id),
                         "rule": str(rule.review_ref)})
    return rows


def with_late_decisions(report: dict[str, Any], facts: Facts, period: Period) -> None:
    """Add `appeals_decided_late` to a restatement report of `period` when an appeal
    about it was decided late; absent otherwise, so such reports read as before."""
    late = late_decisions_in(facts, period)
    if late:
        report["appeals_decided_late"] = late


def late_decisions_in(facts: Facts, period: Period) -> list[dict[str, Any]]:
    """Late appeal decisions about entries or lines of pay period `period`: the ones a
    restatement of that period carries."""
    calendar = calendar_of(facts)
    return [row for state in appeals_of(facts).values()
            if contested_period(facts, state.filed) == period
            for row in late_decisions(facts, state, calendar)]


def _at_level(state: AppealState, level: int) -> AppealState:
    """The appeal as it stood at `level`: its review deadline runs from that level's
    filing (the appeal itself, or the escalation that opened the level)."""
    return AppealState(state.filed, state.reviews, state.escalations[:level - 1])


def _voided_triggers(facts: Facts, rulebook: str | None) -> list[dict[str, Any]]:
    """Sanctions recorded by hand to discharge a policy's obligation (a stand-down after
    three verified complaints) whose obligation was later withdrawn, because an entry it
    was derived from was voided or corrected: the sanction stays until someone reviews
    it, and is flagged."""
    derived = _in_order_all(facts, DerivedFactRecorded)
    rows = []
    for sanction in _in_order(facts, SanctionRecorded):
        if rulebook not in (None, sanction.rulebook):
            continue
        triggers = [d for d in derived if d.subject_id == sanction.subject_id
                    and d.derived_on <= sanction.decided_on
                    and sanction.kind in _discharging_kinds(facts, d)]
        if not triggers or any(d.originator_id in facts.live for d in triggers):
            continue
        trigger = triggers[-1]
        by = facts.events.get(facts.replaced_by.get(trigger.originator_id))  # type: ignore[arg-type]
        rows.append({
            "sanction": str(sanction.originator_id), "subject_id": sanction.subject_id,
            "kind": sanction.kind, "decided_on": sanction.decided_on.isoformat(),
            "triggered_by": str(trigger.originator_id), "trigger_kind": trigger.kind,
            "trigger_policy": trigger.policy_id,
            "withdrawn_by": str(by.originator_id) if by else None,
            "withdrawn_because": getattr(by, "reason", None),
            "note": TRIGGER_WITHDRAWN})
    return rows


def _in_order_all(facts: Facts, kind: type[LedgerEvent]) -> list[Any]:
    """Live and withdrawn alike, in ledger order."""
    return sorted((e for e in facts.events.values() if isinstance(e, kind)),
                  key=lambda e: facts.positions[e.originator_id])


def _discharging_kinds(facts: Facts, fact: DerivedFactRecorded) -> tuple[str, ...]:
    scheme = grading_scheme(facts, fact.rulebook, fact.derived_on)
    for policy in getattr(scheme, "policies", ()):
        if policy.id == fact.policy_id:
            return tuple(policy.discharged_by)
    return ()


def _outside(facts: Facts, rulebook: str | None) -> list[dict[str, Any]]:
    return [{"subject_id": e.subject_id, "grading_period": e.grading_period, "name": e.name,
             "grade": e.grade, "value": None if e.value is None else str(e.value),
             "source": e.source, "source_ref": e.source_ref, "rulebook": e.rulebook,
             "entry": str(e.originator_id)}
            for e in _in_order(facts, OutsideResultRecorded)
            if rulebook in (None, e.rulebook) or e.rulebook is None]
