"""What every verb of the command line shares, in one place: the common options as
`Annotated` aliases, the environment the store is chosen from, the store it opens, the
caller it speaks as, and the as-of and what-if options of the reports."""

from __future__ import annotations

import getpass
import os
from collections.abc import Mapping
from contextvars import ContextVar
from datetime import datetime
from typing import Annotated

import typer

from api.storage.session import Session, store_env
from api.usecases.ledger import Batch, read_jsonl_batch
from api.usecases.ports import Caller, parse_instant
from domain.strict_input import INTEGER_TEXT

# `main(environ=…)` stands in for os.environ, so tests can pass their own store: the store
# is resolved from this mapping by `store_env`, never by click's own envvar lookup.
ENVIRON: ContextVar[Mapping[str, str]] = ContextVar("jixiao_environ", default=os.environ)

Db = Annotated[str | None, typer.Option(
    "--db", help="SQLite file (default ./jixiao.db or $JIXIAO_DB); PostgreSQL is chosen by "
    "the environment instead.", show_default=False)]
Actor = Annotated[str | None, typer.Option(
    "--actor", help="Who is recording (default: $JIXIAO_ACTOR or the OS user).")]
Json = Annotated[bool, typer.Option("--json", help="Canonical JSON (sorted keys, decimals "
                                                   "as strings).")]
PeriodOption = Annotated[str, typer.Option("--period", help="2026-Q1 … 2026-Q4, or 2026-YE.")]
AsOf = Annotated[str | None, typer.Option(
    "--as-of", help="Only events recorded up to this ISO timestamp (UTC unless zoned).")]
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


def open_session(db: str | None) -> Session:
    return Session(store_env(db, ENVIRON.get()))


def caller(actor_option: str | None) -> Caller:
    """The store's owner (no role), recording under --actor, $JIXIAO_ACTOR or the OS user."""
    return Caller(actor(actor_option))


def actor(option: str | None) -> str:
    if option:
        return option
    return ENVIRON.get().get("JIXIAO_ACTOR") or f"cli:{_os_user()}"


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def as_of(text: str | None) -> datetime | None:
    return parse_instant(text) if text else None


def what_if(path: str | None) -> Batch | None:
    return read_jsonl_batch(path) if path else None
