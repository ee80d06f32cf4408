"""A period's payout: a pure function of (facts, scheme), in a fixed order of stages.

Quarter (S11-R09/R10, A-S11-9): pool → department scores → split the pool by points →
three controls → department penalties → cap (bank the excess) → floor (draw the bank,
then subsidy) → split department pay by points → post bonus. The cap comes before the
floor so a floor top-up is never clawed back by the cap.

Year end (S11-R44…R47, A-S11-17/18): Σ quarterly reserves ± adjustments → annual target
scores → departments → individuals by year-end score; a failed assessment is excluded.

Money: every split of a fixed total is a largest-remainder allocation, so it adds up to
the fen; any other computed amount is rounded once, half-up. The statement reconciles
to 0.00 with every retained, banked, drawn, subsidised or undistributed amount named.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal
from fractions import Fraction
from typing import Any

from domain.errors import InvalidRequestError, Problem, invariant
from domain.events import (
    AnnualTargetScoreRecorded,
    AssessmentRecorded,
    CmeCreditsRecorded,
    ControlIndicatorMeasured,
    DepartmentPenaltyRecorded,
    PoolAdjusted,
    PoolDeclared,
    TrainingRefused,
)
from domain.facts import Facts
from domain.money import ZERO, allocate_largest_remainder, calc_context, sum_cny
from domain.periods import Period
from domain.scheme import Scheme
from projections.exact import ZERO_Q, cny_half_up, exact_sum, q, whole_points
from projections.figures import Ledgerbook, approx_text, exact_text, money_text
from projections.scoring import (
    DepartmentScore,
    PersonScore,
    department_money_events,
    score_departments,
    score_people,
    study_leave_band,
)


class CalculationBlockedError(InvalidRequestError):
    code = "calculation_blocked"

    def __init__(self, period: str, problems: list[Problem]) -> None:
        self.problems = problems
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"{period} cannot be calculated until these are recorded:\n{lines}")
        self.message_body = lines


@dataclass(frozen=True)
class PersonLine:
    employee_id: str
    name: str
    department_id: str
    category: str
    status: str  # "paid" or "excluded" (an excluded person may still get hospital money)
    reason: str
    score: Fraction
    ratio: Fraction
    points: Fraction
    pay_cny: Decimal
    post_bonus_cny: Decimal
    study_leave_cny: Decimal = ZERO
    restatement_cny: Decimal = ZERO

    @property
    def total_cny(self) -> Decimal:
        return self.pay_cny + self.post_bonus_cny + self.study_leave_cny + self.restatement_cny


@dataclass(frozen=True)
class DepartmentLine:
    department_id: str
    name: str
    kind: str
    headcount: int
    score: Fraction
    pay_calculated_cny: Decimal
    controls_cny: Decimal = ZERO
    penalties_cny: Decimal = ZERO
    cap_cny: Decimal | None = None
    banked_cny: Decimal = ZERO
    floor_cny: Decimal | None = None
    bank_before_cny: Decimal = ZERO
    drawn_cny: Decimal = ZERO
    subsidy_cny: Decimal = ZERO
    undistributed_cny: Decimal = ZERO
    per_point: Fraction | None = None

    @property
    def pay_after_controls_cny(self) -> Decimal:
        return self.pay_calculated_cny - self.controls_cny - self.penalties_cny

    @property
    def settled_cny(self) -> Decimal:
        return self.pay_after_controls_cny - self.banked_cny + self.drawn_cny + self.subsidy_cny

    @property
    def bank_after_cny(self) -> Decimal:
        return self.bank_before_cny + self.banked_cny - self.drawn_cny


@dataclass(frozen=True)
class Statement:
    period: str
    scheme_key: str
    scheme_sha256: str
    departments: tuple[DepartmentLine, ...]
    people: tuple[PersonLine, ...]
    reconciliation: tuple[tuple[str, Decimal], ...]  # signed lines that sum to 0.00
    pool: tuple[tuple[str, Decimal], ...]
    notes: tuple[str, ...]
    book: Ledgerbook = field(compare=False, repr=False)
    restatements: tuple[dict[str, Any], ...] = ()  # closed periods settled here

    @property
    def balance_cny(self) -> Decimal:
        return sum_cny(amount for _, amount in self.reconciliation)

    @property
    def total_paid_cny(self) -> Decimal:
        return sum_cny(p.total_cny for p in self.people)

    def to_json(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "scheme": {"key": self.scheme_key, "sha256": self.scheme_sha256},
            "pool": [{"line": name, "amount": money_text(amount)} for name, amount in self.pool],
            "departments": [_department_json(d) for d in self.departments],
            "people": [_person_json(p) for p in self.people],
            "reconciliation": {
                "lines": [{"line": n, "amount": money_text(a)} for n, a in self.reconciliation],
                "balance": money_text(self.balance_cny),
            },
            "totals": {
                "paid": money_text(self.total_paid_cny),
                "people_paid": sum(1 for p in self.people if p.total_cny != 0),
            },
            "notes": list(self.notes),
            "restatements": list(self.restatements),
        }


def _department_json(d: DepartmentLine) -> dict[str, Any]:
    return {
        "department_id": d.department_id,
        "name": d.name,
        "kind": d.kind,
        "headcount": d.headcount,
        "score": exact_text(d.score),
        "pay_calculated": money_text(d.pay_calculated_cny),
        "controls": money_text(d.controls_cny),
        "penalties": money_text(d.penalties_cny),
        "pay_after_controls": money_text(d.pay_after_controls_cny),
        "cap": None if d.cap_cny is None else money_text(d.cap_cny),
        "banked": money_text(d.banked_cny),
        "floor": None if d.floor_cny is None else money_text(d.floor_cny),
        "bank_before": money_text(d.bank_before_cny),
        "bank_drawn": money_text(d.drawn_cny),
        "subsidy": money_text(d.subsidy_cny),
        "bank_after": money_text(d.bank_after_cny),
        "settled": money_text(d.settled_cny),
        "undistributed": money_text(d.undistributed_cny),
        "per_point_indicative": None if d.per_point is None else approx_text(d.per_point),
    }


def _person_json(p: PersonLine) -> dict[str, Any]:
    return {
        "employee_id": p.employee_id,
        "name": p.name,
        "department_id": p.department_id,
        "category": p.category,
        "status": p.status,
        "reason": p.reason,
        "score": exact_text(p.score),
        "ratio": exact_text(p.ratio),
        "points": exact_text(p.points),
        "pay": money_text(p.pay_cny),
        "post_bonus": money_text(p.post_bonus_cny),
        "study_leave": money_text(p.study_leave_cny),
        "restatement": money_text(p.restatement_cny),
        "total": money_text(p.total_cny),
    }


# ====================================================================== entry point


def calculate(facts: Facts, period: Period) -> Statement:
    """The statement of one period, from the facts known and the scheme in force."""
    # Memoised on the facts (dropped when they change): a report of Q4 computes Q1-Q3 for
    # the bank, and restatements, views and diffs ask for the same periods again.
    done: dict[Period, Statement] = facts.memo.setdefault("statements", {})
    if period in done:
        return done[period]
    with calc_context():
        if period.kind == "quarter":
            return _QuarterRun(facts, done).statement(period)
        if period.kind == "year_end":
            done[period] = calculate_year_end(facts, period)
            return done[period]
    raise InvalidRequestError(
        f"{period} is a {period.kind}; this scheme pays quarters (2026-Q1) and the "
        "year-end distribution (2026-YE)"
    )


def scheme_or_block(facts: Facts, period: Period) -> Scheme:
    scheme: Scheme | None = facts.scheme_for(period)
    if scheme is None:
        raise CalculationBlockedError(
            str(period), [Problem(str(period), "scheme", "no scheme adopted in force on "
                                  f"{period.first_day}; run adopt_scheme first")])
    return scheme


@dataclass
class _QuarterRun:
    """Quarters of a year depend on each other through the bank, so one run computes
    earlier quarters once and reuses them."""

    facts: Facts
    done: dict[Period, Statement] = field(default_factory=dict)

    def statement(self, period: Period) -> Statement:
        if period not in self.done:
            self.done[period] = calculate_quarter(self.facts, period, self._bank_before(period))
        return self.done[period]

    def _bank_before(self, period: Period) -> dict[str, Decimal]:
        """Each department's same-year bank on entering the period (forward-only)."""
        bank: dict[str, Decimal] = defaultdict(lambda: ZERO)
        for earlier in period.previous_in_year():
            if not _has_pool(self.facts, earlier):
                continue  # not run in this ledger: no bank movement
            for d in self.statement(earlier).departments:
                bank[d.department_id] = d.bank_after_cny
        return dict(bank)


