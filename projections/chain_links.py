"""The hash chain's link function and records, without the event models: a report served
from the warm statements view checks a closed period's chain link with these and never
imports the models of every event (`projections.audit` re-exports them)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from uuid import UUID

from domain.records import frozen_record

GENESIS = "0" * 64
# `projections.audit.CLOSE_TOPIC`, spelled out: that one is derived from the class, which
# this module must not import (tests/unit/test_warm_reads.py keeps the two equal).
CLOSE_TOPIC_STORED = "domain.events:PeriodClosed"
SETTINGS_TOPIC_STORED = "domain.settings:LedgerConfigured"


SHOWN_ID_MAX = 100  # domain/unreadable.py's `_ID_MAX` too (the domain cannot import this)


def shown_id(originator_id: object) -> str:
    """A stored id as a message or finding shows it: an edited one cut (a UUID is 36)."""
    return str(originator_id)[:SHOWN_ID_MAX]


@frozen_record
class StoredRecord:
    """One stored event as the chain sees it: bytes, not a parsed event, so an altered
    record is still read (and named) even when it no longer parses."""

    position: int  # the notification id
    # Text only for a stored id that is no UUID (an edited row): `chain_link` refuses it.
    originator_id: UUID | str
    originator_version: int
    topic: str
    state: bytes


@frozen_record
class ChainLink:
    """One row of the chain table."""

    position: int
    originator_id: UUID | str  # as a StoredRecord's (the row's link is what is compared)
    originator_version: int
    topic: str
    link: str


def chain_link(previous: str, record: StoredRecord) -> str:
    """The link after `previous` over one record. An id that is no UUID is refused, never
    hashed: a link is over the id's 16 bytes, and any bytes made of a text (its first 16,
    a hash of it) could be some valid record's, so an edited id could be given the link
    the original had. The walk names such a record as altered (projections/audit.py)."""
    try:
        identity = record.originator_id.bytes  # type: ignore[union-attr]
    except AttributeError:
        raise ValueError(f"stored id {shown_id(record.originator_id)!r} is not a UUID") from None
    return _link(bytes.fromhex(previous), record.position, identity,
                 record.originator_version, _counted(record.topic), state=record.state).hex()


def _counted(topic: str) -> bytes:
    text = topic.encode()
    return len(text).to_bytes(4, "big") + text


def _link(previous: bytes, position: int, identity: bytes, version: int, topic: bytes, *,
          state: bytes) -> bytes:
    """The one definition of a link: SHA-256 of the previous link, the position, the id,
    the version, the topic (its length first) and the body (its length first)."""
    digest = hashlib.sha256(previous)
    digest.update(position.to_bytes(8, "big", signed=False) + identity
                  + version.to_bytes(8, "big", signed=False) + topic
                  + len(state).to_bytes(8, "big"))
    digest.update(state)
    return digest.digest()


def extend_chain(head: str, records: Iterable[StoredRecord]) -> list[ChainLink]:
    links = []
    for record in records:
        head = chain_link(head, record)
        links.append(ChainLink(record.position, record.originator_id,
                               record.originator_version, record.topic, head))
    return links


def extend_head(head: str, rows: Iterable[tuple[int, object, int, str, bytes]]) -> str:
    """The link after `head` over plain rows (notification id, originator id as a UUID or
    its 32 hex digits, version, topic, body): `chain_link`'s bytes, each topic encoded
    once, the head kept as bytes between rows. A fold hashes every row it reads
    with this (api/storage/fold_chain.py): a record and a hex round trip per row were
    half its cost (tests/unit/test_facts_snapshot_fold_chain.py holds the two equal)."""
    link = bytes.fromhex(head)
    topics: dict[str, bytes] = {}
    for position, originator_id, version, topic, stored in rows:
        encoded = topics.get(topic)
        if encoded is None:
            encoded = topics[topic] = _counted(topic)
        # As api/storage/chain.py's stored_records reads a body.
        state = stored if type(stored) is bytes or isinstance(stored, bytes) else \
            str(stored).encode()
        # 32 hex digits are 16 bytes; fewer (fromhex skips spaces) are no UUID, and
        # `UUID` refuses them as it refuses a non-hex letter (fromhex: ValueError).
        identity = (bytes.fromhex(originator_id) if type(originator_id) is str
                    and len(originator_id) == 32 else _id_bytes(originator_id))
        if len(identity) != 16:
            identity = _id_bytes(originator_id)
        link = _link(link, position, identity, version, encoded, state=state)
    return link.hex()


def _id_bytes(originator_id: object) -> bytes:
    if type(originator_id) is UUID:
        return originator_id.bytes
    return UUID(str(originator_id)).bytes
