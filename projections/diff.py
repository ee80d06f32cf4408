"""What changed in a period between two states of knowledge, and which events did it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Literal, get_args

from domain.errors import InvalidRequestError
from domain.events import (
    PAY_EVENTS,
    EntryVoided,
    LedgerEvent,
    PeriodClosed,
    loaded_family,
)
from domain.facts import Facts
from domain.money import ZERO
from domain.overlay import Layered
from domain.periods import Period
from projections.figures import money_text
from projections.payout import PersonLine, Statement
from projections.payout.extras import reaches_later_years
from projections.restatement import current_statement

# How a report lists the events in between. "flat": every one of them in `events`, each
# row's direct events by the fields the event itself carries (the form the reports of stored
# ledgers were recorded in, kept byte for byte). "moved": in `events` only those about a
# figure that moved, each with the rows it is about (`moved`), the rest counted by type
# in `other_events`; "all": the same, and each of the rest listed under its type;
# "beside" (HTTP, whose clients read `events` as the flat list): `events` flat, with that
# reading beside it, in `events_behind` (id, rule, rows) and `other_events` (counts). A
# closed period can take a hundred withholdings, none of which moves a figure: listed
# flat, they hide the one correction that did.
Listing = Literal["flat", "moved", "all", "beside"]
LISTINGS: tuple[str, ...] = get_args(Listing)

# A person's or department's ids, as an event names them: None for a fact the statement
# never reads.
Subjects = tuple[str | None, str | None] | None


def diff_statements(
    period: Period, before: tuple[Facts, str], after: tuple[Facts, str], *,
    listing: Listing = "flat", voidings: bool = False,
) -> dict[str, Any]:
    """Per-person and per-department deltas of `period` from `before` to `after`, each
    attributed to the events recorded in between that are about it (and to scheme changes).
    `voidings` (flat): each row also names, in `voiding_events`, the voidings of its own
    entries, which its `direct_events` (the events carrying its id) leave out."""
    if listing not in LISTINGS:  # the shells pass one of them; no reader types it
        raise ValueError(f"{listing!r} is not one of {', '.join(LISTINGS)}")
    facts_a, label_a = before
    facts_b, label_b = after
    old = current_statement(facts_a, period)
    new = current_statement(facts_b, period)
    changes = [event for event in _between(facts_a, facts_b) if _about(facts_b, event, period)]
    subjects = [_subjects(event, facts_b, grouped=listing != "flat") for event in changes]
    old_people, new_people = _moved(old.people, new.people)
    figures = {
        "employee_id": (
            {p.employee_id: (p.name, p.department_id, p.total_cny) for p in old_people},
            {p.employee_id: (p.name, p.department_id, p.total_cny) for p in new_people}),
        "department_id": (
            {d.department_id: (d.name, d.department_id, d.settled_cny) for d in old.departments},
            {d.department_id: (d.name, d.department_id, d.settled_cny)
             for d in new.departments})}
    people = _rows(*figures["employee_id"], changes, subjects, "employee_id")
    departments = _rows(*figures["department_id"], changes, subjects, "department_id")
    if voidings and listing == "flat":
        # A voiding is about the entry it voids, as the grouped forms read it.
        voided = [_subjects(event, facts_b, grouped=True) if isinstance(event, EntryVoided)
                  else None for event in changes]
        for rows, key in ((people, "employee_id"), (departments, "department_id")):
            linked = _rows(*figures[key], changes, voided, key)
            for row, link in zip(rows, linked, strict=True):
                row["voiding_events"] = link["direct_events"]
    report = {
        "period": str(period),
        "from": label_a,
        "to": label_b,
        "scheme": _scheme_change(old, new),
        "total": {"from": money_text(old.total_paid_cny), "to": money_text(new.total_paid_cny),
                  "delta": money_text(new.total_paid_cny - old.total_paid_cny)},
        "people": people,
        "departments": departments,
        "events": [_describe(event) for event in changes],
    }
    if listing == "flat":
        return report
    grouped = _grouped(report, changes, subjects, facts_b, list_all=listing == "all")
    if listing != "beside":
        return {**report, **grouped}
    return {**report,
            "events_behind": [{"id": e["id"], "rule_ref": e["rule_ref"], "moved": e["moved"]}
                              for e in grouped["events"]],
            "other_events": grouped["other_events"]}


def _grouped(report: dict[str, Any], changes: list[LedgerEvent], subjects: list[Subjects],
             facts: Facts, *, list_all: bool) -> dict[str, Any]:
    """`events`: those about a row that moved, or about no one but read by every
    statement (the pool, a scheme: they may move everyone) when anything moved, each with
    the rule it applied (a voiding: the voided entry's) and the rows it is about;
    `other_events`: the rest (a holiday notice, a withholding), counted by type, most
    first."""
    moved_by: dict[str, list[str]] = {}
    for row in (*report["departments"], *report["people"]):  # a department before its people
        for event_id in row["direct_events"]:
            moved_by.setdefault(event_id, []).append(row["id"])
    anything = bool(report["people"] or report["departments"] or report["scheme"]
                    or report["total"]["from"] != report["total"]["to"])
    causes, rest = [], []
    for event, described, named in zip(changes, report["events"], subjects, strict=True):
        if described["id"] in moved_by or (anything and named == (None, None)):
            causes.append({**_shown(described, event),
                           "rule_ref": _field_of(event, facts, "rule_ref"),
                           "moved": moved_by.get(described["id"], [])})
        else:
            rest.append((type(event).__name__, _shown(described, event)))
    counts = Counter(kind for kind, _ in rest)
    groups = []
    for kind, count in sorted(counts.items(), key=lambda pair: (-pair[1], pair[0])):
        group: dict[str, Any] = {"type": kind, "count": count}
        if list_all:
            group["events"] = [described for of, described in rest if of == kind]
        groups.append(group)
    return {"events": causes, "other_events": groups}


def _moved(old: Sequence[PersonLine],
           new: Sequence[PersonLine]) -> tuple[Sequence[PersonLine], Sequence[PersonLine]]:
    """The lines that may differ: a what-if's statement shares the very line objects of
    every person it did not move with the statement it is compared with
    (projections/payout/line_memo.py), so when both list the same people in the same
    order only the other lines are compared (100,000 at province size); else all."""
    if len(old) != len(new):
        return old, new
    pairs = [(a, b) for a, b in zip(old, new, strict=True) if a is not b]
    if any(a.employee_id != b.employee_id for a, b in pairs):
        return old, new
    return [a for a, _ in pairs], [b for _, b in pairs]


def _between(facts_a: Facts, facts_b: Facts) -> list[LedgerEvent]:
    events_b = facts_b.events
    if isinstance(events_b, Layered):  # a what-if of facts_a: its own events, not 1.85 M
        added = events_b.added_over(facts_a.events)
        if added is not None:
            return added
    return [event for event_id, event in events_b.items() if event_id not in facts_a.events]


# The fields by which a fact says which pay period it is about. `period`: a quarter's
# facts reach the later quarters of its year (the bank) and its year end (the mean score,
# the reserve); `pay_period`: payroll's fact about the pay of that period alone (a
# withholding); `from_period`: from that period on (the payment channel); `year`: each
# period of that year (a tenure-target result: of that year and the later ones); a day
# (`DAY_FIELDS`): every period that ends on or after it (a hire, a transfer, a scheme
# version, a leave: none is about a period over before it).
DAY_FIELDS = ("effective_on", "hired_on", "first_day", "effective_from")


def _about(facts: Facts, event: LedgerEvent, period: Period) -> bool:
    """Whether `event` is about `period`: by the fields that say when the fact holds
    (its own, and those of the entry it voids or supersedes). A fact that names no
    period, year or day (a user, a password, an access, an appeal's step, a grade's
    input, the ledger's settings) is about no period: a diff compares pay statements. A
    close, or its preparation and approval, changes no number: it is the point a side
    stands on, not a cause."""
    if isinstance(event, (PeriodClosed,
                          *loaded_family("domain.close_review", "CLOSE_REVIEW_EVENTS"))):
        return False
    target = event.target_id if isinstance(event, EntryVoided) else event.supersedes
    related = [event] if target is None or target not in facts.events else [
        event, facts.events[target]]
    if target is not None and any(getattr(fact, "period", None) in facts.closes
                                  for fact in related):
        # A correction of a closed period is restated in whichever later quarter is open
        # when it is paid (even next year), and the diff of every period, earlier ones
        # too, has always named it: the stored ledgers' reports hold it so
        # (tests/fixtures/old_ledger: the demo's 2026-Q1 diff names 2026-Q2's correction).
        return True
    return any(_reaches(fact, period) for fact in related)


def _reaches(fact: LedgerEvent, period: Period) -> bool:
    """Whether the fact's own fields place it in `period` (see DAY_FIELDS)."""
    named = getattr(fact, "period", None)
    if isinstance(named, str):
        return _period_reaches(Period.parse(named), period)
    paid = getattr(fact, "pay_period", None)
    if isinstance(paid, str):
        return Period.parse(paid) == period
    start = getattr(fact, "from_period", None)
    if isinstance(start, str):
        return period.last_day >= Period.parse(start).first_day
    year = getattr(fact, "year", None)
    if isinstance(year, int):
        if reaches_later_years(fact):
            return period.year >= year
        return period.year == year
    days = [day for key in DAY_FIELDS if (day := getattr(fact, key, None)) is not None]
    return bool(days) and period.last_day >= min(days)


def _period_reaches(named: Period, period: Period) -> bool:
    if named == period or named.kind == "year":
        return named.year == period.year
    if named.year != period.year or named.kind == "year_end":
        return False
    return period.kind == "year_end" or (
        period.kind == named.kind and period.index > named.index)


def _field_of(event: LedgerEvent, facts: Facts, key: str) -> str | None:
    """The event's `key`, else that of the entry it voids."""
    value = getattr(event, key, None)
    if value is None and (target := getattr(event, "target_id", None)) in facts.events:
        value = getattr(facts.events[target], key, None)
    return value if isinstance(value, str) else None


def _subjects(event: LedgerEvent, facts: Facts, *, grouped: bool) -> Subjects:
    """(employee_id, department_id) the event is about. Grouped, a voiding is about the
    entry it voids, and a fact no statement reads (payroll's withholding, a holiday
    notice: read by payslips and deadlines) is about no figure at all: about no one, it
    would otherwise read as a cause that may move everyone."""
    if not grouped:
        return (_own(event, "employee_id"), _own(event, "department_id"))
    voided = facts.events.get(event.target_id) if isinstance(event, EntryVoided) else event
    if not isinstance(voided, PAY_EVENTS):
        return None
    return (_field_of(event, facts, "employee_id"), _field_of(event, facts, "department_id"))


def _own(event: LedgerEvent, key: str) -> str | None:
    value = getattr(event, key, None)
    return value if isinstance(value, str) else None


def _rows(
    old: dict[str, tuple[str, str, Decimal]],
    new: dict[str, tuple[str, str, Decimal]],
    changes: list[LedgerEvent],
    subjects: list[Subjects],
    key: str,
) -> list[dict[str, Any]]:
    # Each event's position under the subject it names, once, rather than every event
    # looked at for every row.
    by_subject: dict[tuple[str, str], list[int]] = {}
    for position, named in enumerate(subjects):
        if named is None:
            continue
        employee, department = named
        subject = employee if key == "employee_id" else department
        if subject is not None:
            by_subject.setdefault((key, subject), []).append(position)
        if key == "employee_id" and employee is None and department is not None:
            by_subject.setdefault(("department_id", department), []).append(position)
    rows = []
    for subject in sorted(set(old) | set(new)):
        before = old[subject][2] if subject in old else ZERO
        after = new[subject][2] if subject in new else ZERO
        if before == after:
            continue
        name, department_id, _ = new.get(subject) or old[subject]
        positions = by_subject.get((key, subject), [])
        if key == "employee_id":
            positions = sorted({*positions, *by_subject.get(("department_id", department_id), [])})
        rows.append({
            "id": subject, "name": name, "department_id": department_id,
            "from": money_text(before), "to": money_text(after),
            "delta": money_text(after - before),
            # Events about this subject (or its department); the rest of the events list
            # moves everyone through the shared pool, per-point values and bank.
            "direct_events": [str(changes[p].originator_id) for p in positions],
        })
    return rows


def _scheme_change(old: Statement, new: Statement) -> dict[str, str] | None:
    if old.scheme_sha256 == new.scheme_sha256:
        return None
    return {"from": old.scheme_key, "to": new.scheme_key,
            "from_sha256": old.scheme_sha256, "to_sha256": new.scheme_sha256}


def _shown(described: dict[str, Any], event: LedgerEvent) -> dict[str, Any]:
    """A grouped listing's event as the table shows it: a holiday notice, recorded
    without a reason, with its text (`notice`)."""
    notice = getattr(event, "notice", None)
    return {**described, "notice": notice} if isinstance(notice, str) else described


def _describe(event: LedgerEvent) -> dict[str, Any]:
    return {
        "id": str(event.originator_id),
        "type": type(event).__name__,
        "actor": event.actor,
        "recorded_at": event.recorded_at.isoformat(),
        "effective": event.effective,
        "reason": event.reason,
        "supersedes": str(event.supersedes) if event.supersedes else None,
    }


def diff_side(ledger: Any, now: Facts, text: str, period: Period) -> tuple[Facts, str]:
    """(facts, label) for one side of a diff: 'now', 'closed' (the facts the frozen
    statement was computed from) or an ISO instant (UTC unless zoned)."""
    if text == "now":
        return now, "now"
    if text == "closed":
        close = now.close_of(str(period))
        if close is None:
            raise InvalidRequestError(f"{period} is not closed; use a timestamp or 'now'")
        return now.upto(close.position), f"closed at {close.recorded_at.isoformat()}"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidRequestError(f"{text!r} is not 'now', 'closed' or an ISO timestamp such "
                                  "as 2026-04-05T12:00:00+08:00") from None
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return ledger.facts(cutoff=moment), f"as of {text}"
