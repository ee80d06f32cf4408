"""`jixiao events|verify`: the audit trail and the hash chain over it."""

from __future__ import annotations

from typing import Annotated

import typer

from api.cli.integrity import EXPECT_NEEDS_KEY, Expect, PublicKey
from api.cli.options import ENVIRON, Actor, Db, Json, caller, open_session, whole_number
from api.cli.render import events_text
from api.i18n import _
from api.i18n.findings import finding_line, report_json_machine, snapshot_line
from api.storage.recorded_zone import recorded_time_zone
from api.storage.session import store_env
from api.usecases import audit, integrity
from domain.errors import InvalidRequestError
from domain.scheme import canonical_dumps

app = typer.Typer()


@app.command("events")
def events(*, limit: Annotated[int, typer.Option(
    help="The latest this many events.", parser=whole_number)] = 50,
           db: Db = None, actor: Actor = None,
           json: Annotated[bool, typer.Option("--json", help="One JSON object a line.")]
           = False) -> int:
    """List recorded events (the audit trail): who, when, what, effective when."""
    with open_session(db) as session:
        lines = audit.latest_events(session, caller(actor), limit)
    zone = None if json else recorded_time_zone(store_env(db, ENVIRON.get()))
    print(events_text(lines, json_lines=json, zone=zone), end="")
    return 0


@app.command("verify")
def verify(*, db: Db = None, actor: Actor = None, json: Json = False,
           expect: Expect = None, public_key: PublicKey = None) -> int:
    """Verify the hash chain over the event log and every stored statement; with
    --expect, against a signed receipt too (exit 1 when anything is broken)."""
    if expect and not public_key:
        raise InvalidRequestError(_(EXPECT_NEEDS_KEY))
    with open_session(db) as session:
        if expect and public_key:
            report = integrity.verify_with_receipt(
                session, caller(actor), integrity.read_key_file(expect).decode(),
                integrity.read_key_file(public_key))
        else:
            report = audit.verify_chain(session, caller(actor))
    if json:
        print(canonical_dumps(report_json_machine(report)))
        return 0 if report.ok else 1
    if report.chain_intact:
        print(_("chain intact: {count} event(s) up to position {position}; head {head}")
              .format(count=report.events, position=report.chained_upto, head=report.head)
              + (_("; matches the signed receipt") if expect else ""))
    else:
        print(_("chain BROKEN: {count} problem(s); the first is").format(
            count=len(report.findings)))
    for finding in report.findings:
        print(f"  {finding_line(finding)}")
    snapshot = snapshot_line(report)
    if snapshot is not None:
        print(snapshot)
    return 0 if report.ok else 1
