"""A quarter's payout as a tuple of stages with one signature, and the conservation
check that runs after each of them.

Quarter (S11-R09/R10, A-S11-9): pool → department scores → split the pool by points →
controls and department penalties → cap (bank the excess) and floor (draw the bank, then
subsidy) → split department pay among people, with the hospital's post bonus and
study-leave pay → reconcile. Every stage takes the run's context and the state so far
and returns a new state; none mutates it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import field, replace
from decimal import Decimal
from fractions import Fraction

from domain.errors import Problem, invariant
from domain.facts import Facts
from domain.money import ZERO, sum_cny
from domain.periods import Period
from domain.records import frozen_record
from domain.scheme import Scheme
from projections import scoring
from projections.department_scores import DepartmentScore
from projections.exact import ZERO_Q, q
from projections.figures import Ledgerbook, money_text
from projections.payout.department_memo import (
    capped_and_floored,
    controlled,
    split_by_points,
    value_key,
)
from projections.payout.extras import pay_post_bonus, pay_study_leave
from projections.payout.inputs import remember_quarter_people
from projections.payout.line_memo import in_line_order
from projections.payout.line_memo import person_lines as lines_of_people
from projections.payout.pool import pool_figures
from projections.payout.split_memo import split_memoised
from projections.payout.statement import (
    CalculationBlockedError,
    DepartmentLine,
    Statement,
)
from projections.scoring import PersonScore


@frozen_record
class PayoutContext:
    """What a run reads and never changes; the ledgerbook only grows (a figure is added
    once, never overwritten)."""

    facts: Facts
    period: Period
    scheme: Scheme
    bank_before: Mapping[str, Decimal]
    book: Ledgerbook = field(default_factory=Ledgerbook)


@frozen_record
class PayoutState:
    """Where the money stands between stages. Money comes in as the distributable pool,
    bank draws, floor subsidies, post bonuses and study-leave pay; it leaves as pay to
    people or on a named residue line; until a department's people are paid, its settled
    pay is held by the department."""

    distributable_cny: Decimal = ZERO
    pool_lines: tuple[tuple[str, Decimal], ...] = ()
    unallocated_cny: Decimal = ZERO  # held by the hospital: reached no department
    people: tuple[PersonScore, ...] = ()
    departments: tuple[DepartmentScore, ...] = ()
    average_bonus: Fraction = ZERO_Q
    lines: tuple[DepartmentLine, ...] = ()
    paid_out: frozenset[str] = frozenset()  # departments whose people have been paid
    pay: Mapping[str, Decimal] = field(default_factory=dict)
    post_bonus: Mapping[str, Decimal] = field(default_factory=dict)
    study_leave: Mapping[str, Decimal] = field(default_factory=dict)
    # Year end: shares of people who failed their assessment under the "forfeit" option.
    forfeits: frozenset[str] = frozenset()
    forfeited_cny: Decimal = ZERO
    statement: Statement | None = None

    def held_by_departments_cny(self) -> Decimal:
        return sum_cny(d.settled_cny for d in self.lines if d.department_id not in self.paid_out)

    def money_lines(self) -> list[tuple[str, Decimal]]:
        """Signed lines: money in (+), money out and money still held (−). They sum to
        0.00 after every stage; after the last, nothing is held and they are the
        statement's reconciliation."""
        lines = self.lines
        paid = sum_cny(self.pay.values())
        post_bonus = sum_cny(self.post_bonus.values())
        study_leave = sum_cny(self.study_leave.values())
        return [
            ("distributable pool", self.distributable_cny),
            ("pool not allocated (no department points)", -self.unallocated_cny),
            ("bank drawn (same-year carry-over)", sum_cny(d.drawn_cny for d in lines)),
            ("hospital floor subsidy", sum_cny(d.subsidy_cny for d in lines)),
            ("hospital post bonus (outside the pool)", post_bonus),
            ("hospital study-leave pay (outside the pool)", study_leave),
            ("control deductions retained by the hospital",
             -sum_cny(d.controls_cny for d in lines)),
            ("department penalties retained by the hospital",
             -sum_cny(d.penalties_cny for d in lines)),
            ("excess over cap banked", -sum_cny(d.banked_cny for d in lines)),
            ("undistributed (no points to share it)",
             -sum_cny(d.undistributed_cny for d in lines)),
            ("paid to people", -(paid + post_bonus + study_leave)),
        ]


