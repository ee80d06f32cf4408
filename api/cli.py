"""`jixiao`: the command line. Every verb takes `--db PATH` (SQLite, the default store);
PostgreSQL is chosen by the environment instead (see README).

Exit codes: 0 ok; 2 bad input (nothing written); 3 not found; 4 conflict; 5 blocked
calculation (facts missing); 1 anything else.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Mapping, Sequence
from typing import Any

from api import cli_context as ctx
from api.appeal_cli import add_appeal_verbs
from api.grades_cli import add_grades_verbs
from api.render import (
    diff_text,
    events_text,
    explain_text,
    payout_text,
    reconciliation_text,
    restatement_text,
)
from api.storage.session import store_env
from api.usecases import audit, closing, demo, ledger, queries, reports, users
from api.usecases.ports import parse_period
from domain.errors import (
    ConflictError,
    DomainError,
    InvalidRequestError,
    NotFoundError,
    RejectedError,
)
from domain.scheme import canonical_dumps
from projections.payout import CalculationBlockedError

EXIT_CODES: dict[type[DomainError], int] = {
    InvalidRequestError: 2,
    NotFoundError: 3,
    ConflictError: 4,
}


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Run one verb. `environ` stands in for os.environ (tests pass their own store)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    args.environ = os.environ if environ is None else environ
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        return int(args.handler(args) or 0)
    except BrokenPipeError:
        # Output piped into `head` and closed early: not an error of ours.
        sys.stderr.close()
        return 0
    except RejectedError as error:
        print(str(error), file=sys.stderr)
        return 2
    except DomainError as error:
        print(f"error: {error}", file=sys.stderr)
        if isinstance(error, CalculationBlockedError):
            return 5
        for kind, code in EXIT_CODES.items():
            if isinstance(error, kind):
                return code
        return 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="jixiao", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    verbs = parser.add_subparsers(title="verbs", metavar="VERB")

    def verb(name: str, handler: Any, help_text: str) -> argparse.ArgumentParser:
        sub = verbs.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(handler=handler)
        ctx.common_options(sub)
        return sub

    sub = verb("apply", cmd_apply, "Apply a JSON Lines file of commands, all or nothing.")
    sub.add_argument("file", help="JSON Lines file, one command per line ('-' for stdin)")

    sub = verb("import", cmd_import, "Import a CSV file (roster or score entries).")
    sub.add_argument("kind", choices=["roster", "entries"])
    sub.add_argument("file")

    for name, handler, text in (
        ("payout", cmd_payout, "Print a period's payout statement."),
        ("reconcile", cmd_reconcile, "Print a period's reconciliation (balances to 0.00)."),
    ):
        sub = verb(name, handler, text)
        sub.add_argument("--period", required=True, help="2026-Q1 … 2026-Q4, or 2026-YE")
        sub.add_argument("--json", action="store_true", help="canonical JSON")
        ctx.as_of_and_what_if(sub)

    sub = verb("explain", cmd_explain, "Explain a person's pay, figure by figure.")
    sub.add_argument("--period", required=True)
    ctx.as_of_and_what_if(sub)
    group = sub.add_mutually_exclusive_group(required=True)
    group.add_argument("--employee")
    group.add_argument("--department")
    group.add_argument("--figure", help="any figure key, e.g. hospital:per_point")
    sub.add_argument("--json", action="store_true")
    sub.add_argument("--depth", type=int, default=None,
                     help="levels to expand (default 5 for the table, all for --json)")

    sub = verb("close", cmd_close, "Close a period: freeze its statement (hash recorded).")
    sub.add_argument("--period", required=True)
    sub.add_argument("--reason", default=None)

    sub = verb("restatement", cmd_restatement,
               "A closed period recomputed with everything known now: deltas per person.")
    sub.add_argument("--period", required=True)
    sub.add_argument("--json", action="store_true")

    sub = verb("diff", cmd_diff, "Compare a period at two points: who gains or loses, and why.")
    sub.add_argument("--period", required=True)
    sub.add_argument("--from", dest="from_point", required=True,
                     help="an ISO timestamp (UTC unless it has a zone), 'closed' or 'now'")
    sub.add_argument("--to", dest="to_point", default="now")
    sub.add_argument("--with", dest="with_file", default=None,
                     help="what-if: apply this JSON Lines file to the --to side, unwritten")
    sub.add_argument("--json", action="store_true")

    add_appeal_verbs(verbs, ctx.common_options)
    add_grades_verbs(verbs, ctx.common_options)

    sub = verb("demo", cmd_demo, "Write a fresh demo hospital year and print its payouts.")
    sub.add_argument("--year", type=int, default=2026)
    sub.add_argument("--force", action="store_true", help="replace an existing demo file")

    sub = verb("events", cmd_events, "List recorded events (the audit trail).")
    sub.add_argument("--limit", type=int, default=50)
    sub.add_argument("--json", action="store_true")

    sub = verb("serve", cmd_serve, "Serve the HTTP API (OpenAPI docs at /docs).")
    sub.add_argument("--host", default="127.0.0.1")
    sub.add_argument("--port", type=int, default=8000)
    sub.add_argument("--log-level", default="info")

    sub = verb("verify", cmd_verify, "Verify the hash chain over the event log.")
    sub.add_argument("--json", action="store_true")

    sub = verb("users", cmd_users, "Add, rotate, disable or list users of the HTTP API.")
    sub.add_argument("action", choices=["add", "rotate", "disable", "list"])
    sub.add_argument("user_id", nargs="?", help="the user's id (all but list)")
    sub.add_argument("--name", help="add: the user's name")
    sub.add_argument("--role", help="add: administrator, finance, department_head, "
                     "appeals_reviewer, auditor or employee")
    sub.add_argument("--department", action="append", default=[],
                     help="add: a department a head heads (repeat for several)")
    sub.add_argument("--employee", help="add: an employee user's own employee id")
    sub.add_argument("--reason", default=None)

    schema = verbs.add_parser("schema", help="Print the JSON schemas of the commands.")
    schema.set_defaults(handler=cmd_schema)
    schema.add_argument("--type", dest="command_type", help="only this command type")
    return parser


# ---------------------------------------------------------------------------- verbs


def cmd_apply(args: argparse.Namespace) -> int:
    batch = ledger.read_jsonl_batch(args.file)
    with ctx.open_session(args) as session:
        result = ledger.apply_batch(session, ctx.caller(args), batch, progress=ctx.progress)
    print(f"recorded {len(result.recorded)} event(s); {len(result.already_recorded)} "
          f"already recorded (idempotent retry); position {result.last_position}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    with ctx.open_session(args) as session:
        result = ledger.import_csv(session, ctx.caller(args), args.kind, args.file,
                                   progress=ctx.progress)
    print(f"imported {len(result.recorded)} event(s) from {args.file}; "
          f"{len(result.already_recorded)} already recorded")
    return 0


def _report_query(args: argparse.Namespace) -> reports.ReportQuery:
    return reports.ReportQuery(args.period, ctx.as_of(args), ctx.what_if(args))


def cmd_payout(args: argparse.Namespace) -> int:
    parse_period(args.period)
    with ctx.open_session(args) as session:
        report = reports.payout(session, ctx.caller(args), _report_query(args))
    print(canonical_dumps(report) if args.json else payout_text(report))
    return 0


def cmd_reconcile(args: argparse.Namespace) -> int:
    parse_period(args.period)
    with ctx.open_session(args) as session:
        result = reports.reconcile(session, ctx.caller(args), _report_query(args))
    if args.json:
        print(canonical_dumps(result.to_json()))
    else:
        print(reconciliation_text(result.statement))
    return 0 if result.balanced else 1


def cmd_explain(args: argparse.Namespace) -> int:
    parse_period(args.period)
    depth = args.depth if args.depth is not None else (64 if args.json else 5)
    with ctx.open_session(args) as session:
        report = reports.explain(session, ctx.caller(args), reports.ExplainQuery(
            args.period, employee=args.employee, department=args.department,
            figure=args.figure, depth=depth, as_of=ctx.as_of(args), what_if=ctx.what_if(args)))
    if args.json:
        print(canonical_dumps(report))
    else:
        print("\n\n".join(explain_text(tree) for tree in report["explain"]))
    return 0


def cmd_close(args: argparse.Namespace) -> int:
    parse_period(args.period)
    with ctx.open_session(args) as session:
        result = closing.close_period(session, ctx.caller(args),
                                      closing.CloseRequest(args.period, args.reason))
    closed = result.closed
    print(f"closed {closed.period} at position {closed.position}; paid "
          f"{result.paid_cny:.2f}; statement sha256 {closed.statement_sha256}\n"
          f"chain head {closed.chain_head} (keep a copy: `jixiao verify` checks the log "
          f"against it)\nreprint it with: jixiao payout --period {closed.period} --as-of "
          f"{closed.recorded_at.isoformat()}")
    return 0


def cmd_restatement(args: argparse.Namespace) -> int:
    parse_period(args.period)
    with ctx.open_session(args) as session:
        report = reports.restatement(session, ctx.caller(args), args.period)
    print(canonical_dumps(report) if args.json else restatement_text(report))
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    parse_period(args.period)
    with ctx.open_session(args) as session:
        report = reports.diff(session, ctx.caller(args), reports.DiffQuery(
            args.period, args.from_point, args.to_point, ctx.what_if(args)))
    print(canonical_dumps(report) if args.json else diff_text(report))
    return 0


def cmd_events(args: argparse.Namespace) -> int:
    with ctx.open_session(args) as session:
        lines = audit.latest_events(session, ctx.caller(args), args.limit)
    print(events_text(lines, json_lines=args.json), end="")
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    schemas = queries.command_schemas(args.command_type)
    print(json.dumps(schemas, indent=2, sort_keys=True, ensure_ascii=False))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    return demo.run_demo(demo.DemoRequest(args.db, args.environ, args.year, args.force,
                                          args.actor))


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn  # noqa: PLC0415 - only `serve` needs the server

    from api.http.app import create_app  # noqa: PLC0415 - nor the app
    from api.http.settings import ServerSettings  # noqa: PLC0415

    app = create_app(ServerSettings(store_env=store_env(args.db, args.environ)))
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level)
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    with ctx.open_session(args) as session:
        report = audit.verify_chain(session, ctx.caller(args))
    if args.json:
        print(canonical_dumps(report.to_json()))
    elif report.ok:
        print(f"chain intact: {report.events} event(s) up to position {report.chained_upto}; "
              f"head {report.head}")
    else:
        print(f"chain BROKEN: {len(report.findings)} problem(s); the first is\n  "
              f"{report.findings[0]}")
        for finding in report.findings[1:]:
            print(f"  {finding}")
    return 0 if report.ok else 1


def cmd_users(args: argparse.Namespace) -> int:
    if args.action != "list" and not args.user_id:
        raise InvalidRequestError(f"users {args.action} needs a user id")
    with ctx.open_session(args) as session:
        caller = ctx.caller(args)
        if args.action == "list":
            for user in users.list_users(session, caller):
                print(canonical_dumps(user))
            return 0
        if args.action == "disable":
            users.disable_user(session, caller, args.user_id, args.reason)
            print(f"disabled {args.user_id}", file=sys.stderr)
            return 0
        if args.action == "rotate":
            token = users.rotate_token(session, caller, args.user_id, args.reason)
        else:
            if not (args.name and args.role):
                raise InvalidRequestError("users add needs --name and --role")
            token = users.add_user(session, caller, users.NewUser(
                args.user_id, args.name, args.role, args.department, args.employee,
                args.reason))
    print(f"{args.user_id}: the token below is shown once; the ledger keeps only its SHA-256",
          file=sys.stderr)
    print(token)
    return 0


if __name__ == "__main__":
    sys.exit(main())
