"""`jixiao procedures deliver|file|publicize|object|settle|finalize|outside-result|report`:
the procedures around results, and the report of what was late."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import typer

from api.cli.options import Actor, Db, Json, Reason, caller, open_session
from api.cli.render import table
from api.i18n import N_, _
from api.i18n.messages import translate
from api.usecases import procedures
from domain.errors import InvalidRequestError
from domain.scheme import canonical_dumps

app = typer.Typer(help="送达、备案、公示、异议、定稿、外部结果与逾期报告。 Delivery, filing, "
                  "publicity, objections, final results, outside results, and what was late.",
                  no_args_is_help=True)

On = Annotated[str | None, typer.Option("--on", help="The day (default: today).",
                                        show_default=False)]
Rulebook = Annotated[str, typer.Option(help="The grading scheme's id.")]
GradingPeriodOption = Annotated[str, typer.Option(
    "--period", help="2025-03, 2025-Q1, 2025-H1 or 2025.")]
# what each verb says it did
DELIVERED, FILED = N_("delivery recorded"), N_("filing recorded")
# (not "objection settled" or "publicity opened": the events' names, worded otherwise)
PUBLICIZED, OBJECTED = N_("opened publicity"), N_("objection recorded")
SETTLED_DONE, FINAL = N_("settled the objection"), N_("made the results final")
OUTSIDE = N_("outside result recorded")
DECIDED_LATE = N_("appeal {appeal} level {level} decided {decided_on} after its deadline "
                  "{deadline} ({rule})")
VOIDED_TRIGGER = N_("sanction {sanction} ({subject}, {kind}): {note}")


def _day(text: str | None, name: str = "--on") -> str:
    if text is None:
        return date.today().isoformat()  # noqa: DTZ011 - a business date in local time
    return procedures.parse_day(text, name).isoformat()


def _record(db: str | None, actor: str | None, row: dict[str, Any], done: str) -> int:
    with open_session(db) as session:
        applied = procedures.record(session, caller(actor), row)
    entry = next(iter((*applied.recorded, *applied.already_recorded)), None)
    print(f"{_(done)} ({entry.originator_id if entry else '-'})")
    return 0


@app.command("deliver")
def deliver(*, decision: Annotated[str, typer.Option(help="The decision entry's id.")],
            on: On = None, detail: Annotated[str | None, typer.Option(
                help="How it was delivered.")] = None,
            reason: Reason = None, db: Db = None, actor: Actor = None) -> int:
    """记录书面决定送达之日。 Record the day a written decision reached its subject."""
    return _record(db, actor, {"type": "record_delivery", "target_id": decision,
                               "delivered_on": _day(on), "detail": detail,
                               "reason": reason}, DELIVERED)


@app.command("file")
def file_results(*, rulebook: Rulebook, period: GradingPeriodOption,
                 body: Annotated[str, typer.Option(help="The body filed with (组织人事处).")],
                 on: On = None, reason: Reason = None, db: Db = None,
                 actor: Actor = None) -> int:
    """记录向上级机关备案。 Record results filed with a higher body."""
    return _record(db, actor, {"type": "record_filing", "rulebook": rulebook,
                               "grading_period": period, "body": body, "filed_on": _day(on),
                               "reason": reason}, FILED)


@app.command("publicize")
def publicize(*, rulebook: Rulebook, period: GradingPeriodOption, on: On = None,
              reason: Reason = None, db: Db = None, actor: Actor = None) -> int:
    """开始公示某期结果。 Make a period's results public from a day."""
    return _record(db, actor, {"type": "open_publicity", "rulebook": rulebook,
                               "grading_period": period, "opened_on": _day(on),
                               "reason": reason}, PUBLICIZED)


@app.command("object")
def object_to(*, rulebook: Rulebook, period: GradingPeriodOption,
              subject: Annotated[str, typer.Option(help="Whose result is objected to.")],
              detail: Annotated[str, typer.Option(help="The objection.")], on: On = None,
              reason: Reason = None, db: Db = None, actor: Actor = None) -> int:
    """记录公示期内的异议。 Record an objection raised during publicity."""
    return _record(db, actor, {"type": "record_objection", "rulebook": rulebook,
                               "grading_period": period, "subject_id": subject,
                               "received_on": _day(on), "detail": detail, "reason": reason},
                   OBJECTED)


@app.command("settle")
def settle(*, objection: Annotated[str, typer.Option(help="The objection entry's id.")],
           outcome: Annotated[str, typer.Option(help="upheld 成立 or rejected 不成立.")],
           finding: Annotated[str, typer.Option(help="Why: the finding that decided it.")],
           correction: Annotated[str | None, typer.Option(
               help="Upheld: the entry that corrects the result (void or superseding).")]
           = None, on: On = None, reason: Reason = None, db: Db = None,
           actor: Actor = None) -> int:
    """处理公示期内的异议：成立（注明更正条目）或不成立，并说明理由。 Settle an objection."""
    return _record(db, actor, {"type": "settle_objection", "objection_id": objection,
                               "outcome": outcome, "finding": finding,
                               "correction_id": correction, "settled_on": _day(on),
                               "reason": reason}, SETTLED_DONE)


@app.command("finalize")
def finalize(*, rulebook: Rulebook, period: GradingPeriodOption, on: On = None,
             reason: Reason = None, db: Db = None, actor: Actor = None) -> int:
    """结果定稿（公示期结束后）。 Make results final; refused until publicity has ended."""
    return _record(db, actor, {"type": "make_results_final", "rulebook": rulebook,
                               "grading_period": period, "final_on": _day(on),
                               "reason": reason}, FINAL)


