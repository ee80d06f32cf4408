"""The demo hospital year: the scenario `county-hospital-year.yaml` run through the one
generator the benchmarks also use. The same year always gives the same rows (and the same
idempotency keys, hence the same event ids)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from api.scenarios import read_scenario, state
from api.scenarios.generator import generate, load_scenario
from domain.settings import DEFAULT_TIME_ZONE

SCENARIO = "county-hospital-year"
SCHEME_ID = str(read_scenario(SCENARIO)["scheme"])


ORGANISATION = str(read_scenario(SCENARIO)["label"])


def demo_settings() -> list[dict[str, Any]]:
    """The demo ledger's own settings, recorded first as `jixiao init` records them: the
    hospital's name and China's time zone (a ledger without settings reads times as UTC),
    and a one-person close, so that the demo's single finance account can close."""
    return [{"type": "configure_ledger", "time_zone": DEFAULT_TIME_ZONE,
             "organisation": ORGANISATION},
            {"type": "set_close_approval", "required": False}]


def demo_commands(year: int = 2026) -> list[dict[str, Any]]:
    """The command rows of one demo hospital year. Pure and deterministic."""
    return list(generate(load_scenario(SCENARIO), year=year))


def entry_id(key: str) -> UUID:
    """The event id the ledger gives the command with this idempotency key."""
    return state.entry_id(key)


def describe(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """What the year holds: departments, staff by category, probation hires, commands
    (counts; a shell words them in the reader's language)."""
    hires = [r for r in rows if r["type"] == "hire_employee"]
    categories: dict[str, int] = {}
    for r in hires:
        categories[r["category"]] = categories.get(r["category"], 0) + 1
    return {"departments": sum(1 for r in rows if r["type"] == "define_department"),
            "staff": len(hires), "categories": dict(sorted(categories.items())),
            "probation": sum(1 for r in hires if r.get("probation_until")),
            "commands": len(rows)}
