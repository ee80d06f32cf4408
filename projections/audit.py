"""The audit trail: a hash chain over the stored events, its verification, and the
selections an auditor asks for (by actor, type, subject and recorded time).

The chain runs over the event log in notification order. Each link is

    link(n) = SHA-256( link(n-1) ‖ notification id ‖ originator id ‖ originator version
                       ‖ topic ‖ stored state bytes )

with fixed-width integers and length-prefixed strings, so no two different records
hash the same input; `link(0)` is 64 zeros. The links are kept in a table beside the
events (written by a catch-up, like the statements view). Verification recomputes each
stored event's link from the previous *stored* link, so one altered, removed or inserted
event is named on its own instead of breaking every link after it.

Everything here is pure: the stores that read and write the tables live in the shell.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import KW_ONLY
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.events import (
    AppealFiled,
    EntryVoided,
    LedgerEvent,
    PeriodClosed,
    command_model,
)
from domain.facts import Facts, field_of
from domain.records import frozen_record
from projections.chain_links import (
    GENESIS,
    ChainLink,
    StoredRecord,
    chain_link,
    extend_chain,
    shown_id,
)

# The chain's records and link function live in projections.chain_links (no event models
# there); its readers and writers still name them through this module.
__all__ = [
    "CLOSE_TOPIC", "GENESIS", "AuditQuery", "ChainLink", "ChainReport", "Finding", "StoredRecord",
    "check_anchors", "close_anchors", "event_type_name", "extend_chain", "select_events",
    "subjects_of", "unchained_finding", "verify_chain",
]

CLOSE_TOPIC = f"{PeriodClosed.__module__}:{PeriodClosed.__qualname__}"  # as stored


Value = str | int
Values = tuple[tuple[str, Value], ...]


@frozen_record
class Finding:
    """One thing the verification found, as data: the shells word it in the reader's
    language (api/i18n/findings.py), so nothing here is presentation."""

    # "altered" | "removed" | "inserted" | "count" | "head" | "anchor" | "view" | "receipt"
    # | "snapshot"
    kind: str
    position: int | None
    event_id: str | None
    topic: str | None
    # Keyword-only: a positional fifth argument was once the finding's English text.
    _: KW_ONLY
    reason: str = ""  # which check of a view or receipt failed; the kind's own otherwise
    values: Values = ()  # the figures its text names, by placeholder

    @property
    def type(self) -> str | None:
        """The event's class name (DeductionRecorded), as machine output names it."""
        return self.topic.rsplit(":", 1)[-1] if self.topic else None

    @property
    def why(self) -> str:
        return self.reason or self.kind

    def to_json(self, detail: Callable[[Finding], str]) -> dict[str, Any]:
        return {"kind": self.kind, "reason": self.why, "position": self.position,
                "event_id": self.event_id, "type": self.type, "detail": detail(self)}


@frozen_record
class ChainReport:
    chained_upto: int  # the last notification id the chain covers
    head: str  # the link at chained_upto
    events: int  # stored events up to chained_upto
    links: int  # chain rows
    findings: tuple[Finding, ...]
    # What `verify` could say of the stored snapshot of the fold (api/storage/
    # snapshot_check.py): "checked", "none", "no_key", "other_code"; "" when not looked.
    # Not in the JSON, which is pinned; a snapshot that failed is among the findings.
    snapshot: str = ""
    snapshot_at: int | None = None  # its position

    @property
    def ok(self) -> bool:
        return not self.findings

    @property
    def chain_intact(self) -> bool:
        """Whether every link holds. The stored snapshot of the fold lies beside the chain,
        not in it: a finding about it alone (a refused or differing snapshot) fails the
        report (`ok`) but is no reason to call the chain broken."""
        return all(finding.kind == "snapshot" for finding in self.findings)

    def to_json(self, detail: Callable[[Finding], str]) -> dict[str, Any]:
        """`detail` words a finding for a person (the shells pass the catalogue's)."""
        return {
            "ok": self.ok,
            "chained_upto": self.chained_upto,
            "head": self.head,
            "events": self.events,
            "links": self.links,
            "first_problem": self.findings[0].to_json(detail) if self.findings else None,
            "findings": [f.to_json(detail) for f in self.findings],
        }


