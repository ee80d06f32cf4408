"""Level-2 individual scores (scheme 11, S11-R32…R42); level-1 department scores are in
`projections.department_scores` (re-exported here).

Scores are exact rationals and are never rounded. Each figure is written to the
ledgerbook with its formula, inputs, rule and the events that fed it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

from domain.events import (
    AttendanceRecorded,
    DeductionRecorded,
    LeaveRecorded,
    LedgerEvent,
    ScoreRecorded,
)
from domain.facts import EmployeeState, Facts
from domain.periods import Period
from domain.records import frozen_record
from domain.scheme import DeductionRule, Scheme, StudyLeaveBand
from projections.department_scores import (
    DepartmentScore,
    department_money_events,
    score_departments,
)
from projections.exact import ONE, ZERO_Q, q
from projections.figures import Ledgerbook, exact_text
from projections.memo import memo_of
from projections.person_inputs import PERSON_RUNS, person_inputs, roster_in_period


@frozen_record
class PersonScore:
    employee_id: str
    name: str
    department_id: str
    participates: bool
    reason: str  # why excluded, or "" when taking part
    score: Fraction  # after attendance, before the participation ratio
    ratio: Fraction
    points: Fraction  # counted in the department's divisor
    post: str
    title_grade: str
    category: str
    event_ids: tuple[str, ...]


def _eid(event: LedgerEvent) -> str:
    return str(event.originator_id)


def _exclusion(
    person: EmployeeState, period: Period, scheme: Scheme, leaves: list[LeaveRecorded]
) -> tuple[str, str]:
    """(reason, rule) when the person takes no part in scoring this period, else ("", "")."""
    rules = scheme.exclusions
    category = scheme.staff_rules.categories.get(person.category)
    if category is not None and category.pay == "lump_sum":
        return "lump-sum wage: no performance pay", str(rules.lump_sum_ref)
    if person.probation_until is not None:
        on_probation = (
            person.probation_until >= period.first_day
            if rules.probation == "any_day"
            else person.probation_until >= period.last_day
        )
        if on_probation:
            return (
                f"on probation until {person.probation_until}: no performance pay",
                str(rules.probation_ref),
            )
    away = study_leave_band(leaves, period, scheme)
    if away is not None and away[0].payer != "department":
        band, leave = away
        paid = (f"paid by the hospital at {exact_text(band.rate * 100)} % of same-level pay"
                if band.payer == "hospital" else "not paid")
        return (f"away for {leave.kind} {leave.first_day}…{leave.last_day}: {paid}",
                str(scheme.study_leave.ref) if scheme.study_leave else "")
    if scheme.attendance.leave_rule == "any_leave_zero":
        for leave in leaves:
            if leave.kind in scheme.staff_rules.leave.zeroing and (
                leave.first_day <= period.last_day and leave.last_day >= period.first_day
            ):
                return f"{leave.kind} leave in the period: no performance pay", str(rules.leave_ref)
    return "", ""


def study_leave_band(
    leaves: list[LeaveRecorded], period: Period, scheme: Scheme
) -> tuple[StudyLeaveBand, LeaveRecorded] | None:
    """The S11-R56 band of a study or training absence overlapping the period, by the
    absence's whole length (a 3-week course is "within a month", 13 months is "over a year")."""
    if scheme.study_leave is None:
        return None
    for leave in leaves:
        if leave.kind not in scheme.staff_rules.leave.study:
            continue
        if leave.first_day > period.last_day or leave.last_day < period.first_day:
            continue
        for band in scheme.study_leave.bands:
            if band.up_to_months is None or leave.last_day < add_months(
                leave.first_day, band.up_to_months
            ):
                return band, leave
    return None


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    # The month's last day, the day before the next month's first (December's is the 31st:
    # 9999's has no next month): calendar (and the locale module it imports) cost ≈1 ms of
    # every start for this one question.
    last_day = 31 if month == 12 else (date(year, month + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last_day))


def _entry_text(rule: DeductionRule, entry: DeductionRecorded) -> str:
    if rule.full_deduction:
        return "whole item (全扣)"
    minutes = f" ({entry.minutes} min)" if entry.minutes is not None else ""
    return exact_text(_deduction_points(rule, entry)) + minutes