def quarter_people(facts: Facts, quarter: Period, scheme: Scheme) -> list[PersonScore]:
    """A quarter's individual scores: those its statement computed when it has been
    computed on these facts (memoised, dropped with them), else scored afresh. Scoring
    everyone again for each quarter was half the cost of a catch-up's year end."""
    known: list[PersonScore] | None = facts.memo.get("people", {}).get(quarter)
    if known is not None:
        return known
    return score_people(facts, quarter, scheme, Ledgerbook())


def _has_pool(facts: Facts, period: Period) -> bool:
    return any(isinstance(e, PoolDeclared) for e in facts.in_period(period))


# ====================================================================== quarter stages


def size_pool(
    facts: Facts, period: Period, scheme: Scheme, book: Ledgerbook
) -> tuple[Decimal, list[tuple[str, Decimal]], Decimal, list[Problem]]:
    """(distributable, pool lines, year-end reserve, problems) — S11-R06, A-S11-1."""
    events = facts.in_period(period)
    declared = [e for e in events if isinstance(e, PoolDeclared)]
    adjustments = [e for e in events if isinstance(e, PoolAdjusted)]
    if not declared:
        return ZERO, [], ZERO, [Problem(str(period), "pool", "no pool declared (declare_pool)")]
    pool = declared[-1]
    rule = scheme.pool
    if pool.medical_revenue_cny is not None:
        revenue = q(pool.medical_revenue_cny)
        gross = cny_half_up(revenue * q(rule.rate))
        reserve_basis = revenue if rule.reserve_basis == "revenue" else q(gross)
        reserve = cny_half_up(reserve_basis * q(rule.year_end_reserve_rate))
        book.add("pool:gross", "pool before the year-end reserve", gross, "cny",
                 "medical revenue × rate", literals=(("medical_revenue_cny",
                 str(pool.medical_revenue_cny)), ("rate", exact_text(rule.rate))),
                 ref=rule.ref, event_ids=(str(pool.originator_id),))
        book.add("pool:reserve", "year-end reserve", reserve, "cny",
                 f"{rule.reserve_basis} × year-end reserve rate",
                 literals=(("rate", exact_text(rule.year_end_reserve_rate)),),
                 ref=rule.reserve_ref, event_ids=(str(pool.originator_id),))
        lines = [("medical_revenue", pool.medical_revenue_cny), ("gross", gross),
                 ("year_end_reserve", reserve)]
    else:
        gross, reserve = pool.amount_cny or ZERO, ZERO
        book.add("pool:gross", "pool (stated amount)", gross, "cny", "declared amount",
                 ref=rule.ref, event_ids=(str(pool.originator_id),))
        book.add("pool:reserve", "year-end reserve", reserve, "cny", "none on a stated amount",
                 ref=rule.reserve_ref)
        lines = [("stated", gross), ("year_end_reserve", reserve)]
    adjusted = sum_cny(e.amount_cny for e in adjustments)
    distributable = gross - reserve + adjusted
    book.add("pool:distributable", "distributable pool", distributable, "cny",
             "gross − year-end reserve + adjustments", inputs=("pool:gross", "pool:reserve"),
             literals=(("adjustments_cny", money_text(adjusted)),), ref=rule.ref,
             event_ids=tuple(str(e.originator_id) for e in adjustments))
    lines += [("adjustments", adjusted), ("distributable", distributable)]
    problems = []
    if distributable < 0:
        problems.append(Problem(str(period), "pool", "adjustments make the pool negative"))
    return distributable, lines, reserve, problems


