"""Who may import which kind of spreadsheet, beyond the commands their role issues one by
one. A department's score sheet (the `entries` kind: scores, deductions, attendance) is
typed in by its head, or handed to the finance office, which imports the sheet as the
department sent it: so finance imports `entries` for any department, while a head's
upload stays checked against the departments they head. The actor recorded on every row
is still the finance user. Shared by `POST /imports/{kind}` and the import page."""

from __future__ import annotations

from api.usecases.ports import Caller

# The import kinds a role may import although its role issues none of their commands.
IMPORTS_BY_ROLE: dict[str, frozenset[str]] = {"finance": frozenset({"entries"})}
# The kinds a role is offered on the import page: what its commands or the table above
# let it record (a roster's hires are the administrator's, withholding finance's; bank
# details both, as `personal record`).
OFFERED_BY_ROLE: dict[str, tuple[str, ...]] = {
    "administrator": ("departments", "roster", "personal"),
    "finance": ("pool", "figures", "entries", "withholding", "personal"),
    "department_head": ("entries",),
}


def importing_caller(caller: Caller, kind: str) -> Caller:
    """The caller whose rights the rows are checked with: the caller, or for an import the
    role may make on a department's behalf, the caller without a role (the rows of an
    `entries` sheet are entries only, whatever the file holds)."""
    user = caller.user
    if user is not None and kind in IMPORTS_BY_ROLE.get(user.role, frozenset()):
        return Caller(caller.actor)
    return caller


def import_kinds(caller: Caller, *, sealing: bool = True) -> tuple[str, ...]:
    """The kinds offered to `caller`; without a master key (`sealing` False) not the
    personal details, which could only be refused."""
    user = caller.user
    offered = (("entries", "roster", "withholding", "personal", "departments", "pool",
                "figures") if user is None
               else OFFERED_BY_ROLE.get(user.role, ()))
    return offered if sealing else tuple(kind for kind in offered if kind != "personal")
