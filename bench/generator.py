"""The benchmarks' rows: the `synthetic-organisation` scenario of `api.scenarios`.

The generator itself, its stages and the presets (a 40-person smoke test up to a province)
live in the package, beside the demo's scenario, so both run through one generator; this
module keeps the names the runner, the phases and the smoke test import.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from uuid import UUID

from api.scenarios import read_scenario
from api.scenarios.generator import generate, load_scenario
from api.scenarios.state import entry_id as _entry_id
from api.scenarios.synthetic import SCENARIO, Shape, presets, shape_for

__all__ = ["FIRST_YEAR", "PRESETS", "PRESET_NOTES", "SEED", "Shape", "entry_id",
           "iter_commands", "key_of", "shape_for"]

SCHEME_ID = read_scenario(SCENARIO)["scheme"]
SEED = int(read_scenario(SCENARIO)["seed"])
FIRST_YEAR = int(read_scenario(SCENARIO)["first_year"])
PRESETS: dict[str, Shape] = {name: shape for name, (shape, _) in presets().items()}
PRESET_NOTES: dict[str, str] = {name: note for name, (_, note) in presets().items()}


def iter_commands(shape: Shape, organisation: int) -> Iterator[dict[str, Any]]:
    """The command rows of one organisation, in the order they are recorded (lazily)."""
    return generate(load_scenario(SCENARIO), year=shape.first_year, years=shape.years,
                    **shape.settings(organisation))


def key_of(organisation: int, number: int) -> str:
    return str(read_scenario(SCENARIO)["idempotency_key"]).format(
        organisation=organisation, number=number)


def entry_id(organisation: int, number: int) -> UUID:
    """The event id the ledger gives row `number` of an organisation (its idempotency key)."""
    return _entry_id(key_of(organisation, number))
