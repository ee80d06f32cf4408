"""`jixiao payout|reconcile|explain|restatement|diff`: a period's reports, as a table for
people or canonical JSON for programs."""

from __future__ import annotations

from typing import Annotated

import typer

from api.cli.department_labels import department_labels, restated_department_labels
from api.cli.options import (
    ENVIRON,
    AsOf,
    Db,
    Json,
    PeriodOption,
    WhatIf,
    as_of,
    caller,
    open_session,
    whole_number,
)
from api.cli.options import Actor as ActorOption
from api.cli.options import what_if as what_if_batch
from api.cli.plain import print_payout
from api.cli.render import (
    diff_text,
    explain_text,
    reconciliation_text,
    restatement_text,
)
from api.cli.render_restated import restated_text
from api.i18n import N_, _
from api.storage.recorded_zone import recorded_time_zone
from api.storage.session import store_env
from api.usecases import reports
from api.usecases import restated as restated_usecase
from api.usecases.ports import parse_period
from domain.errors import InvalidRequestError
from domain.scheme import canonical_dumps

app = typer.Typer()

RESTATED_WITH_WHAT_IF = N_("--restated cannot be combined with --with: a restatement is "
                          "of recorded events only")


@app.command("payout")
def payout(*, period: PeriodOption, db: Db = None, actor: ActorOption = None, json: Json = False,
           as_of_text: AsOf = None, with_file: WhatIf = None,
           restated: Annotated[bool, typer.Option(
               "--restated", help="A closed period recomputed from everything known (as of "
               "--as-of), beside the closed statement, with the delta per line.")] = False,
           figures: Annotated[bool | None, typer.Option(
               "--figures/--no-figures", help="Every person, department and "
               "the organisation with a `figures` map of its intermediates (name → value); "
               "default: the ledger's setting (on for ledgers made by init); see "
               "docs/figures.md.", show_default=False)] = None,
           ) -> int:
    """Print a period's payout statement."""
    parse_period(period)
    if restated:
        if with_file is not None:
            raise InvalidRequestError(_(RESTATED_WITH_WHAT_IF))
        with open_session(db) as session:
            report = restated_usecase.restated(
                session, caller(actor), restated_usecase.RestatedQuery(period, as_of(as_of_text)))
            names = {} if json else restated_department_labels(session, caller(actor), report)
        zone = None if json else recorded_time_zone(store_env(db, ENVIRON.get()))
        print(canonical_dumps(report) if json else restated_text(report, names, zone))
        return 0
    return print_payout(period, db=db, actor=actor, json=json, as_of_text=as_of_text,
                        with_file=with_file, figures=figures)




@app.command("reconcile")
def reconcile(*, period: PeriodOption, db: Db = None, actor: ActorOption = None,
              json: Json = False, as_of_text: AsOf = None, with_file: WhatIf = None) -> int:
    """Print a period's reconciliation (balances to 0.00; exit 1 when it does not)."""
    parse_period(period)
    query = reports.ReportQuery(period, as_of(as_of_text), what_if_batch(with_file))
    with open_session(db) as session:
        result = reports.reconcile(session, caller(actor), query)
    if json:
        print(canonical_dumps(result.to_json()))
    else:
        print(reconciliation_text(result.statement))
    return 0 if result.balanced else 1


@app.command("explain")
def explain(*, period: PeriodOption,
            employee: Annotated[str | None, typer.Option(help="An employee's id.")] = None,
            department: Annotated[str | None, typer.Option(help="A department's id.")] = None,
            figure: Annotated[str | None, typer.Option(
                help="Any figure key, e.g. hospital:per_point.")] = None,
            depth: Annotated[int | None, typer.Option(
                help="Levels to expand (default 5 for the table, all for --json).",
                show_default=False, parser=whole_number)] = None,
            db: Db = None, actor: ActorOption = None, json: Json = False,
            as_of_text: AsOf = None, with_file: WhatIf = None) -> int:
    """Explain a person's, a department's or any figure's pay, figure by figure."""
    if sum(x is not None for x in (employee, department, figure)) != 1:
        raise InvalidRequestError("give exactly one of --employee, --department or --figure")
    parse_period(period)
    query = reports.ExplainQuery(
        period, employee=employee, department=department, figure=figure,
        depth=depth if depth is not None else (64 if json else 5),
        as_of=as_of(as_of_text), what_if=what_if_batch(with_file))
    with open_session(db) as session:
        report = reports.explain(session, caller(actor), query)
    if json:
        print(canonical_dumps(report))
    else:
        print("\n\n".join(explain_text(tree) for tree in report["explain"]))
    return 0


@app.command("restatement")
def restatement(*, period: PeriodOption, db: Db = None, actor: ActorOption = None,
                json: Json = False,
                figures: Annotated[bool | None, typer.Option(
                    "--figures/--no-figures", show_default=False,
                    help="Each person with `employee_id` and every figure, closed and "
                    "now; default: the ledger's setting.")] = None,
                ) -> int:
    """A closed period recomputed with everything known now: deltas per person."""
    parse_period(period)
    with open_session(db) as session:
        report = reports.restatement(session, caller(actor), period, figures=figures)
        names = {} if json else department_labels(session, caller(actor), report)
    print(canonical_dumps(report) if json else restatement_text(report, names))
    return 0


@app.command("diff")
def diff(*, period: PeriodOption,
         from_point: Annotated[str, typer.Option(
             "--from", help="An ISO timestamp (UTC unless it has a zone), 'closed' or 'now'.")],
         to_point: Annotated[str, typer.Option("--to", help="As --from.")] = "now",
         with_file: Annotated[str | None, typer.Option(
             "--with", help="What-if: apply this JSON Lines file to the --to side, "
             "unwritten.")] = None,
         every: Annotated[bool, typer.Option(
             "--all", help="List every event in between, also those that moved no "
             "figure (by default counted by type).")] = False,
         db: Db = None, actor: ActorOption = None, json: Json = False) -> int:
    """Compare a period at two points: who gains or loses, and why."""
    parse_period(period)
    # --json keeps the flat list of every event that stored ledgers' reports were
    # recorded with (tests/fixtures/old_ledger); the table groups them.
    listing: reports.Listing = "flat" if json else "all" if every else "moved"
    query = reports.DiffQuery(period, from_point, to_point, what_if_batch(with_file),
                              listing=listing)
    with open_session(db) as session:
        report = reports.diff(session, caller(actor), query)
        names = {} if json else department_labels(session, caller(actor), report)
    zone = None if json else recorded_time_zone(store_env(db, ENVIRON.get()))
    print(canonical_dumps(report) if json else diff_text(report, names, zone))
    return 0
