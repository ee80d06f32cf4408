"""A roster's bank columns (开户行, 银行账号, 身份证号): checked by row, sealed with each
person's own data key, and recorded in the same all-or-nothing batch as the hires.

Personal data: only finance and administrators may import it (and, hires being an
administrator's, in practice an administrator or the store's owner on the command
line); it needs the master key; an unchanged person's details are not sealed again, so
importing the same roster twice writes nothing the second time."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from api.sheets.rows import CommandRow, Read
from api.usecases.personal import (
    PersonalDetails,
    Vault,
    detail_problems,
    details_of,
    normalised,
    require_personal_reader,
    sealed_row,
)
from api.usecases.ports import Caller, Workspace
from domain.errors import ForbiddenError, InvalidRequestError, Problem
from domain.users import a_role

MESSAGES = {
    "no_key": "花名册含开户行、银行账号或身份证号，需要主密钥加密：请给出 --key-file 或设置 "
              "JIXIAO_MASTER_KEY_FILE (the roster holds personal details: give the master key)",
    "hire": "{role}不能登记员工 (may not hire: the roster is an administrator's)",
}


@dataclass
class SealedDetails:
    """The sealed rows to record beside the hires (named as the hires' rows), and the
    problems of the rows whose details are wrong (by row and column)."""

    rows: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def seal_roster_details(ws: Workspace, caller: Caller, vault: Vault | None,
                        read: Read, rows: Sequence[CommandRow] | None = None
                        ) -> SealedDetails:
    """The roster's personal columns as sealed commands; nothing when it has none.
    `rows`: the chunk being read when the file is streamed (else all of `read.rows`)."""
    result = SealedDetails()
    if not read.personal:
        return result
    require_personal_reader(caller, "import")
    if caller.user is not None and not caller.user.may_issue("hire_employee"):
        raise ForbiddenError(MESSAGES["hire"].format(role=a_role(caller.user.role)))
    if vault is None:
        raise InvalidRequestError(MESSAGES["no_key"])
    wanted: list[tuple[str, PersonalDetails]] = []
    for where, command, number in (read.rows if rows is None else rows):
        given = read.personal.get(number)
        if not given:
            continue
        details = PersonalDetails(command["employee_id"], given.get("bank_name"),
                                  given.get("bank_account"), given.get("id_number"))
        found = detail_problems(details)
        # The reasons name no value (personal data stays out of errors and logs).
        result.problems += [Problem(where, read.column_name(p.field) if p.field else "",
                                    p.reason) for p in found]
        if not found:
            wanted.append((where, details))
    current = details_of(ws.facts().live.values(), vault,
                         [details.employee_id for _, details in wanted], masked=False)
    for where, given_details in wanted:
        view = current[given_details.employee_id]
        details = given_details
        if view.state == "recorded":
            # An empty cell keeps what was recorded (say, an ID number from `jixiao
            # personal record`); the details as they are already recorded are not sealed
            # again, which would write a new event.
            details = PersonalDetails(details.employee_id,
                                      details.bank_name or view.bank_name,
                                      details.bank_account or view.bank_account,
                                      details.id_number or view.id_number)
            now = {"bank_name": view.bank_name, "bank_account": view.bank_account,
                   "id_number": view.id_number}
            if now == normalised(details):
                continue
        result.rows.append((where, sealed_row(vault, details)))
    return result