Stage = Callable[[PayoutContext, PayoutState], PayoutState]


def check_conservation(stage: Stage, context: PayoutContext, state: PayoutState) -> None:
    """Money in = money out + named residues + money still held, after `stage`."""
    lines = [*state.money_lines(),
             ("forfeited by failed assessments (returned to the hospital)", -state.forfeited_cny),
             ("held by departments, not yet paid to people", -state.held_by_departments_cny())]
    balance = sum_cny(amount for _, amount in lines)
    if balance != 0:
        shown = "; ".join(f"{name} {money_text(amount)}" for name, amount in lines if amount)
        invariant(False, f"payout stage {stage.__name__} broke conservation in "
                         f"{context.period}: off by {money_text(balance)} ({shown})")


def run_stages(context: PayoutContext, stages: tuple[Stage, ...]) -> PayoutState:
    state = PayoutState()
    for stage in stages:
        state = stage(context, state)
        check_conservation(stage, context, state)
    return state


# ====================================================================== the stages


def size_pool(context: PayoutContext, state: PayoutState) -> PayoutState:
    """S11-R06: the distributable pool, held by the hospital until it is split."""
    distributable, lines, _, problems = pool_figures(
        context.facts, context.period, context.scheme, context.book)
    if problems:
        # Scoring runs first so a blocked run names every missing input at once.
        _, score_problems = _scores(context)
        raise CalculationBlockedError(str(context.period), problems + score_problems)
    return replace(state, distributable_cny=distributable, pool_lines=tuple(lines),
                   unallocated_cny=distributable)


def _scores(context: PayoutContext) -> tuple[tuple[list[PersonScore], list[DepartmentScore]],
                                             list[Problem]]:
    people = scoring.score_people(context.facts, context.period, context.scheme, context.book)
    remember_quarter_people(context.facts, context.period, people)
    departments, problems = scoring.score_departments(
        context.facts, context.period, context.scheme, people, context.book)
    return (people, departments), problems


def score_departments(context: PayoutContext, state: PayoutState) -> PayoutState:
    """S11-R13…R42: individual scores, then department scores; the hospital average
    bonus per head, which the cap and the post bonus are measured against."""
    (people, departments), problems = _scores(context)
    if problems:
        raise CalculationBlockedError(str(context.period), problems)
    book, scheme = context.book, context.scheme
    headcount = sum(d.headcount for d in departments)
    average_bonus = q(state.distributable_cny) / headcount if headcount else ZERO_Q
    book.add("hospital:headcount", "hospital head-count in scoring", q(headcount), "people",
             "Σ department head-counts", ref=scheme.cap.ref)
    book.add("hospital:average_bonus", "hospital average bonus per head", average_bonus, "cny",
             "distributable pool ÷ hospital head-count (before caps and floors)",
             inputs=("pool:distributable", "hospital:headcount"), ref=scheme.cap.ref)
    return replace(state, people=tuple(people), departments=tuple(departments),
                   average_bonus=average_bonus)


def split_pool_by_points(context: PayoutContext, state: PayoutState) -> PayoutState:
    """S11-R09: the pool to departments by points; what reaches none stays unallocated."""
    lines = split_by_points(context.facts, state.distributable_cny, list(state.departments),
                            scheme=context.scheme, bank_before=context.bank_before,
                            book=context.book)
    allocated = sum_cny(line.pay_calculated_cny for line in lines)
    return replace(state, lines=lines, unallocated_cny=state.distributable_cny - allocated)


def apply_controls(context: PayoutContext, state: PayoutState) -> PayoutState:
    """S11-R27…R30 and S11-R60: the controls, then department penalties, retained by the
    hospital; never below zero pay."""
    controls, penalties = scoring.department_money_events(context.facts, context.period)
    book = context.book
    points = book.get("hospital:points")
    # The figures the controls read (`_control_base`), part of each one's memo key.
    read = (value_key(book.value("pool:distributable")),
            value_key(None if points is None else points.value))
    lines = [controlled(context.facts, calculated, controls.get(calculated.department_id, []),
                        penalties.get(calculated.department_id, []), scheme=context.scheme,
                        read=read, book=book)
             for calculated in state.lines]
    return replace(state, lines=tuple(lines))


