"""Each sanction decided in the period, for a scheme with a procedure (ZC): its deadlines
on the statutory calendar (AMB-07), reviews and their outcomes, filing (APP-05) and
corrections. Every deadline is the rule's own number of working days."""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.calendar import add_working_days
from domain.errors import DomainError
from domain.events import LedgerEvent
from domain.grading import GradingPeriod, ProcedureRule
from domain.procedures import calendar_of, delivered_on
from domain.sanctions import ReviewDecided, ReviewRequested, SanctionRecorded
from projections.grading.context import GradingContext
from projections.grading.model import ref_json


def procedures(run: GradingContext, period: GradingPeriod) -> list[dict[str, Any]]:
    rule = run.scheme.procedure
    if rule is None:
        return []
    reviews = run.g.reviews
    found = []
    for event in sorted(run.facts.events.values(), key=lambda e: run.facts.positions.get(
            e.originator_id, 0)):
        if not isinstance(event, SanctionRecorded) or not period.contains(event.decided_on):
            continue
        if event.rulebook not in (None, run.scheme.id) or (
                event.kind not in run.scheme.sanction_kinds):
            continue
        found.append(_procedure(run, event, rule, reviews))
    return found


def _procedure(run: GradingContext, s: SanctionRecorded, rule: ProcedureRule,
               reviews: list[LedgerEvent]) -> dict[str, Any]:
    item: dict[str, Any] = {"sanction": str(s.originator_id), "subject_id": s.subject_id,
                            "kind": s.kind, "decided_on": s.decided_on.isoformat(),
                            "in_force": s.originator_id in run.facts.live}
    try:
        if s.investigation_started_on is not None:
            item["investigation"] = _investigation(run, s, rule)
        due = add_working_days(s.decided_on, rule.delivery_working_days,
                               calendar_of(run.facts))
        delivered, _ = delivered_on(run.facts, s)  # a recorded delivery, else the entry's
        item["delivery"] = {"due": due.isoformat(), "delivered_on": _iso(delivered),
                            "on_time": None if delivered is None else delivered <= due,
                            **ref_json(rule.delivery_ref)}
        item["reviews"] = _reviews(run, s, rule, reviews)
    except DomainError as error:  # a year the statutory calendar does not know
        item["problem"] = str(error)
    item["no_stay"] = ref_json(rule.no_stay_ref)
    replaced = run.facts.replaced_by.get(s.originator_id)
    if replaced is not None:
        by = run.facts.events.get(replaced)
        item["corrected_by"] = {"entry": str(replaced), "type": type(by).__name__,
                                "reason": getattr(by, "reason", None),
                                "recorded_at": by.recorded_at.isoformat() if by else None}
    if rule.filing_ref is not None:
        filed = [str(s.originator_id)] + [str(e.originator_id) for e in reviews
                                          if isinstance(e, ReviewDecided)
                                          and e.target_id == s.originator_id]
        item["filing"] = {"entries": filed, **ref_json(rule.filing_ref)}
    return item


def _investigation(run: GradingContext, s: SanctionRecorded, rule: ProcedureRule
                   ) -> dict[str, Any]:
    assert s.investigation_started_on is not None
    days = rule.investigation_working_days + (
        rule.extension_working_days if s.extension_approved else 0)
    due = add_working_days(s.investigation_started_on, days, calendar_of(run.facts))
    return {"started_on": s.investigation_started_on.isoformat(), "due": due.isoformat(),
            "working_days": days, "reported_on": _iso(s.investigation_reported_on),
            "on_time": None if s.investigation_reported_on is None
            else s.investigation_reported_on <= due, **ref_json(rule.investigation_ref)}


def _reviews(run: GradingContext, s: SanctionRecorded, rule: ProcedureRule,
             reviews: list[LedgerEvent]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for event in reviews:
        if event.target_id != s.originator_id:  # type: ignore[attr-defined]
            continue
        if isinstance(event, ReviewRequested):
            closes = add_working_days(event.received_on, rule.review_window_working_days,
                                      calendar_of(run.facts))
            items.append({
                "requested": str(event.originator_id), "received_on":
                event.received_on.isoformat(), "applied_on": event.applied_on.isoformat(),
                "window_closes": closes.isoformat(), "late": event.applied_on > closes,
                "stay": False, **ref_json(rule.review_ref)})
        elif isinstance(event, ReviewDecided):
            items.append({"decided": str(event.originator_id),
                          "decided_on": event.decided_on.isoformat(),
                          "outcome": event.outcome})
    return items


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
