"""`jixiao demo --serve`: one sign-in account per role on the demo ledger, each with a
fresh random password (printed once by the shell), and the demo's two-person close, so
every page of issue 12 has someone to show it to."""

from __future__ import annotations

import secrets

from api.usecases.access import current_department
from api.usecases.ledger import Batch, apply_batch
from api.usecases.passwords import set_password
from api.usecases.ports import Caller, Workspace, today_utc
from api.usecases.users import NewUser, add_user
from domain.records import frozen_record

DEMO_EMPLOYEE = "E0001"  # the employee account's own person in the demo hospital


@frozen_record
class DemoAccount:
    user_id: str
    name: str
    role: str
    password: str
    scope: str  # the head's department or the employee's id, else ""


def _accounts(department: str) -> list[NewUser]:
    return [
        NewUser("admin", "管理员 王", "administrator"),
        NewUser("finance", "财务 李", "finance"),
        NewUser("finance2", "财务 赵", "finance"),
        NewUser("head", "科主任 陈", "department_head", [department]),
        NewUser("employee", "职工 韦斌琳", "employee", employee_id=DEMO_EMPLOYEE),
        NewUser("reviewer", "审核人 周", "appeals_reviewer"),
        NewUser("reviewer2", "审核人 吴", "appeals_reviewer"),
        NewUser("auditor", "审计 孙", "auditor"),
    ]


def create_demo_accounts(ws: Workspace, caller: Caller) -> list[DemoAccount]:
    """Register the accounts (skipping ids already registered), set their passwords and
    require two people to close a period."""
    department = current_department(ws.facts(), DEMO_EMPLOYEE, today_utc()) or "internal"
    known = ws.users().users
    made = []
    for new in _accounts(department):
        if new.user_id not in known:
            add_user(ws, caller, new)
        password = secrets.token_urlsafe(12)
        set_password(ws, caller, new.user_id, password)
        scope = ",".join(new.department_ids) or (new.employee_id or "")
        made.append(DemoAccount(new.user_id, new.name, new.role, password, scope))
    apply_batch(ws, caller, Batch([("demo", {"type": "set_close_approval", "required": True,
                                             "reason": "demo: two-person close"})]))
    return made
