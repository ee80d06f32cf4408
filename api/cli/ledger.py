"""`jixiao apply|import|close|schema`: what writes the ledger, and the command schemas."""

from __future__ import annotations

import json as json_module
from enum import Enum
from typing import Annotated

import typer

from api.cli.options import Actor, Db, PeriodOption, Reason, caller, open_session
from api.cli.render import progress_bars
from api.usecases import closing, ledger, queries
from api.usecases.ports import parse_period

app = typer.Typer()


@app.command("apply")
def apply(*, file: Annotated[str, typer.Argument(
              help="JSON Lines file, one command per line ('-' for stdin).")],
          db: Db = None, actor: Actor = None) -> int:
    """Apply a JSON Lines file of commands, all or nothing."""
    batch = ledger.read_jsonl_batch(file)
    with open_session(db) as session, progress_bars() as progress:
        result = ledger.apply_batch(session, caller(actor), batch, progress=progress)
    print(f"recorded {len(result.recorded)} event(s); {len(result.already_recorded)} "
          f"already recorded (idempotent retry); position {result.last_position}")
    return 0


class CsvKind(str, Enum):
    roster = "roster"
    entries = "entries"
    withholding = "withholding"


@app.command("import")
def import_csv(*, kind: Annotated[CsvKind, typer.Argument(help="What the file holds.")],
               file: Annotated[str, typer.Argument(help="The CSV file.")],
               db: Db = None, actor: Actor = None) -> int:
    """Import a CSV file (roster or score entries)."""
    with open_session(db) as session, progress_bars() as progress:
        result = ledger.import_csv(session, caller(actor), kind.value, file,
                                   progress=progress)
    print(f"imported {len(result.recorded)} event(s) from {file}; "
          f"{len(result.already_recorded)} already recorded")
    return 0


@app.command("close")
def close(*, period: PeriodOption, db: Db = None, actor: Actor = None,
          reason: Reason = None) -> int:
    """Close a period: freeze its statement (hash recorded)."""
    parse_period(period)
    with open_session(db) as session:
        result = closing.close_period(session, caller(actor),
                                      closing.CloseRequest(period, reason))
    closed = result.closed
    print(f"closed {closed.period} at position {closed.position}; paid "
          f"{result.paid_cny:.2f}; statement sha256 {closed.statement_sha256}\n"
          f"chain head {closed.chain_head} (keep a copy: `jixiao verify` checks the log "
          f"against it)\nreprint it with: jixiao payout --period {closed.period} --as-of "
          f"{closed.recorded_at.isoformat()}")
    return 0


@app.command("schema")
def schema(*, command_type: Annotated[str | None, typer.Option(
        "--type", help="Only this command type.")] = None) -> int:
    """Print the JSON schemas of the commands."""
    schemas = queries.command_schemas(command_type)
    print(json_module.dumps(schemas, indent=2, sort_keys=True, ensure_ascii=False))
    return 0
