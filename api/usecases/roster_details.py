"""A roster's bank columns (开户行, 银行账号, 身份证号): checked by row, sealed with each
person's own data key, and recorded in the same all-or-nothing batch as the hires.

Personal data: only finance and administrators may import it (and, hires being an
administrator's, in practice an administrator or the store's owner on the command
line); it needs the master key; an unchanged person's details are not sealed again, so
importing the same roster twice writes nothing the second time."""

from __future__ import annotations

from collections.abc import Sequence

from api.sheets.rows import CommandRow, Read
from api.usecases.personal import PersonalDetails, Vault, require_personal_reader
from api.usecases.personal_import import SealedDetails, seal_changed
from api.usecases.ports import Caller, Workspace
from domain.errors import ForbiddenError, InvalidRequestError
from domain.users import a_role

# English message ids with their templates in api/i18n/error_templates.py
MESSAGES = {
    "no_key": "the roster holds bank names, bank accounts or ID numbers, which are sealed "
              "with the master key: give --key-file or set JIXIAO_MASTER_KEY_FILE",
    "hire": "{role} may not hire: the roster is an administrator's",
}


def seal_roster_details(ws: Workspace, caller: Caller, vault: Vault | None,
                        read: Read, rows: Sequence[CommandRow] | None = None
                        ) -> SealedDetails:
    """The roster's personal columns as sealed commands; nothing when it has none.
    `rows`: the chunk being read when the file is streamed (else all of `read.rows`)."""
    if not read.personal:
        return SealedDetails()
    require_personal_reader(caller, "import")
    if caller.user is not None and not caller.user.may_issue("hire_employee"):
        raise ForbiddenError(MESSAGES["hire"].format(role=a_role(caller.user.role)))
    if vault is None:
        raise InvalidRequestError(MESSAGES["no_key"])
    wanted: list[tuple[str, PersonalDetails]] = []
    for where, command, number in (read.rows if rows is None else rows):
        given = read.personal.get(number)
        if given:
            wanted.append((where, PersonalDetails(command["employee_id"],
                                                  given.get("bank_name"),
                                                  given.get("bank_account"),
                                                  given.get("id_number"))))
    return seal_changed(ws, vault, read, wanted)
