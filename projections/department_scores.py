"""Level-1 department scores (scheme 11, S11-R13…R24): clinical departments from their
workload, quality, ethics, cost and risk; admin departments from a base derived from the
clinical per-capita scores.

Scores are exact rationals and are never rounded. Each figure is written to the
ledgerbook with its formula, inputs, rule and the events that fed it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from fractions import Fraction
from typing import Any, Protocol

from domain.errors import Problem, invariant
from domain.events import (
    ControlIndicatorMeasured,
    DepartmentDeductionRecorded,
    DepartmentDefined,
    DepartmentFiguresRecorded,
    DepartmentPenaltyRecorded,
    LedgerEvent,
)
from domain.facts import Facts
from domain.periods import Period
from domain.records import frozen_record
from domain.scheme import AdminClassRule, ClinicalScoreRule, Scheme
from projections.exact import ZERO_Q, exact_sum, q
from projections.figure_memo import remembered
from projections.figures import Ledgerbook, exact_text
from projections.memo import memo_of
from projections.period_events import of_type


@frozen_record
class DepartmentScore:
    department_id: str
    name: str
    kind: str
    headcount: int
    score: Fraction
    per_capita: Fraction | None
    event_ids: tuple[str, ...]


class Member(Protocol):
    """Who counts in a department's head-count: anyone scored who takes part."""

    @property
    def department_id(self) -> str: ...
    @property
    def participates(self) -> bool: ...


def _eid(event: LedgerEvent) -> str:
    return str(event.originator_id)



def score_departments(
    facts: Facts,
    period: Period,
    scheme: Scheme,
    people: Iterable[Member],
    book: Ledgerbook,
) -> tuple[list[DepartmentScore], list[Problem]]:
    """Clinical departments first (S11-R13), then admin ones, whose bases are derived
    from the clinical per-capita scores (S11-R22/R23)."""
    problems: list[Problem] = []
    # Counted in C (100,000 people at province size).
    headcount = Counter(person.department_id for person in people if person.participates)
    figures = {e.department_id: e
               for e in of_type(facts, period, DepartmentFiguresRecorded)}
    deductions: dict[str, list[DepartmentDeductionRecorded]] = defaultdict(list)
    for e in of_type(facts, period, DepartmentDeductionRecorded):
        deductions[e.department_id].append(e)

    departments: list[tuple[DepartmentDefined, int]] = []
    for department_id in facts.department_ids():
        definition = facts.department_on(department_id, period.last_day)
        if definition is not None:
            departments.append((definition, headcount.get(department_id, 0)))

    clinical = _clinical_scores(facts, period, [(d, n) for d, n in departments
                                                if d.kind == "clinical"],
                                figures, deductions, scheme=scheme, book=book,
                                problems=problems)
    admin_departments = [(d, n, deductions[d.department_id])
                         for d, n in departments if d.kind == "admin"]

    def rank_and_score_admin(scratch: Ledgerbook) -> tuple[list[DepartmentScore],
                                                           list[Problem]]:
        ranked = sorted(
            (c for c in clinical if c.per_capita is not None),
            key=lambda c: (-c.per_capita, c.department_id),  # type: ignore[operator]
        )
        _record_ranking(ranked, scratch, scheme)
        statistics: dict[object, tuple[Fraction, str, tuple[str, ...]]] = {}
        found: list[Problem] = []
        admin = [_score_admin(d, n, ranked, statistics, own, scheme=scheme, book=scratch,
                              problems=found)
                 for d, n, own in admin_departments]
        return admin, found

    # The ranking reads every clinical department and each admin department's base reads
    # the ranking: remembered as one step (ADMIN_SCORES), under the clinical scores by
    # identity (themselves remembered under all of their inputs) and each admin
    # department's definition, head-count and deductions.
    key = (period, id(scheme), tuple(map(id, clinical)),
           tuple((id(d), n, tuple(map(id, own))) for d, n, own in admin_departments))
    admin, found = remembered(facts, ADMIN_SCORES, key,
                              kept=(scheme, clinical, admin_departments), book=book,
                              compute=rank_and_score_admin)
    problems.extend(found)
    return clinical + admin, problems


