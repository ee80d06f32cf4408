"""The one deterministic generator of command rows, driven by a scenario file.

A scenario (`api/scenarios/*.yaml`) is data: the organisation, its people and events, and
the names of the stages that turn them into rows, in three lists: `setup` (once), `quarter`
(every quarter of every year) and `year_end` (after each year's fourth quarter). A stage is
a function `(Context) -> Iterator[Row]` found by name in `STAGES`; it reads its own section
of the scenario and the run's settings, and draws from the context's one random stream.

Two scenarios ship: `county-hospital-year` (`jixiao demo`: a hand-tuned county hospital
that uses every money path) and `synthetic-organisation` (the benchmarks: any number of
departments and staff, with presets up to a province). Rows come out lazily, so a province
holds its roster in memory, never its events.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping
from typing import Any

from api.scenarios import read_scenario, scripted, synthetic
from api.scenarios.state import Context, Row, Stage

YEARS_MAX = 20


def adopt_scheme(ctx: Context) -> Iterator[Row]:
    yield ctx.row("adopt_scheme", scheme=ctx.scenario["scheme"],
                  reason=ctx.scenario["adopt_reason"], rule_ref="S11-R01")


def assess_tenure(ctx: Context) -> Iterator[Row]:
    """Each year's tenure-target assessments (S11-R48) of every post holder, recorded in
    its first quarter: they gate the post bonus for the whole year."""
    if ctx.quarter != 1:
        return
    first, last = ctx.quarter_days
    failures = {scripted.cast_member(ctx, role).employee_id: reason
                for role, reason in ctx.scenario.get("tenure_failures", {}).items()}
    for person in ctx.people:
        if (person.post == "staff" or person.category == "lump_sum"
                or not person.employed_during(first, last)):
            continue
        reason = failures.get(person.employee_id)
        yield ctx.row("record_assessment", employee_id=person.employee_id,
                      kind="tenure_target", year=ctx.year,
                      result="pass" if reason is None else "fail", reason=reason,
                      rule_ref="S11-R48")


def record_department_figures(ctx: Context) -> Iterator[Row]:
    """Workload, revenue and full cost (S11-R14, R18, R19) of every clinical department.
    The scenario lists the draws in the order they are made; `special` entries replace
    drawn values for one department in one quarter (a campaign, a closure)."""
    config = ctx.scenario["department_figures"]
    first = ctx.quarter_days[0]
    sizes: dict[str, int] = {}
    for person in ctx.people:
        if person.category != "lump_sum" and person.employed_during(first, first):
            department_id = person.department_on(first)
            sizes[department_id] = sizes.get(department_id, 0) + 1
    special = {(s["quarter"], s["department"]): s for s in config.get("special", ())}
    ctx.figures.clear()  # a correction refers to its own quarter's figures
    for department in ctx.departments:
        if department.kind != "clinical":
            continue
        size = max(sizes.get(department.department_id, 0), 1)
        drawn = {name: ctx.rng.randint(low, high) for name, (low, high)
                 in config["draws"].items()}
        drawn["revenue_cny"] = size * drawn["revenue_per_head_cny"]
        override = special.get((ctx.quarter, department.department_id), {})
        drawn.update({k: v for k, v in override.items() if k in drawn})
        base = department.workload_per_head * size
        evidence = config.get("evidence_ref")
        row = ctx.row(
            "record_department_figures", period=ctx.period,
            department_id=department.department_id, workload_base=str(base),
            workload_actual=str(base * drawn["completion_permille"] // 1000),
            medical_revenue_cny=f"{drawn['revenue_cny']}.00",
            full_cost_cny=f"{drawn['revenue_cny'] * 1000 // drawn['cost_coefficient_permille']}.00",
            evidence_ref=evidence and evidence.format(
                period=ctx.period, department_id=department.department_id),
            reason=override.get("reason"))
        ctx.figures[(ctx.quarter, department.department_id)] = row
        yield row


def score_annual_targets(ctx: Context) -> Iterator[Row]:
    """Every department's annual target score (S11-R45)."""
    config = ctx.scenario["annual_targets"]
    evidence = config.get("evidence_ref")
    for department in ctx.departments:
        yield ctx.row("record_annual_target_score", year=ctx.year,
                      department_id=department.department_id,
                      score=str(ctx.rng.randint(*config["score"])),
                      evidence_ref=evidence and evidence.format(year=ctx.year),
                      rule_ref="S11-R45")


STAGES: Mapping[str, Stage] = {
    stage.__name__: stage for stage in (
        adopt_scheme, assess_tenure, record_department_figures, score_annual_targets,
        scripted.define_departments, scripted.hire_positions, scripted.hire_planned,
        scripted.record_roster_events, scripted.declare_quarter_pool,
        scripted.correct_department_figures, scripted.record_controls,
        scripted.record_department_deductions, scripted.record_penalties,
        scripted.record_scores, scripted.record_attendance,
        scripted.record_individual_deductions, scripted.assess_year_end,
        scripted.record_cme_credits, scripted.record_training_refusals,
        scripted.adjust_year_end_pool,
        synthetic.define_synthetic_departments, synthetic.hire_synthetic_staff,
        synthetic.draw_revenue_per_head, synthetic.transfer_at_random,
        synthetic.declare_pool_per_head, synthetic.inspect_departments,
        synthetic.score_each_person, synthetic.correct_picked_deductions,
        synthetic.depart_at_random, synthetic.assess_and_credit_each_person,
    )
}


def load_scenario(name: str) -> Mapping[str, Any]:
    """A shipped scenario by name (`api/scenarios/<name>.yaml`), its stages checked."""
    scenario = read_scenario(name)
    stages_of(scenario)
    return scenario


def stages_of(scenario: Mapping[str, Any]) -> dict[str, list[Stage]]:
    """The scenario's setup, quarter and year-end stages; every name must be in STAGES."""
    unknown = [name for names in scenario["stages"].values() for name in names
               if name not in STAGES]
    if unknown:
        raise ValueError(f"no stage named {', '.join(unknown)}; stages: {', '.join(STAGES)}")
    return {part: [STAGES[name] for name in names]
            for part, names in scenario["stages"].items()}


def generate(scenario: Mapping[str, Any], *, year: int, years: int = 1,
             **settings: Any) -> Iterator[Row]:
    """The command rows of `years` years from `year`, in the order they are recorded,
    made lazily. `settings` (organisation, seed, sizes …) are the run's parameters: stages
    read them, and the scenario's `idempotency_key` and `rng_seed` templates may name them.
    A bad scenario or year count is refused here, before any row is made."""
    if not 1 <= years <= YEARS_MAX:
        raise ValueError(f"years must be 1 to {YEARS_MAX}")
    stages = stages_of(scenario)
    settings = {"seed": scenario["seed"], **settings, "year": year, "years": years}
    seed: int | str = settings["seed"]
    if "rng_seed" in scenario:
        seed = scenario["rng_seed"].format(**settings)
    # Reproducible generated data, not security.
    ctx = Context(scenario, random.Random(seed), settings, year=year)  # noqa: S311
    return _run(ctx, stages, years)


def _run(ctx: Context, stages: Mapping[str, list[Stage]], years: int) -> Iterator[Row]:
    first_year = ctx.year
    for stage in stages.get("setup", ()):
        yield from stage(ctx)
    for year in range(first_year, first_year + years):
        ctx.year = year
        for quarter in range(1, 5):
            ctx.quarter = quarter
            for stage in stages.get("quarter", ()):
                yield from stage(ctx)
        for stage in stages.get("year_end", ()):
            yield from stage(ctx)