def split_pool_by_points(
    distributable: Decimal, departments: list[DepartmentScore], scheme: Scheme, book: Ledgerbook
) -> dict[str, Decimal]:
    """S11-R09: hospital per-point pay = pool ÷ total points; department pay = per-point ×
    score, allocated by largest remainder so the departments add up to the pool."""
    total = exact_sum(d.score for d in departments)
    book.add("hospital:points", "hospital total points", total, "points", "Σ department scores",
             inputs=tuple(f"dept:{d.department_id}:score" for d in departments),
             ref=scheme.allocation_ref)
    if total > 0:
        book.add("hospital:per_point", "hospital per-point pay (indicative)",
                 q(distributable) / total, "ratio", "distributable pool ÷ hospital total points",
                 inputs=("pool:distributable", "hospital:points"), ref=scheme.allocation_ref)
    shares = allocate_largest_remainder(
        distributable, {d.department_id: d.score for d in departments})
    for d in departments:
        book.add(f"dept:{d.department_id}:pay_calculated", f"{d.name}: calculated pay",
                 shares[d.department_id], "cny",
                 "pool × department score ÷ hospital points (largest remainder to the fen)",
                 inputs=("pool:distributable", f"dept:{d.department_id}:score", "hospital:points"),
                 ref=scheme.allocation_ref)
    return shares


