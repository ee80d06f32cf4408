"""Reports on a period's pay: the payout statement, its reconciliation, the explanation of
a figure, a person's lines across periods, a diff between two points of knowledge and a
closed period's restatement; each as of a time and/or as if a batch were recorded
(what-if), and each scoped to what the caller may read."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from datetime import datetime
from typing import Any

from api.usecases.access import (
    require_employee,
    require_everything,
    require_everything_for,
    scoped_statement,
)
from api.usecases.access_log import key_visibility, people_in, record_read, scoped_tree
from api.usecases.as_of import KnownAt, facts_known_at
from api.usecases.figure_default import with_figures_or_default
from api.usecases.lean_whatif import lean_what_if
from api.usecases.ledger import Batch, what_if
from api.usecases.period_facts import is_now, period_facts
from api.usecases.ports import Caller, Workspace, parse_period, today_utc
from domain.errors import InvalidRequestError, NotFoundError
from domain.facts import Facts
from domain.periods import Period
from domain.records import frozen_record
from domain.users import User
from projections.diff import Listing, diff_side, diff_statements
from projections.figure_tree import FigureLookup, UntrustedFigureError, explain_tree
from projections.payout import CalculationBlockedError
from projections.restatement import restatement_of, settles_in, statement_for
from projections.views import payable_periods

# The shells name CalculationBlockedError through this module, never through projections/.
__all__ = [
    "EXPLAIN_DEPTH_MAX", "CalculationBlockedError", "DiffQuery", "ExplainQuery", "Listing",
    "Reconciliation", "ReportQuery", "diff", "explain", "payout", "reconcile",
    "report_facts", "restatement", "statements",
]

EXPLAIN_DEPTH_MAX = 64


@frozen_record
class ReportQuery:
    period: str
    as_of: datetime | None = None  # only events recorded up to this instant
    what_if: Batch | None = None  # as if these commands were recorded; nothing is written
    # Every person, department and the organisation with a `figures` map (name → value).
    # None: as the ledger's setting says (on for ledgers made by `init`, off for stored
    # ledgers without it, whose `payout --json` reports stay byte-identical).
    figures: bool | None = None


def report_facts(ws: Workspace, caller: Caller, as_of: datetime | None,
                 batch: Batch | None, period: Period | None = None, *,
                 figures: bool = False) -> Facts | None:
    """The facts a report runs on when not the live view: as of a time, and/or what-if.
    A report of one period as of a time may start from a snapshot of closed years.
    `figures`: the report reads the period's figures (`what_if`)."""
    if as_of is None and batch is None:
        return None
    if batch is None and period is not None:
        return period_facts(ws, period, as_of)
    if as_of is None and batch is not None and period is not None:
        lean = lean_what_if(ws, caller, batch, period)
        if lean is not None:
            return lean
    facts = facts_known_at(ws, as_of) if as_of else ws.facts()
    return what_if(ws, caller, batch, facts, period, figures=figures) if batch else facts


def _statement(ws: Workspace, caller: Caller, query: ReportQuery,
               period: Period) -> dict[str, Any]:
    facts = report_facts(ws, caller, query.as_of, query.what_if, period)
    if facts is None or (query.what_if is None and is_now(ws, facts)):
        return ws.statement_json(period)  # the caught-up view (as of now or later too)
    return statement_for(facts, period).to_json()


def payout(ws: Workspace, caller: Caller, query: ReportQuery) -> dict[str, Any]:
    """The period's statement, as much of it as the caller may read."""
    if query.what_if is not None:
        require_everything_for(caller, "a what-if payout")
    period = parse_period(query.period)
    # From a snapshot too (it holds the settings and invalid entries); so is a what-if's
    # batch checked when its answer cannot differ from the fold of every event's.
    now = period_facts(ws, period)
    if with_figures_or_default(query.figures, now):
        facts = report_facts(ws, caller, query.as_of, query.what_if, period,
                             figures=True) or now
        computed = statement_for(facts, period)
        # The figure maps only for a report with figures (a what-if's is without).
        from projections.figure_map import with_figures  # noqa: PLC0415

        statement = with_figures(computed.to_json(), computed.book)
    else:
        statement = _statement(ws, caller, query, period)
    invalid = now.invalid_entries()
    if invalid:  # named, not folded in: the other figures stand (domain/facts.py)
        statement = {**statement, "invalid_entries": invalid}
    if caller.user is None:
        return statement
    scoped = scoped_statement(caller.user, statement)
    # A what-if shows real pay beside the hypothetical (most of its lines are unchanged
    # by the batch), so it is logged like any other read of people's pay.
    record_read(ws, caller, f"{_what_if(query.what_if)}payout {statement['period']}",
                [line["employee_id"] for line in scoped["people"]])
    return scoped


def _what_if(batch: Batch | None) -> str:
    """How a read's view is named in the access log: "what-if " before a what-if's."""
    return "" if batch is None else "what-if "


