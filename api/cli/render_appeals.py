"""The appeals desk as a clerk reads it (`jixiao appeal show|list|decide`): field names,
statuses, outcomes and entry types in the reader's language, not the JSON's ids (those
stay in `--json`)."""

from __future__ import annotations

import json
from typing import Any, Final

from rich.cells import cell_len

from api.cli.render_late import late_decision_lines
from api.i18n import N_, _
from api.i18n.events import event_name, outcome_name, payout_line_name
from api.i18n.messages import translate

FIELDS: Final = {
    "appeal_id": N_("appeal"), "appellant": N_("appellant"), "filed_by": N_("filed by"),
    "filed_on": N_("filed"), "received_on": N_("decision received"),
    "filing_deadline": N_("filing due"), "review_deadline": N_("review due"),
    "overdue": N_("overdue"), "status": N_("status"), "level": N_("level"),
    "grounds": N_("grounds"), "evidence_refs": N_("evidence"),
    "contested": N_("contested"), "reviews": N_("reviews"),
    # a review deadline that reaches a year whose holidays no calendar knows yet
    "deadline_unknown": N_("deadline unknown"),
}
STATUSES: Final = {"filed": N_("filed"), "assigned": N_("assigned"),
                   "decided": N_("decided")}


def appeal_status(status: str) -> str:
    """filed, assigned, or "decided: <outcome>" in the reader's language."""
    head, _sep, outcome = status.partition(": ")
    shown = _(STATUSES[head]) if head in STATUSES else head
    return f"{shown}：{outcome_name(outcome)}" if outcome else shown


def contested_type(contested: dict[str, Any]) -> str:
    kind = str(contested["type"])
    return payout_line_name() if kind == "payout line" else event_name(kind)


def _contested(contested: dict[str, Any]) -> str:
    parts = [contested_type(contested), contested.get("entry_id") or ""]
    details = [contested.get("period"), contested.get("employee_id")]
    if contested.get("recorded_by"):
        details.append(_("recorded by {actor}").format(actor=contested["recorded_by"]))
    if contested.get("entry_id"):
        details.append(_("still in force") if contested.get("still_in_force")
                       else _("no longer in force"))
    shown = "，".join(str(d) for d in details if d)
    return " ".join(p for p in parts if p) + (f"（{shown}）" if shown else "")


def _review(review: dict[str, Any]) -> str:
    line = _("level {level}: reviewer {reviewer}").format(
        level=review["level"], reviewer=review["reviewer"] or "-")
    decision = review.get("decision")
    if decision is None:
        return line + "；" + _("not decided")
    line += "；" + _("{outcome} on {day} by {actor}: {reason}").format(
        outcome=outcome_name(decision["outcome"]), day=decision["decided_on"],
        actor=decision["by"], reason=decision["reason"])
    if decision.get("changes"):
        line += "；" + _("changes {changes}").format(
            changes=json.dumps(decision["changes"], ensure_ascii=False, sort_keys=True))
    return line


def _value(key: str, value: Any) -> list[str]:
    if key == "status":
        return [appeal_status(str(value))]
    if key == "overdue":
        return [_("yes") if value else _("no")]
    if key == "contested":
        return [_contested(value)]
    if key == "reviews":
        return [_review(review) for review in value] or ["-"]
    if key == "deadline_unknown":  # English in --json: worded here
        return [translate(str(value))]
    if isinstance(value, list):
        return ["、".join(str(v) for v in value) or "-"]
    return ["-" if value is None else str(value)]


def show_text(report: dict[str, Any]) -> str:
    """`jixiao appeal show`: one labelled line a field (a line a review), then any
    decision made after its deadline."""
    out: list[str] = []
    for key, value in report.items():
        if key == "decided_late":
            continue  # in words below
        if key == "overdue" and not value:
            continue  # the CLI's `show` judges no deadline (`judge_overdue=False`)
        label = _(FIELDS[key]) if key in FIELDS else key
        pad = " " * max(1, 12 - cell_len(label))
        lines = _value(key, value)
        out.append(f"{label}:{pad}{lines[0]}")
        out += [" " * (cell_len(label) + 1 + len(pad)) + line for line in lines[1:]]
    out += late_decision_lines(report.get("decided_late", []))
    return "\n".join(out)