# The memo (projections.memo) of clinical departments' scores. A clinical department's
# score is a pure function of its definition, its head-count, its figures and deductions
# in the period, and the scheme: each is memoised beside the facts under exactly those
# inputs (events by identity, kept alive by the memo), with its figures and problems, and
# a what-if carries the memo over (`projections.whatif`), so a what-if that moves one
# person scores no department again. The ranking and the admin departments, which read
# every clinical department, are remembered as one step (ADMIN_SCORES).
CLINICAL_SCORES = "clinical-scores"
# The memo of the clinical ranking and the admin departments' scores (`score_departments`).
ADMIN_SCORES = "admin-scores"


@frozen_record
class _Scored:
    score: DepartmentScore
    figures: dict[str, Any]
    problems: tuple[Problem, ...]
    inputs: tuple[Any, ...]  # what the key names by identity, kept alive with it
    subjects: tuple[str, ...]  # the one subject of its figures (Ledgerbook.attach)


def _clinical_scores(
    facts: Facts, period: Period, departments: list[tuple[DepartmentDefined, int]],
    figures: dict[str, DepartmentFiguresRecorded],
    deductions: dict[str, list[DepartmentDeductionRecorded]],
    *, scheme: Scheme, book: Ledgerbook, problems: list[Problem],
) -> list[DepartmentScore]:
    """`_score_clinical` of each department, or its remembered result (CLINICAL_SCORES)."""
    known: dict[tuple[Any, ...], _Scored] = memo_of(facts).setdefault(CLINICAL_SCORES, {})
    clinical = []
    for d, n in departments:
        own = (figures.get(d.department_id), tuple(deductions[d.department_id]))
        key = (period, id(scheme), id(d), n, id(own[0]), tuple(map(id, own[1])))
        scored = known.get(key)
        if scored is None:
            scratch = Ledgerbook()
            found: list[Problem] = []
            score = _score_clinical(d, n, own[0], list(own[1]), scheme=scheme, book=scratch,
                                    problems=found)
            scored = known[key] = _Scored(score, scratch.figures, tuple(found),
                                          (scheme, d, own), (f"dept:{d.department_id}",))
        book.attach(scored.figures, scored.subjects)
        problems.extend(scored.problems)
        clinical.append(scored.score)
    return clinical


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
    quantity = _quantity_score(d, n, figures, rules, book)
    quality, ethics, ids = _quality_and_ethics_scores(d, n, deductions, rules, book)
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
                           (*fid, *ids))


def _quantity_score(
    d: DepartmentDefined, n: int, figures: DepartmentFiguresRecorded,
    rules: ClinicalScoreRule, book: Ledgerbook,
) -> Fraction:
    """S11-R14, A-S11-20: per-head points × head-count × workload completion."""
    key = f"dept:{d.department_id}"
    ratio = q(figures.workload_actual) / q(figures.workload_base)
    completion = "actual workload ÷ base workload"
    if rules.workload_ratio_cap is not None:
        ratio = min(ratio, q(rules.workload_ratio_cap))
        completion = f"min({exact_text(rules.workload_ratio_cap)}, {completion})"
    quantity = q(rules.quantity_per_head) * n * ratio
    # The ratio on its own, for a checker; the quantity figure below keeps its inputs.
    book.add(f"{key}:workload_ratio", f"{d.name}: workload ratio", ratio, "ratio",
             completion, literals=(("workload_actual", exact_text(figures.workload_actual)),
                                   ("workload_base", exact_text(figures.workload_base))),
             ref=rules.quantity_ref, event_ids=(_eid(figures),))
    book.add(f"{key}:quantity", f"{d.name}: quantity score", quantity, "points",
             f"{exact_text(rules.quantity_per_head)} × head-count × ({completion})",
             inputs=(f"{key}:headcount",),
             literals=(("workload_actual", exact_text(figures.workload_actual)),
                       ("workload_base", exact_text(figures.workload_base))),
             ref=rules.quantity_ref, event_ids=(_eid(figures),))
    return quantity


def _quality_and_ethics_scores(
    d: DepartmentDefined, n: int, deductions: list[DepartmentDeductionRecorded],
    rules: ClinicalScoreRule, book: Ledgerbook,
) -> tuple[Fraction, Fraction, tuple[str, ...]]:
    """S11-R16/R17: per-head points × head-count less the item's deductions, at least 0;
    (quality, ethics, the deduction events)."""
    key = f"dept:{d.department_id}"
    parts = {"quality": (rules.quality_per_head, rules.quality_ref),
             "ethics": (rules.ethics_per_head, rules.ethics_ref)}
    scores: dict[str, Fraction] = {}
    ids: list[str] = []
    for item, (per_head, ref) in parts.items():
        mine = [e for e in deductions if e.item == item]
        deducted = sum((q(e.points) for e in mine), ZERO_Q)
        scores[item] = max(ZERO_Q, q(per_head) * n - deducted)
        book.add(f"{key}:{item}", f"{d.name}: {item} score", scores[item], "points",
                 f"max(0, {exact_text(per_head)} × head-count − {item} deductions)",
                 inputs=(f"{key}:headcount",), literals=(("deductions", exact_text(deducted)),),
                 ref=ref, event_ids=tuple(_eid(e) for e in mine))
        ids += [_eid(e) for e in mine]
    return scores["quality"], scores["ethics"], tuple(ids)