@frozen_record
class Reconciliation:
    statement: dict[str, Any]

    @property
    def balanced(self) -> bool:
        return bool(self.statement["reconciliation"]["balance"] == "0.00")

    def to_json(self) -> dict[str, Any]:
        return {"period": self.statement["period"], **self.statement["reconciliation"]}


def reconcile(ws: Workspace, caller: Caller, query: ReportQuery) -> Reconciliation:
    """Pool → controls → bank, floor and subsidy → people; balances to 0.00."""
    require_everything_for(caller, "a reconciliation")
    return Reconciliation(_statement(ws, caller, query, parse_period(query.period)))


@frozen_record
class ExplainQuery:
    period: str
    employee: str | None = None  # exactly one of employee, department, figure
    department: str | None = None
    figure: str | None = None
    depth: int = EXPLAIN_DEPTH_MAX
    as_of: datetime | None = None
    what_if: Batch | None = None


def explain(ws: Workspace, caller: Caller, query: ExplainQuery) -> dict[str, Any]:
    """The derivation tree of a person's pay, a department's settled pay, or any figure."""
    # The warm reports' tree helpers: imported by an explanation, not by every report.
    from api.usecases.warm_reports import line_departments  # noqa: PLC0415

    if sum(x is not None for x in (query.employee, query.department, query.figure)) != 1:
        raise InvalidRequestError("give exactly one of employee, department or figure")
    period = parse_period(query.period)
    facts = report_facts(ws, caller, query.as_of, query.what_if, period, figures=True)
    if facts is None:
        # The figures the statements view keeps beside the statement: the same tree
        # without recomputing the period (projections.figure_tree).
        with ws.stored_figures(period) as stored:
            if stored is not None:
                with suppress(UntrustedFigureError):  # recomputed below instead
                    trees = _trees(caller.user, query, period, stored.figure,
                                   line_departments(stored.statement["people"]),
                                   prefetch=stored.prefetch)
                    return _explained(ws, caller, query, period, trees)
    statement = statement_for(facts or period_facts(ws, period), period)
    line_department = {p.employee_id: p.department_id for p in statement.people}
    trees = _trees(caller.user, query, period, statement.book.figure_json, line_department)
    return _explained(ws, caller, query, period, trees)


def _explained(ws: Workspace, caller: Caller, query: ExplainQuery, period: Period,
               trees: list[dict[str, Any]]) -> dict[str, Any]:
    record_read(ws, caller, f"{_what_if(query.what_if)}explain {period}", people_in(trees))
    return {"period": str(period), "explain": trees}


def _trees(user: User | None, query: ExplainQuery, period: Period, figure: FigureLookup,
           line_department: dict[str, str], *,
           prefetch: Callable[[list[str]], None] | None = None) -> list[dict[str, Any]]:
    """The explanation trees the query asks for, as much of them as `user` may read."""
    from api.usecases.warm_reports import explain_roots  # noqa: PLC0415 - see `explain`

    roots = explain_roots(figure, query.employee, query.department, query.figure)
    if query.employee is not None:
        missing = f"no employee {query.employee!r} in {period}"
        if not roots:
            raise NotFoundError(missing)
        _require_line(user, query.employee, line_department.get(query.employee), missing)
    elif query.department is not None:
        missing = f"no department {query.department!r} in {period}"
        if not roots:
            raise NotFoundError(missing)
        _require_department_line(user, query.department, missing)
    else:
        missing = f"no figure {query.figure!r} in {period}"
        if not roots:
            raise NotFoundError(missing)
        _require_figure(user, str(query.figure), line_department, missing)
    visible = key_visibility(user, line_department)
    return [scoped_tree(explain_tree(figure, root, query.depth, prefetch=prefetch), visible)
            for root in roots]


def _require_figure(user: User | None, figure: str, line_department: dict[str, str],
                    missing: str) -> None:
    kind, _, rest = figure.partition(":")
    subject = rest.split(":", 1)[0]
    if kind == "person":
        _require_line(user, subject, line_department.get(subject), missing)
    elif kind == "dept":
        _require_department_line(user, subject, missing)
    elif user is not None:
        require_everything(user, f"the figure {figure!r}")


# A line or department the caller may not see answers as one that does not exist: the
# difference would tell an employee who else is paid, and in which department.
def _require_line(user: User | None, employee_id: str, department_id: str | None,
                  missing: str) -> None:
    if user is not None and not user.may_read_employee(employee_id, department_id):
        raise NotFoundError(missing)


def _require_department_line(user: User | None, department_id: str, missing: str) -> None:
    if user is not None and not user.may_read_department(department_id):
        raise NotFoundError(missing)


