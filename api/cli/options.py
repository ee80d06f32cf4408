"""What every verb of the command line shares, in one place: the common options as
`Annotated` aliases, and (from api/cli/context.py and api/cli/sessions.py) the environment
the store is chosen from, the store it opens, the caller it speaks as, and the as-of and
what-if options of the reports."""

from __future__ import annotations

from typing import Annotated

import typer

# Re-exported: every verb has always taken these from here (api/cli/sessions.py holds
# them without typer).
from api.cli.context import ARGV, ENVIRON
from api.cli.sessions import (
    CREATED,
    CREATING_VERBS,
    NO_LEDGER,
    CliSession,
    actor,
    as_of,
    caller,
    open_session,
    what_if,
)
from domain.strict_input import INTEGER_TEXT

__all__ = [
    "ARGV", "CREATED", "CREATING_VERBS", "ENVIRON", "NO_LEDGER", "Actor", "AsOf", "CliSession",
    "Db", "Json", "PeriodOption", "Reason", "WhatIf", "actor", "as_of", "caller",
    "open_session", "what_if", "whole_number",
]

Db = Annotated[str | None, typer.Option(
    "--db", help="SQLite file (default ./jixiao.db or $JIXIAO_DB); PostgreSQL is chosen by "
    "the environment instead (PERSISTENCE_MODULE), which refuses --db.", show_default=False)]
Actor = Annotated[str | None, typer.Option(
    "--actor", help="Who is recording (default: $JIXIAO_ACTOR or the OS user).")]
Json = Annotated[bool, typer.Option("--json", help="Canonical JSON (sorted keys, decimals "
                                                   "as strings).")]
PeriodOption = Annotated[str, typer.Option("--period", help="2026-Q1 … 2026-Q4, or 2026-YE.")]
AsOf = Annotated[str | None, typer.Option(
    "--as-of", help="Only events recorded up to this ISO timestamp (in the ledger's time "
    "zone unless zoned; UTC for a ledger made before `jixiao init`).")]
WhatIf = Annotated[str | None, typer.Option(
    "--with", help="What-if: as if this JSON Lines file were applied; nothing is written.")]
Reason = Annotated[str | None, typer.Option("--reason", help="Why, recorded on the event.")]


def whole_number(text: str | int) -> int:
    """An integer option as typed: ASCII digits only (click's own `int()` would take
    " 12", "1_2" and full-width "１２" as 12)."""
    if isinstance(text, int):
        return text
    if INTEGER_TEXT.fullmatch(text) is None:
        raise typer.BadParameter(f"{text!r} is not a whole number written in ASCII digits")
    return int(text)
