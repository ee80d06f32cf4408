"""Level-2 individual scores and level-1 department scores (scheme 11, S11-R13…R42).

Scores are exact rationals and are never rounded. Each figure is written to the
ledgerbook with its formula, inputs, rule and the events that fed it.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

from domain.errors import Problem, invariant
from domain.events import (
    AttendanceRecorded,
    ControlIndicatorMeasured,
    DeductionRecorded,
    DepartmentDeductionRecorded,
    DepartmentDefined,
    DepartmentFiguresRecorded,
    DepartmentPenaltyRecorded,
    LeaveRecorded,
    LedgerEvent,
    ScoreRecorded,
)
from domain.facts import EmployeeState, Facts
from domain.periods import Period
from domain.scheme import DeductionRule, Scheme, StudyLeaveBand
from projections.exact import ONE, ZERO_Q, exact_sum, q
from projections.figures import Ledgerbook, exact_text
from projections.memo import memo_of


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class DepartmentScore:
    department_id: str
    name: str
    kind: str
    headcount: int
    score: Fraction
    per_capita: Fraction | None
    event_ids: tuple[str, ...]


def _eid(event: LedgerEvent) -> str:
    return str(event.originator_id)


def _by_employee(events: list[LedgerEvent]) -> dict[str, list[LedgerEvent]]:
    grouped: dict[str, list[LedgerEvent]] = defaultdict(list)
    for event in events:
        employee_id = getattr(event, "employee_id", None)
        if isinstance(employee_id, str):
            grouped[employee_id].append(event)
    return grouped


def roster_in_period(facts: Facts, period: Period) -> list[EmployeeState]:
    """Everyone employed on some day of the period, as they stood on their last such day."""
    people = []
    for employee_id in facts.employee_ids():
        state = facts.employee_on(employee_id, period.last_day)
        if state is None or not state.employed_during(period.first_day, period.last_day):
            continue
        if state.left_on is not None and state.left_on < period.last_day:
            state = facts.employee_on(employee_id, state.left_on) or state
        people.append(state)
    return people


def _exclusion(
    person: EmployeeState, period: Period, scheme: Scheme, leaves: list[LeaveRecorded]
) -> tuple[str, str]:
    """(reason, rule) when the person takes no part in scoring this period, else ("", "")."""
    rules = scheme.exclusions
    if person.category == "lump_sum":
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
            if leave.kind in ("sick", "maternity", "personal") and (
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
        if leave.kind not in ("study", "training"):
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
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


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


def score_people(facts: Facts, period: Period, scheme: Scheme, book: Ledgerbook) -> list[PersonScore]:
    """S11-R32: (title + post + quantity + quality + ethics + discipline) − attendance.

    A person's score is a pure function of their roster state, their own entries and
    leaves in the period, and the scheme; each is memoised beside the facts under exactly
    those inputs (events by identity: they are immutable, and the memo keeps them alive),
    with the figures it explains. A what-if carries the memo over (`projections.whatif`),
    so recomputing a period after one appeal scores only the people whose inputs changed.
    """
    events = facts.in_period(period)
    per_person = _by_employee(events)
    known: dict[tuple[Any, ...], _Scored] = memo_of(facts).setdefault(PERSON_SCORES, {})
    scores = []
    for person in roster_in_period(facts, period):
        own = tuple(per_person.get(person.employee_id, ()))
        leaves = tuple(facts.leaves_of(person.employee_id))
        key = (period, id(scheme), person, tuple(map(id, own)), tuple(map(id, leaves)))
        scored = known.get(key)
        if scored is None:
            scratch = Ledgerbook()
            score = _score_person(person, list(own), list(leaves), period, scheme=scheme,
                                  book=scratch)
            scored = known[key] = _Scored(score, scratch.figures, (scheme, own, leaves))
        book.figures.update(scored.figures)
        scores.append(scored.score)
    return scores


PERSON_SCORES = "person-scores"


@dataclass(frozen=True)
class _Scored:
    score: PersonScore
    figures: dict[str, Any]
    inputs: tuple[Any, ...]  # what the key names by identity, kept alive with it


def _score_person(
    person: EmployeeState,
    own: list[LedgerEvent],
    leaves: list[LeaveRecorded],
    period: Period,
    *,
    scheme: Scheme,
    book: Ledgerbook,
) -> PersonScore:
    pid = person.employee_id
    key = f"person:{pid}"
    reason, rule_text = _exclusion(person, period, scheme, leaves)
    if reason:
        book.add(
            f"{key}:points", f"{person.name}: points counted", ZERO_Q, "points",
            "not in scoring", literals=(("reason", reason), ("rule", rule_text)),
            event_ids=person.event_ids,
        )
        return PersonScore(
            pid, person.name, person.department_id, False, reason, ZERO_Q, ZERO_Q, ZERO_Q,
            person.post, person.title_grade, person.category, person.event_ids,
        )

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

    deductions = [e for e in own if isinstance(e, DeductionRecorded)]
    entered = {e.item: e for e in own if isinstance(e, ScoreRecorded)}
    item_keys = []
    for item_name, item in scheme.items.items():
        item_key = f"{key}:item:{item_name}"
        item_keys.append(item_key)
        if item.entered:
            entry = entered.get(item_name)
            value = q(entry.points) if entry else q(item.base)
            book.add(
                item_key, f"{person.name}: {item_name}", value, "points",
                "entered by the department" if entry else "base (nothing entered)",
                literals=(("base", exact_text(item.base)),), ref=item.ref,
                event_ids=(_eid(entry),) if entry else (),
            )
            continue
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
            item_key, f"{person.name}: {item_name}", value, "points", formula,
            literals=(
                ("base", exact_text(item.base)),
                *((f"{e.kind}×{e.count}", _entry_text(scheme.deductions[e.kind], e))
                  for e in mine),
            ),
            ref=item.ref, event_ids=tuple(_eid(e) for e in mine),
        )

    penalties = [e for e in deductions if scheme.deductions[e.kind].item == "penalty"]
    penalty_total = sum((_deduction_points(scheme.deductions[e.kind], e) for e in penalties), ZERO_Q)
    book.add(
        f"{key}:penalties", f"{person.name}: fixed penalties and additions", penalty_total,
        "points", "Σ penalty and addition entries",
        literals=tuple((f"{e.kind}×{e.count}", exact_text(_deduction_points(scheme.deductions[e.kind], e)))
                       for e in penalties),
        ref=scheme.deductions[penalties[0].kind].ref if penalties else None,
        event_ids=tuple(_eid(e) for e in penalties),
    )
    pre = title + post + sum((q(book.figures[k].value) for k in item_keys), ZERO_Q) + penalty_total
    book.add(
        f"{key}:pre_attendance", f"{person.name}: score before attendance", pre, "points",
        "title + post + Σ items + penalties",
        inputs=(f"{key}:title", f"{key}:post", *item_keys, f"{key}:penalties"),
        ref=scheme.individual_score_ref,
    )

    attendance = next((e for e in own if isinstance(e, AttendanceRecorded)), None)
    absent_without_leave = sum(
        (q(scheme.deductions[e.kind].counts_as_absence_days) * e.count for e in deductions), ZERO_Q
    )
    if attendance is None:
        scheduled = None
        absence = absent_without_leave
        deduction = ZERO_Q
        formula = "no attendance record: full attendance assumed"
        literals: tuple[tuple[str, str], ...] = (("absence_days", exact_text(absence)),)
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
        f"{key}:attendance", f"{person.name}: attendance deduction", deduction, "points", formula,
        inputs=(f"{key}:pre_attendance",), literals=literals, ref=scheme.attendance.ref,
        event_ids=(_eid(attendance),) if attendance else (),
    )
    score = max(ZERO_Q, pre - deduction)
    book.add(
        f"{key}:score", f"{person.name}: individual score", score, "points",
        "max(0, pre_attendance − attendance deduction)",
        inputs=(f"{key}:pre_attendance", f"{key}:attendance"), ref=scheme.individual_score_ref,
    )
    ratio = q(scheme.participation.ratios[person.category][person.participation_class])
    ratio_ref = (
        scheme.participation.temporary_ref
        if person.category == "temporary"
        else scheme.participation.contract_ref if person.category == "contract" else None
    )
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
    return PersonScore(
        pid, person.name, person.department_id, True, "", score, ratio, points,
        person.post, person.title_grade, person.category, person.event_ids,
    )


# ---------------------------------------------------------------- level 1: departments


def score_departments(
    facts: Facts,
    period: Period,
    scheme: Scheme,
    people: list[PersonScore],
    book: Ledgerbook,
) -> tuple[list[DepartmentScore], list[Problem]]:
    """Clinical departments first (S11-R13), then admin ones, whose bases are derived
    from the clinical per-capita scores (S11-R22/R23)."""
    problems: list[Problem] = []
    headcount: dict[str, int] = defaultdict(int)
    for person in people:
        if person.participates:
            headcount[person.department_id] += 1
    events = facts.in_period(period)
    figures = {e.department_id: e for e in events if isinstance(e, DepartmentFiguresRecorded)}
    deductions: dict[str, list[DepartmentDeductionRecorded]] = defaultdict(list)
    for e in events:
        if isinstance(e, DepartmentDeductionRecorded):
            deductions[e.department_id].append(e)

    departments: list[tuple[DepartmentDefined, int]] = []
    for department_id in facts.department_ids():
        definition = facts.department_on(department_id, period.last_day)
        if definition is not None:
            departments.append((definition, headcount.get(department_id, 0)))

    clinical = [
        _score_clinical(d, n, figures.get(d.department_id), deductions[d.department_id],
                        scheme=scheme, book=book, problems=problems)
        for d, n in departments if d.kind == "clinical"
    ]
    ranked = sorted(
        (c for c in clinical if c.per_capita is not None),
        key=lambda c: (-c.per_capita, c.department_id),  # type: ignore[operator]
    )
    statistics: dict[object, Fraction] = {}
    admin = [
        _score_admin(d, n, ranked, statistics, deductions[d.department_id], scheme=scheme,
                     book=book, problems=problems)
        for d, n in departments if d.kind == "admin"
    ]
    return clinical + admin, problems


def _score_clinical(
    d: DepartmentDefined,
    n: int,
    figures: DepartmentFiguresRecorded | None,
    deductions: list[DepartmentDeductionRecorded],
    *,
    scheme: Scheme,
    book: Ledgerbook,
    problems: list[Problem],
) -> DepartmentScore:
    key = f"dept:{d.department_id}"
    rules = scheme.clinical
    book.add(f"{key}:headcount", f"{d.name}: head-count", q(n), "people",
             "people taking part in scoring", ref=scheme.admin.per_capita_ref)
    if n == 0:
        book.add(f"{key}:score", f"{d.name}: department score", ZERO_Q, "points",
                 "no one takes part in scoring", ref=rules.score_ref)
        return DepartmentScore(d.department_id, d.name, d.kind, 0, ZERO_Q, None, ())
    if figures is None:
        problems.append(Problem(f"department {d.department_id}", "figures",
                                "no workload, revenue and cost recorded for the period"))
        return DepartmentScore(d.department_id, d.name, d.kind, n, ZERO_Q, None, ())
    if d.risk_coefficient is None:
        problems.append(Problem(f"department {d.department_id}", "risk_coefficient",
                                "no risk coefficient configured (A-S11-6: no silent 1.0)"))
        return DepartmentScore(d.department_id, d.name, d.kind, n, ZERO_Q, None, ())
    fid = (_eid(figures),)
    ratio = q(figures.workload_actual) / q(figures.workload_base)
    if rules.workload_ratio_cap is not None:
        ratio = min(ratio, q(rules.workload_ratio_cap))
    quantity = q(rules.quantity_per_head) * n * ratio
    book.add(f"{key}:quantity", f"{d.name}: quantity score", quantity, "points",
             "50 × head-count × (actual workload ÷ base workload)",
             inputs=(f"{key}:headcount",),
             literals=(("workload_actual", exact_text(figures.workload_actual)),
                       ("workload_base", exact_text(figures.workload_base))),
             ref=rules.quantity_ref, event_ids=fid)
    sums = {"quality": ZERO_Q, "ethics": ZERO_Q}
    ids: dict[str, list[str]] = {"quality": [], "ethics": []}
    for e in deductions:
        if e.item in sums:
            sums[e.item] += q(e.points)
            ids[e.item].append(_eid(e))
    quality = max(ZERO_Q, q(rules.quality_per_head) * n - sums["quality"])
    book.add(f"{key}:quality", f"{d.name}: quality score", quality, "points",
             "max(0, 30 × head-count − quality deductions)", inputs=(f"{key}:headcount",),
             literals=(("deductions", exact_text(sums["quality"])),),
             ref=rules.quality_ref, event_ids=tuple(ids["quality"]))
    ethics = max(ZERO_Q, q(rules.ethics_per_head) * n - sums["ethics"])
    book.add(f"{key}:ethics", f"{d.name}: ethics score", ethics, "points",
             "max(0, 20 × head-count − ethics deductions)", inputs=(f"{key}:headcount",),
             literals=(("deductions", exact_text(sums["ethics"])),),
             ref=rules.ethics_ref, event_ids=tuple(ids["ethics"]))
    cost = q(figures.medical_revenue_cny) / q(figures.full_cost_cny)
    book.add(f"{key}:cost_coefficient", f"{d.name}: cost coefficient", cost, "ratio",
             "medical revenue (no drugs) ÷ full cost",
             literals=(("medical_revenue_cny", str(figures.medical_revenue_cny)),
                       ("full_cost_cny", str(figures.full_cost_cny))),
             ref=rules.cost_ref, event_ids=fid)
    risk = q(d.risk_coefficient)
    book.add(f"{key}:risk_coefficient", f"{d.name}: risk coefficient", risk, "ratio",
             "configured for the department", ref=rules.risk_ref,
             event_ids=(_eid(d),))
    score = (quantity + quality + ethics) * cost * risk
    book.add(f"{key}:score", f"{d.name}: department score", score, "points",
             "((quantity + quality + ethics) × cost coefficient) × risk coefficient",
             inputs=(f"{key}:quantity", f"{key}:quality", f"{key}:ethics",
                     f"{key}:cost_coefficient", f"{key}:risk_coefficient"),
             ref=rules.score_ref)
    per_capita = score / n
    book.add(f"{key}:per_capita", f"{d.name}: per-capita score", per_capita, "points",
             "department score ÷ head-count", inputs=(f"{key}:score", f"{key}:headcount"),
             ref=scheme.admin.per_capita_ref)
    return DepartmentScore(d.department_id, d.name, d.kind, n, score, per_capita,
                           (*fid, *ids["quality"], *ids["ethics"]))


def _score_admin(
    d: DepartmentDefined,
    n: int,
    ranked: list[DepartmentScore],
    statistics: dict[object, Fraction],
    deductions: list[DepartmentDeductionRecorded],
    *,
    scheme: Scheme,
    book: Ledgerbook,
    problems: list[Problem],
) -> DepartmentScore:
    key = f"dept:{d.department_id}"
    book.add(f"{key}:headcount", f"{d.name}: head-count", q(n), "people",
             "people taking part in scoring", ref=scheme.admin.per_capita_ref)
    invariant(d.admin_class is not None, "admin departments carry a class")
    rule = scheme.admin.classes.get(d.admin_class or 0)
    risk_value = d.risk_coefficient
    if risk_value is None and d.admin_role is not None:
        risk_value = scheme.admin.risk_coefficients.get(d.admin_role)
    if rule is None:
        problems.append(Problem(f"department {d.department_id}", "admin_class",
                                f"the scheme has no admin class {d.admin_class}"))
    if risk_value is None:
        problems.append(Problem(f"department {d.department_id}", "risk_coefficient",
                                "no risk coefficient: set one or an admin_role the scheme knows "
                                "(A-S11-6: no silent 1.0)"))
    if rule is None or risk_value is None or n == 0:
        book.add(f"{key}:score", f"{d.name}: department score", ZERO_Q, "points",
                 "no one takes part in scoring" if n == 0 else "not computable",
                 ref=scheme.admin.score_ref)
        return DepartmentScore(d.department_id, d.name, d.kind, n, ZERO_Q, None, ())
    if not ranked:
        problems.append(Problem(f"department {d.department_id}", "base",
                                "admin bases need at least one scored clinical department"))
        return DepartmentScore(d.department_id, d.name, d.kind, n, ZERO_Q, None, ())
    # Every admin department of a class shares its statistic over the clinical departments;
    # computed once per period, since each is a sum over all of them.
    per_capita = [(c, c.per_capita) for c in ranked if c.per_capita is not None]
    if rule.statistic == "top_mean":
        top = [c for c, _ in per_capita[: rule.top_n]]
        which = (rule.statistic, rule.top_n)
        if which not in statistics:
            statistics[which] = exact_sum(v for _, v in per_capita[: rule.top_n]) / len(top)
        formula = f"mean per-capita of the top {rule.top_n} clinical departments × head-count"
        inputs = tuple(f"dept:{c.department_id}:per_capita" for c in top)
    elif rule.statistic == "mean_all":
        which = (rule.statistic, None)
        if which not in statistics:
            statistics[which] = exact_sum(v for _, v in per_capita) / len(per_capita)
        formula = "mean of every clinical department's per-capita score × head-count"
        inputs = tuple(f"dept:{c.department_id}:per_capita" for c in ranked)
    else:
        which = (rule.statistic, None)
        if which not in statistics:
            statistics[which] = exact_sum(c.score for c in ranked) / sum(
                c.headcount for c in ranked)
        formula = "Σ clinical scores ÷ Σ clinical head-count × head-count"
        inputs = tuple(f"dept:{c.department_id}:score" for c in ranked)
    statistic = statistics[which]
    base = statistic * n
    book.add(f"{key}:base", f"{d.name}: composite base score", base, "points", formula,
             inputs=(*inputs, f"{key}:headcount"), ref=rule.ref)
    risk = q(risk_value)
    risk_events = (_eid(d),)
    book.add(f"{key}:risk_coefficient", f"{d.name}: risk coefficient", risk, "ratio",
             "configured for the department" if d.risk_coefficient is not None
             else f"risk_coefficients[{d.admin_role}]",
             ref=scheme.admin.risk_ref, event_ids=risk_events)
    total_deducted = sum((q(e.points) for e in deductions), ZERO_Q)
    deduction_ids = tuple(_eid(e) for e in deductions)
    book.add(f"{key}:deductions", f"{d.name}: task, quality and ethics deductions",
             total_deducted, "points", "Σ department deductions",
             ref=scheme.admin.score_ref, event_ids=deduction_ids)
    score = max(ZERO_Q, base * risk - total_deducted)
    book.add(f"{key}:score", f"{d.name}: department score", score, "points",
             "max(0, composite base × risk coefficient − deductions)",
             inputs=(f"{key}:base", f"{key}:risk_coefficient", f"{key}:deductions"),
             ref=scheme.admin.score_ref)
    return DepartmentScore(d.department_id, d.name, d.kind, n, score, score / n, deduction_ids)


def department_money_events(
    facts: Facts, period: Period
) -> tuple[dict[str, list[ControlIndicatorMeasured]], dict[str, list[DepartmentPenaltyRecorded]]]:
    controls: dict[str, list[ControlIndicatorMeasured]] = defaultdict(list)
    penalties: dict[str, list[DepartmentPenaltyRecorded]] = defaultdict(list)
    for e in facts.in_period(period):
        if isinstance(e, ControlIndicatorMeasured):
            controls[e.department_id].append(e)
        elif isinstance(e, DepartmentPenaltyRecorded):
            penalties[e.department_id].append(e)
    return controls, penalties


__all__ = ["ONE", "DepartmentScore", "PersonScore", "department_money_events",
           "roster_in_period", "score_departments", "score_people", "study_leave_band"]
