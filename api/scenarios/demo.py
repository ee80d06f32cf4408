"""The demo hospital year: the scenario `county-hospital-year.yaml` run through the one
generator the benchmarks also use. The same year always gives the same rows (and the same
idempotency keys, hence the same event ids)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from api.scenarios import read_scenario, state
from api.scenarios.generator import generate, load_scenario

SCENARIO = "county-hospital-year"
SCHEME_ID = str(read_scenario(SCENARIO)["scheme"])


def demo_commands(year: int = 2026) -> list[dict[str, Any]]:
    """The command rows of one demo hospital year. Pure and deterministic."""
    return list(generate(load_scenario(SCENARIO), year=year))


def entry_id(key: str) -> UUID:
    """The event id the ledger gives the command with this idempotency key."""
    return state.entry_id(key)


def describe(rows: list[dict[str, Any]]) -> str:
    """One line on what the year holds: departments, staff by category, commands."""
    departments = sum(1 for r in rows if r["type"] == "define_department")
    hires = [r for r in rows if r["type"] == "hire_employee"]
    categories: dict[str, int] = {}
    for r in hires:
        categories[r["category"]] = categories.get(r["category"], 0) + 1
    probation = sum(1 for r in hires if r.get("probation_until"))
    parts = ", ".join(f"{n} {c}" for c, n in sorted(categories.items()))
    return (f"{departments} departments, {len(hires)} staff ({parts}; {probation} hired on "
            f"probation during the year), {len(rows)} commands")