def apply_controls(
    line: DepartmentLine,
    controls: list[ControlIndicatorMeasured],
    scheme: Scheme,
    book: Ledgerbook,
) -> DepartmentLine:
    """S11-R27…R30: the three controls, on the calculated pay, never below zero."""
    key = f"dept:{line.department_id}"
    rules = {rule.indicator: rule for rule in scheme.controls}
    base = q(line.pay_calculated_cny)
    parts = []
    for measured in sorted(controls, key=lambda c: c.indicator):
        rule = rules.get(measured.indicator)
        if rule is None:
            continue
        limit, actual = q(measured.limit), q(measured.actual)
        if rule.kind == "amount_overrun":
            over = max(ZERO_Q, actual - limit)
            amount = cny_half_up(over * q(rule.share_of_overrun or 1))
            formula = "max(0, actual − limit) × share of overrun"
        else:
            points = actual - limit if rule.measurement == "absolute_points" else (
                (actual / limit - 1) * 100)
            points = max(ZERO_Q, points)
            if rule.fractions == "whole":
                points = whole_points(points)
            amount = cny_half_up(points * q(rule.rate_per_point or 0) * base)
            formula = ("whole points over × rate per point × calculated pay"
                       if rule.fractions == "whole"
                       else "points over × rate per point × calculated pay")
        sub_key = f"{key}:control:{measured.indicator}"
        book.add(sub_key, f"{line.name}: {measured.indicator} deduction", amount, "cny", formula,
                 inputs=(f"{key}:pay_calculated",),
                 literals=(("limit", exact_text(measured.limit)),
                           ("actual", exact_text(measured.actual))),
                 ref=rule.ref, event_ids=(str(measured.originator_id),))
        parts.append(sub_key)
    total = min(line.pay_calculated_cny,
                sum_cny(book.figures[k].value for k in parts))
    book.add(f"{key}:controls", f"{line.name}: control deductions", total, "cny",
             "min(calculated pay, Σ control deductions)", inputs=tuple(parts),
             ref=scheme.controls[0].ref if scheme.controls else None)
    return replace(line, controls_cny=total)


def apply_penalties(
    line: DepartmentLine, penalties: list[DepartmentPenaltyRecorded], scheme: Scheme,
    book: Ledgerbook,
) -> DepartmentLine:
    """S11-R60: pharmacy shortages and unreturned drugs at a multiple of retail value."""
    key = f"dept:{line.department_id}"
    amount = ZERO
    ids = []
    literals = []
    ref = None
    for penalty in penalties:
        rule = scheme.penalties.get(penalty.kind)
        if rule is None:
            continue
        ref = rule.ref
        amount += cny_half_up(q(penalty.retail_value_cny) * q(rule.multiple))
        ids.append(str(penalty.originator_id))
        literals.append((f"{penalty.kind}:retail_value_cny", str(penalty.retail_value_cny)))
    amount = min(amount, line.pay_calculated_cny - line.controls_cny)
    book.add(f"{key}:penalties", f"{line.name}: department penalties", amount, "cny",
             "Σ retail value × multiple, never below zero pay", literals=tuple(literals),
             ref=ref, event_ids=tuple(ids))
    return replace(line, penalties_cny=amount)


def apply_cap(
    line: DepartmentLine, average_bonus: Fraction, scheme: Scheme, book: Ledgerbook
) -> DepartmentLine:
    """S11-R57: at most 2 × the hospital average bonus per head; the excess is banked."""
    if line.headcount == 0:
        return line
    key = f"dept:{line.department_id}"
    cap = cny_half_up(q(scheme.cap.multiple_of_average_bonus) * average_bonus * line.headcount)
    book.add(f"{key}:cap", f"{line.name}: cap", cap, "cny",
             "multiple × hospital average bonus × head-count",
             inputs=("hospital:average_bonus", f"{key}:headcount"),
             literals=(("multiple", exact_text(scheme.cap.multiple_of_average_bonus)),),
             ref=scheme.cap.ref)
    banked = max(ZERO, line.pay_after_controls_cny - cap)
    book.add(f"{key}:banked", f"{line.name}: excess banked for the same year", banked, "cny",
             "max(0, pay after controls − cap)", inputs=(f"{key}:cap",), ref=scheme.cap.bank_ref)
    return replace(line, cap_cny=cap, banked_cny=banked)


def top_up_to_floor(line: DepartmentLine, scheme: Scheme, book: Ledgerbook) -> DepartmentLine:
    """S11-R58: at least 600 per head; the bank pays first (A-S11-12), then the hospital."""
    if line.headcount == 0:
        return line
    key = f"dept:{line.department_id}"
    floor = scheme.floor.amount_per_head_cny * line.headcount
    book.add(f"{key}:floor", f"{line.name}: floor", floor, "cny", "amount per head × head-count",
             inputs=(f"{key}:headcount",),
             literals=(("amount_per_head_cny", str(scheme.floor.amount_per_head_cny)),),
             ref=scheme.floor.ref)
    after_cap = line.pay_after_controls_cny - line.banked_cny
    shortfall = max(ZERO, floor - after_cap)
    available = line.bank_before_cny if scheme.floor.draw_bank_first else ZERO
    drawn = min(shortfall, available)
    subsidy = shortfall - drawn
    book.add(f"{key}:bank_before", f"{line.name}: bank brought forward", line.bank_before_cny,
             "cny", "bank after the previous quarter of the same year",
             ref=scheme.cap.bank_ref)
    book.add(f"{key}:drawn", f"{line.name}: drawn from the bank", drawn, "cny",
             "min(shortfall below the floor, bank brought forward)",
             inputs=(f"{key}:floor", f"{key}:bank_before"), ref=scheme.floor.ref)
    book.add(f"{key}:subsidy", f"{line.name}: hospital subsidy", subsidy, "cny",
             "shortfall below the floor − drawn", inputs=(f"{key}:floor", f"{key}:drawn"),
             ref=scheme.floor.ref)
    return replace(line, floor_cny=floor, drawn_cny=drawn, subsidy_cny=subsidy)


