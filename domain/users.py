"""Users of the HTTP API: who they are, their role, its scope, and what each role may do.

A user is a fact like any other: `UserRegistered` (a role, its scope and the SHA-256 of
the user's bearer token), `TokenRotated`, `UserDisabled`. The token itself is never
stored. A correction of a role or scope is a registration that `supersedes` the first;
a disabled user stays disabled until the `UserDisabled` entry is voided.

The facts themselves, their bodies and commands are domain/user_facts.py's, imported with
the first of them; until then no user fact exists, so the directory below folds none. The
checks take what they need from the facts as plain callables.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import field
from typing import Any

from pydantic import BaseModel

from domain.errors import Problem
from domain.records import frozen_record
from domain.roles import ROLES, Role

# ------------------------------------------------------------------ who may do what

# Commands each role may issue. `void_entry` is allowed when the role may issue the
# voided entry's own type (and, for a head, it is about someone in their departments).
COMMANDS_BY_ROLE: Mapping[Role, frozenset[str]] = {
    "administrator": frozenset({
        "adopt_scheme", "define_department", "hire_employee", "transfer_employee",
        "change_title_grade", "change_post", "change_employment_category", "record_leave",
        "record_departure", "record_assessment", "record_cme_credits",
        "record_training_refusal", "register_user", "rotate_token", "disable_user",
        # Procedures around results (issue 15): the office that runs the assessment.
        "record_holiday_notice", "record_delivery", "record_filing", "open_publicity",
        "record_objection", "make_results_final", "record_outside_result",
        "set_password",
    }),
    "finance": frozenset({
        "declare_pool", "adjust_pool", "record_department_figures", "record_control_indicator",
        "record_department_deduction", "record_department_penalty",
        "record_annual_target_score", "close_period",
        # payroll's withholding and who pays (issue 13): finance's hand-off with payroll
        "record_withholding", "declare_payment_channel",
    }),
    "department_head": frozenset({"record_score", "record_deduction", "record_attendance"}),
    "appeals_reviewer": frozenset(),  # decisions on appeals come with the appeals work
    "auditor": frozenset(),
    "employee": frozenset(),  # appeals come with the appeals work
}
VOID = "void_entry"
READS_EVERYTHING: frozenset[Role] = frozenset(
    {"administrator", "finance", "auditor", "appeals_reviewer"})


@frozen_record
class User:
    user_id: str
    name: str
    role: Role
    department_ids: frozenset[str]
    employee_id: str | None
    token_sha256: str
    disabled: bool

    @property
    def reads_everything(self) -> bool:
        return self.role in READS_EVERYTHING

    def may_issue(self, command_type: str) -> bool:
        return command_type in COMMANDS_BY_ROLE[self.role]

    def may_read_employee(self, employee_id: str, department_id: str | None) -> bool:
        """A line about `employee_id` in `department_id`: everyone's for the global roles,
        their departments' for a head, their own for an employee."""
        if self.reads_everything:
            return True
        if self.role == "department_head":
            return department_id is not None and department_id in self.department_ids
        return self.role == "employee" and employee_id == self.employee_id

    def may_read_department(self, department_id: str) -> bool:
        if self.reads_everything:
            return True
        return self.role == "department_head" and department_id in self.department_ids

    def scope_json(self) -> dict[str, Any]:
        return {"user_id": self.user_id, "name": self.name, "role": self.role,
                "department_ids": sorted(self.department_ids),
                "employee_id": self.employee_id, "disabled": self.disabled}


ROLE_NAMES: Mapping[Role, str] = {
    "administrator": "an administrator", "finance": "a finance officer",
    "department_head": "a department head", "appeals_reviewer": "an appeals reviewer",
    "auditor": "an auditor", "employee": "an employee",
}


def a_role(role: Role) -> str:
    """The role in a sentence: 'a finance officer may not …'."""
    return ROLE_NAMES[role]


def issuers_of(command_type: str) -> list[str]:
    return [role for role in ROLES if command_type in COMMANDS_BY_ROLE[role]]


def write_refusal(
    user: User,
    command_type: str,
    employee_ids: Sequence[str],
    department_of: Callable[[str], str | None],
) -> str | None:
    """Why `user` may not issue a `command_type` about these employees; None if they may.
    A head writes only about people whose current department is one they head (an
    employee not on the roster is left to the ledger's checks: "hire them first")."""
    if not user.may_issue(command_type):
        who = ", ".join(issuers_of(command_type)) or "no role yet"
        return f"{a_role(user.role)} may not issue {command_type} (issued by: {who})"
    if user.role == "department_head":
        for employee_id in employee_ids:
            department = department_of(employee_id)
            if department is not None and department not in user.department_ids:
                return (f"{employee_id} is in {department}, not in a department you head "
                        f"({', '.join(sorted(user.department_ids))})")
    return None


