"""The hash chain's rules, on records made up in memory (projections/audit.py)."""

from __future__ import annotations

import json
from uuid import UUID, uuid5

from projections.audit import (
    CLOSE_TOPIC,
    GENESIS,
    StoredRecord,
    check_anchors,
    close_anchors,
    extend_chain,
    verify_chain,
)

NS = UUID(int=1)


def records(*positions: int) -> list[StoredRecord]:
    return [StoredRecord(p, uuid5(NS, str(p)), 1, "domain.events:ScoreRecorded",
                         json.dumps({"points": str(p)}).encode()) for p in positions]


def test_every_field_of_a_record_is_in_its_link() -> None:
    [record] = records(1)
    base = extend_chain(GENESIS, [record])[0].link
    variants = [
        StoredRecord(2, record.originator_id, 1, record.topic, record.state),
        StoredRecord(1, uuid5(NS, "other"), 1, record.topic, record.state),
        StoredRecord(1, record.originator_id, 2, record.topic, record.state),
        StoredRecord(1, record.originator_id, 1, "domain.events:DeductionRecorded",
                     record.state),
        StoredRecord(1, record.originator_id, 1, record.topic, record.state + b" "),
    ]
    assert len({base, *(extend_chain(GENESIS, [v])[0].link for v in variants)}) == 6
    assert extend_chain("f" * 64, [record])[0].link != base  # and the previous link


def test_an_intact_log_has_no_findings() -> None:
    log = records(1, 2, 3, 5)  # a gap in notification ids is not a problem by itself
    links = extend_chain(GENESIS, log)
    report = verify_chain(log, links, 5, links[-1].link)
    assert report.ok
    assert report.events == report.links == 4


def test_an_alteration_and_a_removal_are_each_named_where_they_happened() -> None:
    log = records(1, 2, 3, 4, 5, 6)
    links = extend_chain(GENESIS, log)
    altered = StoredRecord(2, log[1].originator_id, 1, log[1].topic, b'{"points":"999"}')
    tampered = [log[0], altered, log[2], log[4], log[5]]  # 2 altered, 4 removed
    report = verify_chain(tampered, links, 6, links[-1].link)
    assert [(f.kind, f.position) for f in report.findings] == [
        ("altered", 2), ("removed", 4), ("count", None)]


def test_a_version_no_link_can_hold_is_named_as_altered_not_raised() -> None:
    log = records(1, 2, 3)
    links = extend_chain(GENESIS, log)
    for version in (-1, 1 << 64):
        edited = StoredRecord(2, log[1].originator_id, version, log[1].topic, log[1].state)
        report = verify_chain([log[0], edited, log[2]], links, 3, links[-1].link)
        assert [(f.kind, f.position) for f in report.findings] == [("altered", 2)]


def test_an_event_slipped_in_between_chained_ones_is_named_as_inserted() -> None:
    log = records(1, 3)  # 1 and 3 chained; there never was a 2
    links = extend_chain(GENESIS, log)
    slipped = StoredRecord(2, uuid5(NS, "slipped"), 1, log[0].topic, b"{}")
    report = verify_chain([log[0], slipped, log[1]], links, 3, links[-1].link)
    assert [(f.kind, f.position) for f in report.findings] == [("inserted", 2), ("count", None)]


def test_a_truncated_chain_table_is_named() -> None:
    log = records(1, 2, 3)
    links = extend_chain(GENESIS, log)
    report = verify_chain(log[:2], links[:2], 3, links[-1].link)
    assert [f.kind for f in report.findings] == ["head"]


def test_a_close_anchors_the_chain_head_it_recorded() -> None:
    log = records(1, 2)
    links = extend_chain(GENESIS, log)
    close = StoredRecord(3, uuid5(NS, "close"), 1, CLOSE_TOPIC, json.dumps(
        {"period": "2026-Q1", "position": 2, "chain_head": links[-1].link}).encode())
    link_at = {1: links[0].link, 2: links[1].link}.__getitem__
    assert check_anchors(close_anchors([*log, close]), link_at) == []
    rewritten = {1: links[0].link, 2: "0" * 63 + "1"}.__getitem__
    [finding] = check_anchors(close_anchors([*log, close]), rewritten)
    assert (finding.kind, finding.position) == ("anchor", 3)
