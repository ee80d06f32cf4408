"""Decision letters (复核决定书): a PDF for each decided appeal, saying who the parties
were, what was contested, the decision and its reason, the dates and deadlines (and
whether they were met), and what the decision did to the appellant's pay."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from api.documents.amounts import figures
from api.documents.letter import Letter, Section, write_letter
from api.documents.model import Stamp
from api.i18n.events import event_name, outcome_name, payout_line_name
from api.i18n.letters import in_english, letter_text
from api.usecases.appeals import _visible_state, describe
from api.usecases.exports import ExportFile, local_time, stamp_for
from api.usecases.ports import Caller, Workspace, today_utc
from domain.appeals import AppealState, appeals_of, contested_period
from domain.facts import Facts
from domain.periods import Period
from projections.restatement import current_statement, settles_in

T = letter_text


def decision_letters(ws: Workspace, caller: Caller,
                     appeal_id: str | None = None) -> list[ExportFile]:
    facts = ws.facts()
    today = today_utc()
    if appeal_id is not None:
        states = [_visible_state(caller, facts, appeal_id, today)]
    else:
        states = [s for s in appeals_of(facts).values()
                  if _is_visible(caller, facts, s.appeal_id, today)]
    return [_letter_file(facts, state) for state in states
            if any(r.decision is not None for r in state.reviews)]


def _is_visible(caller: Caller, facts: Facts, appeal_id: str, today: Any) -> bool:
    try:
        _visible_state(caller, facts, appeal_id, today)
    except Exception:  # ForbiddenError: not this caller's appeal
        return False
    return True


def _letter_file(facts: Facts, state: AppealState) -> ExportFile:
    shown = describe(facts, state)
    period = contested_period(facts, state.filed)
    letter = Letter(T("title"), T("number", year=state.filed.filed_on.year,
                                  appeal=state.appeal_id),
        [_parties(facts, shown), _contested(shown), _decision(shown), _dates(shown),
         _effect(facts, state, period)],
        T("closing", time=local_time(datetime.now(UTC))), english=in_english(),
        page_words=T("pages", page="{page}", total="{total}"))
    return ExportFile(f"decision-{state.appeal_id}.pdf", "application/pdf",
                      write_letter(letter, _stamp(facts, period)))


def _stamp(facts: Facts, period: Period | None) -> Stamp:
    """The exports' stamp (the closed statement's hash, or 草稿), in the letter's
    language."""
    stamp = stamp_for(facts, period or Period.parse("2000-Q1"))
    if stamp.sha256 is not None:
        return Stamp(stamp.sha256, T("stamp_closed", sha=stamp.sha256))
    return Stamp(None, T("stamp_draft", period=period or ""))


def _name(facts: Facts, employee_id: str | None, day: Any) -> str:
    if employee_id is None:
        return ""
    employee = facts.employee_on(employee_id, day)
    return T("person", name=employee.name, id=employee_id) if employee else employee_id


def _parties(facts: Facts, shown: dict[str, Any]) -> Section:
    filed_on = datetime.fromisoformat(shown["filed_on"]).date()
    lines = [(T("appellant"), _name(facts, shown["appellant"], filed_on)
              if facts.knows_employee(shown["appellant"]) else shown["appellant"]),
             (T("filed_by"), shown["filed_by"])]
    lines += [(T("reviewer", level=r["level"]), r["reviewer"] or T("none"))
              for r in shown["reviews"]]
    return Section(T("parties"), lines)


def _contested(shown: dict[str, Any]) -> Section:
    c = shown["contested"]
    return Section(T("contested"), [
        (T("kind"), _entry_kind(c["type"])), (T("period"), c["period"] or T("none")),
        (T("entry"), c["entry_id"] or T("none")),
        (T("recorded_by"), c["recorded_by"] or T("none")),
        (T("grounds"), shown["grounds"]),
        (T("evidence"), T("list").join(shown["evidence_refs"]) or T("none"))])


def _entry_kind(type_name: str) -> str:
    """The contested entry's kind in the reader's language (describe() gives the event's
    class name, or "payout line" for an appeal about a whole line)."""
    return payout_line_name() if type_name == "payout line" else event_name(type_name)


def _decision(shown: dict[str, Any]) -> Section:
    lines: list[tuple[str, str]] = []
    for review in shown["reviews"]:
        decision = review["decision"]
        if decision is None:
            continue
        outcome = outcome_name(decision["outcome"])
        lines += [(T("outcome"), T("level", level=review["level"], outcome=outcome)),
                  (T("reason"), decision["reason"] or T("none")),
                  (T("decided_by"), decision["by"])]
        if decision["changes"]:
            lines.append((T("changes"), json.dumps(decision["changes"], ensure_ascii=False,
                                                      sort_keys=True)))
    return Section(T("decision"), lines)


def _dates(shown: dict[str, Any]) -> Section:
    decided = [r["decision"]["decided_on"] for r in shown["reviews"] if r["decision"]]
    decided_on = decided[-1] if decided else None

    def kept(deadline: str | None, day: str | None) -> str:
        if deadline is None:
            return T("none")
        return deadline + (T("met") if day and day <= deadline else T("missed"))

    return Section(T("dates"), [
        (T("received_on"), shown["received_on"]), (T("filed_on"), shown["filed_on"]),
        (T("filing_deadline"), kept(shown["filing_deadline"], shown["filed_on"])),
        (T("review_deadline"), kept(shown["review_deadline"], decided_on)),
        (T("decided_on"), decided_on or T("none"))])


def _effect(facts: Facts, state: AppealState, period: Period | None) -> Section:
    employee = state.filed.appellant_employee_id
    decision = next((r.decision for r in reversed(state.reviews) if r.decision), None)
    if period is None or employee is None or decision is None:
        return Section(T("effect"), [("", T("no_line"))])
    position = facts.positions[decision.originator_id]
    # The corrections a decision makes are recorded right after it, in the same batch
    # (one recorded_at): the pay after the decision includes them.
    end = max(p for event_id, p in facts.positions.items()
              if facts.events[event_id].recorded_at == decision.recorded_at)
    before = _total(current_statement(facts.upto(position - 1), period).to_json(), employee)
    after = _total(current_statement(facts.upto(end), period).to_json(), employee)
    if before is None or after is None:
        return Section(T("effect"), [("", T("no_line"))])
    lines = [(T("period"), str(period)), (T("before"), figures(before)),
             (T("after"), figures(after)), (T("delta"), figures(after - before))]
    if facts.close_of(str(period)):
        target = settles_in(facts, period)
        lines.append(("", T("settles", target=target) if target
                      else T("settles_later")))
    return Section(T("effect"), lines)


def _total(statement: dict[str, Any], employee: str) -> Decimal | None:
    line = next((p for p in statement["people"] if p["employee_id"] == employee), None)
    return Decimal(line["total"]) if line else None
