"""`jixiao apply|close|schema`: what writes the ledger, and the command schemas."""

from __future__ import annotations

import json as json_module
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


@app.command("close")
def close(*, period: PeriodOption, db: Db = None, actor: Actor = None,
          reason: Reason = None,
          approve: Annotated[bool, typer.Option(
              "--approve", help="Approve a close another person prepared (two-person "
              "close).")] = False) -> int:
    """Close a period: freeze its statement (hash recorded). Where the ledger requires
    a second person, this prepares the close, and `--approve` by another person closes."""
    parse_period(period)
    with open_session(db) as session:
        result = closing.close_or_prepare(session, caller(actor),
                                          closing.CloseRequest(period, reason,
                                                               approve=approve))
    if isinstance(result, closing.PrepareResult):
        prepared = result.prepared
        print(f"prepared the close of {prepared.period} at position {prepared.position} "
              f"(准备结账); paid {result.paid_cny:.2f}; statement sha256 "
              f"{prepared.statement_sha256}\nanother person closes it with: jixiao close "
              f"--period {prepared.period} --approve")
        return 0
    closed = result.closed
    approved = (f"prepared by {result.prepared_by}, approved by {closed.actor}\n"
                if result.prepared_by else "")
    print(f"closed {closed.period} at position {closed.position}; paid "
          f"{result.paid_cny:.2f}; statement sha256 {closed.statement_sha256}\n{approved}"
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
