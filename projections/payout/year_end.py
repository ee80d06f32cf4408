"""The year-end distribution (S11-R44…R47, A-S11-17/18): Σ quarterly reserves ±
adjustments → departments by annual target score → people by year-end score (the mean of
their quarterly scores with the CME and training penalties); a failed assessment is
excluded, or under the "forfeit" option returns its share to the hospital."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction

from domain.errors import InvariantError, Problem, invariant
from domain.events import (
    AnnualTargetScoreRecorded,
    AssessmentRecorded,
    CmeCreditsRecorded,
    PoolAdjusted,
    TrainingRefused,
)
from domain.facts import Facts
from domain.money import ZERO, allocate_largest_remainder, sum_cny
from domain.periods import Period
from domain.records import frozen_record
from domain.scheme import Scheme, YearEndRule
from projections.exact import ZERO_Q, q
from projections.figures import Ledgerbook, exact_text, money_text, signed_text
from projections.payout.department import split_department_pay
from projections.payout.inputs import quarter_people, scheme_or_block
from projections.payout.pool import has_pool, pool_figures
from projections.payout.stages import PayoutContext, PayoutState, Stage, run_stages
from projections.payout.statement import (
    CalculationBlockedError,
    DepartmentLine,
    PersonLine,
    Statement,
)
from projections.scoring import PersonScore


@frozen_record
class _YearEvents:
    credits: dict[str, CmeCreditsRecorded]
    refusals: dict[str, TrainingRefused]
    verdicts: dict[str, AssessmentRecorded]
    targets: dict[str, AnnualTargetScoreRecorded]

    @staticmethod
    def of(facts: Facts, year: int) -> _YearEvents:
        events = facts.in_year(year)
        return _YearEvents(
            credits={e.employee_id: e for e in events if isinstance(e, CmeCreditsRecorded)},
            refusals={e.employee_id: e for e in events if isinstance(e, TrainingRefused)},
            verdicts={e.employee_id: e for e in events
                      if isinstance(e, AssessmentRecorded) and e.kind == "year_end"},
            targets={e.department_id: e for e in events
                     if isinstance(e, AnnualTargetScoreRecorded)},
        )


def calculate_year_end(
    facts: Facts, period: Period, stages: tuple[Stage, ...] | None = None
) -> Statement:
    scheme = scheme_or_block(facts, period)
    state = run_stages(PayoutContext(facts, period, scheme, {}), stages or YEAR_END_STAGES)
    if state.statement is None:
        raise InvariantError(f"{period}: the stages wrote no statement")
    return state.statement


def pool_reserves(context: PayoutContext, state: PayoutState) -> PayoutState:
    """S11-R44: the year's quarterly reserves ± adjustments, held until it is split."""
    pool, reserves, adjusted = _year_end_pool(context.facts, context.period, context.scheme,
                                              context.book)
    lines = (*((f"reserve {n}", r) for n, r in reserves), ("adjustments", adjusted),
             ("distributable", pool))
    return replace(state, distributable_cny=pool, pool_lines=lines, unallocated_cny=pool)


def score_year_end(context: PayoutContext, state: PayoutState) -> PayoutState:
    """S11-R46/R47, S11-R38: year-end scores and points; who is excluded or forfeits."""
    year = _YearEvents.of(context.facts, context.period.year)
    people, forfeits = _score_people(context.facts, context.period, context.scheme.year_end,
                                     year, context.book)
    return replace(state, people=tuple(people), forfeits=frozenset(forfeits))


def split_pool_by_target_scores(context: PayoutContext, state: PayoutState) -> PayoutState:
    """S11-R44: the year-end pool to departments by annual target score (largest
    remainder); blocks when a department taking part has none."""
    facts, period, book = context.facts, context.period, context.book
    rule = context.scheme.year_end
    year = _YearEvents.of(facts, period.year)
    members = _members(state)
    shares = allocate_largest_remainder(state.distributable_cny,
                                        _department_weights(period, members, year))
    lines = []
    for department_id, amount in sorted(shares.items()):
        target = year.targets[department_id]
        definition = facts.department_on(department_id, period.last_day)
        name = definition.name if definition else department_id
        key = f"dept:{department_id}"
        book.add(f"{key}:score", f"{name}: annual target score", q(target.score), "points",
                 "recorded", ref=rule.pool_ref, event_ids=(str(target.originator_id),))
        book.add(f"{key}:pay_calculated", f"{name}: year-end pay", amount, "cny",
                 "year-end pool × score ÷ Σ scores (largest remainder)",
                 inputs=("pool:distributable", f"{key}:score"), ref=rule.pool_ref)
        headcount = sum(1 for m in members[department_id] if m.participates)
        lines.append(DepartmentLine(department_id, name, definition.kind if definition else "",
                                    headcount, q(target.score), amount))
    allocated = sum_cny(line.pay_calculated_cny for line in lines)
    return replace(state, lines=tuple(lines),
                   unallocated_cny=state.distributable_cny - allocated)


