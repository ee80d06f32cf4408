"""Who was shown whose personal data (issue 14, item 7), and what a restricted reader
may see of an explanation.

A served read of another person's explanation or statement lines is recorded as a
`PersonalDataRead` event (domain/access_log.py): the reader is its actor, the time its
recorded_at. The command line has no users (its operator owns the store), so only
authenticated readers are logged."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from api.usecases.ports import Caller, Workspace
from domain.errors import ReadOnlyStoreError
from domain.limits import SUBJECTS_MAX
from domain.users import User

# A read-only ledger (api/storage/read_only.py) refuses the access event: the read is
# refused with it, and said as a read (api/i18n/error_templates.py translates it).
UNRECORDABLE = ("this read shows other people's data, which the access log must record, "
                "and the ledger is read-only: nothing was shown; read it where the ledger "
                "may be written, or read only your own data")


def record_read(ws: Workspace, caller: Caller, view: str, subjects: Iterable[str]) -> None:
    """Record that `caller` was shown `view` about `subjects` (their own lines aside)."""
    user = caller.user
    if user is None:
        return
    others = sorted({s for s in subjects if s != user.employee_id})
    if not others:
        return
    row = {"type": "record_access", "view": view, "subjects_count": len(others),
           "subject_employee_ids": others[:SUBJECTS_MAX]}
    try:
        ws.record_aside([("access", row)], caller.actor)
    except ReadOnlyStoreError as error:
        raise ReadOnlyStoreError(UNRECORDABLE) from error
    ws.chain_up_quietly()


def people_in(trees: Iterable[Mapping[str, Any]]) -> set[str]:
    """The employees whose figures appear anywhere in explanation trees."""
    found: set[str] = set()
    stack = list(trees)
    while stack:
        node = stack.pop()
        for key in (node["key"], *node.get("inputs", ())):
            kind, _, rest = str(key).partition(":")
            if kind == "person":
                found.add(rest.split(":", 1)[0])
        stack.extend(node.get("because", ()))
    return found


def key_visibility(user: User | None,
                   line_department: Mapping[str, str]) -> Callable[[str], bool]:
    """Which figure keys the user may see: a person's figures within their scope; a
    department's within their scope, and an employee's own department's aggregates
    (its total points, its value of a point); organisation-wide figures to all."""
    if user is None or user.reads_everything:
        return lambda key: True
    own = line_department.get(user.employee_id or "")

    def visible(key: str) -> bool:
        kind, _, rest = key.partition(":")
        subject = rest.split(":", 1)[0]
        if kind == "person":
            return user.may_read_employee(subject, line_department.get(subject))
        if kind == "dept":
            return user.may_read_department(subject) or (own is not None and subject == own)
        return True

    return visible


def scoped_tree(node: Mapping[str, Any], visible: Callable[[str], bool]) -> dict[str, Any]:
    """An explanation without the figures the reader may not see, at any depth: hidden
    inputs are counted (`inputs_hidden`), never named."""
    inputs = [key for key in node.get("inputs", ()) if visible(str(key))]
    scoped = {**node, "inputs": inputs}
    hidden = len(node.get("inputs", ())) - len(inputs)
    if hidden:
        scoped["inputs_hidden"] = hidden
        scoped["events"] = []  # the entries behind hidden inputs are not the reader's
    if "because" in node:
        scoped["because"] = [scoped_tree(child, visible) for child in node["because"]
                             if visible(str(child["key"]))]
    return scoped
