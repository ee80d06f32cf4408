"""A stored row whose originator id is not a UUID: one InvalidEntry, not a traceback.

The id column is text on SQLite (on PostgreSQL it is typed `uuid`, which refuses such an
edit). Someone editing the database could leave `not-a-uuid` there, and every reader
stopped at `UUID(text)`. The readers (domain/stored_reader.py) parse ids inline on their
hot path and come here only when that parse fails, as the topic check
(domain/stored_topics.py) isolates an edited topic: one edited row costs one entry.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from domain.envelope import InvalidEntry
from domain.stored_event import StoredBody
from domain.stored_topics import stored_type_name
from domain.unreadable import UnreadableId, invalid_entry

__all__ = ["placeholder_id", "stored_id", "unreadable_id_entry"]

_DIGITS = 12  # the last group of a UUID's text


def stored_id(value: Any) -> UUID | str:
    """`UUID(value)`, or the stored text itself when it is no UUID: the chain's walk
    names that text (api/storage/chain.py) and never hashes it as an id."""
    if type(value) is UUID:
        return value
    try:
        return UUID(str(value))
    except ValueError:
        return str(value)


def placeholder_id(position: int) -> UUID:
    """The id an InvalidEntry for an unreadable stored id is filed under.

    Not the stored id, which is no UUID, and not a UUID made from its text (a uuid5 of
    it would read as a real id that no row holds): zeros, then the row's notification
    position in decimal, so the warning line shows `00000000-0000-0000-0000-000000000004`
    for position 4, and its reason gives the stored text. Unique per row, the same on
    every read, and never an id the ledger writes (those are version 4 or 5 UUIDs; this
    one's version digit is 0)."""
    if 0 <= position < 10**_DIGITS:
        return UUID(f"00000000-0000-0000-0000-{position:0{_DIGITS}d}")
    return UUID(int=position % (1 << 128))


def unreadable_id_entry(position: int, originator_id: Any, version: Any, topic: str,
                        state: Any) -> InvalidEntry:
    """The InvalidEntry for a row whose id is not a UUID (its recorded time and actor
    from its body, as for any invalid entry)."""
    placeholder = StoredBody(originator_id=placeholder_id(position),
                             originator_version=version, topic=topic, state=state)
    return invalid_entry(stored_type_name(topic), placeholder,
                         UnreadableId(originator_id, position))