def verify_chain(
    records: Iterable[StoredRecord],
    links: Iterable[ChainLink],
    chained_upto: int,
    head: str,
    findings_max: int = 100,
) -> ChainReport:
    """Compare the stored events (notification order) with the stored chain (by id).

    * an event whose link, recomputed from the previous stored link, differs from its
      stored link was *altered* (its bytes, topic or ids changed);
    * a chain row without its event means the event was *removed*;
    * an event at or below the chained position without a chain row was *inserted*;
    * the counts must agree, and the tracked head must be the last stored link.
    Events after `chained_upto` are not judged: the next catch-up chains them.
    """
    findings: list[Finding] = []
    events = 0
    link_count = 0
    previous = GENESIS
    last_link = GENESIS
    event_iter = _below(records, chained_upto)
    link_iter = iter(links)
    record = next(event_iter, None)
    link = next(link_iter, None)
    while True:
        if record is not None and (link is None or record.position < link.position):
            events += 1
            findings.append(Finding(
                "inserted", record.position, str(record.originator_id), record.topic))
            record = next(event_iter, None)
            continue
        if link is None:  # and so no record either
            break
        link_count += 1
        if record is None or link.position < record.position:
            findings.append(Finding(
                "removed", link.position, shown_id(link.originator_id), link.topic))
        else:
            events += 1
            try:
                expected: str | None = chain_link(previous, record)
            except (OverflowError, ValueError, TypeError, AttributeError):
                expected = None  # a version or id no link was ever made of: changed since
            if expected != link.link:
                findings.append(Finding(
                    # an id that is no UUID is never hashed (chain_links.chain_link); an
                    # edited one is cut as every message cuts it (a UUID is 36 characters)
                    "altered", record.position, shown_id(record.originator_id), record.topic,
                    reason="" if expected is not None or type(record.originator_id) is UUID
                    else "unreadable_id"))
            record = next(event_iter, None)
        previous = last_link = link.link
        link = next(link_iter, None)
    findings += _tally_findings(events, link_count, chained_upto, last_link, head)
    return ChainReport(chained_upto, head, events, link_count, tuple(findings[:findings_max]))


def unchained_finding(record: StoredRecord) -> Finding:
    """A stored event after the chained position whose id is no UUID: the catch-up made
    no link of it and stopped there (api/storage/chain.py), so the walk, which judges
    only chained events, would not name it."""
    return Finding("altered", record.position, shown_id(record.originator_id), record.topic,
                   reason="unchained_id")


def _tally_findings(
    events: int, link_count: int, chained_upto: int, last_link: str, head: str
) -> list[Finding]:
    """What the walk as a whole shows: the counts must agree and the head be the last link."""
    findings = []
    if events != link_count:
        findings.append(Finding("count", None, None, None, values=(
            ("events", events), ("position", chained_upto), ("links", link_count))))
    if last_link != head:
        findings.append(Finding("head", chained_upto, None, None))
    return findings


def _below(records: Iterable[StoredRecord], position: int) -> Iterator[StoredRecord]:
    for record in records:
        if record.position > position:
            return
        yield record


def close_anchors(records: Iterable[StoredRecord]) -> Iterator[tuple[StoredRecord, int, str]]:
    """(close record, position it closed at, chain head it recorded) for every period
    close that recorded a chain head. Read from the bytes: an anchor is checked even if
    other events no longer parse."""
    for record in records:
        if record.topic != CLOSE_TOPIC:
            continue
        try:
            state = json.loads(record.state)
        except ValueError:
            continue  # an altered close: the chain itself names it
        head = state.get("chain_head") if isinstance(state, dict) else None
        position = state.get("position") if isinstance(state, dict) else None
        if isinstance(head, str) and isinstance(position, int):
            yield record, position, head


def check_anchors(
    anchors: Iterable[tuple[StoredRecord, int, str]], link_at: Callable[[int], str]
) -> list[Finding]:
    """Every close's recorded chain head must equal the chain's link at its position
    (`link_at(p)`: the stored link of the last event at or before p)."""
    findings = []
    for record, position, head in anchors:
        if link_at(position) != head:
            findings.append(Finding(
                "anchor", record.position, str(record.originator_id), record.topic,
                values=(("head", head[:16]), ("position", position))))
    return findings


