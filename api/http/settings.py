"""The server's settings: one plain dataclass, built by the shell (`jixiao serve`, tests)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

PAGE_SIZE_MAX = 1000  # rows per page: of the audit log, the histories and the lists
LIST_PAGE_DEFAULT = 100  # rows per page of a list when `limit` is not given


@dataclass(frozen=True)
class ServerSettings:
    store_env: Mapping[str, str] = field(default_factory=dict)  # eventsourcing env
    batch_rows_max: int = 10_000  # commands in one POST /commands/batch
    body_bytes_max: int = 32 * 1024 * 1024  # a request body, before parsing
    explain_depth_max: int = 64
    title: str = "jixiao"
    master_key_file: str | None = None  # wraps personal data keys (api/storage/keys.py)
