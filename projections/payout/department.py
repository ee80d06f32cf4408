"""A department's pay, line by line: controls and penalties deducted, the cap (the excess
banked), the floor (the bank drawn first, then a hospital subsidy), and the split among
its people. Each takes a line and returns a new one; none mutates."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from fractions import Fraction

from domain.events import ControlIndicatorMeasured, DepartmentPenaltyRecorded
from domain.money import ZERO, allocate_largest_remainder, sum_cny
from domain.scheme import Scheme
from projections.exact import ZERO_Q, cny_half_up, common_sum, q, whole_points
from projections.figures import Ledgerbook, exact_text
from projections.payout.statement import DepartmentLine
from projections.scoring import PersonScore


def deduct_controls(
    line: DepartmentLine,
    controls: list[ControlIndicatorMeasured],
    scheme: Scheme,
    book: Ledgerbook,
) -> DepartmentLine:
    """S11-R27…R30: the three controls, on the calculated pay, never below zero."""
    key = f"dept:{line.department_id}"
    rules = {rule.indicator: rule for rule in scheme.controls}
    base = _control_base(line, scheme, book)
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
                           ("actual", exact_text(measured.actual)),
                           *((("calculated_pay_exact", exact_text(base)),)
                             if scheme.rounding == "once" else ())),
                 ref=rule.ref, event_ids=(str(measured.originator_id),))
        parts.append(sub_key)
    total = min(line.pay_calculated_cny,
                sum_cny(book.value(k) for k in parts))
    book.add(f"{key}:controls", f"{line.name}: control deductions", total, "cny",
             "min(calculated pay, Σ control deductions)", inputs=tuple(parts),
             ref=scheme.controls[0].ref if scheme.controls else None)
    return replace(line, controls_cny=total)


def _control_base(line: DepartmentLine, scheme: Scheme, book: Ledgerbook) -> Fraction:
    """The calculated pay a control rate applies to. Round once (A-G-5): the exact share,
    pool × score ÷ hospital points; before `rounding`, its largest-remainder fen amount."""
    points = book.get("hospital:points")
    if scheme.rounding != "once" or points is None or not points.value:
        return q(line.pay_calculated_cny)
    pool = book.value("pool:distributable")
    return q(pool) * q(line.score) / q(points.value)


def deduct_penalties(
    line: DepartmentLine, penalties: list[DepartmentPenaltyRecorded], scheme: Scheme,
    book: Ledgerbook,
) -> DepartmentLine:
    """S11-R60: pharmacy shortages and unreturned drugs at a multiple of retail value."""
    key = f"dept:{line.department_id}"
    amount = ZERO
    exact = ZERO_Q
    ids = []
    literals = []
    ref = None
    for penalty in penalties:
        rule = scheme.penalties.get(penalty.kind)
        if rule is None:
            continue
        ref = rule.ref
        exact += q(penalty.retail_value_cny) * q(rule.multiple)
        if scheme.rounding != "once":  # before `rounding`: each penalty to the fen, summed
            amount += cny_half_up(q(penalty.retail_value_cny) * q(rule.multiple))
        ids.append(str(penalty.originator_id))
        literals.append((f"{penalty.kind}:retail_value_cny", str(penalty.retail_value_cny)))
    if scheme.rounding == "once":
        amount = cny_half_up(exact)
    amount = min(amount, line.pay_calculated_cny - line.controls_cny)
    book.add(f"{key}:penalties", f"{line.name}: department penalties", amount, "cny",
             "Σ retail value × multiple, never below zero pay", literals=tuple(literals),
             ref=ref, event_ids=tuple(ids))
    return replace(line, penalties_cny=amount)


def apply_cap(
    line: DepartmentLine, average_bonus: Fraction, scheme: Scheme, book: Ledgerbook
) -> DepartmentLine:
    """S11-R57: at most the scheme's multiple of the hospital average bonus per head; the
    excess is banked."""
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
    """S11-R58: at least the scheme's amount per head; the bank pays first (A-S11-12), then
    the hospital."""
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
    taking_part = people_taking_part(members)
    points = common_sum(m.points for m in taking_part)
    book.add(f"{key}:points", f"{line.name}: department total points", points, "points",
             "Σ members' points counted",
             inputs=tuple(f"person:{m.employee_id}:points" for m in taking_part),
             ref=scheme.individual_score_ref)
    if points == 0:
        return split_line(line, None, {}, by_points=True)
    per_point = q(settled) / points
    book.add(f"{key}:per_point", f"{line.name}: per-point pay (indicative)", per_point, "ratio",
             "settled pay ÷ department total points", inputs=(f"{key}:settled", f"{key}:points"),
             ref=scheme.individual_score_ref)
    by_points = scheme.participation.ratio_scales == "points"
    if by_points:
        weights = {m.employee_id: m.points for m in taking_part}
        shares = allocate_largest_remainder(settled, weights)
    else:
        # Option: full points in the divisor, pay scaled by the ratio; the rest returns.
        shares = _pay_only_shares(settled, per_point, taking_part, scheme)
    for m in taking_part:
        # Not × 1 where the ratio does not scale: the same value, a Fraction product less.
        exact = per_point * m.points if by_points else per_point * m.points * m.ratio
        # The rounding step's input, beside its output (`pay`); read by no other figure.
        book.add(f"person:{m.employee_id}:pay_exact", f"{m.name}: pay before rounding",
                 exact, "cny", "per-point pay × points counted, exact",
                 inputs=(f"person:{m.employee_id}:points", f"{key}:per_point"),
                 ref=scheme.individual_score_ref)
        book.add(f"person:{m.employee_id}:pay", f"{m.name}: performance pay",
                 shares[m.employee_id], "cny",
                 "per-point pay × points counted (largest remainder to the fen)",
                 inputs=(f"person:{m.employee_id}:points", f"{key}:per_point"),
                 ref=scheme.individual_score_ref)
    return split_line(line, per_point, shares, by_points=by_points)


def people_taking_part(members: list[PersonScore]) -> list[PersonScore]:
    """The members a department's pay is split among: taking part, with points counted
    (`split_department_pay`, and a split taken from the stored statement). A Fraction's
    sign is its numerator's: comparing one with 0 builds a Fraction per person."""
    return [m for m in members if m.participates and m.points.numerator > 0]


def split_line(line: DepartmentLine, per_point: Fraction | None, shares: dict[str, Decimal],
               *, by_points: bool) -> tuple[DepartmentLine, dict[str, Decimal]]:
    """A split's result from its shares: the line with its per-point pay (None: nobody
    has points, and the whole pay returns undistributed) and what the shares leave of
    the settled pay (nothing by points: a largest remainder adds up exactly)."""
    if per_point is None:
        return replace(line, undistributed_cny=line.settled_cny), {}
    undistributed = ZERO if by_points else line.settled_cny - sum_cny(shares.values())
    return replace(line, per_point=per_point, undistributed_cny=undistributed), shares



def _pay_only_shares(settled: Decimal, per_point: Fraction, taking_part: list[PersonScore],
                     scheme: Scheme) -> dict[str, Decimal]:
    """Full points in the divisor, pay scaled by the ratio. Round once (A-G-5): exact
    per-point × points × ratio, to the fen once; before `rounding`, the full share was
    allocated to the fen first and then scaled and rounded again."""
    if scheme.rounding == "once":
        return {m.employee_id: cny_half_up(per_point * m.points * m.ratio)
                for m in taking_part}
    full = allocate_largest_remainder(settled, {m.employee_id: m.points for m in taking_part})
    return {m.employee_id: cny_half_up(q(full[m.employee_id]) * m.ratio) for m in taking_part}
