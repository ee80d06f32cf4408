"""Quotas (§5.6 step 6): the maximum share of a grade per scope, in rank order.

A tie at the cut-off takes the recorded tie-break order (AMB-22), or waits for one; with
`tie_break.mode: subject_id` the smaller id wins, flagged. Over-quota subjects cascade
down one grade in score order and compete for the next grade's quota (E2). The formula
shown is built from the rule's own share, rounding and minimum, so it follows the scheme.
"""

from __future__ import annotations

from collections import defaultdict
from fractions import Fraction

from domain.grading import Pipeline, QuotaRule
from domain.grading_quota_entry import quota_limit
from projections.figures import exact_text
from projections.grading.context import GradingContext
from projections.grading.model import (
    PipelineResult,
    QuotaUse,
    Step,
    SubjectResult,
    gradable,
    ref_json,
    value_text,
)


def apply_quotas(run: GradingContext, result: PipelineResult) -> None:
    """Decided when the ranking is computed, over every subject then known, never at entry
    time: a later entry re-ranks everyone. The base N counts only subjects assessed and in
    line for a grade (graded, or pending a decision): one not assessed, excluded from
    grading by a rule (no_grade: long leave, a new hire), or blocked for a missing input
    neither counts in N nor takes a slot (issue 15, item 4)."""
    counted = {s.subject_id for s in gradable(result)}
    for rule in result.pipeline.quotas:
        groups: dict[str | None, list[SubjectResult]] = defaultdict(list)
        outside: dict[str | None, list[tuple[str, str]]] = defaultdict(list)
        for subject in result.subjects.values():
            value = subject.subject.scopes.get(rule.scope) if rule.scope else None
            if subject.subject_id in counted:
                groups[value].append(subject)
            else:
                outside[value].append((subject.subject_id, subject.status))
        for value, members in sorted(groups.items(), key=lambda item: item[0] or ""):
            use = _quota(run, result, rule, value, members, outside=sorted(outside[value]))
            result.quotas.append(use)


def quota_formula(rule: QuotaRule, headcount: int, limit: int) -> str:
    """How the limit follows from the rule's share, rounding and minimum."""
    formula = f"{rule.rounding}({exact_text(Fraction(rule.max_share))} × {headcount})"
    if rule.min_one_below is not None and 0 < headcount < rule.min_one_below:
        formula += f", at least 1 with fewer than {rule.min_one_below}"
    return formula + f" = {limit}"


def _score(subject: SubjectResult, pipeline: Pipeline) -> Fraction | None:
    value = subject.figures.get(pipeline.score or "")
    return value if isinstance(value, Fraction) else None


def _quota(run: GradingContext, result: PipelineResult, rule: QuotaRule, value: str | None,
           members: list[SubjectResult], *, outside: list[tuple[str, str]]) -> QuotaUse:
    pipeline = result.pipeline
    n = len(members)
    limit = quota_limit(rule.max_share, n, rule.rounding, rule.min_one_below)
    formula = quota_formula(rule, n, limit)
    candidates = [s for s in members if s.grade == rule.grade]
    # Rank by score, best first; a missing score ranks last (flagged).
    ranked = sorted(candidates, key=lambda s: (_score(s, pipeline) is None,
                                               -(_score(s, pipeline) or 0), s.subject_id))
    use = QuotaUse(rule.grade, rule.scope, value, n, limit, formula,
                   [(s.subject_id, _score(s, pipeline)) for s in ranked], [], [], None, rule.ref,
                   outside)
    if len(ranked) <= limit:
        use.kept = [s.subject_id for s in ranked]
        return use
    keep, demote, pending = ranked[:limit], ranked[limit:], list[SubjectResult]()
    if limit > 0 and _score(ranked[limit - 1], pipeline) == _score(ranked[limit], pipeline):
        keep, demote, pending = _split_tie(run, result, ranked, use)
    use.kept = [s.subject_id for s in keep]
    for position, subject in enumerate(demote, start=len(keep) + 1):
        lower = pipeline.next_down(rule.grade)
        subject.steps.append(Step(
            "quota", subject.grade, lower,
            f"quota for {rule.grade}{_scope_text(rule.scope, value)}: {formula}; ranked "
            f"{position} of {len(ranked)} by {pipeline.score}"
            f" {value_text(_score(subject, pipeline) or Fraction(0))}; the place(s) went to "
            f"{_holders(keep, pipeline)}; cascades down one grade{_outside_text(outside)}",
            rule.ref, _tie_events(use)))
        subject.grade = lower
        use.demoted.append(subject.subject_id)
    for subject in pending:
        subject.steps.append(Step(
            "quota", subject.grade, None,
            f"tied at the quota cut-off for {rule.grade}{_scope_text(rule.scope, value)} "
            f"({len(pending)} tied for {limit - len(keep)} place(s)); awaiting the "
            "leadership group's recorded tie-break (record_tie_break)",
            pipeline.tie_break.ref if pipeline.tie_break else rule.ref))
        subject.grade = None
        subject.status = "pending"
    return use


