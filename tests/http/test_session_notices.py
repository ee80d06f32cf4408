"""The server's one long-lived session (api/http/runtime.py) keeps no notices or
integrity warnings from earlier requests: each request starts with none, so a server
that runs for months does not collect them for ever; a session keeps at most
NOTICES_MAX of each besides (the newest)."""

from __future__ import annotations

import asyncio

from builders import cli_for

from api.http.app import create_app
from api.http.settings import ServerSettings
from api.storage.session import NOTICES_MAX, Session


def _say(session: Session, count: int) -> tuple[int, int]:
    session.notices.extend(f"notice {n}" for n in range(count))
    session.integrity_warnings.extend(f"warning {n}" for n in range(count))
    return len(session.notices), len(session.integrity_warnings)


def test_each_request_starts_without_the_last_ones_notices(store) -> None:  # type: ignore[no-untyped-def]
    cli_for(store.backend, store.env).ok("init")  # the server makes no ledger
    app = create_app(ServerSettings(store_env=store.env))
    ledger = app.state.ledger
    try:
        assert asyncio.run(ledger.run(_say, 3)) == (3, 3)
        assert asyncio.run(ledger.run(_say, 0)) == (0, 0)
        assert asyncio.run(ledger.run(_say, 2)) == (2, 2)
    finally:
        ledger.close()


def test_a_session_keeps_only_the_newest_notices(store) -> None:  # type: ignore[no-untyped-def]
    with Session(store.env) as session:
        assert _say(session, 3 * NOTICES_MAX) == (NOTICES_MAX, NOTICES_MAX)
        assert list(session.notices) == [f"notice {n}" for n in
                                         range(2 * NOTICES_MAX, 3 * NOTICES_MAX)]
