"""`jixiao demo --serve`: after the demo year is written, one account per role with a
printed password, then the pages and the API served on the demo ledger."""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Sequence

from api.cli.options import ENVIRON, caller, open_session
from api.i18n import N_, _, current_language
from api.storage.session import store_env
from api.usecases.demo_accounts import DemoAccount, create_demo_accounts

# the pages' words for the roles (api/web/templating.py's ROLE_LABELS), so a role reads
# the same on the terminal and on the page that person signs in to
ROLE_NAMES = {"administrator": N_("Administrator"), "finance": N_("Finance"),
              "department_head": N_("Department head"), "employee": N_("Employee"),
              "appeals_reviewer": N_("Appeals reviewer"), "auditor": N_("Auditor")}


def _pad(text: str, width: int) -> str:
    """Left-aligned in a terminal, where a Chinese character takes two columns."""
    used = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(1, width - used)


def serve_demo(db: str | None, host: str, port: int, actor: str | None) -> int:
    import uvicorn  # noqa: PLC0415 - only serving needs the server

    from api.http.app import create_app  # noqa: PLC0415
    from api.http.hardening import transport_warning  # noqa: PLC0415
    from api.http.server_log import logging_config  # noqa: PLC0415
    from api.http.settings import ServerSettings  # noqa: PLC0415

    with open_session(db) as session:
        accounts = create_demo_accounts(session, caller(actor))
    print(accounts_text(accounts, host, port), flush=True)
    warning = transport_warning(host, tls=False)
    if warning is not None:
        print(warning, file=sys.stderr)
    app_ = create_app(ServerSettings(store_env=store_env(db, ENVIRON.get())))
    # serve's logging config: the server's own lines in the process's language.
    log_config = logging_config(uvicorn.config.LOGGING_CONFIG, current_language())
    uvicorn.run(app_, host=host, port=port, log_level="warning", log_config=log_config)
    return 0


def accounts_text(accounts: Sequence[DemoAccount], host: str, port: int) -> str:
    """The accounts and their passwords (shown once), then where to open the pages."""
    lines = ["", _("Demo accounts (the passwords are shown only this once):")]
    for account in accounts:
        scope = f"  [{account.scope}]" if account.scope else ""
        role = _(ROLE_NAMES[account.role]) if account.role in ROLE_NAMES else account.role
        lines.append(f"  {_pad(role, 18)}{account.user_id:<10} {account.password}  "
                     f"{account.name}{scope}")
    lines += ["", _("Open http://{host}:{port}/ (Ctrl+C to stop)").format(host=host,
                                                                            port=port)]
    return "\n".join(lines)
