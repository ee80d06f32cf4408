"""Bands (§5.6 step 4): the score against bounds whose inclusivity is explicit, with
optional extra conditions (S13-R12), or the grade a meeting proposed; a forced grade is
the grade (`fixed_grade: exact`) or a ceiling on it (AMB-30). Every cited number is the
band row's own value, so the text follows the scheme."""

from __future__ import annotations

from fractions import Fraction

from domain.expressions import MissingInputError
from domain.grading import BandTable, Pipeline
from projections.figures import exact_text
from projections.grading.context import GradingContext
from projections.grading.env import SubjectEnv, holds
from projections.grading.model import PipelineResult, Step, SubjectResult, gradable
from projections.grading.reading import text


def band_grades(run: GradingContext, result: PipelineResult) -> None:
    pipeline = result.pipeline
    if pipeline.bands is None:
        for subject in gradable(result):
            if subject.forced is not None:
                subject.grade = subject.forced
        return
    for subject in gradable(result):
        env = SubjectEnv(run, result, subject)
        band = _band(env, pipeline, pipeline.bands, subject)
        subject.band_grade = band
        if subject.forced is None:
            subject.grade = band
        elif band is None or pipeline.fixed_grade == "exact":
            subject.grade = subject.forced
        else:
            subject.grade = pipeline.worse(band, subject.forced)
        if subject.forced is not None and band is not None and subject.grade != band:
            how = ("a fixed grade is the grade" if pipeline.fixed_grade == "exact"
                   else "a fixed grade acts as a ceiling: the worse of the two")
            subject.steps.append(Step("forced", band, subject.grade, how, pipeline.fixed_ref))
        if subject.grade is None:
            subject.status = "pending"


def _band(env: SubjectEnv, pipeline: Pipeline, bands: BandTable,
          subject: SubjectResult) -> str | None:
    if bands.source == "proposal":
        return _proposed(env, bands, subject)
    score = subject.figures.get(pipeline.score or "")
    if not isinstance(score, Fraction):
        return None
    for row in bands.rows:
        if row.min is not None:
            bound = Fraction(row.min)
            if score < bound or (score == bound and not row.min_inclusive):
                continue
        if row.when is not None and not holds(env, row.when):
            continue
        edge = ("" if row.min is None else
                f" {'≥' if row.min_inclusive else '>'} {exact_text(Fraction(row.min))}")
        extra = f" and {row.when}" if row.when else ""
        subject.steps.append(Step("band", None, row.grade,
                                  f"{pipeline.score} {exact_text(score)}{edge}{extra}",
                                  bands.ref, tuple(sorted(env.events)) if row.when else ()))
        return row.grade
    return None


def _proposed(env: SubjectEnv, bands: BandTable, subject: SubjectResult) -> str | None:
    env.reset()
    try:
        grade = text(env.name("proposal"))
    except MissingInputError:
        subject.steps.append(Step("band", None, None, "awaiting the grade the meeting or "
                                  "leading group proposes (propose_grade)", bands.ref))
        return None
    subject.steps.append(Step("band", None, grade, "the proposed grade", bands.ref,
                              tuple(sorted(env.events))))
    return grade
