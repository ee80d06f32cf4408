"""`jixiao apply|close|schema`: what writes the ledger, and the command schemas."""

from __future__ import annotations

import json as json_module
from typing import Annotated

import typer

from api.cli.options import ENVIRON, Actor, Db, PeriodOption, Reason, caller, open_session
from api.cli.render import progress_bars
from api.i18n import _
from api.i18n.formats import money
from api.storage.recorded_zone import recorded_time_zone
from api.storage.session import store_env
from api.usecases import closing, queries, streaming
from api.usecases.ports import parse_period
from api.usecases.procedures import parse_day

app = typer.Typer()


@app.command("apply")
def apply(*, file: Annotated[str, typer.Argument(
              help="JSON Lines file, one command per line ('-' for stdin).")],
          db: Db = None, actor: Actor = None) -> int:
    """Apply a JSON Lines file of commands, all or nothing."""
    with streaming.open_jsonl(file) as source, open_session(db) as session, \
            progress_bars() as progress:
        result = streaming.apply_jsonl(session, caller(actor), source, progress=progress)
    print(_("recorded {count} event(s); {already} already recorded (idempotent retry); "
            "position {position}").format(count=len(result.recorded),
                                          already=len(result.already_recorded),
                                          position=result.last_position))
    return 0


@app.command("close")
def close(*, period: PeriodOption, db: Db = None, actor: Actor = None,
          reason: Reason = None,
          approve: Annotated[bool, typer.Option(
              "--approve", help="Approve a close another person prepared (two-person "
              "close).")] = False,
          today: Annotated[str | None, typer.Option(
              "--today", help="Judge running publicity (公示) on this day, YYYY-MM-DD "
              "(default: today in Asia/Shanghai).", show_default=False)] = None) -> int:
    """Close a period: freeze its statement (hash recorded). Where the ledger requires
    a second person, this prepares the close, and `--approve` by another person closes.
    Refused while publicity of results inside the period runs or has unsettled
    objections."""
    parse_period(period)
    day = parse_day(today, "--today") if today else None
    with open_session(db) as session:
        result = closing.close_or_prepare(session, caller(actor),
                                          closing.CloseRequest(period, reason,
                                                               approve=approve, today=day))
    if isinstance(result, closing.PrepareResult):
        prepared = result.prepared
        print(_("prepared the close of {period} at position {position}; paid {paid}; "
                "statement sha256 {sha256}\nanother person closes it with: jixiao close "
                "--period {period} --approve").format(
            period=prepared.period, position=prepared.position,
            paid=money(result.paid_cny), sha256=prepared.statement_sha256))
        _unrecorded_note(result.unrecorded)
        return 0
    closed = result.closed
    approved = (_("prepared by {preparer}, approved by {approver}").format(
        preparer=result.prepared_by, approver=closed.actor) + "\n"
                if result.prepared_by else "")
    # The instant as the organisation reads it; `--as-of` takes it back as typed.
    at = closed.recorded_at.astimezone(recorded_time_zone(store_env(db, ENVIRON.get())))
    print(_("closed {period} at position {position}; paid {paid}; statement sha256 "
            "{sha256}").format(period=closed.period, position=closed.position,
                               paid="-" if result.paid_cny is None else money(result.paid_cny),
                               sha256=closed.statement_sha256)
          + "\n" + approved
          + _("chain head {head} (keep a copy: `jixiao verify` checks the log against it)\n"
              "reprint it with: jixiao payout --period {period} --as-of {at}").format(
              head=closed.chain_head, period=closed.period,
              at=at.isoformat()))
    _unrecorded_note(result.unrecorded)
    return 0


def _unrecorded_note(people: tuple[str, ...], shown: int = 10) -> None:
    """Who is paid with nothing of the period recorded (scheme 11's base points)."""
    if people:
        more = "…" if len(people) > shown else ""
        print(_("note: {count} person(s) paid with nothing recorded for the period (title "
                "and base points, full attendance; docs/schemes.md): {people}").format(
            count=len(people), people=", ".join(people[:shown]) + more))


@app.command("schema")
def schema(*, command_type: Annotated[str | None, typer.Option(
        "--type", help="Only this command type.")] = None) -> int:
    """Print the JSON schemas of the commands."""
    schemas = queries.command_schemas(command_type)
    print(json_module.dumps(schemas, indent=2, sort_keys=True, ensure_ascii=False))
    return 0
