"""The read side of the HTTP API: reports, histories and the audit trail, each scoped
to what the caller may read (`access.py`). The same projections as the CLI's verbs."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from api.http.access import (
    commands_of,
    current_department,
    require_department,
    require_employee,
    require_everything,
    scoped_statement,
)
from api.storage.chain import verify as verify_chain
from api.http.commands import parse_period, today_utc
from api.http.present import event_json
from api.http.runtime import Backend
from domain.errors import ForbiddenError, InvalidRequestError, NotFoundError, RejectedError
from domain.events import COMMAND_MODELS
from domain.facts import Facts
from domain.periods import Period
from domain.users import User, a_role
from projections.audit import AuditQuery, select_events
from projections.diff import diff_side, diff_statements
from projections.payout import CalculationBlockedError
from projections.restatement import restatement_of, settles_in, statement_for
from projections.views import payable_periods
from projections.whatif import preview


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _facts(backend: Backend, as_of: datetime | None) -> Facts:
    return backend.ledger.facts(cutoff=_utc(as_of)) if as_of else backend.facts()


def _statement(backend: Backend, period: Period, as_of: datetime | None) -> dict[str, Any]:
    if as_of is None:
        return backend.session.statement_json(period)  # the caught-up view
    return statement_for(_facts(backend, as_of), period).to_json()


# ---------------------------------------------------------------------------- reports


def payout(backend: Backend, user: User, period: str, as_of: datetime | None) -> dict[str, Any]:
    return scoped_statement(user, _statement(backend, parse_period(period), as_of))


def reconciliation(backend: Backend, user: User, period: str,
                   as_of: datetime | None) -> dict[str, Any]:
    require_everything(user, "a reconciliation")
    report = _statement(backend, parse_period(period), as_of)
    return {"period": report["period"], **report["reconciliation"]}


def explain(backend: Backend, user: User, period_text: str, *, employee: str | None,
            department: str | None, figure: str | None, depth: int,
            as_of: datetime | None) -> dict[str, Any]:
    """The derivation tree of a person's pay, a department's settled pay, or any figure."""
    if sum(x is not None for x in (employee, department, figure)) != 1:
        raise InvalidRequestError("give exactly one of employee, department or figure")
    period = parse_period(period_text)
    statement = statement_for(_facts(backend, as_of), period)
    book = statement.book
    line_department = {p.employee_id: p.department_id for p in statement.people}
    if employee is not None:
        roots = [k for k in (f"person:{employee}:pay", f"person:{employee}:points")
                 if k in book.figures][:1]
        if not roots:
            raise NotFoundError(f"no employee {employee!r} in {period}")
        _require_line(user, employee, line_department.get(employee))
        if f"person:{employee}:post_bonus" in book.figures:
            roots.append(f"person:{employee}:post_bonus")
    elif department is not None:
        roots = [f"dept:{department}:settled"]
        if roots[0] not in book.figures:
            raise NotFoundError(f"no department {department!r} in {period}")
        _require_department_line(user, department)
    else:
        assert figure is not None
        roots = [figure]
        if figure not in book.figures:
            raise NotFoundError(f"no figure {figure!r} in {period}")
        kind, _, rest = figure.partition(":")
        subject = rest.split(":", 1)[0]
        if kind == "person":
            _require_line(user, subject, line_department.get(subject))
        elif kind == "dept":
            _require_department_line(user, subject)
        else:
            require_everything(user, f"the figure {figure!r}")
    return {"period": str(period), "explain": [book.tree(r, depth_max=depth) for r in roots]}


def _require_line(user: User, employee_id: str, department_id: str | None) -> None:
    if not user.may_read_employee(employee_id, department_id):
        raise ForbiddenError(f"{a_role(user.role)} may not read {employee_id!r}'s figures")


def _require_department_line(user: User, department_id: str) -> None:
    if not user.may_read_department(department_id):
        raise ForbiddenError(f"{a_role(user.role)} may not read department {department_id!r}'s "
                             "figures")


def statements(backend: Backend, user: User, employee_id: str,
               as_of: datetime | None) -> dict[str, Any]:
    """An employee's own lines, period by period (the payable periods known)."""
    facts = _facts(backend, as_of)
    require_employee(user, backend.facts(), employee_id, today_utc())
    lines, blocked = [], []
    for period in sorted(payable_periods(facts)):
        try:
            statement = _statement(backend, period, as_of)
        except CalculationBlockedError as error:  # one period's gap, reported as data
            blocked.append({"period": str(period), "reason": str(error)})
            continue
        for line in statement["people"]:
            if line["employee_id"] == employee_id and user.may_read_employee(
                employee_id, line["department_id"]
            ):
                lines.append({"period": str(period), **line})
    return {"employee_id": employee_id, "lines": lines, "blocked": blocked}


