"""`jixiao import personal FILE` (and the API's and the page's upload of the same kind):
the bank name, bank account and ID number of people already on the roster, from a
spreadsheet, one row a person, through the shared import use case (api/usecases/imports.py).

Each person's details are checked (an ID number's GB 11643 check digit among them),
sealed with a data key of their own exactly as `jixiao personal record` seals them, and
recorded all or nothing. Details already recorded as they are write nothing (a second
import of the same file records no event, and seals no new key); an empty cell keeps
what was recorded. No message, warning or file written back repeats a value: reasons
name the row and the column, and the copies written for fixing mask the digits.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import field
from typing import Any

from api.sheets.columns import SECRET_COLUMNS, Kind, resolve
from api.sheets.marking import Masks
from api.sheets.readers import SheetFile
from api.sheets.rows import CommandRow, Read
from api.usecases.personal import (
    PersonalDetails,
    Vault,
    detail_problems,
    details_of,
    normalised,
    require_personal_reader,
    sealed_rows,
)
from api.usecases.ports import Caller, Workspace
from domain.errors import InvalidRequestError, Problem
from domain.personal import mask_account, mask_id_number
from domain.records import mutable_record

# English message ids with their templates in api/i18n/error_templates.py: worded in the
# reader's language where they are shown (a problem's reason in the errors copy too)
MESSAGES = {
    "no_key": "personal details are sealed with the master key: give --key-file or set "
              "JIXIAO_MASTER_KEY_FILE",
    "unknown": "not on the roster: import the roster first or check the id",
    "twice": "the same person twice in the file (see also {earlier}): one row a person",
    # a warning
    "nothing": "{where}: no bank name, account or ID number; nothing imported from the row",
}


@mutable_record
class SealedDetails:
    """The sealed rows to record (named by the rows they come from), and the problems of
    the rows whose details are wrong (by row and column)."""

    rows: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


@mutable_record
class PersonalSheet:
    """What one reading of the file keeps across its chunks: the row of each person so
    far (a second row of theirs is refused, whichever chunk it is in)."""

    rows: dict[str, str] = field(default_factory=dict)


def check_personal_import(caller: Caller, vault: Vault | None) -> None:
    """Before a file is read: only finance and administrators, and only with the key."""
    require_personal_reader(caller, "import")
    if vault is None:
        raise InvalidRequestError(MESSAGES["no_key"])


def seal_personal_rows(ws: Workspace, vault: Vault, read: Read, chunk: Sequence[CommandRow],
                       sheet: PersonalSheet, *, all_or_nothing: bool = True
                       ) -> SealedDetails:
    """A chunk's rows as sealed `record_personal_details` commands (the people whose
    details change) and the problems of the rows that cannot be recorded. A file refused
    as a whole (`all_or_nothing` with a problem so far) seals nothing: no data key is
    made for details that will not be recorded."""
    facts = ws.facts()
    result = SealedDetails()
    wanted: list[tuple[str, PersonalDetails]] = []
    column = read.column_name("employee_id")
    for where, command, number in chunk:
        employee_id = command["employee_id"]
        if not facts.knows_employee(employee_id):
            result.problems.append(Problem(where, column, MESSAGES["unknown"]))
            continue
        earlier = sheet.rows.setdefault(employee_id, where)
        if earlier != where:
            result.problems.append(Problem(where, column,
                                           MESSAGES["twice"].format(earlier=earlier)))
            continue
        given = read.personal.get(number)
        if not given:
            read.warn(MESSAGES["nothing"].format(where=where))
            continue
        wanted.append((where, PersonalDetails(employee_id, given.get("bank_name"),
                                              given.get("bank_account"),
                                              given.get("id_number"))))
    refused = all_or_nothing and bool(read.problems or result.problems)
    sealed = seal_changed(ws, vault, read, wanted, all_or_nothing=all_or_nothing,
                          seal=not refused)
    sealed.problems[:0] = result.problems
    return sealed


def seal_changed(ws: Workspace, vault: Vault, read: Read,
                 wanted: Sequence[tuple[str, PersonalDetails]], *, seal: bool = True,
                 all_or_nothing: bool = False) -> SealedDetails:
    """Check each row's details (problems by the file's column, naming no value) and seal
    those that differ from what is recorded; an empty cell keeps the recorded value. The
    rows left alone are counted in `read.unchanged`. Nothing is sealed without `seal`, or
    `all_or_nothing` when a row is wrong."""
    result = SealedDetails()
    checked: list[tuple[str, PersonalDetails]] = []
    for where, details in wanted:
        found = detail_problems(details)
        result.problems += [Problem(where, read.column_name(p.field) if p.field else "",
                                    p.reason) for p in found]
        if not found:
            checked.append((where, details))
    if not seal or (all_or_nothing and result.problems):
        return result
    current = details_of(ws.facts().live.values(), vault,
                         [details.employee_id for _, details in checked], masked=False)
    changed: list[tuple[str, PersonalDetails]] = []
    for where, given in checked:
        view = current[given.employee_id]
        details = given
        if view.state == "recorded":
            details = PersonalDetails(details.employee_id,
                                      details.bank_name or view.bank_name,
                                      details.bank_account or view.bank_account,
                                      details.id_number or view.id_number)
            now = {"bank_name": view.bank_name, "bank_account": view.bank_account,
                   "id_number": view.id_number}
            if now == normalised(details):
                read.unchanged += 1
                continue  # sealing it again would write a new event and a new key
        changed.append((where, details))
    rows = sealed_rows(vault, [details for _, details in changed])
    result.rows += [(where, row) for (where, _), row in zip(changed, rows, strict=True)]
    return result


# The columns of a personal-details file a copy may show as they are; any other is masked,
# an unknown one too (it may be a misnamed account column).
PLAIN_COLUMNS = frozenset({"employee_id", "name", "bank_name", "error"})


def masks_of(kind: Kind, sheet: SheetFile, read: Read | None) -> Masks:
    """How the copies written back (errors copy, rejected rows) mask each column: the
    account and ID number columns of any kind; in a personal-details file every column
    but the id, name and bank name. The header comes from `read`, else from the file."""
    if read is not None:
        columns: list[str | None] = list(read.header.columns)
    else:
        first = next(sheet.rows(), None)
        names = [] if first is None else ["" if c is None else str(c) for c in first.cells]
        columns = [resolve(kind, name) if name else None for name in names]
    masks: dict[int, Callable[[str], str]] = {}
    for number, column in enumerate(columns, start=1):
        if column == "id_number":
            masks[number] = _id_masked
        elif column in SECRET_COLUMNS or (kind.name == "personal"
                                          and column not in PLAIN_COLUMNS):
            masks[number] = _account_masked
    return masks


def _account_masked(value: str) -> str:  # full-width digits as the import reads them
    return mask_account(unicodedata.normalize("NFKC", value))


def _id_masked(value: str) -> str:
    return mask_id_number(unicodedata.normalize("NFKC", value))
