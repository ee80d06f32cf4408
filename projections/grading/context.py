"""What every stage and expression function may ask of the run it belongs to.

A Protocol, so the stages, the expression environment and the run that dispatches them
import it rather than each other: the run imports the stages, never the reverse.
"""

from __future__ import annotations

from typing import Protocol

from domain.facts import Facts
from domain.grading import GradingPeriod, GradingScheme
from domain.policies import DerivedFact
from domain.sanctions import (
    ComplaintRecorded,
    GradeInputRecorded,
    PayBaseRecorded,
    SanctionRecorded,
)
from projections.figures import Ledgerbook
from projections.grading.gather import GradingFacts
from projections.grading.model import PipelineResult


class GradingContext(Protocol):
    """One grading scheme over the facts: its indexed facts, its derived facts, the
    figure book, and every pipeline's result for any period (computed once)."""

    facts: Facts
    scheme: GradingScheme
    g: GradingFacts
    book: Ledgerbook
    derived: list[DerivedFact]

    def run(self, pipeline_name: str, period: GradingPeriod) -> PipelineResult: ...

    def sanctions_of(self, subject_id: str) -> list[SanctionRecorded]: ...

    def complaints_of(self, subject_id: str) -> list[ComplaintRecorded]: ...

    def derived_of(self, subject_id: str) -> list[DerivedFact]: ...

    def input_events(self, subject_id: str, period: GradingPeriod, component: str
                     ) -> GradeInputRecorded | None: ...

    def pay_base(self, subject_id: str, period: GradingPeriod, component: str
                 ) -> PayBaseRecorded | None: ...


# A stage updates one pipeline's result in place; the tuple of stages (stages.py) is the
# order of the rule, and each stage sees what the ones before it decided.
class Stage(Protocol):
    def __call__(self, run: GradingContext, result: PipelineResult) -> None: ...