def _deduction_points(rule: DeductionRule, entry: DeductionRecorded) -> Fraction:
    """Signed points of one entry (all its occurrences) under one rule."""
    if rule.discretionary is not None:
        magnitude = q(entry.points or 0)
        return magnitude if rule.discretionary == "add" else -magnitude
    if rule.minute_bands:
        minutes = entry.minutes or 0
        per_time = ZERO_Q
        for band in rule.minute_bands:
            over = minutes >= band.minutes_from if band.inclusive else minutes > band.minutes_from
            if over:
                per_time = q(band.points)
        return per_time * entry.count
    if rule.points_per_occurrence is not None:
        return q(rule.points_per_occurrence) * entry.count
    return ZERO_Q


def score_people(
    facts: Facts, period: Period, scheme: Scheme, book: Ledgerbook
) -> list[PersonScore]:
    """S11-R32: (title + post + quantity + quality + ethics + discipline) − attendance.

    A person's score is a pure function of their roster state, their own entries and
    leaves in the period, and the scheme; each is memoised beside the facts under exactly
    those inputs (events by identity: they are immutable, and the memo keeps them alive),
    with the figures it explains. A what-if carries the memo over (`projections.whatif`),
    so recomputing a period after one appeal scores only the people whose inputs changed.
    """
    inputs = person_inputs(facts, period)
    per_person = inputs.entries
    known: dict[tuple[Any, ...], _Scored] = memo_of(facts).setdefault(PERSON_SCORES, {})
    # Each roster person's result, in roster order, for these facts and this scheme (a
    # what-if's carried over but for the people it concerns: projections.person_inputs).
    runs = memo_of(facts).setdefault(PERSON_RUNS, {})
    run = runs.get((period, id(scheme)))
    if run is None or run[0] is not scheme:
        run = runs[period, id(scheme)] = (scheme, [None] * len(inputs.roster))
    results: list[_Scored | None] = run[1]
    roster = inputs.roster
    # Only the people whose result is not known yet are visited one by one (a what-if's
    # concerned people); the others' scores and figures are taken in bulk.
    for at in [at for at, scored in enumerate(results) if scored is None]:
        person = roster[at]
        own = tuple(per_person.get(person.employee_id, ()))
        leaves = tuple(facts.leaves_of(person.employee_id))
        key = (period, id(scheme), person, tuple(map(id, own)), tuple(map(id, leaves)))
        scored = known.get(key)
        if scored is None:
            scratch = Ledgerbook()
            score = _score_person(person, list(own), list(leaves), period, scheme=scheme,
                                  book=scratch)
            scored = known[key] = _Scored(score, scratch.figures, (scheme, own, leaves),
                                          (f"person:{person.employee_id}",))
        results[at] = scored
    done: list[_Scored] = results  # type: ignore[assignment] # every one found above
    book.attach_all([scored.figures for scored in done], [scored.subjects for scored in done])
    return [scored.score for scored in done]


PERSON_SCORES = "person-scores"


def scored(score: PersonScore, figures: Mapping[str, Any], inputs: tuple[Any, ...]) -> _Scored:
    """A person's result for `score_people`'s memo, its score known without scoring them
    (`projections.seeded_scores`): `figures` are the ones scoring them writes."""
    return _Scored(score, figures, inputs, (f"person:{score.employee_id}",))


def person_figures(person: EmployeeState, own: tuple[LedgerEvent, ...],
                   leaves: tuple[LeaveRecorded, ...], period: Period,
                   scheme: Scheme) -> tuple[PersonScore, dict[str, Any]]:
    """One person's score and the figures it writes, as `score_people` computes them."""
    scratch = Ledgerbook()
    score = _score_person(person, list(own), list(leaves), period, scheme=scheme, book=scratch)
    return score, scratch.figures


@frozen_record
class _Scored:
    score: PersonScore
    figures: Mapping[str, Any]
    inputs: tuple[Any, ...]  # what the key names by identity, kept alive with it
    subjects: tuple[str, ...]  # the one subject of its figures (Ledgerbook.attach)


