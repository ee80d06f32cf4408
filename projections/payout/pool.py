"""The pool of a period (S11-R06) and its split among departments by points (S11-R09)."""

from __future__ import annotations

from decimal import Decimal

from domain.errors import Problem
from domain.events import PoolAdjusted, PoolDeclared
from domain.facts import Facts
from domain.money import ZERO, allocate_largest_remainder, sum_cny
from domain.periods import Period
from domain.scheme import Scheme
from projections.department_scores import DepartmentScore
from projections.exact import cny_half_up, exact_sum, q
from projections.figures import Ledgerbook, exact_text, money_text
from projections.period_events import of_type


def has_pool(facts: Facts, period: Period) -> bool:
    return any(isinstance(e, PoolDeclared) for e in facts.in_period(period))




def pool_figures(
    facts: Facts, period: Period, scheme: Scheme, book: Ledgerbook
) -> tuple[Decimal, list[tuple[str, Decimal]], Decimal, list[Problem]]:
    """(distributable, pool lines, year-end reserve, problems) — S11-R06, A-S11-1."""
    declared = of_type(facts, period, PoolDeclared)
    adjustments = of_type(facts, period, PoolAdjusted)
    if not declared:
        return ZERO, [], ZERO, [Problem(str(period), "pool", "no pool declared (declare_pool)")]
    pool = declared[-1]
    rule = scheme.pool
    if pool.medical_revenue_cny is not None:
        revenue = q(pool.medical_revenue_cny)
        gross = cny_half_up(revenue * q(rule.rate))
        # Round once (A-G-5): the reserve on the pool is a share of the exact pool; the
        # versions adopted before `rounding` took it of the pool rounded to the fen.
        exact_gross = revenue * q(rule.rate) if scheme.rounding == "once" else q(gross)
        reserve_basis = revenue if rule.reserve_basis == "revenue" else exact_gross
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


def department_shares(
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
        if total > 0:  # the rounding step's input beside its output; read by no figure
            book.add(f"dept:{d.department_id}:pay_calculated_exact",
                     f"{d.name}: calculated pay before rounding",
                     q(distributable) * d.score / total, "cny",
                     "pool × department score ÷ hospital points, exact",
                     inputs=("pool:distributable", f"dept:{d.department_id}:score",
                             "hospital:points"), ref=scheme.allocation_ref)
        book.add(f"dept:{d.department_id}:pay_calculated", f"{d.name}: calculated pay",
                 shares[d.department_id], "cny",
                 "pool × department score ÷ hospital points (largest remainder to the fen)",
                 inputs=("pool:distributable", f"dept:{d.department_id}:score", "hospital:points"),
                 ref=scheme.allocation_ref)
    return shares

