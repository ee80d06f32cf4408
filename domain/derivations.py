"""The write side of the escalation policies: a batch that changes what the policies read
(sanctions, complaints, enrolments, grading schemes, or corrections of them) also records
what the policies now derive (`DerivedFactRecorded`, referencing its triggers) and voids
the recorded derived facts no longer derived ("trigger revoked: …"), in the same batch.

Whether a batch does so is answered here from the events' types alone; what is derived is
worked out in domain/derived_facts.py, imported only then (grading facts and schemes).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from operator import attrgetter
from typing import Any
from uuid import UUID

from domain.check_plans import CHECK_PLANS, CheckPlan, check_plan
from domain.events import LedgerEvent, SchemeAdopted
from domain.scheme import GRADING_KIND


def reads_policies(facts: Any, events: Sequence[LedgerEvent]) -> bool:
    """Whether a batch touches anything the policies read; if not, nothing is evaluated."""
    plans = [CHECK_PLANS.get(cls) or check_plan(cls) for cls in set(map(type, events))]
    if not any(plan.policy_input or plan.adoption or plan.void for plan in plans):
        # No event of the batch is read itself: only what its corrections replace may
        # be, and the ids they replace are gathered in C, not asked of every event.
        replaced = set(map(_SUPERSEDES, events))
        replaced.discard(None)
        return any(earlier is not None and _read_by_policies(earlier, check_plan(type(earlier)))
                   for earlier in map(facts.events.get, replaced))
    return _reads_policies_each(facts, events)


_SUPERSEDES = attrgetter("supersedes")


def _reads_policies_each(facts: Any, events: Sequence[LedgerEvent]) -> bool:
    """`reads_policies`, asked of each event in turn."""
    for event in events:
        plan = CHECK_PLANS.get(type(event)) or check_plan(type(event))
        if _read_by_policies(event, plan):
            return True
        target = event.target_id if plan.void else event.supersedes  # type: ignore[attr-defined]
        if target is not None:
            earlier = facts.events.get(target)
            if earlier is not None and _read_by_policies(earlier, check_plan(type(earlier))):
                return True
    return False


def _read_by_policies(event: LedgerEvent, plan: CheckPlan) -> bool:
    return plan.policy_input or (plan.adoption and isinstance(event, SchemeAdopted)
                                 and event.document.get("kind") == GRADING_KIND)


def derivation_events(facts: Any, batch: Sequence[LedgerEvent], *, recorded_at: datetime,
                      parse: Any, name_id: Callable[[str], UUID]) -> list[LedgerEvent]:
    """The DerivedFactRecorded and EntryVoided events that bring the recorded derived facts
    in line with the policies over the facts as they stand after `batch`
    (domain.derived_facts.derived_events); none for a batch the policies do not read."""
    if not reads_policies(facts, batch):
        return []
    from domain.derived_facts import derived_events  # noqa: PLC0415 - grading facts: lazy

    return derived_events(facts, batch, recorded_at=recorded_at, parse=parse, name_id=name_id)