def _score_person(
    person: EmployeeState,
    own: list[LedgerEvent],
    leaves: list[LeaveRecorded],
    period: Period,
    *,
    scheme: Scheme,
    book: Ledgerbook,
) -> PersonScore:
    key = f"person:{person.employee_id}"
    reason, rule_text = _exclusion(person, period, scheme, leaves)
    if reason:
        book.add(
            f"{key}:points", f"{person.name}: points counted", ZERO_Q, "points",
            "not in scoring", literals=(("reason", reason), ("rule", rule_text)),
            event_ids=person.event_ids,
        )
        return PersonScore(
            person.employee_id, person.name, person.department_id, False, reason, ZERO_Q,
            ZERO_Q, ZERO_Q, person.post, person.title_grade, person.category, person.event_ids,
        )
    deductions = [e for e in own if isinstance(e, DeductionRecorded)]
    pre = _score_before_attendance(person, own, deductions, scheme, book)
    attendance = next((e for e in own if isinstance(e, AttendanceRecorded)), None)
    deduction = _attendance_deduction(key, person.name, pre, attendance,
                                      deductions=deductions, scheme=scheme, book=book)
    score = max(ZERO_Q, pre - deduction)
    book.add(
        f"{key}:score", f"{person.name}: individual score", score, "points",
        "max(0, pre_attendance − attendance deduction)",
        inputs=(f"{key}:pre_attendance", f"{key}:attendance"), ref=scheme.individual_score_ref,
    )
    ratio, points = _points_counted(person, score, scheme, book)
    return PersonScore(
        person.employee_id, person.name, person.department_id, True, "", score, ratio, points,
        person.post, person.title_grade, person.category, person.event_ids,
    )


def _score_before_attendance(
    person: EmployeeState, own: list[LedgerEvent], deductions: list[DeductionRecorded],
    scheme: Scheme, book: Ledgerbook,
) -> Fraction:
    """S11-R34…R42: title + post + Σ items + fixed penalties and additions."""
    key = f"person:{person.employee_id}"
    title = q(scheme.title_points[person.title_grade])
    book.add(
        f"{key}:title", f"{person.name}: title points", title, "points",
        f"title_points[{person.title_grade}]", ref=scheme.title_ref, event_ids=person.event_ids,
    )
    post = q(scheme.posts[person.post].points)
    book.add(
        f"{key}:post", f"{person.name}: post add-on", post, "points",
        f"post_points[{person.post}]", ref=scheme.post_ref, event_ids=person.event_ids,
    )
    entered = {e.item: e for e in own if isinstance(e, ScoreRecorded)}
    item_keys = [_score_item(key, person.name, name, entered.get(name),
                             deductions=deductions, scheme=scheme, book=book)
                 for name in scheme.items]
    penalties = [e for e in deductions if scheme.deductions[e.kind].item == "penalty"]
    signed = [(e, _deduction_points(scheme.deductions[e.kind], e)) for e in penalties]
    penalty_total = sum((points for _, points in signed), ZERO_Q)
    book.add(
        f"{key}:penalties", f"{person.name}: fixed penalties and additions", penalty_total,
        "points", "Σ penalty and addition entries",
        literals=tuple((f"{e.kind}×{e.count}", exact_text(points)) for e, points in signed),
        ref=scheme.deductions[penalties[0].kind].ref if penalties else None,
        event_ids=tuple(_eid(e) for e in penalties),
    )
    items = sum((q(book.figures[k].value) for k in item_keys), ZERO_Q)
    pre = title + post + items + penalty_total
    book.add(
        f"{key}:pre_attendance", f"{person.name}: score before attendance", pre, "points",
        "title + post + Σ items + penalties",
        inputs=(f"{key}:title", f"{key}:post", *item_keys, f"{key}:penalties"),
        ref=scheme.individual_score_ref,
    )
    return pre