def split_department_pay(
    line: DepartmentLine, members: list[PersonScore], scheme: Scheme, book: Ledgerbook
) -> tuple[DepartmentLine, dict[str, Decimal]]:
    """S11-R31/R33: per-point pay = department pay ÷ department points; each person's
    pay = per-point × own points, by largest remainder so the department adds up."""
    key = f"dept:{line.department_id}"
    settled = line.settled_cny
    book.add(f"{key}:settled", f"{line.name}: settled pay", settled, "cny",
             "calculated − controls − penalties − banked + drawn + subsidy",
             inputs=(f"{key}:pay_calculated", f"{key}:controls", f"{key}:penalties",
                     f"{key}:banked", f"{key}:drawn", f"{key}:subsidy"),
             ref=scheme.allocation_ref)
    taking_part = [m for m in members if m.participates and m.points > 0]
    points = sum((m.points for m in taking_part), ZERO_Q)
    book.add(f"{key}:points", f"{line.name}: department total points", points, "points",
             "Σ members' points counted",
             inputs=tuple(f"person:{m.employee_id}:points" for m in taking_part),
             ref=scheme.individual_score_ref)
    if points == 0:
        return replace(line, undistributed_cny=settled), {}
    per_point = q(settled) / points
    book.add(f"{key}:per_point", f"{line.name}: per-point pay (indicative)", per_point, "ratio",
             "settled pay ÷ department total points", inputs=(f"{key}:settled", f"{key}:points"),
             ref=scheme.individual_score_ref)
    if scheme.participation.ratio_scales == "points":
        weights = {m.employee_id: m.points for m in taking_part}
        shares = allocate_largest_remainder(settled, weights)
        undistributed = ZERO
    else:
        # Option: full points in the divisor, pay scaled by the ratio; the rest returns.
        full = allocate_largest_remainder(
            settled, {m.employee_id: m.points for m in taking_part})
        shares = {m.employee_id: cny_half_up(q(full[m.employee_id]) * m.ratio)
                  for m in taking_part}
        undistributed = settled - sum_cny(shares.values())
    for m in taking_part:
        book.add(f"person:{m.employee_id}:pay", f"{m.name}: performance pay",
                 shares[m.employee_id], "cny",
                 "per-point pay × points counted (largest remainder to the fen)",
                 inputs=(f"person:{m.employee_id}:points", f"{key}:per_point"),
                 ref=scheme.individual_score_ref)
    return replace(line, per_point=per_point, undistributed_cny=undistributed), shares


def pay_post_bonus(
    facts: Facts, period: Period, person: PersonScore, average_bonus: Fraction, scheme: Scheme,
    book: Ledgerbook,
) -> Decimal:
    """S11-R48: leaders and middle managers who passed their tenure-target assessment get
    a share of the hospital average bonus, paid by the hospital outside the pool."""
    rate = scheme.posts[person.post].bonus_rate
    if rate == 0 or not person.participates:
        return ZERO
    assessments = [
        e for e in facts.about_employee(person.employee_id)
        if isinstance(e, AssessmentRecorded) and e.kind == "tenure_target"
        and e.year <= period.year
    ]
    latest = max(assessments, key=lambda e: e.year, default=None)
    passed = latest is not None and latest.result == "pass"
    amount = cny_half_up(q(rate) * average_bonus) if passed else ZERO
    book.add(f"person:{person.employee_id}:post_bonus", f"{person.name}: post bonus", amount,
             "cny",
             "rate × hospital average bonus" if passed
             else "not paid: no passed tenure-target assessment",
             inputs=("hospital:average_bonus",),
             literals=(("post", person.post), ("rate", exact_text(rate))),
             ref=scheme.post_bonus.ref,
             event_ids=(str(latest.originator_id),) if latest else ())
    return amount