def pay_year_end_individuals(context: PayoutContext, state: PayoutState) -> PayoutState:
    """S11-R46: each department's year-end pay to its people by points; a forfeited
    share returns to the hospital (A-S11-17 option)."""
    members = _members(state)
    lines, pay, forfeited = [], {}, ZERO
    for calculated in state.lines:
        line, shares = split_department_pay(calculated, members[calculated.department_id],
                                            context.scheme, context.book)
        for employee_id in state.forfeits & set(shares):
            forfeited += shares.pop(employee_id)
        pay.update(shares)
        lines.append(line)
    return replace(state, lines=tuple(lines), pay=pay, forfeited_cny=forfeited,
                   paid_out=frozenset(line.department_id for line in lines))


def reconcile_year_end(context: PayoutContext, state: PayoutState) -> PayoutState:
    """The year-end statement, its reconciliation with every residue on a named line."""
    scheme, period = context.scheme, context.period
    person_lines = tuple(
        PersonLine(p.employee_id, p.name, p.department_id, p.category,
                   "paid" if p.participates and p.employee_id not in state.forfeits
                   else "excluded",
                   p.reason, p.score, p.ratio, p.points, state.pay.get(p.employee_id, ZERO),
                   ZERO)
        for p in sorted(state.people, key=lambda p: (p.department_id, p.employee_id))
    )
    reconciliation = (
        ("year-end pool", state.distributable_cny),
        ("pool not allocated (no annual target points)", -state.unallocated_cny),
        ("forfeited by failed assessments (returned to the hospital)", -state.forfeited_cny),
        ("undistributed (no points to share it)",
         -sum_cny(d.undistributed_cny for d in state.lines)),
        ("paid to people", -sum_cny(p.total_cny for p in person_lines)),
    )
    statement = Statement(
        period=str(period), scheme_key=scheme.key, scheme_sha256=scheme.sha256,
        departments=state.lines, people=person_lines, reconciliation=reconciliation,
        pool=state.pool_lines, notes=(f"scheme {scheme.key} ({scheme.source})",),
        book=context.book,
    )
    invariant(statement.balance_cny == 0, f"{period} does not reconcile")
    return replace(state, statement=statement)


def _members(state: PayoutState) -> dict[str, list[PersonScore]]:
    members: dict[str, list[PersonScore]] = defaultdict(list)
    for person in state.people:
        members[person.department_id].append(person)
    return members


# Order is part of the rule: people are scored before the pool is split, because a
# department whose people all failed needs no annual target score.
YEAR_END_STAGES: tuple[Stage, ...] = (
    pool_reserves,
    score_year_end,
    split_pool_by_target_scores,
    pay_year_end_individuals,
    reconcile_year_end,
)


def _year_end_pool(
    facts: Facts, period: Period, scheme: Scheme, book: Ledgerbook
) -> tuple[Decimal, list[tuple[str, Decimal]], Decimal]:
    """(pool, the quarterly reserves by quarter, adjustments): S11-R44."""
    reserves = []
    for quarter in period.quarters_of_year():
        if not has_pool(facts, quarter):
            continue
        quarter_scheme = facts.scheme_for(quarter) or scheme
        _, _, reserve, _ = pool_figures(facts, quarter, quarter_scheme, Ledgerbook())
        reserves.append((str(quarter), reserve))
    adjustments = [e for e in facts.in_period(period) if isinstance(e, PoolAdjusted)]
    adjusted = sum_cny(e.amount_cny for e in adjustments)
    pool = sum_cny(r for _, r in reserves) + adjusted
    book.add("pool:distributable", "year-end pool", pool, "cny",
             "Σ quarterly year-end reserves + adjustments",
             literals=tuple((f"reserve {name}", money_text(r)) for name, r in reserves),
             ref=scheme.year_end.pool_ref,
             event_ids=tuple(str(e.originator_id) for e in adjustments))
    return pool, reserves, adjusted


