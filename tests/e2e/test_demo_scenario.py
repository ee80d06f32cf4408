"""The demo year is data: the `county-hospital-year` scenario run through the one scenario
generator the benchmarks also use. These tests pin its rows (the README's figures and
every demo statement depend on them) and the properties the year was tuned for."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest

from api.scenarios import read_scenario
from api.scenarios.demo import SCENARIO, SCHEME_ID, demo_commands
from api.scenarios.generator import STAGES, generate, load_scenario
from domain.shipped_schemes import load_shipped_scheme

# The digest of the canonical JSON (sorted keys) of the 2026 rows, one row a line. It was
# taken from the hand-written generator the scenario replaced, and the scenario reproduces
# it byte for byte: change it only with a deliberate change of the demo year. Changed once
# since: the 22 departments named in Chinese only (内科, was 内科 internal medicine); with
# the old names put back the rows give the hand-written generator's digest, 96511003….
DEMO_2026_ROWS = 1493
DEMO_2026_SHA256 = "e693b7f53ccb6823391c61c0112e3c66342bea1fd7b7149c47d9bfca8522ba9a"


def _digest(rows: list[dict[str, Any]]) -> str:
    text = "".join(json.dumps(row, sort_keys=True, ensure_ascii=False) + "\n" for row in rows)
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.fixture(scope="module")
def rows() -> list[dict[str, Any]]:
    return demo_commands(2026)


def test_the_demo_year_is_the_same_row_for_row(rows: list[dict[str, Any]]) -> None:
    assert len(rows) == DEMO_2026_ROWS
    assert _digest(rows) == DEMO_2026_SHA256


def test_the_demo_year_has_every_department_category_title_and_post(
        rows: list[dict[str, Any]]) -> None:
    scheme = load_shipped_scheme(SCHEME_ID)
    kinds = [r["kind"] for r in rows if r["type"] == "define_department"]
    assert (kinds.count("clinical"), kinds.count("admin")) == (14, 8)
    hires = [r for r in rows if r["type"] == "hire_employee"]
    assert {r["category"] for r in hires} == {"regular", "temporary", "contract", "lump_sum"}
    titles = {r["title_grade"] for r in rows if "title_grade" in r}
    posts = {r["post"] for r in rows if "post" in r}
    assert titles == set(scheme["title_points"])
    assert posts == set(scheme["posts"])


def test_the_special_events_of_the_year_are_in_the_scenario(
        rows: list[dict[str, Any]]) -> None:
    """The campaign that banks (endoscopy, Q2), the closure that draws the bank (Q3) and
    the broken machines that need a subsidy (ECG, Q4) are data, not code."""
    figures = {(r["period"], r["department_id"]): r for r in rows
               if r["type"] == "record_department_figures" and "supersedes" not in r}
    campaign = figures[("2026-Q2", "endoscopy")]
    assert int(campaign["workload_actual"]) == 28 * int(campaign["workload_base"]) // 10
    assert figures[("2026-Q3", "endoscopy")]["medical_revenue_cny"] == "9000.00"
    assert figures[("2026-Q4", "ecg")]["medical_revenue_cny"] == "3000.00"
    special = read_scenario(SCENARIO)["department_figures"]["special"]
    assert {(s["quarter"], s["department"]) for s in special} == {
        (2, "endoscopy"), (3, "endoscopy"), (4, "ecg")}


def test_another_year_is_the_same_hospital_in_that_year() -> None:
    later = demo_commands(2027)
    assert later[0]["idempotency_key"] == "demo-2027-00001"
    assert {r["period"] for r in later if "period" in r} == {
        "2027-Q1", "2027-Q2", "2027-Q3", "2027-Q4", "2027-YE"}


def test_a_scenario_naming_an_unknown_stage_is_refused_before_any_row() -> None:
    scenario = dict(load_scenario(SCENARIO))
    scenario["stages"] = {"setup": ["adopt_scheme", "hire_everyone_twice"]}
    with pytest.raises(ValueError, match="hire_everyone_twice"):
        generate(scenario, year=2026)


def test_every_stage_is_used_by_a_shipped_scenario() -> None:
    used = {name for scenario in ("county-hospital-year", "synthetic-organisation")
            for names in load_scenario(scenario)["stages"].values() for name in names}
    assert used == set(STAGES)
