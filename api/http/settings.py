"""The server's settings: one plain dataclass, built by the shell (`jixiao serve`, tests)."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import field

from domain.records import frozen_record

PAGE_SIZE_MAX = 1000  # rows per page: of the audit log, the histories and the lists
LIST_PAGE_DEFAULT = 100  # rows per page of a list when `limit` is not given


@frozen_record
class ServerSettings:
    store_env: Mapping[str, str] = field(default_factory=dict)  # eventsourcing env
    batch_rows_max: int = 10_000  # commands in one POST /commands/batch
    body_bytes_max: int = 32 * 1024 * 1024  # a request body, before parsing
    explain_depth_max: int = 64
    title: str = "jixiao"
    # Sign-in limits (docs/security.md). Per address the limit is higher than per
    # account: many people may share one address behind a NAT.
    trusted_proxies: frozenset[str] = frozenset()  # peers whose X-Forwarded-For counts
    auth_failures_per_address_max: int = 30
    auth_failures_per_account_max: int = 5
    auth_window_s: float = 300.0
    auth_lockout_s: float = 900.0
    auth_keys_max: int = 10_000  # addresses / accounts each limiter remembers at most
    clock: Callable[[], float] = time.monotonic
    master_key_file: str | None = None  # wraps personal data keys (api/storage/keys.py)
    # The web pages' sign-in session (api/web/sessions.py): signed out after this long
    # without a request; the cookie is `Secure` when the pages are served over TLS (set
    # it behind a TLS reverse proxy too, where the server itself sees plain HTTP).
    session_idle_s: float = 30 * 60
    secure_cookies: bool = False
