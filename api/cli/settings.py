"""`jixiao settings`: show the ledger's settings, or change some of them (organisation,
time zone, the window of business dates new commands may carry, two-person close, whether
reports carry their figures maps)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from api.cli.options import Actor, Db, Json, caller, open_session
from api.i18n import N_, _
from api.usecases import settings
from domain.scheme import canonical_dumps

app = typer.Typer()
# Whether reports carry their figures maps by default (issue 15).
FIGURES = {True: N_("reports carry their figures maps (--no-figures to omit)"),
           False: N_("figures maps only with --figures")}

@app.command("settings")
def settings_command(
    *,
    organisation: Annotated[str | None, typer.Option(
        help="The organisation's name.", show_default=False)] = None,
    time_zone: Annotated[str | None, typer.Option(
        "--time-zone", help="Where times typed without a zone are read.",
        show_default=False)] = None,
    dates_from: Annotated[str | None, typer.Option(
        "--dates-from", help="The first business date new commands may carry (YYYY-MM-DD; "
        "'default' for 2000-01-01).", show_default=False)] = None,
    dates_to: Annotated[str | None, typer.Option(
        "--dates-to", help="The last business date new commands may carry (YYYY-MM-DD; "
        "'default' for 2099-12-31).", show_default=False)] = None,
    two_person: Annotated[bool | None, typer.Option(
        "--two-person-close/--one-person-close", help="Two-person close (another person "
        "approves with `jixiao close --approve`) or one-person close.",
        show_default=False)] = None,
    figures: Annotated[bool | None, typer.Option(
        "--figures/--no-figures", help="Whether reports carry their figures maps by "
        "default.", show_default=False)] = None,
    db: Db = None, actor: Actor = None, json: Json = False,
) -> int:
    """Show the ledger's settings; with options, record those changed (the others are
    carried over)."""
    given = {"organisation": organisation, "time_zone": time_zone,
             "dates_from": dates_from, "dates_to": dates_to}
    changes: dict[str, Any] = {name: None if value == "default" else value
                               for name, value in given.items() if value is not None}
    switches = {"close_approval": two_person, "report_figures": figures}
    changes.update({name: value for name, value in switches.items() if value is not None})
    with open_session(db) as session:
        if changes:
            shown = settings.change_settings(session, caller(actor), changes)
        else:
            shown = settings.read_settings(session, caller(actor))
    body = shown.to_json()
    if json:
        print(canonical_dumps(body))
        return 0
    approval = _("two-person close") if body["close_approval"] else _("one-person close")
    print(_("organisation: {organisation}").format(organisation=body["organisation"] or "-"))
    print(_("time zone: {zone}").format(zone=body["time_zone"]))
    print(_("dates: {first} … {last}").format(first=body["dates_from"], last=body["dates_to"]))
    print(_("close: {approval}").format(approval=approval))
    print(_("figures: {figures}").format(figures=_(FIGURES[bool(body["report_figures"])])))
    return 0