def pay_study_leave(
    facts: Facts, period: Period, people: list[PersonScore], pay: dict[str, Decimal],
    scheme: Scheme, book: Ledgerbook,
) -> dict[str, Decimal]:
    """S11-R56: staff away for more than a month are paid by the hospital a share of the
    average pay of same-level staff (same title grade, hospital-wide, A-S11-15)."""
    same_level: dict[str, list[Decimal]] = defaultdict(list)
    for person in people:
        if person.participates and person.employee_id in pay:
            same_level[person.title_grade].append(pay[person.employee_id])
    paid: dict[str, Decimal] = {}
    for person in people:
        away = study_leave_band(facts.leaves_of(person.employee_id), period, scheme)
        if person.participates or away is None or away[0].payer == "department":
            continue
        band, leave = away
        peers = same_level.get(person.title_grade, [])
        average = q(sum_cny(peers)) / len(peers) if peers else ZERO_Q
        amount = cny_half_up(average * q(band.rate)) if band.payer == "hospital" else ZERO
        book.add(f"person:{person.employee_id}:study_leave", f"{person.name}: study-leave pay",
                 amount, "cny", "band rate × average pay of same-level staff",
                 literals=(("title_grade", person.title_grade),
                           ("same_level_people", str(len(peers))),
                           ("same_level_average_cny", exact_text(average)),
                           ("away", f"{leave.first_day}…{leave.last_day}"),
                           ("rate", exact_text(band.rate))),
                 ref=scheme.study_leave.ref if scheme.study_leave else None,
                 event_ids=(str(leave.originator_id),))
        paid[person.employee_id] = amount
    return paid


def calculate_quarter(facts: Facts, period: Period, bank_before: dict[str, Decimal]) -> Statement:
    scheme = scheme_or_block(facts, period)
    scheme_event = facts.scheme_event_for(period)
    invariant(scheme_event is not None, "a scheme in force has its adoption event")
    book = Ledgerbook()
    problems: list[Problem] = []

    distributable, pool_lines, reserve, pool_problems = size_pool(facts, period, scheme, book)
    problems += pool_problems
    people = score_people(facts, period, scheme, book)
    # The year end's mean of quarterly scores reuses these (see `quarter_people`).
    facts.memo.setdefault("people", {})[period] = people
    departments, score_problems = score_departments(facts, period, scheme, people, book)
    problems += score_problems
    if problems:
        raise CalculationBlockedError(str(period), problems)

    headcount = sum(d.headcount for d in departments)
    average_bonus = q(distributable) / headcount if headcount else ZERO_Q
    book.add("hospital:headcount", "hospital head-count in scoring", q(headcount), "people",
             "Σ department head-counts", ref=scheme.cap.ref)
    book.add("hospital:average_bonus", "hospital average bonus per head", average_bonus, "cny",
             "distributable pool ÷ hospital head-count (before caps and floors)",
             inputs=("pool:distributable", "hospital:headcount"), ref=scheme.cap.ref)

    calculated = split_pool_by_points(distributable, departments, scheme, book)
    controls, penalties = department_money_events(facts, period)
    members: dict[str, list[PersonScore]] = defaultdict(list)
    for person in people:
        members[person.department_id].append(person)

    lines = []
    pay: dict[str, Decimal] = {}
    for d in departments:
        line = DepartmentLine(d.department_id, d.name, d.kind, d.headcount, d.score,
                              calculated[d.department_id],
                              bank_before_cny=bank_before.get(d.department_id, ZERO))
        line = apply_controls(line, controls.get(d.department_id, []), scheme, book)
        line = apply_penalties(line, penalties.get(d.department_id, []), scheme, book)
        line = apply_cap(line, average_bonus, scheme, book)
        line = top_up_to_floor(line, scheme, book)
        line, shares = split_department_pay(line, members[d.department_id], scheme, book)
        invariant(sum_cny(shares.values()) + line.undistributed_cny == line.settled_cny,
                  f"{d.department_id}: individual pay does not add up to settled pay")
        pay.update(shares)
        lines.append(line)

    study = pay_study_leave(facts, period, people, pay, scheme, book)
    person_lines = []
    for person in sorted(people, key=lambda p: (p.department_id, p.employee_id)):
        bonus = pay_post_bonus(facts, period, person, average_bonus, scheme, book)
        person_lines.append(PersonLine(
            person.employee_id, person.name, person.department_id, person.category,
            "paid" if person.participates else "excluded", person.reason, person.score,
            person.ratio, person.points, pay.get(person.employee_id, ZERO), bonus,
            study.get(person.employee_id, ZERO)))

    notes = [f"scheme {scheme.key} ({scheme.source})"]
    if period.index == 4:
        lapsed = sum_cny(line.bank_after_cny for line in lines)
        notes.append(f"bank lapsing at year end (超年度无效): {money_text(lapsed)}")
    statement = Statement(
        period=str(period),
        scheme_key=scheme.key,
        scheme_sha256=scheme.sha256,
        departments=tuple(lines),
        people=tuple(person_lines),
        reconciliation=tuple(_reconcile_quarter(distributable, lines, person_lines)),
        pool=tuple(pool_lines),
        notes=tuple(notes),
        book=book,
    )
    invariant(statement.balance_cny == 0, f"{period} does not reconcile: {statement.balance_cny}")
    del reserve
    return statement


