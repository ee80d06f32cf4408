"""The canonical report of one grading scheme for one period, and the explanation of one
subject's grades and pay, figure by figure."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from fractions import Fraction
from typing import Any

from domain.derived_facts import live_recorded
from domain.errors import InvalidRequestError, NotFoundError
from domain.events import EntryVoided
from domain.facts import Facts
from domain.grading import GradingPeriod
from domain.money import ZERO
from domain.policies import DerivedFact
from projections.figures import approx_text, exact_text, money_text
from projections.grading.gather import choose_scheme
from projections.grading.model import (
    PipelineResult,
    SubjectResult,
    figure_key,
    grade_name,
    ref_json,
    value_text,
)
from projections.grading.procedures import procedures
from projections.grading.run import GradingRun
from projections.memo import memo_of


def grades_report(facts: Facts, period: GradingPeriod, scheme_id: str | None = None
                  ) -> dict[str, Any]:
    """The canonical report of one grading scheme for one period."""
    event, scheme = choose_scheme(facts, period, scheme_id)
    run = GradingRun(facts, scheme)
    pipelines = [p for p in scheme.pipelines if p.period == period.kind]
    if not pipelines:
        kinds = sorted({p.period for p in scheme.pipelines})
        raise InvalidRequestError(f"{scheme.key} grades by {', '.join(kinds)}, not {period.kind}")
    results = [run.run(p.name, period) for p in pipelines]
    return {
        "period": str(period),
        "scheme": {"id": scheme.id, "version": scheme.version, "key": scheme.key,
                   "title": scheme.title, "source": scheme.source, "rulebook": scheme.rulebook,
                   "sha256": event.sha256, "adopted": str(event.originator_id)},
        "pipelines": [_pipeline_json(run, r) for r in results],
        "derived": [_derived_json(run, d) for d in run.derived
                    if period.first_day <= d.on <= period.last_day],
        "procedures": procedures(run, period),
        "pay": _pay_summary(results),
        "defaults": [d.model_dump() for d in scheme.defaults],
    }


def _pipeline_json(run: GradingRun, result: PipelineResult) -> dict[str, Any]:
    pipeline = result.pipeline
    return {
        "name": pipeline.name, "label": pipeline.label, "period": str(result.period),
        "grades": [{"code": g.code, "name": g.name,
                    "coefficient": None if g.coefficient is None else exact_text(g.coefficient)}
                   for g in pipeline.grades],
        "subjects": [_subject_json(run, result, s) for s in result.subjects.values()],
        "quotas": [q.to_json() for q in result.quotas],
        "counts": _grade_counts(result),
    }


def _grade_counts(result: PipelineResult) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for subject in result.subjects.values():
        counts[subject.grade or subject.status] += 1
    return dict(sorted(counts.items()))


def _subject_json(run: GradingRun, result: PipelineResult, s: SubjectResult) -> dict[str, Any]:
    pipeline = result.pipeline
    score = s.figures.get(pipeline.score or "") if pipeline.score else None
    return {
        "subject_id": s.subject_id, "name": s.subject.name, "scopes": s.subject.scopes,
        "status": s.status, "grade": s.grade, "grade_name": grade_name(pipeline, s.grade),
        "band_grade": s.band_grade, "forced": s.forced, "ceiling": s.ceiling,
        "score": None if score is None else value_text(score),
        "score_approx": approx_text(score, 6) if isinstance(score, Fraction) else None,
        "figures": {k: value_text(v) for k, v in s.figures.items()},
        "steps": [step.to_json(pipeline) for step in s.steps],
        "consequences": s.consequences,
        "pay": [p.to_json() for p in s.pay],
        "problems": s.problems,
        "derived": [d.id for d in run.derived_of(s.subject_id)
                    if result.period.first_day <= d.on <= result.period.last_day],
    }


def _derived_json(run: GradingRun, d: DerivedFact) -> dict[str, Any]:
    data = {"id": d.id, "policy": d.policy_id, "kind": d.kind, "name": d.name,
            "subject_id": d.subject_id, "on": d.on.isoformat(),
            "until": d.until.isoformat() if d.until else None,
            "window": d.window, "triggers": list(d.triggers), "effect": d.effect,
            "status": d.status, "obligation": d.obligation, "discharged_by": d.discharged_by,
            "note": d.note, "recorded_event": _recorded_event(run, d)}
    data.update(ref_json(d.ref))
    return data


def _recorded_event(run: GradingRun, d: DerivedFact) -> str | None:
    """The live DerivedFactRecorded entry the ledger recorded for this derived fact."""
    memo = memo_of(run.facts)
    recorded = memo.get("derived-recorded")
    if recorded is None:
        recorded = memo["derived-recorded"] = live_recorded(run.facts.live.values())
    found = recorded.get(d.id)
    return None if found is None else str(found)


def _pay_summary(results: list[PipelineResult]) -> dict[str, Any]:
    paid, base = ZERO, ZERO
    withheld: defaultdict[str, Decimal] = defaultdict(lambda: ZERO)
    lines = 0
    pending = 0
    for result in results:
        for subject in result.subjects.values():
            for pay in subject.pay:
                if pay.status == "pending":
                    pending += 1
                if pay.status not in ("ok", "pending"):
                    continue
                lines += 1
                paid += pay.paid_cny
                if pay.withheld_cny:
                    withheld[pay.line.withheld_to or "withheld"] += pay.withheld_cny
                if pay.base_cny is not None:
                    base += pay.base_cny - pay.paid_cny - pay.withheld_cny
    return {"lines": lines, "paid": money_text(paid), "pending_lines": pending,
            "withheld": {k: money_text(v) for k, v in sorted(withheld.items())},
            "reconciliation": {"formula": "Σ base − Σ paid − Σ withheld, lines with a base",
                               "balance": money_text(base)}}


def explain_subject(facts: Facts, period: GradingPeriod, subject_id: str,
                    scheme_id: str | None = None) -> dict[str, Any]:
    """Everything behind one subject's grades and pay for a period, figure by figure."""
    _, scheme = choose_scheme(facts, period, scheme_id)
    run = GradingRun(facts, scheme)
    found = []
    for pipeline in scheme.pipelines:
        if pipeline.period != period.kind:
            continue
        result = run.run(pipeline.name, period)
        subject = result.subjects.get(subject_id)
        if subject is None:
            continue
        # The subject's figures in the order computed: the pipeline's, then any a
        # calculation of the `calculations` stage added.
        keys = [figure_key(pipeline, subject, name, period) for name in subject.figures]
        keys = [k for k in keys if k in run.book.figures]
        used = {i for k in keys for i in run.book.figures[k].inputs}
        trees = [run.book.tree(k) for k in keys if k not in used]  # roots only
        found.append({
            **_subject_json(run, result, subject), "pipeline": pipeline.name,
            "figure_trees": trees,
            "quotas": [q.to_json() for q in result.quotas
                       if subject_id in {s for s, _ in q.ranked}],
            "corrections": _corrections(run, subject_id, period),
        })
    if not found:
        raise NotFoundError(f"{subject_id!r} is not assessed by {scheme.key} in {period}")
    return {"period": str(period), "scheme": scheme.key, "subject_id": subject_id,
            "results": found,
            "derived": [_derived_json(run, d) for d in run.derived_of(subject_id)
                        if d.on.year == period.year]}


def _corrections(run: GradingRun, subject_id: str, period: GradingPeriod) -> list[dict[str, Any]]:
    """Entries about this subject that were corrected or withdrawn: history stays."""
    items = []
    for old_id, new_id in run.facts.replaced_by.items():
        old = run.facts.events.get(old_id)
        if getattr(old, "subject_id", None) != subject_id:
            continue
        day = getattr(old, "decided_on", None) or getattr(old, "received_on", None)
        text = getattr(old, "grading_period", None)
        relevant = (day is not None and day.year == period.year) or (
            text is not None and text.startswith(str(period.year)))
        if not relevant:
            continue
        new = run.facts.events.get(new_id)
        items.append({"entry": str(old_id), "type": type(old).__name__,
                      "replaced_by": str(new_id),
                      "how": "voided" if isinstance(new, EntryVoided) else "superseded",
                      "reason": getattr(new, "reason", None)})
    return sorted(items, key=lambda i: i["entry"])
