"""`jixiao demo --serve`: after the demo year is written, one account per role with a
printed password, then the pages and the API served on the demo ledger."""

from __future__ import annotations

import sys
import unicodedata

from api.cli.options import ENVIRON, caller, open_session
from api.storage.session import store_env
from api.usecases.demo_accounts import create_demo_accounts

ROLE_NAMES = {"administrator": "管理员", "finance": "财务", "department_head": "科主任",
              "employee": "职工", "appeals_reviewer": "申诉审核人", "auditor": "审计"}


def _pad(text: str, width: int) -> str:
    """Left-aligned in a terminal, where a Chinese character takes two columns."""
    used = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(1, width - used)


def serve_demo(db: str | None, host: str, port: int, actor: str | None) -> int:
    import uvicorn  # noqa: PLC0415 - only serving needs the server

    from api.http.app import create_app  # noqa: PLC0415
    from api.http.hardening import transport_warning  # noqa: PLC0415
    from api.http.settings import ServerSettings  # noqa: PLC0415

    with open_session(db) as session:
        accounts = create_demo_accounts(session, caller(actor))
    print()
    print("演示账号 Demo accounts (密码只显示这一次 passwords are shown once):")
    for account in accounts:
        scope = f"  [{account.scope}]" if account.scope else ""
        print(f"  {_pad(ROLE_NAMES.get(account.role, account.role), 12)}"
              f"{account.user_id:<10} {account.password}  {account.name}{scope}")
    print()
    print(f"打开 Open  http://{host}:{port}/  (Ctrl+C 停止 to stop)", flush=True)
    warning = transport_warning(host, tls=False)
    if warning is not None:
        print(warning, file=sys.stderr)
    app_ = create_app(ServerSettings(store_env=store_env(db, ENVIRON.get())))
    uvicorn.run(app_, host=host, port=port, log_level="warning")
    return 0