def _quarter_scores(
    facts: Facts, period: Period
) -> tuple[dict[str, list[Fraction]], dict[str, PersonScore]]:
    """The year's quarterly scores of each person who took part, and how each was last
    seen. Only the quarters this ledger ran count in the mean (A-S11-18)."""
    scores: dict[str, list[Fraction]] = defaultdict(list)
    last_seen: dict[str, PersonScore] = {}
    for quarter in period.quarters_of_year():
        quarter_scheme = facts.scheme_for(quarter)
        if quarter_scheme is None or not has_pool(facts, quarter):
            continue
        for person in quarter_people(facts, quarter, quarter_scheme):
            last_seen[person.employee_id] = person
            if person.participates:
                scores[person.employee_id].append(person.score)
    return scores, last_seen


def _score_people(
    facts: Facts, period: Period, rule: YearEndRule, year: _YearEvents, book: Ledgerbook
) -> tuple[list[PersonScore], set[str]]:
    """Year-end scores and points (S11-R46, S11-R38, A-S11-23), and who forfeits."""
    quarter_scores, last_seen = _quarter_scores(facts, period)
    people: list[PersonScore] = []
    forfeits: set[str] = set()
    for employee_id, person in sorted(last_seen.items()):
        scores = quarter_scores.get(employee_id, [])
        if not scores:
            people.append(replace(person, participates=False,
                                  reason=person.reason or "took part in no quarter"))
            book.add(f"person:{employee_id}:points", f"{person.name}: year-end points", ZERO_Q,
                     "points", "took part in no quarter", ref=rule.score_ref)
            continue
        scored = _score_person(person, scores, rule, year, book)
        if _failed(year, employee_id) and rule.failed == "forfeit":
            forfeits.add(employee_id)
        people.append(scored)
    return people, forfeits


def _failed(year: _YearEvents, employee_id: str) -> bool:
    verdict = year.verdicts.get(employee_id)
    return verdict is not None and verdict.result == "fail"


def penalties_formula(rule: YearEndRule) -> str:
    """The CME and training penalties as the scheme states them."""
    return (f"{signed_text(rule.cme_shortfall_points)} if CME credits < "
            f"{exact_text(rule.cme_min_credits)}; {signed_text(rule.refused_training_points)} "
            "if a training placement was refused")


def _score_person(
    person: PersonScore, scores: list[Fraction], rule: YearEndRule, year: _YearEvents,
    book: Ledgerbook,
) -> PersonScore:
    employee_id, key = person.employee_id, f"person:{person.employee_id}"
    mean = sum(scores, ZERO_Q) / len(scores)
    book.add(f"{key}:quarter_mean", f"{person.name}: mean quarterly score", mean, "points",
             "mean of the quarters taken part in",
             literals=tuple((f"q{i + 1}", exact_text(s)) for i, s in enumerate(scores)),
             ref=rule.score_ref)
    cme, refusal = year.credits.get(employee_id), year.refusals.get(employee_id)
    cme_points = (q(rule.cme_shortfall_points)
                  if cme is not None and cme.credits < rule.cme_min_credits else ZERO_Q)
    refusal_points = q(rule.refused_training_points) if refusal is not None else ZERO_Q
    book.add(f"{key}:year_end_penalties", f"{person.name}: CME and training penalties",
             cme_points + refusal_points, "points", penalties_formula(rule), ref=rule.cme_ref,
             event_ids=tuple(str(e.originator_id) for e in (cme, refusal) if e is not None))
    score = max(ZERO_Q, mean + cme_points + refusal_points)
    verdict = year.verdicts.get(employee_id)
    failed = _failed(year, employee_id)
    excluded = failed and rule.failed == "exclude"
    points = ZERO_Q if excluded else score * person.ratio
    book.add(f"{key}:points", f"{person.name}: year-end points", points, "points",
             "excluded: failed the year-end assessment" if excluded
             else "(mean quarterly score + penalties) × participation ratio",
             inputs=(f"{key}:quarter_mean", f"{key}:year_end_penalties"),
             ref=rule.gate_ref if failed else rule.score_ref,
             event_ids=(str(verdict.originator_id),) if verdict else ())
    return replace(person, participates=not excluded,
                   reason="failed the year-end assessment: no year-end pay" if failed else "",
                   score=score, points=points)


def _department_weights(
    period: Period, members: dict[str, list[PersonScore]], year: _YearEvents
) -> dict[str, Fraction]:
    """Annual target scores of the departments (S11-R44); blocks when one taking part
    has none."""
    problems: list[Problem] = []
    weights: dict[str, Fraction] = {}
    for department_id in sorted(members):
        target = year.targets.get(department_id)
        if target is None and any(m.participates for m in members[department_id]):
            problems.append(Problem(f"department {department_id}", "annual_target_score",
                                    f"no annual target score recorded for {period.year}"))
            continue
        if target is not None:
            weights[department_id] = q(target.score)
    if problems:
        raise CalculationBlockedError(str(period), problems)
    return weights