def statements(ws: Workspace, caller: Caller, employee_id: str,
               as_of: datetime | None = None) -> dict[str, Any]:
    """An employee's own lines, period by period (the payable periods known)."""
    facts = report_facts(ws, caller, as_of, None) or ws.facts()
    if caller.user is not None:
        require_employee(caller.user, ws.facts(), employee_id, today_utc())
    elif not ws.facts().knows_employee(employee_id):
        raise NotFoundError(f"no employee {employee_id!r}")
    lines, blocked = [], []
    for period in sorted(payable_periods(facts)):
        try:
            statement = _statement(ws, caller, ReportQuery(str(period), as_of), period)
        except CalculationBlockedError as error:  # one period's gap, reported as data
            blocked.append({"period": str(period), "reason": str(error)})
            continue
        for line in statement["people"]:
            if line["employee_id"] == employee_id and (caller.user is None or
                                                       caller.user.may_read_employee(
                                                           employee_id, line["department_id"])):
                lines.append({"period": str(period), **line})
    if lines:
        record_read(ws, caller, "statements", [employee_id])
    return {"employee_id": employee_id, "lines": lines, "blocked": blocked}


@frozen_record
class DiffQuery:
    period: str
    from_point: str  # an ISO instant (UTC unless zoned), 'closed' or 'now'
    to_point: str = "now"
    what_if: Batch | None = None  # applied to the `to` side, unwritten
    # "flat": every event in between in one list (`--json`, as stored ledgers' reports
    # were recorded); "moved": those behind a figure that moved, the rest counted by type;
    # "all": and the rest listed; "beside": flat, with that reading beside it (HTTP)
    # (projections/diff.py LISTINGS).
    listing: Listing = "flat"


def diff(ws: Workspace, caller: Caller, query: DiffQuery) -> dict[str, Any]:
    """A period at two points of knowledge: who gains or loses, and which events did it."""
    user = caller.user
    if user is not None and not user.reads_everything and user.role != "department_head":
        require_everything(user, "a diff")
    period = parse_period(query.period)
    now = ws.facts()
    before = diff_side(KnownAt(ws), now, query.from_point, period)
    after = diff_side(KnownAt(ws), now, query.to_point, period)
    if query.what_if is not None:
        require_everything_for(caller, "a what-if diff")
        after = (what_if(ws, caller, query.what_if, after[0]), after[1])
    report = diff_statements(period, before, after, listing=query.listing)
    if query.what_if is not None:
        record_read(ws, caller, f"what-if diff {period}", [r["id"] for r in report["people"]])
    if user is None or user.reads_everything:
        return report
    people = [r for r in report["people"] if user.may_read_employee(r["id"], r["department_id"])]
    departments = [r for r in report["departments"] if user.may_read_department(r["id"])]
    referenced = {e for r in (*people, *departments) for e in r["direct_events"]}
    scoped = {**report, "people": people, "departments": departments, "total": None,
              "events": [e for e in report["events"] if e["id"] in referenced]}
    if "other_events" not in report:
        return scoped
    # Only the rows this reader sees, and nothing of the events about anyone else, not
    # even how many there were.
    shown = {r["id"] for r in (*people, *departments)}
    key = "events_behind" if "events_behind" in report else "events"
    return {**scoped, "other_events": [],
            key: [{**e, "moved": [i for i in e["moved"] if i in shown]}
                  for e in report[key] if e["id"] in referenced]}


def restatement(ws: Workspace, caller: Caller, period_text: str, *,
                figures: bool | None = None) -> dict[str, Any]:
    """A closed period recomputed with everything known now: deltas per person, and the
    open period the difference settles in. With `figures` (None: the ledger's setting;
    stored ledgers without it keep their reports byte-identical) each person row also
    carries `employee_id` and every figure of theirs, closed and now."""
    period = parse_period(period_text)
    facts = ws.facts()
    report: dict[str, Any] = restatement_of(facts, period).to_json()
    if with_figures_or_default(figures, facts):
        from projections.restated import restated_report  # noqa: PLC0415 - see payout

        pairs = {row["employee_id"]: row["figures"]
                 for row in restated_report(facts, period)["people"]}
        report["people"] = [{**row, "employee_id": row["id"],
                             "figures": pairs.get(row["id"], {})} for row in report["people"]]
    target = settles_in(facts, period)
    report["settles_in"] = str(target) if target else None
    user = caller.user
    if user is None or user.reads_everything:
        # Whole-organisation readers (finance, auditors) see which appeals about the
        # period were decided late; the appeal's own view shows its appellant.
        # Appeals' deadlines count working days by the ledger's holiday notices
        # (procedure facts, imported only here: a payout never needs them).
        from projections.procedures import with_late_decisions  # noqa: PLC0415

        with_late_decisions(report, facts, period)
        return report
    return {**report, "outstanding": None,
            "people": [r for r in report["people"]
                       if user.may_read_employee(r["id"], r["department_id"])],
            "departments": [r for r in report["departments"]
                            if user.may_read_department(r["id"])]}
