"""Personal details on the roster: a person's bank name, bank account and ID number.

They are sealed with the person's own data key before they reach the ledger (the event
holds ciphertext only), shown whole to finance and administrators and masked to everyone
else (6222 **** **** 1234), and erased for good by destroying the person's data key.
No message here ever repeats a value: errors name the field and the reason only.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Literal, Protocol

from api.usecases.access import require_employee
from api.usecases.ledger import ApplyResult, Batch, apply_batch
from api.usecases.ports import Caller, Workspace, today_utc
from domain.envelope import LedgerEvent
from domain.errors import ForbiddenError, NotFoundError, Problem, RejectedError
from domain.personal import PayrollFacts, mask_account, mask_id_number
from domain.records import frozen_record
from domain.users import a_role

PERSONAL_READERS = frozenset({"administrator", "finance"})
ACCOUNT_DIGITS = (8, 32)  # a mainland bank card or account number
ID_CHARS = (15, 18)  # a resident ID number: 15 digits (old) or 18 (last may be X)
BANK_NAME_CHARS_MAX = 100
# English message ids (api/i18n/error_templates.py holds them as templates with their
# Chinese): shown in the reader's language where they are shown
MESSAGES = {
    "forbidden": "{role} may not {what} personal details: only finance and administrators "
                 "may",
    "unknown": "unknown employee {employee_id!r}",
    "account": "a bank account is 8 to 32 digits",
    "id_number": "an ID number is 15 or 18 characters: digits, the last may be X",
    "check_digit": "the ID number's check digit does not match (GB 11643): check the "
                   "number; usually a digit is mistyped or the final X was written as "
                   "something else",
    "birth_date": "the birth date inside the ID number is not a calendar date: check the "
                  "number",
    "scientific": "Excel wrote the bank account in scientific notation (6.2E+18) and its last "
                  "digits are lost: format the column as text and type it again",
    "bank_name": "a bank name is 1 to 100 characters",
    "empty": "give at least a bank name, an account or an ID number",
}
State = Literal["recorded", "forgotten", "none", "unreadable"]


class Vault(Protocol):
    """The person's data keys (api/storage/keys.py: KeyVault)."""

    def seal(self, employee_id: str, plain: bytes) -> tuple[str, str]: ...

    def unseal(self, employee_id: str, key_id: str, sealed: str) -> bytes | None: ...

    def destroy(self, employee_id: str) -> int: ...

    def may_destroy(self) -> None:
        """Raise what `destroy` would meet (a read-only store, a role without DELETE on
        the keys), before the shredding is recorded."""

    def seal_many(self, items: Sequence[tuple[str, bytes]]) -> list[tuple[str, str]]: ...

    def unseal_many(self, items: Sequence[tuple[str, str, str]]) -> list[bytes | None]: ...


@frozen_record
class PersonalDetails:
    employee_id: str
    bank_name: str | None = None
    bank_account: str | None = None
    id_number: str | None = None


@frozen_record
class PersonalView:
    employee_id: str
    state: State  # recorded; forgotten (keys destroyed); none; unreadable (key lost)
    masked: bool
    bank_name: str | None = None
    bank_account: str | None = None
    id_number: str | None = None

    def to_json(self) -> dict[str, object]:
        return {"employee_id": self.employee_id, "state": self.state, "masked": self.masked,
                "bank_name": self.bank_name, "bank_account": self.bank_account,
                "id_number": self.id_number}


def may_read_whole(caller: Caller) -> bool:
    return caller.user is None or caller.user.role in PERSONAL_READERS


def require_personal_reader(caller: Caller, what: str) -> None:
    if not may_read_whole(caller):
        role = a_role(caller.user.role) if caller.user else ""
        raise ForbiddenError(MESSAGES["forbidden"].format(role=role, what=what))


def normalised(details: PersonalDetails) -> dict[str, str | None]:
    """The details as sealed: spaces out of the account, the ID number's X upper-case."""
    return {
        "bank_name": details.bank_name.strip() if details.bank_name else None,
        "bank_account": "".join(details.bank_account.split()) if details.bank_account else None,
        "id_number": details.id_number.strip().upper() if details.id_number else None,
    }


def sealed_row(vault: Vault, details: PersonalDetails) -> dict[str, str]:
    """The `record_personal_details` command of checked details, sealed with a new data
    key of the person's."""
    return sealed_rows(vault, [details])[0]


def sealed_rows(vault: Vault, many: Sequence[PersonalDetails]) -> list[dict[str, str]]:
    """`sealed_row` of many people, their keys stored at once."""
    plains = [(details.employee_id, json.dumps(normalised(details), ensure_ascii=False,
                                               sort_keys=True).encode()) for details in many]
    return [{"type": "record_personal_details", "employee_id": details.employee_id,
             "key_id": key_id, "sealed": sealed, "idempotency_key": f"personal:{key_id}"}
            for details, (key_id, sealed) in zip(many, vault.seal_many(plains), strict=True)]


