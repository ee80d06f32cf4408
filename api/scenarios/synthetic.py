"""Stages of a synthetic organisation of any size (the benchmarks), and its `Shape`.

The organisation is described by numbers, not lists: `departments` departments (four in
five clinical, one in five admin), `staff` people spread over them (the first of each
department its director, a few contract, temporary and lump-sum workers), and
`events_per_person_per_period` events per person per quarter (a quantity score,
attendance, and on average the rest as individual deductions). Transfers, departures,
inspections and corrected deductions happen at random rates the scenario file
(`synthetic-organisation.yaml`) states, which also holds the presets.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, replace
from datetime import date
from typing import Any

from api.scenarios import read_scenario
from api.scenarios.state import Context, Department, Person, Row
from domain.records import frozen_record

SCENARIO = "synthetic-organisation"


@frozen_record
class Shape:
    """What to generate. `departments` and `staff` are totals over all organisations."""

    organisations: int = 1
    departments: int = 20
    staff: int = 1_000
    events_per_person_per_period: float = 4.0
    years: int = 1
    seed: int = 20260611

    def __post_init__(self) -> None:
        if self.organisations < 1 or self.departments < self.organisations:
            raise ValueError("need at least one department per organisation")
        if self.staff < 2 * self.departments:
            raise ValueError("need at least two staff per department")
        if self.events_per_person_per_period < 2:
            raise ValueError("events per person per period is at least 2 "
                             "(a quantity score and attendance)")
        if not 1 <= self.years <= 20:
            raise ValueError("years must be 1 to 20")

    def split(self, total: int, organisation: int) -> int:
        """This organisation's share of a total (the first ones take the remainder)."""
        base, extra = divmod(total, self.organisations)
        return base + (1 if organisation < extra else 0)

    def departments_of(self, organisation: int) -> int:
        return self.split(self.departments, organisation)

    def staff_of(self, organisation: int) -> int:
        return self.split(self.staff, organisation)

    @property
    def first_year(self) -> int:
        return int(read_scenario(SCENARIO)["first_year"])

    @property
    def periods(self) -> list[str]:
        return [f"{self.first_year + y}-Q{q}" for y in range(self.years) for q in range(1, 5)]

    @property
    def last_quarter(self) -> str:
        return self.periods[-1]

    def estimated_events(self) -> int:
        """Roughly how many events the whole shape records (for progress lines)."""
        per_year = (self.staff * (4 * self.events_per_person_per_period + 2.5)
                    + self.departments * 4.5 + 0.3 * self.departments)
        return int(self.organisations + self.departments + self.staff + self.years * per_year)

    def settings(self, organisation: int) -> dict[str, Any]:
        """The generator's settings for one organisation of this shape."""
        return {"organisation": organisation, "seed": self.seed,
                "departments": self.departments_of(organisation),
                "staff": self.staff_of(organisation),
                "events_per_person_per_period": self.events_per_person_per_period}

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def presets() -> dict[str, tuple[Shape, str]]:
    """The named shapes of the scenario file, each with its note."""
    return {name: (Shape(**{k: v for k, v in spec.items() if k != "note"}), spec["note"])
            for name, spec in read_scenario(SCENARIO)["presets"].items()}


def shape_for(preset: str, **overrides: Any) -> Shape:
    shapes = presets()
    if preset not in shapes:
        raise ValueError(f"no preset {preset!r}; presets: {', '.join(shapes)}")
    given = {k: v for k, v in overrides.items() if v is not None}
    return replace(shapes[preset][0], **given)


# ------------------------------------------------------------------ the organisation


def _department_id(index: int) -> str:
    return f"D{index:05d}"


def _employed(person: Person) -> bool:
    # Departures fall on a quarter's last day, after its rows: gone from the next stage on.
    return person.left_on is None


