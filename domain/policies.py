"""Escalation policies: counts of warnings, sanctions or complaints that derive new facts.

A policy is scheme data ("≥ 3 verified complaints in a calendar month → a 15-day
stand-down", "staff admonitions ≥ 2 in a month → the unit head is admonished", "an
efficiency admonition within a year of a reassignment → referral"). `derive_facts` is a
pure function of the occurrences (recorded sanctions and complaints, live only) and the
policies, so a derived fact always names the entries that triggered it, and revoking a
trigger (voiding or superseding it) withdraws the derived fact on the next evaluation:
there is nothing stored to forget. Policies run in order, and a later policy sees the
facts derived by earlier ones (a derived 院内记过 counts toward three 院内记过).

The grades report evaluates them; the ledger also records them as `DerivedFactRecorded`
events (domain/derivations.py), from this same evaluation: docs/grades.md says how.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from domain.grading import PolicyRule
from domain.records import frozen_record
from domain.scheme import Ref


@frozen_record
class Occurrence:
    """One live sanction, warning, complaint or derived fact, as the policies see it."""

    subject_id: str
    unit_id: str | None
    kind: str
    day: date
    entry_id: str
    verified: bool = True
    derived: bool = False


@frozen_record
class DerivedFact:
    id: str  # deterministic: a digest of the policy, subject, window and triggers
    policy_id: str
    kind: str
    name: str
    subject_id: str
    on: date
    until: date | None
    window: str
    triggers: tuple[str, ...]  # entry ids (or derived ids) that made it fire
    effect: str
    ref: Ref
    obligation: bool
    discharged_by: str | None = None  # the entry that discharged the obligation
    note: str | None = None

    @property
    def status(self) -> str:
        if not self.obligation:
            return "in force"
        return "discharged" if self.discharged_by else "open"

    def as_occurrence(self, unit_id: str | None) -> Occurrence:
        return Occurrence(self.subject_id, unit_id, self.kind, self.on, self.id, derived=True)


def derive_facts(
    policies: Sequence[PolicyRule],
    occurrences: Iterable[Occurrence],
    heads: Mapping[str, tuple[str, ...]],
    units: Mapping[str, str | None],
    scheme_key: str,
) -> list[DerivedFact]:
    """Every fact the policies derive, in policy order then date order.

    `heads`: unit → the people heading it; `units`: subject → their unit."""
    pool = sorted(occurrences, key=lambda o: (o.day, o.entry_id))
    derived: list[DerivedFact] = []
    for policy in policies:
        found = _apply(policy, pool, heads, units, scheme_key)
        found = [_discharge(fact, policy, pool) for fact in found]
        derived += found
        pool = sorted([*pool, *(f.as_occurrence(units.get(f.subject_id)) for f in found)],
                      key=lambda o: (o.day, o.entry_id))
    return derived


def _apply(policy: PolicyRule, pool: Sequence[Occurrence], heads: Mapping[str, tuple[str, ...]],
           units: Mapping[str, str | None], scheme_key: str) -> list[DerivedFact]:
    counted = [o for o in pool if o.kind in policy.kinds
               and (o.verified or not policy.verified_only or policy.counts == "sanctions")]
    groups: dict[str, list[Occurrence]] = defaultdict(list)
    if policy.group == "subject":
        for item in counted:
            groups[item.subject_id].append(item)
    else:
        for item in counted:
            if item.unit_id is not None and item.subject_id not in heads.get(item.unit_id, ()):
                groups[item.unit_id].append(item)
    facts: list[DerivedFact] = []
    for group, items in sorted(groups.items()):
        anchors = [o for o in pool if o.kind in policy.anchor_kinds and o.subject_id == group]
        for window, triggers in _crossings(policy, items, anchors):
            crossing = triggers[-1]
            targets: tuple[str, ...] = (group,)
            note = None
            if policy.derive.to == "unit_head":
                targets = heads.get(group, ())
                if not targets:
                    targets, note = (group,), f"unit {group} has no head enrolled"
            on = crossing.day + timedelta(days=policy.derive.after_days)
            for subject_id in targets:
                ids = tuple(t.entry_id for t in triggers)
                until = (on + timedelta(days=policy.derive.duration_days - 1)
                         if policy.derive.duration_days else None)
                facts.append(DerivedFact(
                    id=_derived_id(scheme_key, policy.id, subject_id, window, ids),
                    policy_id=policy.id, kind=policy.derive.kind, name=policy.derive.name,
                    subject_id=subject_id, on=on, until=until, window=window,
                    triggers=ids, effect=policy.derive.effect, ref=policy.ref,
                    obligation=policy.derive.obligation, note=note))
    return facts


def _crossings(policy: PolicyRule, items: Sequence[Occurrence], anchors: Sequence[Occurrence]
               ) -> list[tuple[str, tuple[Occurrence, ...]]]:
    """(window label, the occurrences counted up to the crossing) for each firing."""
    n = policy.at_least
    if policy.window == "after_anchor":
        days = timedelta(days=policy.window_days or 0)
        fired = []
        for anchor in anchors:
            inside = [o for o in items if anchor.day < o.day <= anchor.day + days]
            if len(inside) >= n:
                label = f"{anchor.day.isoformat()}..{(anchor.day + days).isoformat()}"
                fired.append((label, (anchor, *inside[:n])))
        return fired
    if policy.window == "rolling_days":
        span = timedelta(days=(policy.window_days or 1) - 1)
        fired, last_fire = [], None
        for i, item in enumerate(items):
            inside = [o for o in items[: i + 1] if o.day >= item.day - span]
            if len(inside) >= n and (last_fire is None or item.day - last_fire > span):
                last_fire = item.day
                fired.append((f"{(item.day - span).isoformat()}..{item.day.isoformat()}",
                              tuple(inside)))
        return fired
    buckets: dict[str, list[Occurrence]] = defaultdict(list)
    for item in items:
        buckets[_bucket(policy.window, item.day)].append(item)
    fired = []
    for label, inside in sorted(buckets.items()):
        for count in range(1, len(inside) + 1):
            if (count == n) if policy.fires == "once_per_window" else (count % n == 0):
                fired.append((label, tuple(inside[count - n if policy.fires == "every_multiple"
                                                  else 0: count])))
    return fired


def _bucket(window: str, day: date) -> str:
    if window == "calendar_month":
        return f"{day.year}-{day.month:02d}"
    if window == "calendar_year":
        return str(day.year)
    return "ever"


def _discharge(fact: DerivedFact, policy: PolicyRule, pool: Sequence[Occurrence]) -> DerivedFact:
    if not fact.obligation or not policy.discharged_by:
        return fact
    for item in pool:
        if (item.subject_id == fact.subject_id and item.kind in policy.discharged_by
                and item.day >= fact.on and not item.derived):
            return replace(fact, discharged_by=item.entry_id)
    return fact


def _derived_id(scheme_key: str, policy_id: str, subject_id: str, window: str,
                triggers: tuple[str, ...]) -> str:
    text = "|".join((scheme_key, policy_id, subject_id, window, *triggers))
    return "derived-" + hashlib.sha256(text.encode()).hexdigest()[:16]


def scheme_facts(scheme: Any, subjects: Mapping[str, Any],
                 sanctions: Mapping[str, Sequence[Any]],
                 complaints: Mapping[str, Sequence[Any]]) -> list[DerivedFact]:
    """What one grading scheme's policies derive from live enrolments, sanctions and
    complaints (each keyed by subject id): the one evaluation the grades report and the
    ledger's write side (domain/derivations.py) share."""
    occurrences: list[Occurrence] = []
    for subject_id, subject in subjects.items():
        for s in in_scheme(scheme, sanctions.get(subject_id, ()), scheme.sanction_kinds):
            occurrences.append(Occurrence(subject_id, subject.unit_id, s.kind, s.decided_on,
                                          str(s.originator_id)))
        for c in in_scheme(scheme, complaints.get(subject_id, ()), scheme.complaint_kinds):
            occurrences.append(Occurrence(subject_id, subject.unit_id, c.kind, c.received_on,
                                          str(c.originator_id), verified=c.verified))
    heads: dict[str, tuple[str, ...]] = defaultdict(tuple)
    for subject in sorted(subjects.values(), key=lambda s: s.subject_id):
        if subject.heads:
            heads[subject.heads] = (*heads[subject.heads], subject.subject_id)
    units = {s.subject_id: s.unit_id for s in subjects.values()}
    return derive_facts(scheme.policies, occurrences, heads, units, scheme.key)


def in_scheme(scheme: Any, items: Iterable[Any], kinds: Iterable[str]) -> list[Any]:
    """The sanctions or complaints a scheme counts: its rulebook (or none) and its kinds."""
    known = set(kinds)
    return [e for e in items if e.rulebook in (None, scheme.id) and e.kind in known]
