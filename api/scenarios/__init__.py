"""Scenarios: deterministic command rows from data, for the demo and the benchmarks.

A scenario is a YAML file shipped in this package; `generator.generate` runs its stages
(see `generator.py` for the format and the two shipped scenarios).
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml


@cache
def read_scenario(name: str) -> dict[str, Any]:
    """The parsed file `api/scenarios/<name>.yaml` (read once; treat it as read-only)."""
    text = resources.files(__name__).joinpath(f"{name}.yaml").read_text("utf-8")
    scenario: dict[str, Any] = yaml.safe_load(text)
    return scenario
