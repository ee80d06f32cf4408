"""Who may write and read what, applied to the facts: the role table and the read
scopes live in `domain/users.py`; this module looks up what they need (an employee's
current department, the entry a correction replaces) and raises `ForbiddenError`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from pydantic import BaseModel

from api.usecases.ports import Caller
from domain import events as registry
from domain.errors import ForbiddenError, NotFoundError, Problem
from domain.events import LedgerEvent, command_model, command_types_of_events
from domain.facts import Facts
from domain.users import COMMANDS_BY_ROLE, VOID, User, a_role, write_refusal


class RowsForbiddenError(ForbiddenError):
    """Some rows of a request are not the caller's to write; nothing was written."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        lines = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"{len(self.problems)} row(s) you may not write; nothing was "
                         f"written:\n{lines}")


def current_department(facts: Facts, employee_id: str, today: date) -> str | None:
    """The employee's department today (or, if hired later, as first hired)."""
    state = facts.employee_on(employee_id, today) or facts.employee_on(employee_id, date.max)
    return state.department_id if state is not None else None


def check_writes(
    user: User,
    rows: Sequence[tuple[str, Mapping[str, Any]]],
    commands: Sequence[tuple[str, BaseModel]],
    facts: Facts,
    today: date,
) -> None:
    """Refuse the whole request if any row is not the user's to write. The type alone
    decides for rows that did not even parse; parsed rows are also checked for scope,
    and a void or correction for the entry it replaces."""
    refusals: list[Problem] = []

    def department_of(employee_id: str) -> str | None:
        return current_department(facts, employee_id, today)

    for where, row in rows:
        kind = row.get("type")
        if not isinstance(kind, str) or command_model(kind) is None:
            continue  # the validation names it
        if kind == VOID:
            if not any(may_issue(user, k) for k in registry.COMMANDS_BY_TYPE):
                refusals.append(Problem(where, "type", f"{a_role(user.role)} may not void entries"))
            continue
        if kind in EXTRA_COMMANDS:
            reason = _extra_refusal(user, kind, None, facts, department_of)
        else:
            reason = write_refusal(user, kind, [], department_of)
        if reason:
            refusals.append(Problem(where, "type", reason))
    if not refusals:
        for where, command in commands:
            refusals += _scope_refusals(user, where, command, facts, department_of)
    kinds = {row.get("type") for _, row in rows}
    if "close_period" in kinds and _approval_required(facts) and not _approved(facts, rows):
        refusals.append(Problem(rows[0][0], "type", "this ledger requires a second "
                                "person to close a period: prepare the close, and another "
                                "user approves it (POST /periods/{period}/close)"))
    if refusals:
        raise RowsForbiddenError(refusals)


def _approval_required(facts: Facts) -> bool:
    # The two-person close's module (domain/close_review.py): imported for a close, not
    # for every write (domain/events.py keeps its family lazy).
    from domain.close_review import approval_required  # noqa: PLC0415 - see above

    return approval_required(facts)


def _approved(facts: Facts, rows: Sequence[tuple[str, Mapping[str, Any]]]) -> bool:
    """Whether every period closed in `rows` has a recorded approval (two-person close)."""
    approved = {getattr(e, "period", None) for e in facts.live.values()
                if type(e).__name__ == "CloseApproved"}
    return all(row.get("period") in approved for _, row in rows
               if row.get("type") == "close_period")