def _reconcile_quarter(
    distributable: Decimal, lines: list[DepartmentLine], people: list[PersonLine]
) -> list[tuple[str, Decimal]]:
    """Signed lines: money in (+) and money out (−). They sum to 0.00 or the run fails."""
    # With no department points at all (nobody on the roster yet, every score 0) the
    # pool reaches no department: it stays with the hospital, on a line of its own.
    unallocated = distributable - sum_cny(d.pay_calculated_cny for d in lines)
    return [
        ("distributable pool", distributable),
        ("pool not allocated (no department points)", -unallocated),
        ("bank drawn (same-year carry-over)", sum_cny(d.drawn_cny for d in lines)),
        ("hospital floor subsidy", sum_cny(d.subsidy_cny for d in lines)),
        ("hospital post bonus (outside the pool)", sum_cny(p.post_bonus_cny for p in people)),
        ("hospital study-leave pay (outside the pool)",
         sum_cny(p.study_leave_cny for p in people)),
        ("control deductions retained by the hospital", -sum_cny(d.controls_cny for d in lines)),
        ("department penalties retained by the hospital",
         -sum_cny(d.penalties_cny for d in lines)),
        ("excess over cap banked", -sum_cny(d.banked_cny for d in lines)),
        ("undistributed (no points to share it)", -sum_cny(d.undistributed_cny for d in lines)),
        ("paid to people", -sum_cny(p.total_cny for p in people)),
    ]


# ====================================================================== year end


