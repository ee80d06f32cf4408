"""Money the hospital pays people outside the pool: the post bonus (S11-R48) and
study-leave pay (S11-R56)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from fractions import Fraction
from typing import TypeGuard

from domain.events import AssessmentRecorded
from domain.facts import Facts
from domain.money import ZERO, sum_cny
from domain.periods import Period
from domain.scheme import Scheme
from projections.exact import ZERO_Q, cny_half_up, q
from projections.figures import Ledgerbook, exact_text
from projections.scoring import PersonScore, study_leave_band


def reaches_later_years(fact: object) -> TypeGuard[AssessmentRecorded]:
    """A tenure-target result: the post bonus below reads the latest one up to a period's
    year, so it counts for its own year and every later one (a diff lists it there, and
    the statements view recomputes them)."""
    return isinstance(fact, AssessmentRecorded) and fact.kind == "tenure_target"


def pay_post_bonus(
    facts: Facts, period: Period, person: PersonScore, *, average_bonus: Fraction,
    scheme: Scheme, book: Ledgerbook,
) -> Decimal:
    """S11-R48: leaders and middle managers who passed their tenure-target assessment get
    a share of the hospital average bonus, paid by the hospital outside the pool."""
    rate = scheme.posts[person.post].bonus_rate
    if rate == 0 or not person.participates:
        return ZERO
    assessments = [
        e for e in facts.about_employee(person.employee_id)
        if reaches_later_years(e) and e.year <= period.year
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
    facts: Facts, period: Period, people: list[PersonScore], *, pay: dict[str, Decimal],
    scheme: Scheme, book: Ledgerbook,
) -> dict[str, Decimal]:
    """S11-R56: staff away for more than a month are paid by the hospital a share of the
    average pay of same-level staff (same title grade, hospital-wide, A-S11-15)."""
    # The averages by title grade are a pass over everyone paid (100,000 at province
    # size): made only when someone is paid for study leave.
    same_level: dict[str, list[Decimal]] | None = None
    paid: dict[str, Decimal] = {}
    for person in [person for person in people if not person.participates]:
        # Not scored, so not paid by the department: a leave band may apply.
        away = study_leave_band(facts.leaves_of(person.employee_id), period, scheme)
        if away is None or away[0].payer == "department":
            continue
        band, leave = away
        if same_level is None:
            same_level = defaultdict(list)
            for peer in people:
                if peer.participates and peer.employee_id in pay:
                    same_level[peer.title_grade].append(pay[peer.employee_id])
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

