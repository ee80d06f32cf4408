"""Moved to `api.storage.session`; this name stays for the benchmarks' imports."""

from api.storage.session import (
    DEFAULT_DB,
    POSTGRES_KEYS,
    Session,
    open_ledger,
    open_view,
    postgres_connect_args,
    store_env,
)

__all__ = ["DEFAULT_DB", "POSTGRES_KEYS", "Session", "open_ledger", "open_view",
           "postgres_connect_args", "store_env"]