@app.command("outside-result")
def outside_result(
    *, subject: Annotated[str, typer.Option(help="The subject it is about.")],
    period: GradingPeriodOption,
    name: Annotated[str, typer.Option(help="What it is: a pipeline's name for a grade "
                                      "(previous_grade reads it), or a count's name.")],
    source: Annotated[str, typer.Option(help="Who gave it (县卫生健康局, the HR system).")],
    grade: Annotated[str | None, typer.Option(help="A grade.")] = None,
    value: Annotated[str | None, typer.Option(help="A number.")] = None,
    source_ref: Annotated[str | None, typer.Option(help="The document it is in.")] = None,
    rulebook: Annotated[str | None, typer.Option(help="Only for this scheme.")] = None,
    reason: Reason = None, db: Db = None, actor: Actor = None,
) -> int:
    """记录账本外的结果及其来源。 Record a result the ledger did not compute, with its source."""
    if (grade is None) == (value is None):
        raise InvalidRequestError("give exactly one of --grade or --value")
    row = {"type": "record_outside_result", "subject_id": subject, "grading_period": period,
           "name": name, "grade": grade, "value": value, "source": source,
           "source_ref": source_ref, "rulebook": rulebook, "reason": reason}
    return _record(db, actor, row, OUTSIDE)


@app.command("report")
def report(*, rulebook: Annotated[str | None, typer.Option(help="Only this scheme.")] = None,
           today: Annotated[str | None, typer.Option(
               help="Judge overdue on this day (default: today).")] = None,
           as_json: Json = False, db: Db = None, actor: Actor = None) -> int:
    """逾期报告：送达、备案、公示、逾期的申诉决定、触发记录被撤销的处分。 Deadlines kept
    and missed."""
    day = date.fromisoformat(_day(today, "--today"))
    with open_session(db) as session:
        found = procedures.report(session, caller(actor), day, rulebook)
    if as_json:
        print(canonical_dumps(found))
        return 0
    _print_report(found)
    return 0


def _flag(row: dict[str, Any]) -> str:
    if row.get("problem"):
        return _("unknown calendar")
    return _("LATE") if row["late"] else _("OVERDUE, NOT DONE") if row["overdue"] else ""


# The report's column heads, in the reader's language (they were printed as these ids
# under the Chinese section titles); dates are named as dates ("decided on"), since
# "decided" and "settled" already say a status and an amount elsewhere in the catalogue.
DELIVERY_HEADS = (N_("decision"), N_("subject"), N_("decided on"), N_("due on"),
                  N_("delivered on"))
FILING_HEADS = (N_("rulebook"), N_("grading period"), N_("final on"), N_("due on"),
                N_("filed on"))
PUBLICITY_HEADS = (N_("rulebook"), N_("grading period"), N_("opened on"), N_("ends on"),
                   N_("objections"), N_("final on"))
OBJECTION_HEADS = (N_("rulebook"), N_("grading period"), N_("subject"), N_("received on"),
                   N_("outcome"), N_("settled on"), N_("finding"), N_("correction"))


def _heads(heads: tuple[str, ...], *blank: str) -> list[str]:
    return [_(head) for head in heads] + list(blank)


def _print_report(found: dict[str, Any]) -> None:
    print(_("deliveries"))
    print(table(_heads(DELIVERY_HEADS, ""),
                [[d["decision"][:8], d["subject_id"], d["decided_on"], d["due"],
                  d["delivered_on"], _flag(d)] for d in found["deliveries"]], set()))
    print(_("filings"))
    print(table(_heads(FILING_HEADS, ""),
                [[f["rulebook"], f["grading_period"], f["final_on"], f["due"], f["filed_on"],
                  _flag(f)] for f in found["filings"]], set()))
    print(_("publicity"))
    print(table(_heads(PUBLICITY_HEADS),
                [[p["rulebook"], p["grading_period"], p["opened_on"], p["ends_on"],
                  len(p["objections"]), p["final_on"]] for p in found["publicity"]], {4}))
    _print_objections(found)
    for row in found["appeals_decided_late"]:
        print(_(DECIDED_LATE).format(appeal=row["appeal_id"], level=row["level"],
                                     decided_on=row["decided_on"], deadline=row["deadline"],
                                     rule=row["rule"]))
    for row in found["voided_triggers"]:
        # the note is English, as in --json (projections/procedures.py): worded here
        print(_(VOIDED_TRIGGER).format(sanction=row["sanction"][:8], subject=row["subject_id"],
                                       kind=row["kind"], note=translate(row["note"])))
    for problem in (r.get("problem") for r in (*found["deliveries"], *found["filings"])):
        if problem:
            print(translate(problem))


SETTLED = {"upheld": N_("upheld"), "rejected": N_("rejected"), None: N_("not settled")}


def _print_objections(found: dict[str, Any]) -> None:
    settled = {outcome: _(text) for outcome, text in SETTLED.items()}
    rows = [[p["rulebook"], p["grading_period"], o["subject_id"], o["received_on"],
             settled[o["outcome"]], o["settled_on"] or "", o["finding"] or "",
             (o["correction"] or "")[:8]]
            for p in found["publicity"] for o in p["objections"]]
    if rows:
        print(_("objections"))
        print(table(_heads(OBJECTION_HEADS), rows, set()))