def _scope_refusals(user: User, where: str, command: BaseModel, facts: Facts,
                    department_of: Any) -> list[Problem]:
    kind = str(getattr(command, "type", ""))
    target_id = getattr(command, "target_id" if kind == VOID else "supersedes", None)
    target: LedgerEvent | None = facts.events.get(target_id) if target_id else None
    field = "employee_id"
    if kind == VOID:
        if target is None:
            return []  # an unknown entry: the validation names it
        # Voiding is allowed to whoever may write the entry (a void of a void to nobody).
        kind = command_types_of_events().get(type(target).__name__, VOID)
        field = "target_id"
    if kind in EXTRA_COMMANDS:
        # An appeal or grading entry, or the void or correction of one.
        subject = target if target is not None and kind != str(getattr(command, "type", "")) \
            else command
        reason = _extra_refusal(user, kind, subject, facts, department_of)
        if reason is None and target is not None and subject is command:
            reason = _extra_refusal(user, kind, target, facts, department_of)
        if reason is None:
            return []
        if kind not in EXTRA_COMMANDS_BY_ROLE[user.role] and field != "target_id":
            field = "type"
        return [Problem(where, field, reason)]
    employees = [e for e in (getattr(command, "employee_id", None),
                             getattr(target, "employee_id", None)) if isinstance(e, str)]
    reason = write_refusal(user, kind, employees, department_of)
    if reason is None:
        return []
    if not user.may_issue(kind) and field == "employee_id":
        field = "type"
    return [Problem(where, field, reason)]


def require_everything(user: User, what: str) -> None:
    if not user.reads_everything:
        raise ForbiddenError(f"{a_role(user.role)} may not read {what}; it shows the whole "
                             "organisation")


def require_employee(user: User, facts: Facts, employee_id: str, today: date) -> str:
    """The employee's current department, if the user may read about them."""
    if not facts.knows_employee(employee_id):
        raise NotFoundError(f"no employee {employee_id!r}")
    department = current_department(facts, employee_id, today)
    if not user.may_read_employee(employee_id, department):
        # As if there were no such employee: the difference would tell who else exists.
        raise NotFoundError(f"no employee {employee_id!r}")
    return department or ""


def require_department(user: User, facts: Facts, department_id: str) -> None:
    if department_id not in facts.department_ids():
        raise NotFoundError(f"no department {department_id!r}")
    if not user.may_read_department(department_id):
        raise NotFoundError(f"no department {department_id!r}")


def _own_scope(user: User) -> str:
    if user.role == "department_head":
        return f"the departments they head ({', '.join(sorted(user.department_ids))})"
    if user.role == "employee":
        return f"their own lines ({user.employee_id})"
    return "nothing of this kind"


def scoped_statement(user: User, statement: dict[str, Any]) -> dict[str, Any]:
    """A statement as the user may see it: whole, or only their departments' or their own
    lines (organisation-wide sections left out)."""
    if user.reads_everything:
        return statement
    people = [p for p in statement["people"]
              if user.may_read_employee(p["employee_id"], p["department_id"])]
    departments = [d for d in statement["departments"]
                   if user.may_read_department(d["department_id"])]
    return {
        "period": statement["period"],
        "scheme": statement["scheme"],
        "departments": departments,
        "people": people,
        "scope": user.role,
        "notes": ["organisation-wide sections (pool, reconciliation, totals, restatements) "
                  "are shown to finance, auditors, reviewers and administrators"],
    }


# ------------------------------------------------------------------ appeals and grading

# The HTTP API's rights for the appeal and grading commands. They belong beside the rest
# in `domain.users.COMMANDS_BY_ROLE` (outside this package); until they move there, they
# extend it here, and `check_writes` and `/me` read both.
GRADING_COMMANDS = frozenset({
    "enrol_subject", "record_sanction", "record_complaint", "record_grade_input",
    "record_pay_base", "propose_grade", "record_tie_break", "cast_ballot",
    "request_review", "decide_review",
})
HEAD_GRADING_COMMANDS = frozenset({"record_grade_input", "record_complaint", "propose_grade"})
EXTRA_COMMANDS_BY_ROLE: Mapping[str, frozenset[str]] = {
    "administrator": frozenset({"file_appeal", "assign_appeal", "escalate_appeal",
                                "set_close_approval", "configure_ledger",
                                *GRADING_COMMANDS}),
    "finance": frozenset({"prepare_close", "approve_close"}),
    "department_head": frozenset({"file_appeal", "escalate_appeal", *HEAD_GRADING_COMMANDS}),
    "appeals_reviewer": frozenset({"assign_appeal", "decide_appeal", "escalate_appeal"}),
    "auditor": frozenset(),
    "employee": frozenset({"file_appeal", "escalate_appeal"}),
}
EXTRA_COMMANDS = frozenset().union(*EXTRA_COMMANDS_BY_ROLE.values())


