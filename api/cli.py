"""`jixiao`: the command line. Every verb takes `--db PATH` (SQLite, the default store);
PostgreSQL is chosen by the environment instead (see README).

Exit codes: 0 ok; 2 bad input (nothing written); 3 not found; 4 conflict; 5 blocked
calculation (facts missing); 1 anything else.
"""

from __future__ import annotations

import argparse
import getpass
import hashlib
import json
import os
import sys
from datetime import UTC, datetime
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from domain.errors import (
    ConflictError,
    DomainError,
    InvalidRequestError,
    NotFoundError,
    Problem,
    RejectedError,
)
from domain.events import COMMAND_MODELS
from domain.periods import Period
from domain.scheme import canonical_dumps

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
        from projections.payout import CalculationBlockedError

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
        _common_options(sub)
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
        _as_of_and_what_if(sub)

    sub = verb("explain", cmd_explain, "Explain a person's pay, figure by figure.")
    sub.add_argument("--period", required=True)
    _as_of_and_what_if(sub)
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

    from api.appeal_cli import add_appeal_verbs
    from api.grades_cli import add_grades_verbs

    add_appeal_verbs(verbs, _common_options)
    add_grades_verbs(verbs, _common_options)

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


# ---------------------------------------------------------------------------- helpers


def _common_options(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--db", help="SQLite file (default ./jixiao.db or $JIXIAO_DB)")
    sub.add_argument("--actor", default=None,
                     help="who is recording (default: $JIXIAO_ACTOR or the OS user)")


def _as_of_and_what_if(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--as-of", dest="as_of", default=None,
                     help="only events recorded up to this ISO timestamp (UTC unless zoned)")
    sub.add_argument("--with", dest="with_file", default=None,
                     help="what-if: as if this JSON Lines file were applied; nothing is written")


def _instant(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidRequestError(f"{text!r} is not an ISO timestamp such as "
                                  "2026-04-05T12:00:00+08:00") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _what_if(session: Any, args: argparse.Namespace, base: Any) -> Any:
    rows, digest, problems = read_jsonl(args.with_file)
    commands, found, _ = session.ledger.check_rows(with_default_keys(rows, digest))
    if problems or found:
        raise RejectedError(sorted([*problems, *found], key=_line_order))
    from projections.whatif import preview

    return preview(session.ledger, commands, _actor(args), base=base)


def _report_facts(session: Any, args: argparse.Namespace) -> Any | None:
    """The facts a report runs on when not the live view: as of a time, and/or what-if."""
    as_of = getattr(args, "as_of", None)
    with_file = getattr(args, "with_file", None)
    if as_of is None and with_file is None:
        return None
    facts = session.ledger.facts(cutoff=_instant(as_of)) if as_of else session.ledger.facts()
    return _what_if(session, args, facts) if with_file else facts


def _report(session: Any, args: argparse.Namespace, period: Period) -> dict[str, Any]:
    from projections.restatement import statement_for

    facts = _report_facts(session, args)
    if facts is None:
        return statement_json(session, period)
    return statement_for(facts, period).to_json()  # type: ignore[no-any-return]


def _actor(args: argparse.Namespace) -> str:
    if args.actor:
        return str(args.actor)
    return args.environ.get("JIXIAO_ACTOR") or f"cli:{_os_user()}"


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _session(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from api.storage.session import Session, store_env

    return Session(store_env(args.db, args.environ))


def _period(text: str) -> Period:
    try:
        return Period.parse(text)
    except ValueError as error:
        raise InvalidRequestError(str(error)) from None


def _progress(stage: str, done: int, total: int) -> None:
    if sys.stderr.isatty() or os.environ.get("JIXIAO_PROGRESS"):
        width = 30
        filled = width * done // max(total, 1)
        print(f"\r{stage:>9} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}",
              end="" if done < total else "\n", file=sys.stderr, flush=True)


def read_jsonl(path: str) -> tuple[list[tuple[str, dict[str, Any]]], str, list[Problem]]:
    """Rows of a JSON Lines file with their line numbers, the file's digest, and the lines
    that are not JSON objects. Blank lines and lines starting with '#' are skipped."""
    try:
        raw = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except FileNotFoundError:
        raise NotFoundError(f"no file {path!r}") from None
    except IsADirectoryError:
        raise InvalidRequestError(f"{path!r} is a directory, not a JSON Lines file") from None
    digest = hashlib.sha256(raw).hexdigest()[:16]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise RejectedError([Problem(f"byte {error.start}", "", "the file is not UTF-8; "
                                     "save it as UTF-8")]) from None
    rows: list[tuple[str, dict[str, Any]]] = []
    problems: list[Problem] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        where = f"line {number}"
        try:
            row = json.loads(stripped, parse_float=_no_float)
        except ValueError as error:
            problems.append(Problem(where, "", f"not valid JSON: {error}"))
            continue
        if not isinstance(row, dict):
            problems.append(Problem(where, "", "each line must be a JSON object"))
            continue
        rows.append((where, row))
    return rows, digest, problems


def _no_float(text: str) -> str:
    # Numbers with a fraction stay exact: they reach the models as decimal strings.
    return text


def with_default_keys(rows: list[tuple[str, dict[str, Any]]], digest: str
                      ) -> list[tuple[str, dict[str, Any]]]:
    """A line without an idempotency key gets one from the file's digest and its line, so
    applying the same file twice records it once."""
    keyed = []
    for where, row in rows:
        if "idempotency_key" not in row:
            row = {**row, "idempotency_key": f"file:{digest}:{where.removeprefix('line ')}"}
        keyed.append((where, row))
    return keyed


def apply_rows(ledger: Any, rows: list[tuple[str, dict[str, Any]]], actor: str,
               problems: Sequence[Problem] = ()) -> Any:
    """Validate every row (its shape, then the ledger's rules for the rows that have one),
    name every problem in one run, and record all the rows or none."""
    from api.storage.chain import catch_up_chain, open_chain

    commands, found, pending = ledger.check_rows(rows)
    try:
        report = ledger.record(commands, actor, closed=closed_periods(ledger),
                               progress=_progress, prior_problems=[*problems, *found],
                               pending=pending)
    except RejectedError as error:
        raise RejectedError(sorted(error.problems, key=_line_order)) from None
    catch_up_chain(ledger, open_chain(ledger))  # the audit chain covers every write
    return report


def _line_order(problem: Problem) -> tuple[int, str]:
    number = problem.where.rsplit(" ", 1)[-1]
    return (int(number) if number.isdigit() else 0, problem.where)


def closed_periods(ledger: Any) -> frozenset[str]:
    return frozenset()


# ---------------------------------------------------------------------------- verbs


def cmd_apply(args: argparse.Namespace) -> int:
    rows, digest, problems = read_jsonl(args.file)
    with _session(args) as session:
        report = apply_rows(session.ledger, with_default_keys(rows, digest), _actor(args),
                            problems)
    print(f"recorded {len(report.recorded)} event(s); {len(report.already_recorded)} "
          f"already recorded (idempotent retry); position {report.last_position}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from api.csv_import import read_csv_commands

    rows, digest, problems = read_csv_commands(args.kind, args.file)
    with _session(args) as session:
        report = apply_rows(session.ledger, with_default_keys(rows, digest), _actor(args),
                            problems)
    print(f"imported {len(report.recorded)} event(s) from {args.file}; "
          f"{len(report.already_recorded)} already recorded")
    return 0


def statement_json(session: Any, period: Period) -> dict[str, Any]:
    return session.statement_json(period)  # type: ignore[no-any-return]


def cmd_payout(args: argparse.Namespace) -> int:
    from api.render import payout_text

    period = _period(args.period)
    with _session(args) as session:
        report = _report(session, args, period)
    print(canonical_dumps(report) if args.json else payout_text(report))
    return 0


def cmd_reconcile(args: argparse.Namespace) -> int:
    from api.render import reconciliation_text

    period = _period(args.period)
    with _session(args) as session:
        report = _report(session, args, period)
    if args.json:
        print(canonical_dumps({"period": report["period"], **report["reconciliation"]}))
    else:
        print(reconciliation_text(report))
    return 0 if report["reconciliation"]["balance"] == "0.00" else 1


def cmd_explain(args: argparse.Namespace) -> int:
    from api.render import explain_text
    from projections.restatement import statement_for

    period = _period(args.period)
    with _session(args) as session:
        facts = _report_facts(session, args) or session.ledger.facts()
        statement = statement_for(facts, period)
    book = statement.book
    if args.employee:
        key = f"person:{args.employee}:pay"
        if key not in book.figures:
            key = f"person:{args.employee}:points"
        if key not in book.figures:
            raise NotFoundError(f"no employee {args.employee!r} in {period}")
        roots = [key]
        bonus = f"person:{args.employee}:post_bonus"
        if bonus in book.figures:
            roots.append(bonus)
    elif args.department:
        key = f"dept:{args.department}:settled"
        if key not in book.figures:
            raise NotFoundError(f"no department {args.department!r} in {period}")
        roots = [key]
    else:
        if args.figure not in book.figures:
            raise NotFoundError(f"no figure {args.figure!r} in {period}")
        roots = [args.figure]
    depth = args.depth if args.depth is not None else (64 if args.json else 5)
    trees = [book.tree(root, depth_max=depth) for root in roots]
    if args.json:
        print(canonical_dumps({"period": str(period), "explain": trees}))
    else:
        print("\n\n".join(explain_text(tree) for tree in trees))
    return 0


def cmd_close(args: argparse.Namespace) -> int:
    from domain.events import ClosePeriod
    from projections.restatement import statement_for, statement_sha256

    from api.storage.chain import chain_head_at, open_chain

    period = _period(args.period)
    with _session(args) as session:
        facts = session.ledger.facts()
        position = facts.last_position
        statement = statement_for(facts, period)
        digest = statement_sha256(statement)
        head = chain_head_at(session.ledger, open_chain(session.ledger), position)
        command = ClosePeriod.model_validate({  # type: ignore[attr-defined]
            "type": "close_period", "period": str(period), "position": position,
            "statement_sha256": digest, "chain_head": head, "reason": args.reason})
        report = session.ledger.record([("close", command)], _actor(args))
        closed_at = report.recorded[0].recorded_at.isoformat()
    print(f"closed {period} at position {position}; paid "
          f"{statement.total_paid_cny:.2f}; statement sha256 {digest}\n"
          f"chain head {head} (keep a copy: `jixiao verify` checks the log against it)\n"
          f"reprint it with: jixiao payout --period {period} --as-of {closed_at}")
    return 0


def cmd_restatement(args: argparse.Namespace) -> int:
    from api.render import restatement_text
    from projections.restatement import restatement_of, settles_in

    period = _period(args.period)
    with _session(args) as session:
        facts = session.ledger.facts()
        report = restatement_of(facts, period).to_json()
        target = settles_in(facts, period)
    report["settles_in"] = str(target) if target else None
    print(canonical_dumps(report) if args.json else restatement_text(report))
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    from api.render import diff_text
    from projections.diff import diff_side, diff_statements

    period = _period(args.period)
    with _session(args) as session:
        now = session.ledger.facts()
        before = diff_side(session.ledger, now, args.from_point, period)
        after = diff_side(session.ledger, now, args.to_point, period)
        if args.with_file:
            after = (_what_if(session, args, after[0]), after[1])
        report = diff_statements(period, before, after)
    print(canonical_dumps(report) if args.json else diff_text(report))
    return 0


def cmd_events(args: argparse.Namespace) -> int:
    with _session(args) as session:
        facts = session.ledger.facts()
        events = list(facts.events.values())[-args.limit:]
    if args.json:
        for event in events:
            # A token's hash is a credential's fingerprint: the audit trail shows that a
            # token was set, never which.
            print(canonical_dumps({"type": type(event).__name__,
                                   **event.model_dump(mode="json", exclude={"token_sha256"})}))
        return 0
    for event in events:
        status = "" if event.originator_id in facts.live else " (replaced)"
        print(f"{event.recorded_at:%Y-%m-%d %H:%M:%S} {event.actor:<16} "
              f"{type(event).__name__:<28} {event.effective:<10} {event.originator_id}{status}")
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    schemas = {}
    for model in COMMAND_MODELS:
        kind = model.model_fields["type"].annotation.__args__[0]  # type: ignore[union-attr]
        if args.command_type and kind != args.command_type:
            continue
        schemas[kind] = model.model_json_schema()
    if not schemas:
        raise NotFoundError(f"no command type {args.command_type!r}")
    print(json.dumps(schemas, indent=2, sort_keys=True, ensure_ascii=False))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from api.demo import run_demo

    return run_demo(args)


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from api.http.app import create_app
    from api.http.settings import ServerSettings
    from api.storage.session import store_env

    app = create_app(ServerSettings(store_env=store_env(args.db, args.environ)))
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level)
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from api.storage.chain import open_chain, verify

    with _session(args) as session:
        report = verify(session.ledger, open_chain(session.ledger))
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
    from api.http import accounts

    if args.action != "list" and not args.user_id:
        raise InvalidRequestError(f"users {args.action} needs a user id")
    with _session(args) as session:
        ledger = session.ledger
        if args.action == "list":
            for user in accounts.list_users(ledger):
                print(canonical_dumps(user))
            return 0
        if args.action == "disable":
            accounts.disable_user(ledger, _actor(args), args.user_id, args.reason)
            print(f"disabled {args.user_id}", file=sys.stderr)
            return 0
        if args.action == "rotate":
            token = accounts.rotate_token(ledger, _actor(args), args.user_id, args.reason)
        else:
            if not (args.name and args.role):
                raise InvalidRequestError("users add needs --name and --role")
            token = accounts.add_user(
                ledger, _actor(args), user_id=args.user_id, name=args.name, role=args.role,
                department_ids=args.department, employee_id=args.employee, reason=args.reason)
    print(f"{args.user_id}: the token below is shown once; the ledger keeps only its SHA-256",
          file=sys.stderr)
    print(token)
    return 0


if __name__ == "__main__":
    sys.exit(main())