def apply_cap_and_floor(context: PayoutContext, state: PayoutState) -> PayoutState:
    """S11-R57/R58: the cap banks the excess, then the floor draws the bank and the
    hospital subsidises the rest. Cap before floor: a top-up is never clawed back."""
    average_key = value_key(state.average_bonus)
    lines = [capped_and_floored(context.facts, line, state.average_bonus,
                                average_key=average_key, scheme=context.scheme,
                                book=context.book)
             for line in state.lines]
    return replace(state, lines=tuple(lines))


def pay_individuals(context: PayoutContext, state: PayoutState) -> PayoutState:
    """S11-R31/R33: each department's settled pay to its people by points; then the
    hospital's study-leave pay (S11-R56) and post bonus (S11-R48), outside the pool."""
    members: dict[str, list[PersonScore]] = defaultdict(list)
    for person in state.people:
        members[person.department_id].append(person)
    lines = []
    pay: dict[str, Decimal] = {}
    scheme_and_digest = (context.scheme, context.scheme.sha256)
    for settled in state.lines:
        line, shares = split_memoised(context.facts, settled, members[settled.department_id],
                                      scheme_and_digest, context.book)
        pay.update(shares)
        lines.append(line)
    facts, period, scheme, book = context.facts, context.period, context.scheme, context.book
    people = list(state.people)
    study = pay_study_leave(facts, period, people, pay=pay, scheme=scheme, book=book)
    # Most posts pay no post bonus, and `pay_post_bonus` writes no figure for them or for
    # people not in scoring: 100,000 calls at province size for a few thousand figures.
    # Only the others are asked, in the statement's order (the order of the figures):
    # sorted among themselves by the same key. Nobody else has a post bonus: the
    # statement reads a missing one as zero. (An unknown post still goes through
    # `pay_post_bonus`, to fail there as it always has.)
    posts = scheme.posts
    silent = {post for post, rule in posts.items() if rule.bonus_rate == 0}
    asked = sorted((person for person in state.people if person.post not in silent and (
                        person.participates or person.post not in posts)),
                   key=lambda person: (person.department_id, person.employee_id))
    bonus = {person.employee_id: pay_post_bonus(facts, period, person,
                                                average_bonus=state.average_bonus,
                                                scheme=scheme, book=book)
             for person in asked}
    return replace(state, lines=tuple(lines), pay=pay, study_leave=study, post_bonus=bonus,
                   paid_out=frozenset(line.department_id for line in lines))


def reconcile(context: PayoutContext, state: PayoutState) -> PayoutState:
    """The statement: one line per person, the signed reconciliation with every residue
    on a named line, and the notes."""
    scheme, period = context.scheme, context.period
    person_lines = lines_of_people(context.facts, in_line_order(context.facts, state.people),
                                   state.pay, state.post_bonus, state.study_leave)
    notes = [f"scheme {scheme.key} ({scheme.source})"]
    if period.index == 4:
        lapsed = sum_cny(line.bank_after_cny for line in state.lines)
        notes.append(f"bank lapsing at year end (超年度无效): {money_text(lapsed)}")
    statement = Statement(
        period=str(period), scheme_key=scheme.key, scheme_sha256=scheme.sha256,
        departments=state.lines, people=person_lines,
        reconciliation=tuple(state.money_lines()), pool=state.pool_lines, notes=tuple(notes),
        book=context.book,
    )
    invariant(state.held_by_departments_cny() == 0, f"{period}: pay left in departments")
    invariant(statement.balance_cny == 0, f"{period} does not reconcile: {statement.balance_cny}")
    return replace(state, statement=statement)


# Order is part of the rule (A-S11-9): controls before the cap, the cap before the
# floor, so a floor top-up is never clawed back by the cap.
PAYOUT_STAGES: tuple[Stage, ...] = (
    size_pool,
    score_departments,
    split_pool_by_points,
    apply_controls,
    apply_cap_and_floor,
    pay_individuals,
    reconcile,
)