def detail_problems(details: PersonalDetails) -> list[Problem]:
    """What is wrong with the details, by field; the reasons never repeat a value."""
    where = details.employee_id
    problems = []
    account = "".join((details.bank_account or "").split())
    if details.bank_account is not None and not (
            account.isascii() and account.isdigit()
            and ACCOUNT_DIGITS[0] <= len(account) <= ACCOUNT_DIGITS[1]):
        scientific = _SCIENTIFIC.match(account) is not None
        problems.append(Problem(where, "bank_account", MESSAGES["scientific"] if scientific
                                else MESSAGES["account"]))
    if details.id_number is not None:
        reason = id_number_problem(details.id_number.strip().upper())
        if reason is not None:
            problems.append(Problem(where, "id_number", reason))
    if details.bank_name is not None and not (
            0 < len(details.bank_name.strip()) <= BANK_NAME_CHARS_MAX):
        problems.append(Problem(where, "bank_name", MESSAGES["bank_name"]))
    if details.bank_name is details.bank_account is details.id_number is None:
        problems.append(Problem(where, "", MESSAGES["empty"]))
    return problems


_SCIENTIFIC = re.compile(r"^\d(\.\d+)?E\+?\d+$", re.IGNORECASE)
# GB 11643-1999: the 18th character is the ISO 7064 MOD 11-2 check of the first 17.
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def id_number_problem(number: str) -> str | None:
    """Why an ID number (stripped, X upper-case) is not one: its shape (15 digits, or 17
    and a digit or X), its birth date, its check digit; None when it is one."""
    if not (len(number) in ID_CHARS and number.isascii() and number[:-1].isdigit()
            and (number[-1].isdigit() or (number[-1] == "X" and len(number) == 18))):
        return MESSAGES["id_number"]
    born = number[6:14] if len(number) == 18 else "19" + number[6:12]
    try:
        date(int(born[:4]), int(born[4:6]), int(born[6:]))
    except ValueError:
        return MESSAGES["birth_date"]
    if len(number) == 18:
        total = sum(int(digit) * weight for digit, weight in zip(number, _WEIGHTS, strict=False))
        if _CHECK[total % 11] != number[-1]:
            return MESSAGES["check_digit"]
    return None


def record_personal_details(ws: Workspace, caller: Caller, vault: Vault,
                            details: PersonalDetails) -> ApplyResult:
    """Seal the details with a new data key of the person's and record the ciphertext."""
    require_personal_reader(caller, "record")
    if not ws.facts().knows_employee(details.employee_id):
        raise NotFoundError(MESSAGES["unknown"].format(employee_id=details.employee_id))
    problems = detail_problems(details)
    if problems:
        raise RejectedError(problems)
    row = sealed_row(vault, details)
    # The role rule was checked above; the ledger's own role table knows only the
    # commands a role may send as they are, and nobody sends this one unsealed.
    return apply_batch(ws, Caller(caller.actor), Batch([("details", row)]))


def forget_personal_details(ws: Workspace, caller: Caller, vault: Vault,
                            employee_id: str) -> int:
    """Record the shredding, then destroy the person's data keys; the keys destroyed.
    Recorded first: if the deletion then fails, readers already treat the data as gone."""
    require_personal_reader(caller, "erase")
    if not ws.facts().knows_employee(employee_id):
        raise NotFoundError(MESSAGES["unknown"].format(employee_id=employee_id))
    row = {"type": "forget_personal_details", "employee_id": employee_id,
           "reason": "个人信息已按要求删除（数据密钥销毁）"}
    # A role that may record but not delete keys: refused here, with nothing written,
    # not after its shredding was recorded and its keys left as they were.
    vault.may_destroy()
    apply_batch(ws, Caller(caller.actor), Batch([("forget", row)]))
    return vault.destroy(employee_id)


def read_personal_details(ws: Workspace, caller: Caller, vault: Vault | None,
                          employee_id: str) -> PersonalView:
    """A person's details: whole for finance and administrators, masked for anyone else
    who may read the person's lines."""
    facts = ws.facts()
    if not facts.knows_employee(employee_id):
        raise NotFoundError(MESSAGES["unknown"].format(employee_id=employee_id))
    if caller.user is not None:
        require_employee(caller.user, facts, employee_id, today_utc())
    return details_of(facts.live.values(), vault, [employee_id],
                      masked=not may_read_whole(caller))[employee_id]


def details_of(live: Iterable[LedgerEvent], vault: Vault | None,
               employee_ids: Iterable[str], *, masked: bool) -> dict[str, PersonalView]:
    """The views of several people at once (the exports)."""
    folded = PayrollFacts.fold(live)
    views: dict[str, PersonalView] = {}
    wanted = list(employee_ids)
    recorded = [(e, folded.details[e].key_id, folded.details[e].sealed)
                for e in wanted if e in folded.details]
    plains = dict(zip((e for e, _, _ in recorded), vault.unseal_many(recorded),
                      strict=True)) if vault else {}
    for employee_id in wanted:
        event = folded.details.get(employee_id)
        if event is None:
            state: State = "forgotten" if employee_id in folded.forgotten else "none"
            views[employee_id] = PersonalView(employee_id, state, masked)
            continue
        plain = plains.get(employee_id)
        if plain is None:
            views[employee_id] = PersonalView(employee_id, "unreadable", masked)
            continue
        values = json.loads(plain)
        account, number = values.get("bank_account"), values.get("id_number")
        if masked:
            account = mask_account(account) if account else None
            number = mask_id_number(number) if number else None
        views[employee_id] = PersonalView(employee_id, "recorded", masked,
                                          values.get("bank_name"), account, number)
    return views