def _record_ranking(ranked: list[DepartmentScore], book: Ledgerbook, scheme: Scheme) -> None:
    """The clinical ranking the admin class bases read (A-S11-2/3/4), each rank a figure
    of its own with the tie-break that decided it; nothing else reads these figures, so
    every explanation that existed before stays as it was."""
    tie_break = (("tie_break", "equal per-capita scores: smaller department id first"),)
    previous: Fraction | None = None
    for rank, c in enumerate(ranked, start=1):
        tied = previous is not None and c.per_capita == previous
        previous = c.per_capita
        book.add(f"dept:{c.department_id}:per_capita_rank",
                 f"{c.name}: rank by per-capita score", Fraction(rank), "rank",
                 "position among clinical departments by per-capita score, best first",
                 inputs=(f"dept:{c.department_id}:per_capita",),
                 literals=(*tie_break, ("decided_by_tie_break", "yes" if tied else "no"),
                           ("ranked", str(len(ranked)))),
                 ref=scheme.admin.per_capita_ref)


def _score_admin(
    d: DepartmentDefined,
    n: int,
    ranked: list[DepartmentScore],
    statistics: dict[object, tuple[Fraction, str, tuple[str, ...]]],
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
    statistic, formula, inputs = _admin_statistic(rule, ranked, statistics)
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


def _admin_statistic(
    rule: AdminClassRule, ranked: list[DepartmentScore],
    statistics: dict[object, tuple[Fraction, str, tuple[str, ...]]],
) -> tuple[Fraction, str, tuple[str, ...]]:
    """S11-R23, A-S11-4/5: an admin class's per-head base over the clinical departments;
    (value, formula, inputs). Every admin department of a class shares it, so it is
    computed once per period (each is a sum over all clinical departments, with an input
    per clinical department: 400 admin departments of a province took 0.3 s to list them)."""
    which: tuple[str, int | None] = (
        rule.statistic, rule.top_n if rule.statistic == "top_mean" else None)
    if which not in statistics:
        statistics[which] = _statistic_of(rule, ranked)
    return statistics[which]


def _statistic_of(rule: AdminClassRule,
                  ranked: list[DepartmentScore]) -> tuple[Fraction, str, tuple[str, ...]]:
    per_capita = [(c, c.per_capita) for c in ranked if c.per_capita is not None]
    if rule.statistic == "top_mean":
        top = [c for c, _ in per_capita[: rule.top_n]]
        return (exact_sum(v for _, v in per_capita[: rule.top_n]) / len(top),
                f"mean per-capita of the top {rule.top_n} clinical departments × head-count",
                tuple(f"dept:{c.department_id}:per_capita" for c in top))
    if rule.statistic == "mean_all":
        return (exact_sum(v for _, v in per_capita) / len(per_capita),
                "mean of every clinical department's per-capita score × head-count",
                tuple(f"dept:{c.department_id}:per_capita" for c in ranked))
    return (exact_sum(c.score for c in ranked) / sum(c.headcount for c in ranked),
            "Σ clinical scores ÷ Σ clinical head-count × head-count",
            tuple(f"dept:{c.department_id}:score" for c in ranked))


def department_money_events(
    facts: Facts, period: Period
) -> tuple[dict[str, list[ControlIndicatorMeasured]], dict[str, list[DepartmentPenaltyRecorded]]]:
    controls: dict[str, list[ControlIndicatorMeasured]] = defaultdict(list)
    penalties: dict[str, list[DepartmentPenaltyRecorded]] = defaultdict(list)
    for e in of_type(facts, period, ControlIndicatorMeasured):
        controls[e.department_id].append(e)
    for p in of_type(facts, period, DepartmentPenaltyRecorded):
        penalties[p.department_id].append(p)
    return controls, penalties


