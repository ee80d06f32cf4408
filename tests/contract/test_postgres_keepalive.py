"""Every PostgreSQL connection jixiao opens carries TCP keepalive and a TCP user timeout
(api/storage/store_env.py, `keepalive_args`): the pool's, the statements view's, a reading
session's. Without them a query on an open connection to a host that went silent waited
for the kernel's defaults (2 h before the first keepalive probe; ≈15 min of
retransmissions). Asked of libpq (the connection's parameters) and of the kernel (the
socket's options)."""

from __future__ import annotations

import socket
from typing import Any

import pytest

from api.storage.session import Session, found_for_reading
from api.storage.store_env import postgres_connect_args

PARAMETERS = ("keepalives", "keepalives_idle", "keepalives_interval", "keepalives_count",
              "tcp_user_timeout")
# The user timeout: the keepalive's 10 + 3 × 5 s, but never below the statement timeout
# (60 s by default), which a write the server would still finish may take.
DEFAULTS = {"keepalives": "1", "keepalives_idle": "10", "keepalives_interval": "5",
            "keepalives_count": "3", "tcp_user_timeout": "60000"}


def _parameters(connection: Any) -> dict[str, str]:
    found = connection.info.get_parameters()
    return {name: found.get(name) for name in PARAMETERS}


def _socket_options(connection: Any) -> dict[str, int]:
    """What the kernel holds for the connection's socket (a duplicate of it)."""
    with socket.fromfd(connection.fileno(), socket.AF_INET, socket.SOCK_STREAM) as sock:
        return {"keepalive": sock.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE),
                "idle": sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE),
                "interval": sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL),
                "count": sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT),
                "user_timeout_ms": sock.getsockopt(socket.IPPROTO_TCP,
                                                   socket.TCP_USER_TIMEOUT)}


@pytest.mark.parametrize(("settings", "expected", "kernel"), [
    ({}, DEFAULTS, {"keepalive": 1, "idle": 10, "interval": 5, "count": 3,
                    "user_timeout_ms": 60000}),
    ({"POSTGRES_KEEPALIVES_IDLE": "30", "POSTGRES_KEEPALIVES_INTERVAL": "20",
      "POSTGRES_KEEPALIVES_COUNT": "4"},
     {**DEFAULTS, "keepalives_idle": "30", "keepalives_interval": "20",
      "keepalives_count": "4", "tcp_user_timeout": "110000"},  # follows them: 30 + 4 × 20
     {"keepalive": 1, "idle": 30, "interval": 20, "count": 4, "user_timeout_ms": 110000}),
    ({"POSTGRES_STATEMENT_TIMEOUT": "10"}, {**DEFAULTS, "tcp_user_timeout": "25000"},
     {"keepalive": 1, "idle": 10, "interval": 5, "count": 3, "user_timeout_ms": 25000}),
    ({"POSTGRES_STATEMENT_TIMEOUT": "0"}, {**DEFAULTS, "tcp_user_timeout": "0"},
     {"keepalive": 1, "idle": 10, "interval": 5, "count": 3, "user_timeout_ms": 0}),
    ({"POSTGRES_TCP_USER_TIMEOUT": "0"}, {**DEFAULTS, "tcp_user_timeout": "0"},
     {"keepalive": 1, "idle": 10, "interval": 5, "count": 3, "user_timeout_ms": 0}),
], ids=["defaults", "keepalive-set", "short-statements", "no-statement-timeout",
        "user-timeout-off"])
def test_every_connection_carries_the_keepalive(pg_env: dict[str, str],
                                                settings: dict[str, str],
                                                expected: dict[str, str],
                                                kernel: dict[str, int]) -> None:
    env = {**pg_env, **settings}
    assert {k: v for k, v in postgres_connect_args(env).items() if k in PARAMETERS} == \
        expected  # the shells' own logins (the warm view's, the key table's, ...)
    with Session(env) as session:
        session.ledger.facts()
        datastore = session.ledger.factory.datastore  # type: ignore[attr-defined]
        with datastore.get_connection() as pooled:
            assert _parameters(pooled) == expected
            assert _socket_options(pooled) == kernel
        view = session.view.connection  # type: ignore[attr-defined]
        assert _parameters(view) == expected
        assert _socket_options(view) == kernel
    found, reading = found_for_reading(env)
    assert found
    with Session(env, found=True, reads_only=True, connection=reading) as session:
        session.ledger.facts()
        assert _parameters(reading) == expected
        assert _socket_options(reading) == kernel
