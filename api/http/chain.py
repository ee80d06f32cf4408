"""Moved to `api.storage.chain`; this name stays for imports from other branches."""

from api.storage.chain import (
    ChainStore,
    catch_up_chain,
    chain_head_at,
    open_chain,
    stored_records,
    verify,
)

__all__ = ["ChainStore", "catch_up_chain", "chain_head_at", "open_chain", "stored_records",
           "verify"]
