"""`jixiao appeal file|assign|decide|escalate|show|list|preview`: the appeals desk."""

from __future__ import annotations

import argparse
import json
from datetime import date
from typing import Any

from domain.appeals import (
    AppealState,
    appeal_rule,
    appeals_of,
    contested_entry,
    contested_period,
    filing_deadline,
    review_deadline,
)
from domain.errors import InvalidRequestError, NotFoundError
from domain.scheme import canonical_dumps


def add_appeal_verbs(verbs: Any, common: Any) -> None:
    parser = verbs.add_parser("appeal", help="File, assign, decide and follow appeals.")
    steps = parser.add_subparsers(title="steps", metavar="STEP", required=True)

    def step(name: str, handler: Any, text: str) -> argparse.ArgumentParser:
        sub = steps.add_parser(name, help=text, description=text)
        common(sub)
        sub.set_defaults(handler=handler)
        return sub

    sub = step("file", cmd_file, "File an appeal against one entry or payout line.")
    sub.add_argument("--appeal-id", required=True)
    who = sub.add_mutually_exclusive_group(required=True)
    who.add_argument("--employee", help="the appellant (an employee id)")
    who.add_argument("--department", help="the appellant (a unit)")
    what = sub.add_mutually_exclusive_group(required=True)
    what.add_argument("--entry", help="the contested entry's id (see `jixiao events`)")
    what.add_argument("--line", nargs=2, metavar=("PERIOD", "EMPLOYEE"),
                      help="a contested payout line")
    sub.add_argument("--grounds", required=True)
    sub.add_argument("--evidence", action="append", default=[])
    sub.add_argument("--received-on", required=True, help="when the decision reached them")
    sub.add_argument("--filed-on", default=None, help="default: today")

    sub = step("assign", cmd_assign, "Assign an appeal to a reviewer (recusal is checked).")
    sub.add_argument("appeal_id")
    sub.add_argument("--reviewer", required=True)

    sub = step("decide", cmd_decide, "Decide an appeal; its corrections are recorded with it.")
    sub.add_argument("appeal_id")
    sub.add_argument("--outcome", choices=["uphold", "change", "revoke"], required=True)
    sub.add_argument("--changes", default=None, help="JSON object of changed fields")
    sub.add_argument("--reason", required=True)
    sub.add_argument("--decided-on", default=None, help="default: today")

    sub = step("escalate", cmd_escalate, "Ask for the re-review of a decided appeal.")
    sub.add_argument("appeal_id")
    sub.add_argument("--grounds", required=True)
    sub.add_argument("--filed-on", default=None)

    sub = step("show", cmd_show, "An appeal: state, deadlines, contested entry, history.")
    sub.add_argument("appeal_id")
    sub.add_argument("--json", action="store_true")

    sub = step("list", cmd_list, "Open appeals by review deadline; overdue ones flagged.")
    sub.add_argument("--today", default=None)
    sub.add_argument("--all", action="store_true", help="decided ones too")
    sub.add_argument("--json", action="store_true")

    sub = step("preview", cmd_preview,
               "What a decision would change, for everyone it touches; nothing is written.")
    sub.add_argument("appeal_id")
    sub.add_argument("--outcome", choices=["change", "revoke", "uphold"], default="revoke")
    sub.add_argument("--changes", default=None)
    sub.add_argument("--json", action="store_true")


def _cli() -> Any:
    from api import cli  # the shell's helpers; imported late to keep one import direction

    return cli


def _day(text: str | None) -> str:
    if text is None:
        return date.today().isoformat()  # noqa: DTZ011 - a business date in local time
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise InvalidRequestError(f"{text!r} is not a date like 2026-03-20") from None


def _record(args: argparse.Namespace, row: dict[str, Any]) -> Any:
    cli = _cli()
    with cli._session(args) as session:
        return cli.apply_rows(session.ledger, [("appeal", row)], cli._actor(args))


def _changes(text: str | None) -> dict[str, Any] | None:
    from projections.appeal_preview import parse_changes

    return parse_changes(text, "--changes")


def cmd_file(args: argparse.Namespace) -> int:
    row: dict[str, Any] = {
        "type": "file_appeal", "appeal_id": args.appeal_id, "grounds": args.grounds,
        "evidence_refs": args.evidence, "received_on": _day(args.received_on),
        "filed_on": _day(args.filed_on),
    }
    row["appellant_employee_id" if args.employee else "appellant_department_id"] = (
        args.employee or args.department)
    if args.entry:
        row["contested_entry_id"] = args.entry
    else:
        row["contested_period"], row["contested_employee_id"] = args.line
    _record(args, row)
    print(f"filed appeal {args.appeal_id}")
    return 0


def cmd_assign(args: argparse.Namespace) -> int:
    _record(args, {"type": "assign_appeal", "appeal_id": args.appeal_id,
                   "reviewer": args.reviewer, "level": _level(args)})
    print(f"assigned appeal {args.appeal_id} to {args.reviewer}")
    return 0