def may_issue(user: User, kind: str) -> bool:
    return user.may_issue(kind) or kind in EXTRA_COMMANDS_BY_ROLE[user.role]


def commands_of(user: User) -> list[str]:
    return sorted({*COMMANDS_BY_ROLE[user.role], *EXTRA_COMMANDS_BY_ROLE[user.role]})


def _extra_refusal(user: User, kind: str, command: BaseModel | None, facts: Facts,
                   department_of: Any) -> str | None:
    """Why `user` may not issue this appeal or grading command; None if they may."""
    if kind not in EXTRA_COMMANDS_BY_ROLE[user.role]:
        who = ", ".join(r for r in EXTRA_COMMANDS_BY_ROLE if kind in EXTRA_COMMANDS_BY_ROLE[r])
        return f"{a_role(user.role)} may not issue {kind} (issued by: {who})"
    if kind == "assign_appeal" and command is not None and getattr(
            command, "reviewer", None) == user.user_id:
        return ("a reviewer may not assign an appeal to themselves "
                "(审核人不得自行指派)")
    if command is None or user.role not in ("employee", "department_head"):
        return None
    if kind in ("file_appeal", "escalate_appeal"):
        appellant = _appellant(command, facts)
        if appellant is None:
            return None  # an unknown appeal: the ledger names it
        if may_act_for(user, appellant, department_of):
            return None
        employee, unit = appellant
        return (f"{a_role(user.role)} may appeal only for {_own_scope(user)}, not for "
                f"{employee or unit!r}")
    subject_id = str(getattr(command, "subject_id", ""))
    unit = subject_unit(facts, subject_id)
    if unit is not None and unit in user.department_ids:
        return None
    return (f"subject {subject_id!r} is in {unit or 'no department'}, not in a department "
            f"you head ({', '.join(sorted(user.department_ids))})")


def _appellant(command: BaseModel, facts: Facts) -> tuple[str | None, str | None] | None:
    if getattr(command, "type", None) == "file_appeal":
        return (getattr(command, "appellant_employee_id", None),
                getattr(command, "appellant_department_id", None))
    from domain.appeals import appeals_of  # noqa: PLC0415 - an appeal step's check only

    state = appeals_of(facts).get(str(getattr(command, "appeal_id", "")))
    if state is None:
        return None
    return state.filed.appellant_employee_id, state.filed.appellant_department_id


def may_act_for(user: User, appellant: tuple[str | None, str | None],
                department_of: Any) -> bool:
    """Whether the user may see or act for this appellant: everyone for the global roles
    and administrators, their departments' people and units for a head, themselves for an
    employee."""
    employee, unit = appellant
    if user.role == "employee":
        return employee is not None and employee == user.employee_id
    if user.role == "department_head":
        department = department_of(employee) if employee else unit
        return department is not None and department in user.department_ids
    return True


def subject_unit(facts: Facts, subject_id: str) -> str | None:
    """The unit a graded subject belongs to (its latest live enrolment's `unit_id`)."""
    unit = None
    for event in facts.live.values():
        if type(event).__name__ == "SubjectEnrolled" and getattr(
                event, "subject_id", None) == subject_id:
            unit = getattr(event, "unit_id", None)
    return unit


def require_everything_for(caller: Caller, what: str) -> None:
    """`require_everything`, for a caller that may be the store's owner (no user)."""
    if caller.user is not None:
        require_everything(caller.user, what)