# ------------------------------------------------------------------ the audit log


SubjectKind = str  # "employee" | "department" | "user"
_SUBJECT_FIELDS: tuple[tuple[str, SubjectKind], ...] = (
    ("employee_id", "employee"), ("appellant_employee_id", "employee"),
    ("contested_employee_id", "employee"), ("department_id", "department"),
    ("appellant_department_id", "department"), ("user_id", "user"),
)


@frozen_record
class AuditQuery:
    actor: str | None = None
    type: str | None = None  # an event class (ScoreRecorded) or a command type (record_score)
    subject: str | None = None  # an employee, department or user id
    subject_kind: SubjectKind | None = None  # only subjects of this kind
    period: str | None = None  # about this period (2026-Q1): an entry of it, its close, …
    since: datetime | None = None  # recorded at or after
    until: datetime | None = None  # recorded before
    after: int = 0  # notification position to page from
    limit: int = 100


def event_type_name(name: str) -> str:
    """A command type (record_score) or an event class name (ScoreRecorded) → the class."""
    command = command_model(name)
    return command.event_class.__name__ if command is not None else name  # type: ignore[attr-defined]


def subjects_of(event: LedgerEvent, facts: Facts) -> set[tuple[SubjectKind, str]]:
    """Whom an event is about, as (kind, id): the employees, departments and user it
    names, and those of the entry it voids or supersedes."""
    related = [event]
    target = event.target_id if isinstance(event, EntryVoided) else event.supersedes
    if target is not None and target in facts.events:
        related.append(facts.events[target])
    found: set[tuple[SubjectKind, str]] = set()
    for fact in related:
        for name, kind in _SUBJECT_FIELDS:
            value = field_of(fact, name)
            if isinstance(value, str):
                found.add((kind, value))
        found.update(("department", d) for d in field_of(fact, "department_ids") or ())
    return found


def _about(event: LedgerEvent, facts: Facts, query: AuditQuery) -> bool:
    return any(value == query.subject and query.subject_kind in (None, kind)
               for kind, value in subjects_of(event, facts))


_PERIOD_FIELDS = ("period", "contested_period", "grading_period")


def appeal_filings(facts: Facts) -> dict[str, LedgerEvent]:
    return {e.appeal_id: e for e in facts.events.values() if isinstance(e, AppealFiled)}


def periods_of(event: LedgerEvent, facts: Facts,
               filings: dict[str, LedgerEvent]) -> set[str]:
    """The periods an event is about: its own, and those of the entry it voids,
    supersedes or contests (every step of an appeal is about its contested entry's)."""
    related = [event]
    filed = filings.get(field_of(event, "appeal_id") or "")
    if filed is not None and filed is not event:
        related.append(filed)
    for fact in list(related):
        for target in (fact.target_id if isinstance(fact, EntryVoided) else fact.supersedes,
                       field_of(fact, "contested_entry_id")):
            if target is not None and target in facts.events:
                related.append(facts.events[target])
    return {value for fact in related for name in _PERIOD_FIELDS
            if isinstance(value := field_of(fact, name), str)}


def select_events(facts: Facts, query: AuditQuery) -> list[tuple[int, LedgerEvent]]:
    """The recorded events (live or replaced) matching every given filter, in
    notification order after `query.after`, at most `query.limit`."""
    wanted_type = event_type_name(query.type) if query.type else None
    filings = appeal_filings(facts) if query.period is not None else {}
    selected: list[tuple[int, LedgerEvent]] = []
    for event_id, event in facts.events.items():
        position = facts.positions[event_id]
        if position <= query.after:
            continue
        if query.actor is not None and event.actor != query.actor:
            continue
        if wanted_type is not None and type(event).__name__ != wanted_type:
            continue
        if query.since is not None and event.recorded_at < query.since:
            continue
        if query.until is not None and event.recorded_at >= query.until:
            continue
        if query.subject is not None and not _about(event, facts, query):
            continue
        if query.period is not None and field_of(event, "period") != query.period \
                and query.period not in periods_of(event, facts, filings):
            continue  # its own period first: most events name one, and it is cheap
        selected.append((position, event))
    selected.sort(key=lambda item: item[0])
    return selected[: query.limit]
