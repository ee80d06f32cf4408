"""A grade proposal checked against its quota when it is entered (worked example 6a of
seeds-002.md: a 3rd 优秀 proposal in a line of 7 is rejected, QuotaExceeded).

At entry the base N is every subject the pipeline assesses in the proposal's scope that
is known then (enrolled, in force for the period): whether each is assessed is not known
until the grades are computed. The ranking then decides again over every subject known
at that time and counts only those assessed (projections/grading/quotas.py), so a later
entry that leaves someone unassessed can shrink N, and a proposal accepted at entry can
lose its place to a better-ranked one; the quota step of its explanation says why.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

from domain.grading import GradingPeriod, Pipeline, QuotaRule
from domain.sanctions import GradeProposed, SubjectEnrolled

Problem = Callable[[str, str], None]


def quota_limit(share: Decimal, headcount: int, rounding: str, min_one_below: int | None) -> int:
    """⌊share × n⌋ (or the configured rounding), at least 1 when n < min_one_below."""
    mode = {"floor": ROUND_FLOOR, "half_up": ROUND_HALF_UP, "ceil": ROUND_CEILING}[rounding]
    limit = int((share * headcount).quantize(Decimal(1), rounding=mode))
    if min_one_below is not None and 0 < headcount < min_one_below:
        limit = max(limit, 1)
    return limit


def assesses(pipeline: Pipeline, scheme_id: str, subject: SubjectEnrolled,
             period: GradingPeriod) -> bool:
    """Whether the pipeline assesses this enrolled subject in the period: its kind, the
    unit it heads, the schemes it is enrolled for, its dates and its scopes."""
    wanted = pipeline.subjects
    if subject.kind != wanted.kind or (wanted.heads_only and not subject.heads):
        return False
    if subject.rulebooks and scheme_id not in subject.rulebooks:
        return False
    if subject.enrolled_on > period.last_day or (
            subject.left_on is not None and subject.left_on < period.first_day):
        return False
    return all(subject.scopes.get(k) == v for k, v in wanted.match.items())


def check_proposal_quota(event: GradeProposed, *, scheme_id: str, pipeline: Pipeline,
                         period: GradingPeriod, subjects: dict[str, SubjectEnrolled],
                         proposals: Iterable[GradeProposed], problem: Problem) -> None:
    """QuotaExceeded when the places of the proposed grade in the subject's scope are all
    proposed already, counted over the subjects known now."""
    proposer = subjects.get(event.subject_id)
    if proposer is None:
        return
    same = [p for p in proposals
            if (p.rulebook, p.pipeline, p.grading_period, p.grade) == (
                event.rulebook, event.pipeline, event.grading_period, event.grade)
            and p.subject_id != event.subject_id]
    assessed = [s for s in subjects.values() if assesses(pipeline, scheme_id, s, period)]
    for rule in pipeline.quotas:
        if rule.grade == event.grade:
            _check_rule(rule, proposer, assessed, same, problem)


def _check_rule(rule: QuotaRule, proposer: SubjectEnrolled, assessed: list[SubjectEnrolled],
                same: list[GradeProposed], problem: Problem) -> None:
    value = proposer.scopes.get(rule.scope) if rule.scope else None
    members = {s.subject_id for s in assessed
               if rule.scope is None or s.scopes.get(rule.scope) == value}
    if proposer.subject_id not in members:
        return  # not assessed by this pipeline: the ranking reports it
    holders = sorted(p.subject_id for p in same if p.subject_id in members)
    limit = quota_limit(rule.max_share, len(members), rule.rounding, rule.min_one_below)
    if len(holders) < limit:
        return
    where = f"{rule.scope} {value}" if rule.scope else "全体被考核人员"
    problem("grade", f"QuotaExceeded: {where} 的 {rule.grade} 名额已满：{rule.rounding}("
            f"{rule.max_share} × {len(members)}) = {limit}，已提议 {len(holders)} 人（"
            f"{', '.join(holders) or '无'}）；请先撤销或更正其中一项提议（{rule.ref.rule}）"
            f" (the {rule.grade} places of {where} are all proposed)")
