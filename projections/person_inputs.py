"""Who is scored in a period and each person's own entries in it, kept beside the facts.

Scoring a quarter starts from everyone employed in it (a roster fold per person) and the
period's entries grouped by person: a pass over every event of the period and every
employee, 0.3 s for a county and seconds for a province, paid again by every what-if
although one appeal moves one person's entries. The result is memoised per facts
(`PERSON_INPUTS`), and a what-if whose new events change nobody's roster carries it over
(`carry_person_inputs`), regrouping only the people the new events concern.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from domain.events import EntryVoided, LedgerEvent
from domain.facts import EmployeeState, Facts
from domain.fold_plans import PLANS
from domain.periods import Period
from domain.records import frozen_record
from projections.memo import memo_of

# The memo (projections.memo) of period → `PersonInputs`.
PERSON_INPUTS = "person-inputs"
# The memo of (period, id(scheme)) → (the scheme, each roster person's scored result in
# roster order, or None where it is still to be found): `projections.scoring.score_people`
# fills it; a what-if carries it over with its concerned people's results left out.
PERSON_RUNS = "person-runs"


@frozen_record
class PersonInputs:
    roster: list[EmployeeState]  # everyone employed on some day of the period
    entries: dict[str, list[LedgerEvent]]  # employee id → their entries of the period


def person_inputs(facts: Facts, period: Period) -> PersonInputs:
    """The period's roster and entries by person, computed once per facts."""
    known: dict[Period, PersonInputs] = memo_of(facts).setdefault(PERSON_INPUTS, {})
    inputs = known.get(period)
    if inputs is None:
        inputs = known[period] = PersonInputs(roster_in_period(facts, period),
                                              _by_employee(facts.in_period(period)))
    return inputs


def carry_person_inputs(before: Facts, after: Facts, new_events: Sequence[LedgerEvent]) -> None:
    """Give `after` (the facts `before` and `new_events`) the inputs `before` has computed,
    when no new event changes a roster, a leave, a department, a scheme or a close: the
    roster is then the same, and only the entries of the people the new events or the
    entries they replace concern are grouped again."""
    known: dict[Period, PersonInputs] = memo_of(before).get(PERSON_INPUTS, {})
    if not known:
        return
    concerned: set[str] = set()
    for event in new_events:
        target = event.target_id if isinstance(event, EntryVoided) else event.supersedes
        related = [event] if target is None else [event, before.events.get(target)]
        for fact in related:
            if fact is None or not _simple(fact, void_ok=fact is event):
                return  # a roster may move, or an entry we cannot see: compute it all
            employee_id = fact.__dict__.get("employee_id")
            if isinstance(employee_id, str):
                concerned.add(employee_id)
    memo_after = memo_of(after)
    carried = memo_after.setdefault(PERSON_INPUTS, {})
    for period, inputs in known.items():
        entries = dict(inputs.entries)
        text = str(period)
        for employee_id in concerned:
            own = [e for e in after.about_employee(employee_id)
                   if e.__dict__.get("period") == text]
            if own:
                entries[employee_id] = own
            else:
                entries.pop(employee_id, None)
        carried[period] = PersonInputs(inputs.roster, entries)
    runs: dict[tuple[Period, int], tuple[Any, list[Any]]] = memo_of(before).get(PERSON_RUNS, {})
    carried_runs = memo_after.setdefault(PERSON_RUNS, {})
    for (period, scheme_id), (scheme, results) in runs.items():
        if period not in known:
            continue
        kept = list(results)
        for at, person in enumerate(known[period].roster):
            if person.employee_id in concerned:
                kept[at] = None
        carried_runs[period, scheme_id] = (scheme, kept)


def _simple(event: LedgerEvent, void_ok: bool) -> bool:
    """A fact the fold keeps in plain lists only (domain/fold_plans.py `simple`): no
    roster, leave, department, scheme, close or settings event; a void, when it is the
    new event itself (what it withdraws is checked on its own). Every folded event's
    type has its plan."""
    plan = PLANS.get(type(event))
    return plan is not None and (plan.simple or (void_ok and plan.void))


def _by_employee(events: list[LedgerEvent]) -> dict[str, list[LedgerEvent]]:
    grouped: dict[str, list[LedgerEvent]] = defaultdict(list)
    for event in events:
        employee_id = getattr(event, "employee_id", None)
        if isinstance(employee_id, str):
            grouped[employee_id].append(event)
    return dict(grouped)


def roster_in_period(facts: Facts, period: Period) -> list[EmployeeState]:
    """Everyone employed on some day of the period, as they stood on their last such day."""
    people = []
    # The period's days once: each is a computed property, asked 2,000 times a hospital.
    first_day, last_day = period.first_day, period.last_day
    for employee_id in facts.employee_ids():
        state = facts.employee_on(employee_id, last_day)
        if state is None or not state.employed_during(first_day, last_day):
            continue
        if state.left_on is not None and state.left_on < last_day:
            state = facts.employee_on(employee_id, state.left_on) or state
        people.append(state)
    return people