def define_synthetic_departments(ctx: Context) -> Iterator[Row]:
    """Index 0 is clinical; every fifth is admin (classes 1-3, a role the scheme knows)."""
    config = ctx.scenario["departments"]
    jan1 = date(ctx.year, 1, 1).isoformat()
    for index in range(int(ctx.settings["departments"])):
        department_id = _department_id(index)
        if index == 0 or index % 5 != 4:
            ctx.departments.append(Department(department_id, "clinical"))
            yield ctx.row("define_department", department_id=department_id,
                          name=f"临床科室{index}", kind="clinical",
                          risk_coefficient=ctx.rng.choice(config["risks"]),
                          effective_on=jan1, rule_ref="S11-R04")
        else:
            ctx.departments.append(Department(department_id, "admin"))
            admin_class = 1 + (index // 5) % 3
            yield ctx.row("define_department", department_id=department_id,
                          name=f"职能科室{index}", kind="admin",
                          admin_class=admin_class,
                          admin_role=ctx.rng.choice(config["admin_roles"][admin_class]),
                          effective_on=jan1, rule_ref="S11-R03")


def hire_synthetic_staff(ctx: Context) -> Iterator[Row]:
    """Staff spread evenly, hired before the first year; the first of each department is
    its director; a few contract (5 %), temporary (5 %) and lump-sum (2 %) workers."""
    config, rng = ctx.scenario["staff"], ctx.rng
    departments = ctx.departments
    for number in range(int(ctx.settings["staff"])):
        department = departments[number % len(departments)]
        director = number < len(departments)
        roll = rng.randrange(100)
        title = ctx.pick(config["titles"])
        category, klass = "regular", "full"
        if not director and roll < 5:
            category = "contract"
            klass = title if title in ("assistant", "practitioner") else "full"
        elif not director and roll < 10:
            category = "temporary"
            title = klass = rng.choice(config["temporary_titles"])
        elif not director and roll < 12:
            category, title = "lump_sum", "worker"
        post = "staff"
        if director:
            post = "clinical_director" if department.kind == "clinical" else "functional_director"
        hired_on = date(rng.randint(int(config["hired_from"]), ctx.year - 1),
                        rng.randint(1, 12), rng.randint(1, 28))
        yield ctx.hire(department.department_id, post, title, category, klass,
                       hired_on=hired_on)[1]


def draw_revenue_per_head(ctx: Context) -> Iterator[Row]:
    """The organisation's medical revenue per head, drawn once; the pool varies around it."""
    ctx.memo["revenue_per_head"] = ctx.rng.randint(*ctx.scenario["pool"]["revenue_per_head"])
    yield from ()


# ------------------------------------------------------------------ the quarter


def transfer_at_random(ctx: Context) -> Iterator[Row]:
    """A few transfers (one try per 500 staff) to a department of the same kind, from the
    quarter's first day."""
    departments = ctx.departments
    if len(departments) < 2:
        return
    first = ctx.quarter_days[0]
    movable = ctx.people[len(departments):] or ctx.people
    for _ in range(len(ctx.people) // 500):
        person = ctx.rng.choice(movable)
        target = ctx.rng.randrange(len(departments))
        current = person.department_on(first)
        if (not _employed(person) or departments[target].department_id == current
                or departments[target].kind != _kind_of(ctx, current)):
            continue
        person.moves.append((first, departments[target].department_id))
        yield ctx.row("transfer_employee", employee_id=person.employee_id,
                      department_id=departments[target].department_id,
                      effective_on=first.isoformat(), reason="staffing plan of the quarter")


def _kind_of(ctx: Context, department_id: str) -> str:
    return ctx.departments[int(department_id[1:])].kind


def declare_pool_per_head(ctx: Context) -> Iterator[Row]:
    """The pool (S11-R06) from the revenue per head of everyone employed."""
    active = sum(1 for p in ctx.people if _employed(p))
    low, high = ctx.scenario["pool"]["jitter_per_head"]
    revenue = active * (ctx.memo["revenue_per_head"] + ctx.rng.randint(low, high))
    yield ctx.row("declare_pool", period=ctx.period, medical_revenue_cny=f"{revenue}.00",
                  evidence_ref=ctx.scenario["pool"]["evidence_ref"].format(period=ctx.period),
                  rule_ref="S11-R06")


def inspect_departments(ctx: Context) -> Iterator[Row]:
    """Now and then a control indicator (clinical) and a department deduction."""
    config, rng = ctx.scenario["inspections"], ctx.rng
    for department in ctx.departments:
        clinical = department.kind == "clinical"
        if clinical and rng.randrange(int(config["control_one_in"])) == 0:
            yield ctx.row("record_control_indicator", period=ctx.period,
                          department_id=department.department_id,
                          indicator="drug_revenue_ratio", limit=config["drug_ratio_limit"],
                          actual=str(rng.randint(*config["drug_ratio_actual"])),
                          rule_ref="S11-R30")
        if rng.randrange(int(config["deduction_one_in"])) == 0:
            yield ctx.row("record_department_deduction", period=ctx.period,
                          department_id=department.department_id,
                          item="quality" if clinical else "task",
                          points=str(rng.randint(*config["deduction_points"])),
                          reason=config["deduction_reason"])


def score_each_person(ctx: Context) -> Iterator[Row]:
    """Per person: a quantity score, attendance, and individual deductions; about one
    deduction in a thousand is picked for a correction at the quarter's end."""
    config, rng = ctx.scenario["people"], ctx.rng
    extra = float(ctx.settings["events_per_person_per_period"]) - 2
    whole, fraction = int(extra), extra - int(extra)
    first, period = ctx.quarter_days[0], ctx.period
    picked: list[Row] = ctx.memo.setdefault("picked_deductions", [])
    for person in ctx.people:
        if not _employed(person):
            continue
        if person.category != "lump_sum":
            yield ctx.row("record_score", period=period, employee_id=person.employee_id,
                          item="quantity", points=str(rng.randint(*config["quantity_points"])),
                          rule_ref="S11-R36")
        absence = ctx.draw_absence(config["random_absence"])
        yield ctx.row("record_attendance", period=period, employee_id=person.employee_id,
                      scheduled_days=ctx.scheduled_days(person), absence_days=absence or None,
                      rule_ref="S11-R42")
        if person.category == "lump_sum":
            continue
        clinical = _kind_of(ctx, person.department_on(first)) == "clinical"
        for _ in range(whole + (1 if rng.random() < fraction else 0)):
            kind = ctx.pick(config["deductions"])
            if kind == "error" and not clinical:
                kind = "roster_disobeyed"
            fields: dict[str, Any] = {}
            if kind in config["minute_kinds"]:
                fields["minutes"] = rng.choice(config["minutes"])
            elif kind in config["point_kinds"]:
                fields["points"] = str(rng.randint(*config["points"]))
            row = ctx.row("record_deduction", period=period,
                          employee_id=person.employee_id, kind=kind, **fields)
            yield row
            if rng.randrange(int(config["corrected_one_in"])) == 0:
                picked.append(row)


def correct_picked_deductions(ctx: Context) -> Iterator[Row]:
    """The quarter's picked deductions, superseded: the appeal was upheld."""
    picked: list[Row] = ctx.memo.setdefault("picked_deductions", [])
    for earlier in picked:
        yield ctx.row("record_deduction", period=earlier["period"],
                      employee_id=earlier["employee_id"], kind="roster_disobeyed",
                      supersedes=str(ctx.entry_id(earlier)),
                      reason="appeal upheld: recorded as a roster matter")
    picked.clear()


def depart_at_random(ctx: Context) -> Iterator[Row]:
    """A few departures on the quarter's last day (never a director)."""
    last = ctx.quarter_days[1]
    for person in ctx.people[len(ctx.departments):]:
        if _employed(person) and ctx.rng.randrange(int(
                ctx.scenario["departure_one_in"])) == 0:
            person.left_on = last
            yield ctx.row("record_departure", employee_id=person.employee_id,
                          effective_on=last.isoformat(), reason="resigned")


# ------------------------------------------------------------------ the year end


def assess_and_credit_each_person(ctx: Context) -> Iterator[Row]:
    """Per person: the year-end assessment (S11-R47; one in 200 fails) and, for titled
    clinical staff, continuing-education credits (S11-R38)."""
    config, rng = ctx.scenario["year_end"], ctx.rng
    dec31 = date(ctx.year, 12, 31)
    for person in ctx.people:
        if not _employed(person) or person.category == "lump_sum":
            continue
        failed = rng.randrange(int(config["fail_one_in"])) == 0
        yield ctx.row("record_assessment", employee_id=person.employee_id, kind="year_end",
                      year=ctx.year, result="fail" if failed else "pass", rule_ref="S11-R47")
        if (_kind_of(ctx, person.department_on(dec31)) == "clinical"
                and person.title_grade not in ("worker", "junior_technician")):
            yield ctx.row("record_cme_credits", employee_id=person.employee_id, year=ctx.year,
                          credits=str(rng.randint(*config["cme_credits"])),
                          rule_ref="S11-R38")
