"""A period's close as its stored event records it (the statement's hash, the position and
the chain's head then), read from the event's bytes: what the warm view
(api/storage/warm_view.py) and a session's view checks (api/storage/view_checks.py) both
hold a stored statement against. Apart from the warm view, so that a session, which
reads closes on every report, does not import the warm view's reader."""

from __future__ import annotations

import json

from domain.records import frozen_record
from domain.sql_text import sql_text
from projections.chain_links import CLOSE_TOPIC_STORED

# The close events' topic as an SQL literal: named in a query's text, so that the close
# events' partial index serves it (api/storage/close_index.py). Here, not there: the warm
# view (api/storage/warm_view.py) reads it and imports nothing of the ledger's storage.
CLOSE_TOPIC_SQL = sql_text(CLOSE_TOPIC_STORED)


@frozen_record
class RecordedClose:
    statement_sha256: str
    position: int
    chain_head: str


def close_of(state: bytes) -> tuple[str, RecordedClose] | None:
    """(period, close) from a stored close event's bytes; None for an altered one (the
    chain verification names it)."""
    try:
        body = json.loads(state)
        return str(body["period"]), RecordedClose(
            str(body["statement_sha256"]), int(body["position"]), str(body["chain_head"]))
    except (ValueError, KeyError, TypeError):
        return None
