"""`jixiao appeal file|assign|decide|escalate|show|list|preview`: the appeals desk."""

from __future__ import annotations

import argparse
import json
from datetime import date
from typing import Any

from api import cli_context as ctx
from api.render import diff_text, table
from api.usecases import appeals
from domain.scheme import canonical_dumps


def add_appeal_verbs(verbs: Any, common: Any) -> None:
    parser = verbs.add_parser("appeal", help="File, assign, decide and follow appeals.")
    steps = parser.add_subparsers(title="steps", metavar="STEP", required=True)

    def step(name: str, handler: Any, text: str) -> argparse.ArgumentParser:
        sub: argparse.ArgumentParser = steps.add_parser(name, help=text, description=text)
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


def _day(text: str | None) -> date:
    if text is None:
        return date.today()  # noqa: DTZ011 - a business date in local time
    return appeals.parse_day(text)


def cmd_file(args: argparse.Namespace) -> int:
    request = appeals.FileAppeal(
        appeal_id=args.appeal_id, grounds=args.grounds, received_on=_day(args.received_on),
        filed_on=_day(args.filed_on), appellant_employee_id=args.employee,
        appellant_department_id=args.department, contested_entry_id=args.entry,
        contested_line=tuple(args.line) if args.line else None, evidence_refs=args.evidence)
    with ctx.open_session(args) as session:
        appeals.file_appeal(session, ctx.caller(args), request)
    print(f"filed appeal {args.appeal_id}")
    return 0


def cmd_assign(args: argparse.Namespace) -> int:
    with ctx.open_session(args) as session:
        appeals.assign_appeal(session, ctx.caller(args), args.appeal_id, args.reviewer)
    print(f"assigned appeal {args.appeal_id} to {args.reviewer}")
    return 0


def cmd_decide(args: argparse.Namespace) -> int:
    request = appeals.DecideRequest(args.appeal_id, args.outcome, args.reason,
                                    _day(args.decided_on), _changes(args.changes))
    with ctx.open_session(args) as session:
        decision = appeals.decide_appeal(session, ctx.caller(args), request)
    corrections = decision.corrections
    print(f"decided appeal {args.appeal_id}: {args.outcome}; "
          f"{len(corrections)} correction(s) recorded")
    for event in corrections:
        print(f"  {type(event).__name__} {event.originator_id}")
    return 0


def _changes(text: str | None) -> dict[str, Any] | None:
    return appeals.changes_from_json(text, "--changes")


def cmd_escalate(args: argparse.Namespace) -> int:
    filed_on = _day(args.filed_on)
    with ctx.open_session(args) as session:
        appeals.escalate_appeal(session, ctx.caller(args), args.appeal_id, args.grounds,
                                filed_on)
    print(f"appeal {args.appeal_id} goes to re-review")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    with ctx.open_session(args) as session:
        report = appeals.show_appeal(session, ctx.caller(args), args.appeal_id, _day(None),
                                     judge_overdue=False)
    if args.json:
        print(canonical_dumps(report))
        return 0
    for key, value in report.items():
        shown = json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list)) \
            else value
        print(f"{key:>16}: {shown}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    today = _day(args.today)
    with ctx.open_session(args) as session:
        report = appeals.list_appeals(session, ctx.caller(args), today, args.all)
    if args.json:
        print(canonical_dumps(report))
        return 0
    rows = report["appeals"]
    print(table(["appeal", "appellant", "status", "filed", "review due", "overdue", "contested"],
                [[r["appeal_id"], r["appellant"], r["status"], r["filed_on"],
                  r["review_deadline"], "OVERDUE" if r["overdue"] else "",
                  f"{r['contested']['type']} {r['contested']['period'] or ''}"] for r in rows],
                right=set()))
    return 0


def cmd_preview(args: argparse.Namespace) -> int:
    request = appeals.PreviewRequest(args.appeal_id, args.outcome, args.changes, "--changes")
    with ctx.open_session(args) as session:
        report = appeals.preview_appeal(session, ctx.caller(args), request, _day(None))
    print(canonical_dumps(report) if args.json else diff_text(report))
    return 0
