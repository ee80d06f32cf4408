"""The expression environment a stage hands to `domain.grading.evaluate`: the reader,
with every expression function dispatched by name from one registry."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from domain.expressions import MissingInputError, evaluate
from projections.grading.calc_functions import CALC_FUNCTIONS
from projections.grading.functions import OWN_FUNCTIONS
from projections.grading.reading import Function, SubjectReader
from projections.grading.rollups import ROLLUP_FUNCTIONS


class SubjectEnv(SubjectReader):
    """What an expression sees for one subject in one pipeline and period."""

    functions: ClassVar[Mapping[str, Function]] = {**OWN_FUNCTIONS, **ROLLUP_FUNCTIONS,
                                                    **CALC_FUNCTIONS}


def holds(env: SubjectReader, condition: str) -> bool:
    """A condition; a missing input makes it false (and is not an error)."""
    env.reset()
    try:
        return bool(evaluate(condition, env))
    except MissingInputError:
        return False
