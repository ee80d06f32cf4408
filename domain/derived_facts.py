"""What the escalation policies derive, for a batch that touches what they read
(`domain.derivations.reads_policies`, which imports this module only then: it needs the
grading facts and schemes, which a pay ledger's batches never import).

The evaluation is the grades report's own (`domain.policies.scheme_facts`); only the
comparison with what is recorded lives here. A derived fact's stable id names it: the
event's originator id is uuid5 of that id, so re-deriving it records nothing new.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import Any
from uuid import UUID

from domain.events import EntryVoided, LedgerEvent, SchemeAdopted
from domain.policies import DerivedFact, scheme_facts
from domain.sanctions import (
    POLICY_INPUTS,
    ComplaintRecorded,
    DerivedFactRecorded,
    SanctionRecorded,
    SubjectEnrolled,
)
from domain.scheme import GRADING_KIND

ACTOR = "jixiao (policy)"


def _name_of(fact_id: str, generation: int = 0) -> str:
    """What the entry recording a derived fact is named by (the shell hashes it to the
    entry's originator id with uuid5): the fact's stable id, numbered when re-derived."""
    return fact_id if generation == 0 else f"{fact_id}#{generation}"


def derived_events(facts: Any, batch: Sequence[LedgerEvent], *, recorded_at: datetime,
                   parse: Any, name_id: Callable[[str], UUID]) -> list[LedgerEvent]:
    """The DerivedFactRecorded and EntryVoided events that bring the recorded derived facts
    in line with the policies over the facts as they stand after `batch`. `parse` turns a
    SchemeAdopted into its GradingScheme (cached by the caller); `name_id` turns a name into
    a deterministic originator id (uuid5, in the shell). Only for a batch that
    `domain.derivations.reads_policies`."""
    live = _live_after(facts, batch)
    derived = _derive(live, parse)
    recorded = {e.derived_id: e for e in live.values() if isinstance(e, DerivedFactRecorded)}
    batch_ids = {e.originator_id for e in batch}
    out: list[LedgerEvent] = []
    ids: dict[str, UUID] = {}  # derived id → the recorded entry that stands for it
    for rulebook, scheme_key, fact in derived:
        current = recorded.get(fact.id)
        if current is not None:
            ids[fact.id] = current.originator_id
            continue
        generation = 0  # voided by hand earlier, now derived again: a fresh entry
        while (name_id(_name_of(fact.id, generation)) in facts.events
               or name_id(_name_of(fact.id, generation)) in batch_ids):
            generation += 1
        event_id = name_id(_name_of(fact.id, generation))
        ids[fact.id] = event_id
        out.append(_recorded(fact, rulebook=rulebook, scheme_key=scheme_key,
                             event_id=event_id, ids=ids, recorded_at=recorded_at,
                             name_id=name_id))
    wanted = {f.id for _, _, f in derived}
    stale = [e for key, e in sorted(recorded.items()) if key not in wanted]
    withdrawn = {e.originator_id for e in stale}
    for event in stale:
        out.append(EntryVoided(
            originator_id=name_id(f"void:{event.originator_id}"),
            recorded_at=recorded_at, actor=ACTOR, target_id=event.originator_id,
            reason=_why(facts, batch, live, withdrawn, event),
            rule_ref=f"{event.scheme_key} {event.policy_id}"))
    return out


def _recorded(fact: DerivedFact, *, rulebook: str, scheme_key: str, event_id: UUID,
              ids: dict[str, UUID], recorded_at: datetime,
              name_id: Callable[[str], UUID]) -> DerivedFactRecorded:
    return DerivedFactRecorded(
        originator_id=event_id, recorded_at=recorded_at, actor=ACTOR,
        reason=f"derived by policy {fact.policy_id}: {fact.name}",
        rule_ref=str(fact.ref)[:200] if fact.ref else None,
        derived_id=fact.id, policy_id=fact.policy_id, rulebook=rulebook,
        scheme_key=scheme_key, subject_id=fact.subject_id, kind=fact.kind,
        derived_on=fact.on, until_on=fact.until, window=fact.window,
        triggers=tuple(ids.get(t) or (name_id(t) if t.startswith("derived-") else UUID(t))
                       for t in fact.triggers))


def _why(facts: Any, batch: Sequence[LedgerEvent], live: dict[UUID, LedgerEvent],
         withdrawn: set[UUID], event: DerivedFactRecorded) -> str:
    gone = [t for t in event.triggers if t not in live or t in withdrawn]
    if not gone:
        return (f"no longer derived by {event.scheme_key} {event.policy_id}: the facts it "
                "was derived from changed")
    named = []
    for trigger in gone:
        target = facts.events.get(trigger) or next(
            (e for e in batch if e.originator_id == trigger), None)
        by = next((e for e in batch if (e.target_id if isinstance(e, EntryVoided)
                                        else e.supersedes) == trigger), None)
        how = ("withdrawn" if by is None else
               f"voided by {by.originator_id}" if isinstance(by, EntryVoided)
               else f"superseded by {by.originator_id}")
        named.append(f"{type(target).__name__ if target else 'entry'} {trigger} {how}")
    return "trigger revoked: " + "; ".join(named)


def _live_after(facts: Any, batch: Sequence[LedgerEvent]) -> dict[UUID, LedgerEvent]:
    """The live entries the policies read, as they will stand after the batch: the live
    facts minus what the batch voids or supersedes, plus what it adds. Linear in the live
    facts, without refolding every event as `Facts.with_events` would."""
    live: dict[UUID, LedgerEvent] = {k: e for k, e in facts.live.items()
            if isinstance(e, (*POLICY_INPUTS, SchemeAdopted))}
    for event in batch:
        target = event.target_id if isinstance(event, EntryVoided) else event.supersedes
        if target is not None:
            live.pop(target, None)
        if not isinstance(event, EntryVoided) and isinstance(event, (*POLICY_INPUTS,
                                                                     SchemeAdopted)):
            live[event.originator_id] = event
    return live


def _derive(live: dict[UUID, LedgerEvent], parse: Any) -> list[tuple[str, str, DerivedFact]]:
    """Each grading scheme version's derived facts dated while that version is in force."""
    subjects: dict[str, SubjectEnrolled] = {}
    sanctions: dict[str, list[SanctionRecorded]] = defaultdict(list)
    complaints: dict[str, list[ComplaintRecorded]] = defaultdict(list)
    adoptions: dict[str, list[SchemeAdopted]] = defaultdict(list)
    for event in live.values():
        if isinstance(event, SubjectEnrolled):
            subjects[event.subject_id] = event
        elif isinstance(event, SanctionRecorded):
            sanctions[event.subject_id].append(event)
        elif isinstance(event, ComplaintRecorded):
            complaints[event.subject_id].append(event)
        elif isinstance(event, SchemeAdopted) and event.document.get("kind") == GRADING_KIND:
            adoptions[event.scheme_id].append(event)
    found: list[tuple[str, str, DerivedFact]] = []
    for scheme_id, versions in sorted(adoptions.items()):
        versions.sort(key=lambda e: (e.effective_from, e.version))
        for i, adoption in enumerate(versions):
            scheme = parse(adoption)
            start: date = adoption.effective_from
            end: date | None = versions[i + 1].effective_from if i + 1 < len(versions) else None
            if end is not None and end <= start:
                continue  # a later version in force from the same day replaces it
            for fact in scheme_facts(scheme, subjects, sanctions, complaints):
                if fact.on >= start and (end is None or fact.on < end):
                    found.append((scheme_id, scheme.key, fact))
    return found


def live_recorded(events: Iterable[LedgerEvent]) -> dict[str, UUID]:
    """Derived id → the live DerivedFactRecorded entry standing for it (for reports)."""
    return {e.derived_id: e.originator_id for e in events if isinstance(e, DerivedFactRecorded)}