def cmd_decide(args: argparse.Namespace) -> int:
    row = {"type": "decide_appeal", "appeal_id": args.appeal_id, "level": _level(args),
           "outcome": args.outcome, "decided_on": _day(args.decided_on),
           "reason": args.reason, "changes": _changes(args.changes)}
    report = _record(args, row)
    corrections = [e for e in report.recorded if type(e).__name__ != "AppealDecided"]
    print(f"decided appeal {args.appeal_id}: {args.outcome}; "
          f"{len(corrections)} correction(s) recorded")
    for event in corrections:
        print(f"  {type(event).__name__} {event.originator_id}")
    return 0


def cmd_escalate(args: argparse.Namespace) -> int:
    _record(args, {"type": "escalate_appeal", "appeal_id": args.appeal_id,
                   "grounds": args.grounds, "filed_on": _day(args.filed_on)})
    print(f"appeal {args.appeal_id} goes to re-review")
    return 0


def _level(args: argparse.Namespace) -> int:
    cli = _cli()
    with cli._session(args) as session:
        return _state(session.ledger.facts(), args.appeal_id).level


def _state(facts: Any, appeal_id: str) -> AppealState:
    state = appeals_of(facts).get(appeal_id)
    if state is None:
        raise NotFoundError(f"no appeal {appeal_id!r}")
    return state


def describe(facts: Any, state: AppealState, today: date | None = None) -> dict[str, Any]:
    filed = state.filed
    _, rule = appeal_rule(facts, filed.filed_on)
    entry = contested_entry(facts, filed)
    period = contested_period(facts, filed)
    deadline = review_deadline(rule, state) if rule else None
    decided = state.current.decision is not None
    return {
        "appeal_id": filed.appeal_id,
        "appellant": filed.appellant_employee_id or filed.appellant_department_id,
        "filed_by": filed.actor,
        "filed_on": filed.filed_on.isoformat(),
        "received_on": filed.received_on.isoformat(),
        "filing_deadline": filing_deadline(rule, filed.received_on).isoformat() if rule else None,
        "review_deadline": deadline.isoformat() if deadline else None,
        "overdue": bool(today and deadline and not decided and today > deadline),
        "status": state.status,
        "level": state.level,
        "grounds": filed.grounds,
        "evidence_refs": list(filed.evidence_refs),
        "contested": {
            "entry_id": str(filed.contested_entry_id) if filed.contested_entry_id else None,
            "type": type(entry).__name__ if entry else "payout line",
            "period": str(period) if period else None,
            "employee_id": getattr(entry, "employee_id", None) or filed.contested_employee_id,
            "recorded_by": entry.actor if entry else None,
            "still_in_force": bool(entry and entry.originator_id in facts.live),
        },
        "reviews": [
            {"level": r.level, "reviewer": r.reviewer,
             "decision": None if r.decision is None else {
                 "outcome": r.decision.outcome, "decided_on": r.decision.decided_on.isoformat(),
                 "by": r.decision.actor, "reason": r.decision.reason,
                 "changes": r.decision.changes}}
            for r in state.reviews],
    }


def cmd_show(args: argparse.Namespace) -> int:
    cli = _cli()
    with cli._session(args) as session:
        facts = session.ledger.facts()
        report = describe(facts, _state(facts, args.appeal_id))
    if args.json:
        print(canonical_dumps(report))
        return 0
    for key, value in report.items():
        print(f"{key:>16}: {json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list)) else value}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    cli = _cli()
    today = date.fromisoformat(_day(args.today))
    with cli._session(args) as session:
        facts = session.ledger.facts()
        rows = [describe(facts, state, today) for state in appeals_of(facts).values()
                if args.all or state.current.decision is None]
    rows.sort(key=lambda r: (r["review_deadline"] or "9999", r["appeal_id"]))
    if args.json:
        print(canonical_dumps({"today": today.isoformat(), "appeals": rows}))
        return 0
    from api.render import table

    print(table(["appeal", "appellant", "status", "filed", "review due", "overdue", "contested"],
                [[r["appeal_id"], r["appellant"], r["status"], r["filed_on"],
                  r["review_deadline"], "OVERDUE" if r["overdue"] else "",
                  f"{r['contested']['type']} {r['contested']['period'] or ''}"] for r in rows],
                right=set()))
    return 0


def cmd_preview(args: argparse.Namespace) -> int:
    from api.render import diff_text
    from projections.appeal_preview import preview_decision

    cli = _cli()
    with cli._session(args) as session:
        facts = session.ledger.facts()
        state = _state(facts, args.appeal_id)
        report = preview_decision(session.ledger, facts, state, args.outcome,
                                  _changes(args.changes), cli._actor(args),
                                  date.today())  # noqa: DTZ011 - a business date
    print(canonical_dumps(report) if args.json else diff_text(report))
    return 0