def _outside_text(outside: list[tuple[str, str]]) -> str:
    """Who the base N leaves out and why: a later entry that leaves someone unassessed
    shrinks N, and a place granted over the larger N is decided again."""
    if not outside:
        return ""
    return "; not counted in N: " + ", ".join(
        f"{who} {status.replace('_', ' ')}" for who, status in outside)


def _holders(keep: list[SubjectResult], pipeline: Pipeline) -> str:
    """Who holds the places, with their scores: why this subject does not."""
    if not keep:
        return "no one (no place for this grade)"
    return ", ".join(f"{s.subject_id} ({value_text(_score(s, pipeline) or Fraction(0))})"
                     for s in keep)


Split = tuple[list[SubjectResult], list[SubjectResult], list[SubjectResult]]


def _split_tie(run: GradingContext, result: PipelineResult, ranked: list[SubjectResult],
               use: QuotaUse) -> Split:
    """(kept, demoted, pending) when subjects tie at the cut-off; records the tie."""
    pipeline = result.pipeline
    cut = _score(ranked[use.limit], pipeline)
    above = [s for s in ranked if cut is not None and (_score(s, pipeline) or 0) > cut]
    tied = [s for s in ranked if _score(s, pipeline) == cut]
    below = [s for s in ranked if s not in above and s not in tied]
    slots = use.limit - len(above)
    order, decided_by = _tie_order(run, result, use.grade, use.scope_value, tied)
    assert pipeline.tie_break is not None
    use.tie = {"score": None if cut is None else exact_text(cut),
               "tied": [s.subject_id for s in tied], "slots": slots,
               "decided_by": decided_by, "mode": pipeline.tie_break.mode,
               **ref_json(pipeline.tie_break.ref)}
    if order is None:
        return above, below, tied
    return above + order[:slots], order[slots:] + below, []


def _tie_events(use: QuotaUse) -> tuple[str, ...]:
    decided = (use.tie or {}).get("decided_by")
    return (decided,) if decided and decided != "subject_id" else ()


def _scope_text(key: str | None, value: str | None) -> str:
    return f" in {key} {value}" if key else " across everyone assessed"


def _tie_order(run: GradingContext, result: PipelineResult, grade: str, value: str | None,
               tied: list[SubjectResult]) -> tuple[list[SubjectResult] | None, str | None]:
    pipeline = result.pipeline
    ids = {s.subject_id for s in tied}
    for event in sorted(run.g.tie_breaks, key=lambda e: str(e.originator_id)):
        if (event.rulebook, event.pipeline, event.grading_period, event.scope_value,
                event.grade) != (run.scheme.id, pipeline.name, str(result.period), value, grade):
            continue
        if ids <= set(event.order):
            by_id = {s.subject_id: s for s in tied}
            return [by_id[i] for i in event.order if i in by_id], str(event.originator_id)
    if pipeline.tie_break is not None and pipeline.tie_break.mode == "subject_id":
        return sorted(tied, key=lambda s: s.subject_id), "subject_id"
    return None, None
