"""`jixiao appeal file|assign|decide|escalate|show|list|preview`: the appeals desk."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Annotated, Any

import typer

from api.cli.department_labels import department_labels
from api.cli.options import ENVIRON, Actor, Db, Json, caller, open_session
from api.cli.render import diff_text, table
from api.cli.render_appeals import appeal_status, contested_type, show_text
from api.i18n import _
from api.i18n.events import event_name, outcome_name
from api.storage.recorded_zone import recorded_time_zone
from api.storage.session import store_env
from api.usecases import appeals
from domain.errors import InvalidRequestError
from domain.scheme import canonical_dumps

app = typer.Typer(help="File, assign, decide and follow appeals.", no_args_is_help=True)

AppealId = Annotated[str, typer.Argument(help="The appeal's id.")]
Day = Annotated[str | None, typer.Option(help="A date (default: today).", show_default=False)]
Changes = Annotated[str | None, typer.Option(help="JSON object of changed fields.")]


class Outcome(str, Enum):
    uphold = "uphold"
    change = "change"
    revoke = "revoke"


def _day(text: str | None) -> date:
    if text is None:
        return date.today()  # noqa: DTZ011 - a business date in local time
    return appeals.parse_day(text)


def _one_of(flags: dict[str, object]) -> None:
    if sum(value is not None for value in flags.values()) != 1:
        raise InvalidRequestError(f"give exactly one of {' or '.join(flags)}")


@app.command("file")
def file_appeal(
    *,
    appeal_id: Annotated[str, typer.Option(help="The new appeal's id.")],
    grounds: Annotated[str, typer.Option(help="Why the decision is wrong.")],
    received_on: Annotated[str, typer.Option(help="When the decision reached them.")],
    employee: Annotated[str | None, typer.Option(help="The appellant (an employee id).")]
    = None,
    department: Annotated[str | None, typer.Option(help="The appellant (a unit).")] = None,
    entry: Annotated[str | None, typer.Option(
        help="The contested entry's id (see `jixiao events`).")] = None,
    line: Annotated[tuple[str, str] | None, typer.Option(
        metavar="PERIOD EMPLOYEE", help="A contested payout line.")] = None,
    evidence: Annotated[list[str] | None, typer.Option(help="Evidence (repeat).")] = None,
    filed_on: Day = None, db: Db = None, actor: Actor = None,
) -> int:
    """File an appeal against one entry or payout line."""
    _one_of({"--employee": employee, "--department": department})
    _one_of({"--entry": entry, "--line": line})
    request = appeals.FileAppeal(
        appeal_id=appeal_id, grounds=grounds, received_on=_day(received_on),
        filed_on=_day(filed_on), appellant_employee_id=employee,
        appellant_department_id=department, contested_entry_id=entry,
        contested_line=line, evidence_refs=list(evidence or []))
    with open_session(db) as session:
        appeals.file_appeal(session, caller(actor), request)
    print(_("filed appeal {appeal}").format(appeal=appeal_id))
    return 0


@app.command("assign")
def assign(*, appeal_id: AppealId,
           reviewer: Annotated[str, typer.Option(help="The reviewer's id.")],
           db: Db = None, actor: Actor = None) -> int:
    """Assign an appeal to a reviewer (recusal is checked)."""
    with open_session(db) as session:
        appeals.assign_appeal(session, caller(actor), appeal_id, reviewer)
    print(_("assigned appeal {appeal} to {reviewer}").format(appeal=appeal_id,
                                                               reviewer=reviewer))
    return 0


@app.command("decide")
def decide(*, appeal_id: AppealId,
           outcome: Annotated[Outcome, typer.Option(help="The decision.")],
           reason: Annotated[str, typer.Option(help="Why, recorded on the decision.")],
           changes: Changes = None, decided_on: Day = None,
           db: Db = None, actor: Actor = None) -> int:
    """Decide an appeal; its corrections are recorded with it."""
    request = appeals.DecideRequest(appeal_id, outcome.value, reason, _day(decided_on),
                                    _changes(changes))
    with open_session(db) as session:
        decision = appeals.decide_appeal(session, caller(actor), request)
    corrections = decision.corrections
    print(_("decided appeal {appeal}: {outcome}; {count} correction(s) recorded").format(
        appeal=appeal_id, outcome=outcome_name(outcome.value), count=len(corrections)))
    for event in corrections:
        print(f"  {event_name(type(event).__name__)} {event.originator_id}")
    return 0


def _changes(text: str | None) -> dict[str, Any] | None:
    return appeals.changes_from_json(text, "--changes")


@app.command("escalate")
def escalate(*, appeal_id: AppealId,
             grounds: Annotated[str, typer.Option(help="Why it needs a re-review.")],
             filed_on: Day = None, db: Db = None, actor: Actor = None) -> int:
    """Ask for the re-review of a decided appeal."""
    day = _day(filed_on)
    with open_session(db) as session:
        appeals.escalate_appeal(session, caller(actor), appeal_id, grounds, day)
    print(_("appeal {appeal} goes to re-review").format(appeal=appeal_id))
    return 0


@app.command("show")
def show(*, appeal_id: AppealId, db: Db = None, actor: Actor = None, json: Json = False) -> int:
    """An appeal: state, deadlines, contested entry, history."""
    with open_session(db) as session:
        report = appeals.show_appeal(session, caller(actor), appeal_id, _day(None),
                                     judge_overdue=False)
    print(canonical_dumps(report) if json else show_text(report))
    return 0


@app.command("list")
def list_appeals(*, today: Day = None,
                 show_all: Annotated[bool, typer.Option("--all",
                                                        help="Decided ones too.")] = False,
                 db: Db = None, actor: Actor = None, json: Json = False) -> int:
    """Open appeals by review deadline; overdue ones flagged."""
    day = _day(today)
    with open_session(db) as session:
        report = appeals.list_appeals(session, caller(actor), day, show_all)
    if json:
        print(canonical_dumps(report))
        return 0
    print(table([_("appeal"), _("appellant"), _("status"), _("filed"), _("review due"),
                 _("overdue"), _("contested")],
                [[r["appeal_id"], r["appellant"], appeal_status(r["status"]), r["filed_on"],
                  r["review_deadline"], _("OVERDUE") if r["overdue"] else "",
                  f"{contested_type(r['contested'])} {r['contested']['period'] or ''}"]
                 for r in report["appeals"]], right=set()))
    return 0


@app.command("preview")
def preview(*, appeal_id: AppealId,
            outcome: Annotated[Outcome, typer.Option(help="The decision to try.")]
            = Outcome.revoke,
            changes: Changes = None, db: Db = None, actor: Actor = None,
            json: Json = False) -> int:
    """What a decision would change, for everyone it touches; nothing is written."""
    request = appeals.PreviewRequest(appeal_id, outcome.value, changes, "--changes")
    with open_session(db) as session:
        report = appeals.preview_appeal(session, caller(actor), request, _day(None))
        if json:
            print(canonical_dumps(report))
            return 0
        names = department_labels(session, caller(actor), report)
    print(diff_text(report, names, recorded_time_zone(store_env(db, ENVIRON.get()))))
    return 0
