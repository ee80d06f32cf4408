"""Managing users from the command line (`jixiao users`): the way the first
administrator is made, and a way to add, rotate and disable users without the server.

The CLI is trusted as the store's owner (it can write the store anyway), so it checks
the user rules but no role. A minted token is returned once; only its SHA-256 is
recorded.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from api.http.auth import mint_token, token_sha256
from api.storage.chain import catch_up_chain, open_chain
from api.http.commands import unrecorded
from domain.application import Ledger, RecordReport
from domain.users import UserDirectory, user_problems


def record_user_rows(ledger: Ledger, actor: str, rows: Sequence[tuple[str, dict[str, Any]]]
                     ) -> RecordReport:
    commands, problems, pending = ledger.check_rows(rows)
    facts = ledger.facts()
    problems += user_problems(UserDirectory.fold(facts.live.values()),
                              unrecorded(commands, facts), lambda d: d in facts.department_ids())
    report = ledger.record(commands, actor, prior_problems=problems, pending=pending)
    catch_up_chain(ledger, open_chain(ledger))
    return report


def add_user(ledger: Ledger, actor: str, *, user_id: str, name: str, role: str,
             department_ids: Sequence[str] = (), employee_id: str | None = None,
             reason: str | None = None) -> str:
    """Register a user; returns their token (shown once)."""
    token = mint_token()
    row: dict[str, Any] = {"type": "register_user", "user_id": user_id, "name": name,
                           "role": role, "department_ids": list(department_ids),
                           "token_sha256": token_sha256(token), "reason": reason}
    if employee_id is not None:
        row["employee_id"] = employee_id
    record_user_rows(ledger, actor, [("user", row)])
    return token


def rotate_token(ledger: Ledger, actor: str, user_id: str, reason: str | None = None) -> str:
    token = mint_token()
    record_user_rows(ledger, actor, [("user", {
        "type": "rotate_token", "user_id": user_id, "token_sha256": token_sha256(token),
        "reason": reason})])
    return token


def disable_user(ledger: Ledger, actor: str, user_id: str, reason: str | None = None) -> None:
    record_user_rows(ledger, actor, [("user", {
        "type": "disable_user", "user_id": user_id, "reason": reason})])


def list_users(ledger: Ledger) -> list[dict[str, Any]]:
    directory = UserDirectory.fold(ledger.facts().live.values())
    return [user.scope_json() for _, user in sorted(directory.users.items())]
