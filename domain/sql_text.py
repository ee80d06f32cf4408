"""A text as an SQL string literal: for the few queries that must name a value in their
text, not bind it (a partial index serves only a WHERE that implies its own:
api/storage/close_index.py). Kept apart so that the warm view, which imports nothing of
the ledger's models, can use it too (api/storage/recorded_closes.py)."""

from __future__ import annotations


def sql_text(text: str) -> str:
    """`text` as an SQL string literal (SQLite's and PostgreSQL's standard quoting)."""
    return "'" + text.replace("'", "''") + "'"
