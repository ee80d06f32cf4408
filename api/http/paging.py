"""Paging a list the use case returns whole and ordered: a page is the rows whose cursor
sorts after `after`, at most `limit` of them (the audit log pages by notification
position in `projections.audit` instead). The lists paged here are the roster, the
departments, the periods, the users and the appeal queue: bounded by the organisation,
not by the event log, so each is computed whole and cut."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

Row = dict[str, Any]
Cursor = Callable[[Row], str]


def by(key: str) -> Cursor:
    """The cursor of a list ordered by one id."""
    return lambda row: str(row[key])


def appeal_cursor(row: Row) -> str:
    """The appeal queue's order (review deadline, then id) as one string: a deadline is
    ten characters, so comparing the strings compares the pairs; no deadline sorts last."""
    return f"{row['review_deadline'] or '9999-12-31'}/{row['appeal_id']}"


def page(rows: Sequence[Row], cursor: Cursor, after: str | None,
         limit: int) -> tuple[list[Row], str | None]:
    """The rows after `after` (rows ordered by `cursor`) and the `after` of the next page,
    None on the last. A cursor whose row is gone (an appeal decided since) still works:
    the page starts at the first row past it."""
    remaining = [r for r in rows if after is None or cursor(r) > after]
    shown = remaining[:limit]
    more = len(remaining) > limit
    return shown, (cursor(shown[-1]) if more and shown else None)
