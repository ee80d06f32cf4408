"""`jixiao settings`: show the ledger's settings, or change some of them (organisation,
time zone, the window of business dates new commands may carry, two-person close, whether
reports carry their figures maps)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from api.cli.options import Actor, Db, Json, caller, open_session
from api.usecases import settings
from domain.scheme import canonical_dumps

app = typer.Typer()
# Whether reports carry their figures maps by default (issue 15).
FIGURES = {True: "报表默认附各中间数 / reports carry their figures maps (--no-figures to omit)",
           False: "报表仅在 --figures 时附中间数 / figures maps only with --figures"}

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
    approval = "两人结账 / two-person close" if body["close_approval"] else \
        "一人结账 / one-person close"
    print(f"机构 organisation: {body['organisation'] or '-'}\n"
          f"时区 time zone:    {body['time_zone']}\n"
          f"日期 dates:        {body['dates_from']} … {body['dates_to']}\n"
          f"结账 close:        {approval}\n"
          f"中间数 figures:    {FIGURES[bool(body['report_figures'])]}")
    return 0