def _score_item(
    key: str, name: str, item_name: str, entry: ScoreRecorded | None, *,
    deductions: list[DeductionRecorded], scheme: Scheme, book: Ledgerbook,
) -> str:
    """One item of the individual score: entered by the department, or its base less the
    deductions of its kinds (the whole item for a 全扣 kind); the figure's key."""
    item = scheme.items[item_name]
    item_key = f"{key}:item:{item_name}"
    if item.entered:
        book.add(
            item_key, f"{name}: {item_name}", q(entry.points) if entry else q(item.base),
            "points", "entered by the department" if entry else "base (nothing entered)",
            literals=(("base", exact_text(item.base)),), ref=item.ref,
            event_ids=(_eid(entry),) if entry else (),
        )
        return item_key
    mine = [e for e in deductions if scheme.deductions[e.kind].item == item_name]
    value = q(item.base)
    full = False
    counts: dict[str, int] = defaultdict(int)
    for entry_of_item in mine:
        rule = scheme.deductions[entry_of_item.kind]
        counts[entry_of_item.kind] += entry_of_item.count
        if rule.full_deduction or (
            rule.full_at_count is not None and counts[entry_of_item.kind] >= rule.full_at_count
        ):
            full = True
        value += _deduction_points(rule, entry_of_item)
    if full:
        value = ZERO_Q
    elif item.floor is not None:
        value = max(value, q(item.floor))
    formula = (
        "whole item deducted (全扣)"
        if full
        else f"max({exact_text(item.floor or ZERO_Q)}, base + Σ deductions)"
    )
    book.add(
        item_key, f"{name}: {item_name}", value, "points", formula,
        literals=(
            ("base", exact_text(item.base)),
            *((f"{e.kind}×{e.count}", _entry_text(scheme.deductions[e.kind], e)) for e in mine),
        ),
        ref=item.ref, event_ids=tuple(_eid(e) for e in mine),
    )
    return item_key


def _attendance_deduction(
    key: str, name: str, pre: Fraction, attendance: AttendanceRecorded | None, *,
    deductions: list[DeductionRecorded], scheme: Scheme, book: Ledgerbook,
) -> Fraction:
    """S11-R42, A-S11-10/11: pro rata to the pre-attendance score, leave days and
    absence without leave (旷工) counted as absence days."""
    absent_without_leave = sum(
        (q(scheme.deductions[e.kind].counts_as_absence_days) * e.count for e in deductions),
        ZERO_Q)
    literals: tuple[tuple[str, str], ...]
    if attendance is None:
        deduction = ZERO_Q
        formula = "no attendance record: full attendance assumed"
        literals = (("absence_days", exact_text(absent_without_leave)),)
    else:
        scheduled = q(attendance.scheduled_days)
        absence = min(scheduled, sum((q(d) for d in attendance.absence_days.values()), ZERO_Q)
                      + absent_without_leave)
        deduction = pre * absence / scheduled
        formula = "pre_attendance ÷ scheduled_days × absence_days"
        literals = (
            ("scheduled_days", exact_text(scheduled)),
            ("absence_days", exact_text(absence)),
            *((f"absence:{k}", exact_text(v)) for k, v in sorted(attendance.absence_days.items())),
        )
    book.add(
        f"{key}:attendance", f"{name}: attendance deduction", deduction, "points", formula,
        inputs=(f"{key}:pre_attendance",), literals=literals, ref=scheme.attendance.ref,
        event_ids=(_eid(attendance),) if attendance else (),
    )
    return deduction


def _points_counted(
    person: EmployeeState, score: Fraction, scheme: Scheme, book: Ledgerbook
) -> tuple[Fraction, Fraction]:
    """S11-R51/R52, A-S11-14: (participation ratio, points counted in the divisor)."""
    key = f"person:{person.employee_id}"
    ratio = q(scheme.participation.ratios[person.category][person.participation_class])
    category = scheme.staff_rules.categories.get(person.category)
    ratio_ref = category.ref if category is not None else None
    book.add(
        f"{key}:ratio", f"{person.name}: participation ratio", ratio, "ratio",
        f"ratios[{person.category}][{person.participation_class}]", ref=ratio_ref,
        event_ids=person.event_ids,
    )
    scales_points = scheme.participation.ratio_scales == "points"
    points = score * ratio if scales_points else score
    book.add(
        f"{key}:points", f"{person.name}: points counted", points, "points",
        "score × participation ratio" if scales_points else "score (ratio scales pay only)",
        inputs=(f"{key}:score", f"{key}:ratio"), ref=ratio_ref,
    )
    return ratio, points


__all__ = ["ONE", "DepartmentScore", "PersonScore", "department_money_events",
           "roster_in_period", "score_departments", "score_people", "study_leave_band"]
