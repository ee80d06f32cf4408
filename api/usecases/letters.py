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
from api.i18n.events import event_name, outcome_name, payout_line_name
from api.usecases.appeals import _visible_state, describe
from api.usecases.exports import ExportFile, local_time, stamp_for
from api.usecases.ports import Caller, Workspace, today_utc
from domain.appeals import AppealState, appeals_of, contested_period
from domain.facts import Facts
from domain.periods import Period
from projections.restatement import current_statement, settles_in

TEXT = {
    "title": "复核决定书", "number": "编号：复决〔{year}〕{appeal} 号",
    "parties": "当事人", "appellant": "申诉人", "department": "所在科室", "filed_by": "登记人",
    "reviewer": "第 {level} 级复核人", "contested": "申诉事项", "kind": "被申诉事项",
    "period": "所属期间", "entry": "条目编号", "recorded_by": "原录入人", "grounds": "申诉理由",
    "evidence": "证据", "decision": "复核决定", "outcome": "决定", "reason": "理由",
    "changes": "变更内容", "decided_by": "决定人", "dates": "日期与时限",
    "received_on": "收到原决定之日", "filed_on": "提出申诉之日",
    "filing_deadline": "申诉期限", "review_deadline": "复核期限", "decided_on": "作出决定之日",
    "met": "（已遵守）", "missed": "（已超过期限）", "none": "无", "effect": "对工资的影响",
    "before": "决定前实发金额", "after": "决定后实发金额", "delta": "变动",
    "settles": "该期间已结账，差额在 {target} 的重算补差中结算",
    "settles_later": "该期间已结账，差额在下一个未结账季度的重算补差中结算",
    "no_line": "申诉人不是个人或该期间无其工资行，工资不受影响",
    "closing": "本决定书由 jixiao 于 {time}（北京时间）依账本生成。",
}


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
    letter = Letter(TEXT["title"], TEXT["number"].format(
        year=state.filed.filed_on.year, appeal=state.appeal_id),
        [_parties(facts, shown), _contested(shown), _decision(shown), _dates(shown),
         _effect(facts, state, period)],
        TEXT["closing"].format(time=local_time(datetime.now(UTC))))
    stamp = stamp_for(facts, period) if period else stamp_for(facts, Period.parse("2000-Q1"))
    return ExportFile(f"decision-{state.appeal_id}.pdf", "application/pdf",
                      write_letter(letter, stamp))


def _name(facts: Facts, employee_id: str | None, day: Any) -> str:
    if employee_id is None:
        return ""
    employee = facts.employee_on(employee_id, day)
    return f"{employee.name}（{employee_id}）" if employee else employee_id


def _parties(facts: Facts, shown: dict[str, Any]) -> Section:
    filed_on = datetime.fromisoformat(shown["filed_on"]).date()
    lines = [(TEXT["appellant"], _name(facts, shown["appellant"], filed_on)
              if facts.knows_employee(shown["appellant"]) else shown["appellant"]),
             (TEXT["filed_by"], shown["filed_by"])]
    lines += [(TEXT["reviewer"].format(level=r["level"]), r["reviewer"] or TEXT["none"])
              for r in shown["reviews"]]
    return Section(TEXT["parties"], lines)


def _contested(shown: dict[str, Any]) -> Section:
    c = shown["contested"]
    return Section(TEXT["contested"], [
        (TEXT["kind"], _entry_kind(c["type"])), (TEXT["period"], c["period"] or TEXT["none"]),
        (TEXT["entry"], c["entry_id"] or TEXT["none"]),
        (TEXT["recorded_by"], c["recorded_by"] or TEXT["none"]),
        (TEXT["grounds"], shown["grounds"]),
        (TEXT["evidence"], "；".join(shown["evidence_refs"]) or TEXT["none"])])


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
        lines += [(TEXT["outcome"], f"第 {review['level']} 级：{outcome}"),
                  (TEXT["reason"], decision["reason"] or TEXT["none"]),
                  (TEXT["decided_by"], decision["by"])]
        if decision["changes"]:
            lines.append((TEXT["changes"], json.dumps(decision["changes"], ensure_ascii=False,
                                                      sort_keys=True)))
    return Section(TEXT["decision"], lines)


def _dates(shown: dict[str, Any]) -> Section:
    decided = [r["decision"]["decided_on"] for r in shown["reviews"] if r["decision"]]
    decided_on = decided[-1] if decided else None

    def kept(deadline: str | None, day: str | None) -> str:
        if deadline is None:
            return TEXT["none"]
        return deadline + (TEXT["met"] if day and day <= deadline else TEXT["missed"])

    return Section(TEXT["dates"], [
        (TEXT["received_on"], shown["received_on"]), (TEXT["filed_on"], shown["filed_on"]),
        (TEXT["filing_deadline"], kept(shown["filing_deadline"], shown["filed_on"])),
        (TEXT["review_deadline"], kept(shown["review_deadline"], decided_on)),
        (TEXT["decided_on"], decided_on or TEXT["none"])])


def _effect(facts: Facts, state: AppealState, period: Period | None) -> Section:
    employee = state.filed.appellant_employee_id
    decision = next((r.decision for r in reversed(state.reviews) if r.decision), None)
    if period is None or employee is None or decision is None:
        return Section(TEXT["effect"], [("", TEXT["no_line"])])
    position = facts.positions[decision.originator_id]
    # The corrections a decision makes are recorded right after it, in the same batch
    # (one recorded_at): the pay after the decision includes them.
    end = max(p for event_id, p in facts.positions.items()
              if facts.events[event_id].recorded_at == decision.recorded_at)
    before = _total(current_statement(facts.upto(position - 1), period).to_json(), employee)
    after = _total(current_statement(facts.upto(end), period).to_json(), employee)
    if before is None or after is None:
        return Section(TEXT["effect"], [("", TEXT["no_line"])])
    lines = [(TEXT["period"], str(period)), (TEXT["before"], figures(before)),
             (TEXT["after"], figures(after)), (TEXT["delta"], figures(after - before))]
    if facts.close_of(str(period)):
        target = settles_in(facts, period)
        lines.append(("", TEXT["settles"].format(target=target) if target
                      else TEXT["settles_later"]))
    return Section(TEXT["effect"], lines)


def _total(statement: dict[str, Any], employee: str) -> Decimal | None:
    line = next((p for p in statement["people"] if p["employee_id"] == employee), None)
    return Decimal(line["total"]) if line else None
