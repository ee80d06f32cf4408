"""The hash chain's link function and records, without the event models: a report served
from the warm statements view checks a closed period's chain link with these and never
imports the models of every event (`projections.audit` re-exports them)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from uuid import UUID

GENESIS = "0" * 64
# `projections.audit.CLOSE_TOPIC`, spelled out: that one is derived from the class, which
# this module must not import (tests/unit/test_warm_reads.py keeps the two equal).
CLOSE_TOPIC_STORED = "domain.events:PeriodClosed"
SETTINGS_TOPIC_STORED = "domain.settings:LedgerConfigured"


@dataclass(frozen=True)
class StoredRecord:
    """One stored event as the chain sees it: bytes, not a parsed event, so an altered
    record is still read (and named) even when it no longer parses."""

    position: int  # the notification id
    originator_id: UUID
    originator_version: int
    topic: str
    state: bytes


@dataclass(frozen=True)
class ChainLink:
    """One row of the chain table."""

    position: int
    originator_id: UUID
    originator_version: int
    topic: str
    link: str


def chain_link(previous: str, record: StoredRecord) -> str:
    return link_of(previous, (record.position, record.originator_id,
                               record.originator_version, record.topic, record.state))


def link_of(previous: str, parts: tuple[int, UUID, int, str, bytes]) -> str:
    """The link after `previous` for one stored event's parts (position, originator id,
    version, topic, body): `chain_link`'s, for a fold that hashes the rows it reads
    without a record per row."""
    position, originator_id, version, topic, state = parts
    digest = hashlib.sha256(bytes.fromhex(previous))
    digest.update(position.to_bytes(8, "big", signed=False))
    digest.update(originator_id.bytes)
    digest.update(version.to_bytes(8, "big", signed=False))
    encoded = topic.encode()
    digest.update(len(encoded).to_bytes(4, "big"))
    digest.update(encoded)
    digest.update(len(state).to_bytes(8, "big"))
    digest.update(state)
    return digest.hexdigest()


def extend_chain(head: str, records: Iterable[StoredRecord]) -> list[ChainLink]:
    links = []
    for record in records:
        head = chain_link(head, record)
        links.append(ChainLink(record.position, record.originator_id,
                               record.originator_version, record.topic, head))
    return links