def calculate_year_end(facts: Facts, period: Period) -> Statement:
    scheme = scheme_or_block(facts, period)
    book = Ledgerbook()
    problems: list[Problem] = []
    rule = scheme.year_end

    reserves = []
    for quarter in period.quarters_of_year():
        if not _has_pool(facts, quarter):
            continue
        quarter_book = Ledgerbook()
        quarter_scheme = facts.scheme_for(quarter) or scheme
        _, _, reserve, _ = size_pool(facts, quarter, quarter_scheme, quarter_book)
        reserves.append((str(quarter), reserve))
    adjustments = [e for e in facts.in_period(period) if isinstance(e, PoolAdjusted)]
    adjusted = sum_cny(e.amount_cny for e in adjustments)
    pool = sum_cny(r for _, r in reserves) + adjusted
    book.add("pool:distributable", "year-end pool", pool, "cny",
             "Σ quarterly year-end reserves + adjustments",
             literals=tuple((f"reserve {name}", money_text(r)) for name, r in reserves),
             ref=rule.pool_ref, event_ids=tuple(str(e.originator_id) for e in adjustments))

    # Individual year-end score: mean of the year's quarterly scores (A-S11-18) plus the
    # year-end CME and training penalties (S11-R38, A-S11-23).
    quarter_scores: dict[str, list[Fraction]] = defaultdict(list)
    last_seen: dict[str, PersonScore] = {}
    for quarter in period.quarters_of_year():
        quarter_scheme = facts.scheme_for(quarter)
        if quarter_scheme is None or not _has_pool(facts, quarter):
            continue  # only the quarters this ledger ran count in the mean
        for person in quarter_people(facts, quarter, quarter_scheme):
            last_seen[person.employee_id] = person
            if person.participates:
                quarter_scores[person.employee_id].append(person.score)
    year_events = facts.in_year(period.year)
    credits = {e.employee_id: e for e in year_events if isinstance(e, CmeCreditsRecorded)}
    refusals = {e.employee_id: e for e in year_events if isinstance(e, TrainingRefused)}
    verdicts = {e.employee_id: e for e in year_events
                if isinstance(e, AssessmentRecorded) and e.kind == "year_end"}
    targets = {e.department_id: e for e in year_events
               if isinstance(e, AnnualTargetScoreRecorded)}

    people: list[PersonScore] = []
    forfeits: set[str] = set()
    for employee_id, person in sorted(last_seen.items()):
        key = f"person:{employee_id}"
        scores = quarter_scores.get(employee_id, [])
        if not scores:
            people.append(replace(person, participates=False,
                                  reason=person.reason or "took part in no quarter"))
            book.add(f"{key}:points", f"{person.name}: year-end points", ZERO_Q, "points",
                     "took part in no quarter", ref=rule.score_ref)
            continue
        mean = sum(scores, ZERO_Q) / len(scores)
        book.add(f"{key}:quarter_mean", f"{person.name}: mean quarterly score", mean, "points",
                 "mean of the quarters taken part in",
                 literals=tuple((f"q{i + 1}", exact_text(s)) for i, s in enumerate(scores)),
                 ref=rule.score_ref)
        cme = credits.get(employee_id)
        cme_points = (q(rule.cme_shortfall_points)
                      if cme is not None and cme.credits < rule.cme_min_credits else ZERO_Q)
        refusal_points = q(rule.refused_training_points) if employee_id in refusals else ZERO_Q
        book.add(f"{key}:year_end_penalties", f"{person.name}: CME and training penalties",
                 cme_points + refusal_points, "points",
                 "−10 if CME credits < 20; −10 if a training placement was refused",
                 ref=rule.cme_ref,
                 event_ids=tuple(str(e.originator_id) for e in (cme, refusals.get(employee_id))
                                 if e is not None))
        score = max(ZERO_Q, mean + cme_points + refusal_points)
        verdict = verdicts.get(employee_id)
        failed = verdict is not None and verdict.result == "fail"
        points = score * person.ratio
        if failed and rule.failed == "exclude":
            points = ZERO_Q
        book.add(f"{key}:points", f"{person.name}: year-end points", points, "points",
                 "excluded: failed the year-end assessment" if failed and rule.failed == "exclude"
                 else "(mean quarterly score + penalties) × participation ratio",
                 inputs=(f"{key}:quarter_mean", f"{key}:year_end_penalties"),
                 ref=rule.gate_ref if failed else rule.score_ref,
                 event_ids=(str(verdict.originator_id),) if verdict else ())
        if failed and rule.failed == "forfeit":
            forfeits.add(employee_id)
        people.append(replace(
            person, participates=not (failed and rule.failed == "exclude"),
            reason="failed the year-end assessment: no year-end pay" if failed else "",
            score=score, points=points))

    members: dict[str, list[PersonScore]] = defaultdict(list)
    for person in people:
        members[person.department_id].append(person)
    weights: dict[str, Fraction] = {}
    for department_id in sorted(members):
        target = targets.get(department_id)
        if target is None and any(m.participates for m in members[department_id]):
            problems.append(Problem(f"department {department_id}", "annual_target_score",
                                    f"no annual target score recorded for {period.year}"))
            continue
        if target is not None:
            weights[department_id] = q(target.score)
    if problems:
        raise CalculationBlockedError(str(period), problems)

    shares = allocate_largest_remainder(pool, weights)
    lines = []
    pay: dict[str, Decimal] = {}
    forfeited = ZERO
    for department_id, amount in sorted(shares.items()):
        target = targets[department_id]
        definition = facts.department_on(department_id, period.last_day)
        name = definition.name if definition else department_id
        key = f"dept:{department_id}"
        book.add(f"{key}:score", f"{name}: annual target score", q(target.score), "points",
                 "recorded", ref=rule.pool_ref, event_ids=(str(target.originator_id),))
        book.add(f"{key}:pay_calculated", f"{name}: year-end pay", amount, "cny",
                 "year-end pool × score ÷ Σ scores (largest remainder)",
                 inputs=("pool:distributable", f"{key}:score"), ref=rule.pool_ref)
        headcount = sum(1 for m in members[department_id] if m.participates)
        line = DepartmentLine(department_id, name, definition.kind if definition else "",
                              headcount, q(target.score), amount)
        line, person_shares = split_department_pay(line, members[department_id], scheme, book)
        for employee_id in forfeits & set(person_shares):
            forfeited += person_shares.pop(employee_id)
        pay.update(person_shares)
        lines.append(line)

    person_lines = tuple(
        PersonLine(p.employee_id, p.name, p.department_id, p.category,
                   "paid" if p.participates and p.employee_id not in forfeits else "excluded",
                   p.reason, p.score, p.ratio, p.points, pay.get(p.employee_id, ZERO), ZERO)
        for p in sorted(people, key=lambda p: (p.department_id, p.employee_id))
    )
    unallocated = pool - sum_cny(d.pay_calculated_cny for d in lines)
    reconciliation = (
        ("year-end pool", pool),
        ("pool not allocated (no annual target points)", -unallocated),
        ("forfeited by failed assessments (returned to the hospital)", -forfeited),
        ("undistributed (no points to share it)", -sum_cny(d.undistributed_cny for d in lines)),
        ("paid to people", -sum_cny(p.total_cny for p in person_lines)),
    )
    statement = Statement(
        period=str(period), scheme_key=scheme.key, scheme_sha256=scheme.sha256,
        departments=tuple(lines), people=person_lines, reconciliation=reconciliation,
        pool=(*((f"reserve {n}", r) for n, r in reserves), ("adjustments", adjusted),
              ("distributable", pool)),
        notes=(f"scheme {scheme.key} ({scheme.source})",), book=book,
    )
    invariant(statement.balance_cny == 0, f"{period} does not reconcile")
    return statement