# ------------------------------------------------------------------ the user directory


@frozen_record
class UserDirectory:
    """Every user as the live facts stand, and the enabled users by token hash."""

    users: Mapping[str, User] = field(default_factory=dict)
    by_token: Mapping[str, str] = field(default_factory=dict)
    passwords: Mapping[str, str] = field(default_factory=dict)  # user id → argon2 hash

    @staticmethod
    def fold(live: Iterable[object]) -> UserDirectory:
        """`live`: the live facts in notification order. The first live registration of a
        user id counts; a token rotation after it replaces the token; a live disable
        disables the user whatever its order."""
        if not _user_facts_imported():
            return UserDirectory()
        from domain.user_facts import (  # noqa: PLC0415 - imported already, see above
            DisableBody,
            PasswordBody,
            TokenBody,
            UserBody,
        )

        users: dict[str, User] = {}
        disabled: set[str] = set()
        passwords: dict[str, str] = {}
        for event in live:
            if isinstance(event, UserBody) and event.user_id not in users:
                users[event.user_id] = User(
                    event.user_id, event.name, event.role, frozenset(event.department_ids),
                    event.employee_id, event.token_sha256, disabled=False)
            elif isinstance(event, TokenBody) and event.user_id in users:
                users[event.user_id] = _replace_token(users[event.user_id], event.token_sha256)
            elif isinstance(event, DisableBody):
                disabled.add(event.user_id)
            elif isinstance(event, PasswordBody) and event.user_id in users:
                passwords[event.user_id] = event.password_argon2
        final = {uid: _disable(u) if uid in disabled else u for uid, u in users.items()}
        by_token: dict[str, str] = {}
        for user in final.values():
            if not user.disabled:
                by_token.setdefault(user.token_sha256, user.user_id)
        return UserDirectory(final, by_token, passwords)

    def by_token_sha256(self, digest: str) -> User | None:
        user_id = self.by_token.get(digest)
        return self.users[user_id] if user_id is not None else None

    def tokens_in_use(self) -> set[str]:
        return {user.token_sha256 for user in self.users.values()}


def _user_facts_imported() -> bool:
    """Whether domain/user_facts.py is imported: no user fact, user command or password
    (domain/passwords.py imports it) exists before, so a fold or a check needs it only
    then, and importing it for a batch without one would cost its classes for nothing."""
    return "domain.user_facts" in sys.modules


def _replace_token(user: User, digest: str) -> User:
    return User(user.user_id, user.name, user.role, user.department_ids, user.employee_id,
                digest, user.disabled)


def _disable(user: User) -> User:
    return User(user.user_id, user.name, user.role, user.department_ids, user.employee_id,
                user.token_sha256, disabled=True)


def user_problems(
    directory: UserDirectory,
    commands: Sequence[tuple[str, BaseModel]],
    knows_department: Callable[[str], bool],
) -> list[Problem]:
    """What the ledger's own checks do not know about users: ids taken or unknown, tokens
    shared, departments unknown. Checked in batch order, like the ledger's checks."""
    if not _user_facts_imported():  # then no command is one (and only theirs carry a token)
        return []
    from domain.user_facts import (  # noqa: PLC0415 - imported already, see above
        DisableBody,
        PasswordBody,
        TokenBody,
        UserBody,
    )

    problems: list[Problem] = []
    registered = dict(directory.users)
    tokens = directory.tokens_in_use()
    defined = {getattr(c, "department_id", None) for _, c in commands
               if getattr(c, "type", None) == "define_department"}
    for where, command in commands:
        if isinstance(command, UserBody):
            if command.user_id in registered and getattr(command, "supersedes", None) is None:
                problems.append(Problem(where, "user_id", f"user {command.user_id!r} is already "
                                        "registered; to change them, supersede the registration"))
            for department_id in command.department_ids:
                if department_id not in defined and not knows_department(department_id):
                    problems.append(Problem(where, "department_ids", f"unknown department "
                                            f"{department_id!r}; define it first"))
        elif isinstance(command, (TokenBody, DisableBody, PasswordBody)) \
                and command.user_id not in registered:
            problems.append(Problem(where, "user_id", f"unknown user {command.user_id!r}; "
                                    "register them first"))
        digest = getattr(command, "token_sha256", None)
        if isinstance(digest, str):
            earlier = registered.get(getattr(command, "user_id", ""))
            keeps_own = (isinstance(command, UserBody) and earlier is not None
                         and digest == earlier.token_sha256)
            if digest in tokens and not keeps_own:
                problems.append(Problem(where, "token_sha256", "this token is already in use; "
                                        "mint a new one"))
            tokens.add(digest)
        if isinstance(command, UserBody):
            registered[command.user_id] = User(
                command.user_id, command.name, command.role, frozenset(command.department_ids),
                command.employee_id, command.token_sha256, disabled=False)
    return problems