def diff(backend: Backend, user: User, period_text: str, from_point: str,
         to_point: str) -> dict[str, Any]:
    """A period at two points of knowledge: who gains or loses, and which events did it."""
    if not user.reads_everything and user.role != "department_head":
        require_everything(user, "a diff")
    period = parse_period(period_text)
    now = backend.facts()
    report = diff_statements(period, diff_side(backend.ledger, now, from_point, period),
                             diff_side(backend.ledger, now, to_point, period))
    if user.reads_everything:
        return report
    people = [r for r in report["people"] if user.may_read_employee(r["id"], r["department_id"])]
    departments = [r for r in report["departments"] if user.may_read_department(r["id"])]
    referenced = {e for r in (*people, *departments) for e in r["direct_events"]}
    return {**report, "people": people, "departments": departments, "total": None,
            "events": [e for e in report["events"] if e["id"] in referenced]}


def restatement(backend: Backend, user: User, period_text: str) -> dict[str, Any]:
    """A closed period recomputed with everything known now: deltas per person."""
    period = parse_period(period_text)
    facts = backend.facts()
    report = restatement_of(facts, period).to_json()
    target = settles_in(facts, period)
    report["settles_in"] = str(target) if target else None
    if user.reads_everything:
        return report
    return {**report, "outstanding": None,
            "people": [r for r in report["people"]
                       if user.may_read_employee(r["id"], r["department_id"])],
            "departments": [r for r in report["departments"]
                            if user.may_read_department(r["id"])]}


# ---------------------------------------------------------------------------- history


def employee_history(backend: Backend, user: User, employee_id: str, after: int,
                     limit: int) -> dict[str, Any]:
    facts = backend.facts()
    require_employee(user, facts, employee_id, today_utc())
    return _events(facts, AuditQuery(subject=employee_id, subject_kind="employee",
                                     after=after, limit=limit))


def department_history(backend: Backend, user: User, department_id: str, after: int,
                       limit: int) -> dict[str, Any]:
    facts = backend.facts()
    require_department(user, facts, department_id)
    return _events(facts, AuditQuery(subject=department_id, subject_kind="department",
                                     after=after, limit=limit))


def audit_events(backend: Backend, user: User, query: AuditQuery) -> dict[str, Any]:
    require_everything(user, "the audit log")
    return _events(backend.facts(), query)


def _events(facts: Facts, query: AuditQuery) -> dict[str, Any]:
    selected = select_events(facts, query)
    return {
        "events": [event_json(position, event, live=event.originator_id in facts.live)
                   for position, event in selected],
        "next_after": selected[-1][0] if len(selected) == query.limit else None,
    }


def verify(backend: Backend, user: User) -> dict[str, Any]:
    require_everything(user, "the chain verification")
    return verify_chain(backend.ledger, backend.chain).to_json()


# ---------------------------------------------------------------------------- users


def me(backend: Backend, user: User) -> dict[str, Any]:
    facts = backend.facts()
    scope = user.scope_json()
    if user.employee_id:
        scope["department_id"] = current_department(facts, user.employee_id, today_utc())
    return {**scope, "may_issue": commands_of(user)}


def users(backend: Backend, user: User) -> dict[str, Any]:
    require_everything(user, "the users")
    directory = backend.users()
    return {"users": [u.scope_json() for _, u in sorted(directory.users.items())]}


def command_schemas() -> dict[str, Any]:
    return {model.model_fields["type"].annotation.__args__[0]: model.model_json_schema()  # type: ignore[union-attr]
            for model in COMMAND_MODELS}



# ---------------------------------------------------------------------------- what-if


def payout_what_if(backend: Backend, user: User, period_text: str,
                   rows: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """The statement as if these commands were recorded (checked like a real batch, by
    row and field); nothing is written. The CLI's `jixiao payout --with FILE`."""
    require_everything(user, "a what-if payout")
    period = parse_period(period_text)
    ledger = backend.ledger
    commands, problems, _ = ledger.check_rows(rows)
    if problems:
        raise RejectedError(problems)
    facts = preview(ledger, commands, user.user_id)
    return statement_for(facts, period).to_json()  # type: ignore[no-any-return]
