"""Pools: after each subject's pay, the scheme's population calculations shared
`into: pay_line` for this pipeline (domain/calculations.py) are shared out among the
group, each member's part a pay line of the calculation's name.
Every split is by largest remainder, so the parts add up to the pool to the fen; a
group with a member still pending or blocked waits (no partial pool is paid).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any

from domain.calculations import PerPointPool, Redistribution, UnitRate, percent
from domain.expressions import ExpressionError, MissingInputError, evaluate
from domain.grading import PayLine
from domain.money import ZERO, allocate_largest_remainder, sum_cny
from projections.exact import cny_half_up
from projections.figures import exact_text, money_text
from projections.grading.context import GradingContext
from projections.grading.env import SubjectEnv, holds
from projections.grading.model import PayResult, PipelineResult, SubjectResult
from projections.grading.reading import num

Pool = PerPointPool | Redistribution | UnitRate
# A subject's pay line's reason and the name of where a shut gate's pool goes: data of the
# grades report (JSON), so language-neutral English, worded where shown (their Chinese are
# templates of api/i18n/error_templates.py).
WAITS = "{subject} is {status}: the pool waits for every member"
GATE_SHUT = "{gate} does not hold: not paid"
NOT_AN_AMOUNT = "{fund} on {unit} is {value}: the pool must be an amount, not negative"
NOT_AN_AMOUNT_FROM = ("{fund} on {unit} is {value}: the pool must be an amount, not negative "
                      "{literals}")
Named = tuple[str, Pool]  # a calculation's name (its pay line id) and its parameters


class PoolWaits(Exception):
    """The group's pool cannot be shared yet (a member pending, an input missing)."""

    def __init__(self, status: str, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def allocate_pools(run: GradingContext, result: PipelineResult) -> None:
    for name, pool in (run.scheme.calculations or {}).items():
        if not isinstance(pool, Pool) or pool.into != "pay_line" or \
                pool.pipeline != result.pipeline.name:
            continue
        for unit_id, members in _groups(pool, result).items():
            try:
                ALLOCATORS[pool.kind](run, result, (name, pool), unit_id, members)
            except PoolWaits as waits:
                _wait((name, pool), members, waits)
            except MissingInputError as missing:
                _wait((name, pool), members, PoolWaits(
                    "blocked", f"no {missing.name} recorded for {result.period}"))
            except ExpressionError as error:
                _wait((name, pool), members, PoolWaits("blocked", str(error)))


def _groups(pool: Pool, result: PipelineResult) -> dict[str | None, list[SubjectResult]]:
    groups: dict[str | None, list[SubjectResult]] = defaultdict(list)
    for subject in result.subjects.values():
        if subject.status == "not_assessed":
            continue
        key = subject.subject.unit_id if pool.group == "unit" else None
        groups[key].append(subject)
    return dict(sorted(groups.items(), key=lambda item: item[0] or ""))


def _line(named: Named, line_id: str | None = None, label: str | None = None,
          withheld_to: str | None = None) -> PayLine:
    # A pool reports on each member as a pay line of its own name, citing the pool's rule.
    name, pool = named
    return PayLine(id=line_id or name, label=label or pool.label, kind="amount",
                   amount="0", withheld_to=withheld_to, ref=pool.ref)


def _wait(pool: Named, members: list[SubjectResult], waits: PoolWaits) -> None:
    for member in members:
        member.pay.append(PayResult(_line(pool), waits.status, reason=waits.reason))


def _ready(members: list[SubjectResult]) -> None:
    for member in members:
        if member.status in ("pending", "blocked"):
            raise PoolWaits("pending" if member.status == "pending" else "blocked",
                            WAITS.format(subject=member.subject_id, status=member.status))


def _each(run: GradingContext, result: PipelineResult, member: SubjectResult,
          expr: str) -> tuple[Fraction, dict[str, str]]:
    env = SubjectEnv(run, result, member)
    env.reset()
    value = num(evaluate(expr, env))
    return value, dict(sorted(env.literals.items()))


def _on_unit(run: GradingContext, named: Named, period_result: PipelineResult,
             unit_id: str | None, expr: str) -> tuple[Fraction | bool, dict[str, str]]:
    """An expression evaluated on the group's unit in the pool's unit pipeline."""
    name, pool = named
    if pool.unit_pipeline is None or unit_id is None:
        raise ExpressionError(f"pool {name}: members have no unit")
    units = run.run(pool.unit_pipeline, period_result.period)
    unit = units.subjects.get(unit_id)
    if unit is None:
        raise PoolWaits("blocked", f"unit {unit_id} is not assessed by {pool.unit_pipeline}")
    env = SubjectEnv(run, units, unit)
    env.reset()
    value = evaluate(expr, env)
    return (value if isinstance(value, Fraction) else bool(value)), dict(env.literals)


def _pay(member: SubjectResult, line: PayLine, amount: Decimal, part: dict[str, Any],
         withheld: Decimal = ZERO) -> None:
    pay = PayResult(line, "ok", paid_cny=amount, withheld_cny=withheld)
    pay.parts.append({"label": line.label, "amount": money_text(amount), **part})
    member.pay.append(pay)


def _per_point(run: GradingContext, result: PipelineResult, named: Named,
               unit_id: str | None, members: list[SubjectResult]) -> None:
    pool = named[1]
    assert isinstance(pool, PerPointPool)
    _ready(members)
    contribution = pool.contribution or "0"  # set on every pay-line pool (its validator)
    contributions = {m.subject_id: _each(run, result, m, contribution)[0] for m in members}
    points = {m.subject_id: max(Fraction(0), _each(run, result, m, pool.points)[0])
              for m in members}
    fund, fund_text = _fund(run, named, result, unit_id, contributions)
    gate_text = ""
    if pool.gate is not None:
        gate, literals = _on_unit(run, named, result, unit_id, pool.gate)
        gate_text = f"{pool.gate} on {unit_id}: {'holds' if gate else 'fails'} {literals}"
        if not gate:
            fund = ZERO
    total_points = sum(points.values(), Fraction(0))
    shares = allocate_largest_remainder(fund, points) if total_points else {
        k: ZERO for k in points}
    # An emptied pool (亏欠不发) is shown as each member's contribution withheld.
    kept = {k: ZERO for k in points} if fund or not contributions else (
        allocate_largest_remainder(cny_half_up(sum(contributions.values(), Fraction(0))),
                                   {k: max(Fraction(0), v) for k, v in contributions.items()}))
    per_point = Fraction(fund) / total_points if total_points else Fraction(0)
    line = _line(named, withheld_to=pool.gate and GATE_SHUT.format(gate=pool.gate))
    for member in members:
        sid = member.subject_id
        _pay(member, line, shares[sid], {
            "pool": money_text(fund), "contributions": fund_text or f"Σ {contribution}",
            "points": exact_text(points[sid]), "points_total": exact_text(total_points),
            "per_point": exact_text(per_point), "gate": gate_text or None,
            "formula": "分配池 × 本人得分 ÷ 得分合计,按最大余额法分配 "
                       "(pool × points ÷ Σ points, largest remainder)"},
             withheld=kept[sid])


def _fund(run: GradingContext, named: Named, result: PipelineResult, unit_id: str | None,
          contributions: Mapping[str, Fraction]) -> tuple[Decimal, str]:
    """The pool: Σ contributions, or the unit's own amount (`unit_fund`), to the fen."""
    pool = named[1]
    assert isinstance(pool, PerPointPool)
    if pool.unit_fund is None:
        return cny_half_up(sum(contributions.values(), Fraction(0))), ""
    value, literals = _on_unit(run, named, result, unit_id, pool.unit_fund)
    if not isinstance(value, Fraction) or value < 0:
        raise PoolWaits("blocked", (NOT_AN_AMOUNT_FROM if literals else NOT_AN_AMOUNT).format(
            fund=pool.unit_fund, unit=unit_id, value=value, literals=literals))
    fund = cny_half_up(value)
    shown = f" {literals}" if literals else ""
    return fund, f"{pool.unit_fund} on {unit_id}: {money_text(fund)}{shown}"


def _redistribute(run: GradingContext, result: PipelineResult, named: Named,
                  unit_id: str | None, members: list[SubjectResult]) -> None:
    pool = named[1]
    assert isinstance(pool, Redistribution)
    _ready(members)
    from_lines = pool.from_lines or ()
    for member in members:
        for pay in member.pay:
            if pay.line.id in from_lines and pay.status in ("pending", "blocked"):
                # The fund is not known while a cut is: share nothing rather than part.
                raise PoolWaits(pay.status, f"{member.subject_id} {pay.line.id}: {pay.reason}")
    fund = sum_cny(p.withheld_cny for m in members for p in m.pay
                   if p.line.id in from_lines and p.status == "ok")
    ranked = sorted((m for m in members if isinstance(m.figures.get(pool.rank_by), Fraction)),
                    key=lambda m: (-num(m.figures[pool.rank_by]), m.subject_id))
    bands = _rank_bands(pool, ranked)
    eligible = {m.subject_id for m in members
                if pool.eligible is None or holds(SubjectEnv(run, result, m), pool.eligible)}
    receivers = [[m.subject_id for m in band if m.subject_id in eligible] for band in bands]
    weights = {str(n): Fraction(b.share) for n, b in enumerate(pool.bands) if receivers[n]}
    band_money = allocate_largest_remainder(fund, weights) if weights else {}
    paid: dict[str, Decimal] = {}
    where: dict[str, str] = {}
    for n, band in enumerate(pool.bands):
        if str(n) not in band_money:
            continue
        split = allocate_largest_remainder(band_money[str(n)],
                                           {sid: Fraction(1) for sid in receivers[n]})
        for sid, amount in split.items():
            paid[sid] = amount
            label = band.label or percent(band.up_to_share)
            where[sid] = (f"{label} ({exact_text(Fraction(band.share) * 100)}%): "
                          f"{money_text(band_money[str(n)])} ÷ {len(receivers[n])}")
    line = _line(named)
    undistributed = money_text(fund) if not weights else "0.00"
    for member in members:
        sid = member.subject_id
        _pay(member, line, paid.get(sid, ZERO), {
            "pool": money_text(fund), "from_lines": list(from_lines),
            "band": where.get(sid), "undistributed": undistributed,
            "formula": "组内扣减合计按排名档次分配,档内平分 "
                       "(Σ withheld of the group, by rank band, equal within a band)"})


def _rank_bands(pool: Redistribution, ranked: list[SubjectResult]
                ) -> list[list[SubjectResult]]:
    """AMB-21: band n ends at ⌊up_to_share × N⌋ places (the first at least 1); a tie at a
    band's last place joins it; the next band starts after it."""
    size = len(ranked)
    bands: list[list[SubjectResult]] = []
    start = 0
    for n, band in enumerate(pool.bands):
        end = int(Fraction(band.up_to_share) * size)
        end = max(end, 1) if n == 0 and size else end
        end = max(end, start)
        while 0 < end < size and ranked[end].figures[pool.rank_by] == \
                ranked[end - 1].figures[pool.rank_by]:
            end += 1
        bands.append(ranked[start:end])
        start = end
    return bands


def _unit_rate(run: GradingContext, result: PipelineResult, named: Named,
               unit_id: str | None, members: list[SubjectResult]) -> None:
    pool = named[1]
    assert isinstance(pool, UnitRate)
    _ready(members)
    raw = {m.subject_id: _each(run, result, m, pool.units)[0] for m in members}
    mean = sum(raw.values(), Fraction(0)) / len(raw)
    units = {k: max(Fraction(0), v - mean) if pool.above_mean else v for k, v in raw.items()}
    counted = sum(units.values(), Fraction(0))
    budget_value, _ = _on_unit(run, named, result, unit_id, pool.budget)
    budget = num(budget_value) if isinstance(budget_value, Fraction) else Fraction(0)
    rate = budget / counted if counted else Fraction(0)
    floored = pool.floor_rate is not None and counted and rate < Fraction(pool.floor_rate)
    if floored:
        rate = Fraction(pool.floor_rate or 0)
    reserve = Fraction(0)
    if pool.reserve is not None:
        reserve_value, _ = _on_unit(run, named, result, unit_id, pool.reserve)
        reserve = num(reserve_value) if isinstance(reserve_value, Fraction) else Fraction(0)
    due = rate * counted
    shortfall = max(Fraction(0), due - budget)
    scaled = shortfall > reserve  # AMB-18: the reserve cannot cover it; pay pro rata
    payable = min(due, budget + reserve)
    total = cny_half_up(payable)
    shares = allocate_largest_remainder(total, units) if counted else {k: ZERO for k in units}
    line = _line(named)
    for member in members:
        sid = member.subject_id
        _pay(member, line, shares[sid], {
            "units": exact_text(raw[sid]), "mean": exact_text(mean),
            "counted": exact_text(units[sid]), "counted_total": exact_text(counted),
            "budget": money_text(cny_half_up(budget)),
            "rate": exact_text(rate), "floor_rate_applied": bool(floored),
            "shortfall_from_reserve": money_text(cny_half_up(min(shortfall, reserve))),
            "scaled_pro_rata": scaled,
            "formula": "max(预算 ÷ 计入单位合计, 最低单价) × 本人计入单位 "
                       "(max(budget ÷ Σ counted units, floor rate) × counted units)"})
    if pool.leftover_line is not None:
        _split_leftover(named, pool, members, cny_half_up(max(Fraction(0), reserve - shortfall)))


def _split_leftover(named: Named, pool: UnitRate, members: list[SubjectResult],
                    leftover: Decimal) -> None:
    shares = allocate_largest_remainder(leftover, {m.subject_id: Fraction(1) for m in members})
    line = _line(named, pool.leftover_line, pool.leftover_label)
    for member in members:
        _pay(member, line, shares[member.subject_id], {
            "leftover": money_text(leftover), "members": len(members),
            "formula": "(机动费用 − 已动用) ÷ 人数,按最大余额法 "
                       "((reserve − shortfall drawn) ÷ members, largest remainder)"})


Allocator = Callable[[GradingContext, PipelineResult, Named, "str | None",
                      list[SubjectResult]], None]
# Pool kinds by name; a pool's `kind` is checked when its scheme is parsed.
ALLOCATORS: Mapping[str, Allocator] = {
    "per_point_pool": _per_point, "redistribution": _redistribute, "unit_rate": _unit_rate}
