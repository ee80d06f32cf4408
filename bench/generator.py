"""A deterministic, scalable synthetic ledger: many organisations, departments and staff.

`api/demo.py` is a hand-tuned single hospital that exercises every money path; this
generator is its simple, scalable sibling. Each organisation is its own store (one event
sequence per organisation) and records, in time order:

* the shipped scheme `xinghe-county-hospital`, adopted once;
* its departments: four in five clinical (risk coefficient 0.90…1.30), one in five admin
  (classes 1-3 with a role the scheme knows);
* its staff, hired before the first year: one director per department, the rest regular
  staff with a few contract, temporary and lump-sum workers;
* per year, the tenure-target assessments of the directors; per quarter a pool, the
  figures of every clinical department, a few control indicators and department
  deductions, a handful of transfers and departures, and per person a quantity score,
  attendance and `events_per_person_per_period - 2` individual deductions on average
  (late, left early, off post, roster, error, overtime addition, ethics); about one
  deduction in a thousand is corrected by a superseding entry;
* per year end, an annual target score per department, a year-end assessment per person
  and CME credits for clinical staff.

Every row carries a deterministic idempotency key (`bench-<org>-<n>`), so the same shape
always gives the same rows and the same event ids. Randomness comes only from
`random.Random(f"{seed}:{organisation}")`. Rows are yielded lazily: generating a province
holds one organisation's roster in memory, never its events.
"""
# ruff: noqa: PLC0415 - the runner imports the generator without the core

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from datetime import date
from typing import Any
from uuid import UUID, uuid5

SCHEME_ID = "xinghe-county-hospital"
SEED = 20260611
FIRST_YEAR = 2026  # the shipped scheme is in force from 2026-01-01
SCHEDULED_DAYS = {1: 60, 2: 62, 3: 64, 4: 61}
RISKS = ("0.90", "1.00", "1.05", "1.10", "1.15", "1.20", "1.25", "1.30")
ADMIN_ROLES = {1: ("hospital_leaders",), 2: ("office", "nursing", "medical_affairs"),
               3: ("equipment", "finance", "cashier")}
TITLES = (("senior", 4), ("associate_senior", 10), ("intermediate", 30), ("practitioner", 30),
          ("assistant", 18), ("junior_technician", 5), ("worker", 3))
TEMPORARY_TITLES = ("worker", "junior_technician", "assistant", "practitioner")
# (kind, weight, extra fields): every kind valid under the shipped scheme.
DEDUCTIONS: tuple[tuple[str, int], ...] = (
    ("late", 35), ("left_early", 15), ("off_post", 10), ("roster_disobeyed", 10),
    ("error", 10), ("overtime_addition", 15), ("ethics_breach", 5))
MINUTE_KINDS = frozenset({"late", "left_early", "off_post"})
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂兰玉萍红梅琳建华志国海波宁晶雪慧颖"


@dataclass(frozen=True)
class Shape:
    """What to generate. `departments` and `staff` are totals over all organisations."""

    organisations: int = 1
    departments: int = 20
    staff: int = 1_000
    events_per_person_per_period: float = 4.0
    years: int = 1
    seed: int = SEED

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
    def periods(self) -> list[str]:
        return [f"{FIRST_YEAR + y}-Q{q}" for y in range(self.years) for q in range(1, 5)]

    @property
    def last_quarter(self) -> str:
        return self.periods[-1]

    def estimated_events(self) -> int:
        """Roughly how many events the whole shape records (for progress lines)."""
        per_year = (self.staff * (4 * self.events_per_person_per_period + 2.5)
                    + self.departments * 4.5 + 0.3 * self.departments)
        return int(self.organisations + self.departments + self.staff + self.years * per_year)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


PRESETS: dict[str, Shape] = {
    # CI smoke test: seconds, not a measurement.
    "smoke": Shape(organisations=1, departments=4, staff=40),
    # One county hospital, a big hospital, a city, a province (all one store each) …
    "hospital": Shape(organisations=1, departments=20, staff=1_000),
    "county": Shape(organisations=1, departments=200, staff=10_000),
    "city": Shape(organisations=1, departments=600, staff=30_000),
    "province": Shape(organisations=1, departments=2_000, staff=100_000),
    # … and the province partitioned the way docs/scaling.md recommends: 50 hospitals.
    "province-split": Shape(organisations=50, departments=2_000, staff=100_000),
}
PRESET_NOTES = {
    "smoke": "CI smoke test only (40 staff)",
    "hospital": "1 organisation, 1,000 staff in 20 departments, 1 year",
    "county": "1 organisation, 10,000 staff in 200 departments, 1 year",
    "city": "1 organisation, 30,000 staff in 600 departments, 1 year",
    "province": "1 organisation, 100,000 staff in 2,000 departments, 1 year",
    "province-split": "50 organisations of 2,000 staff in 40 departments, 1 year",
}


def shape_for(preset: str, **overrides: Any) -> Shape:
    if preset not in PRESETS:
        raise ValueError(f"no preset {preset!r}; presets: {', '.join(PRESETS)}")
    given = {k: v for k, v in overrides.items() if v is not None}
    return replace(PRESETS[preset], **given)


def entry_id(organisation: int, number: int) -> UUID:
    """The event id the ledger gives row `number` of an organisation (its idempotency key)."""
    from domain.application import IDEMPOTENCY_NAMESPACE  # lazily: the runner imports no core

    return uuid5(IDEMPOTENCY_NAMESPACE, key_of(organisation, number))


def key_of(organisation: int, number: int) -> str:
    return f"bench-{organisation:03d}-{number:08d}"


# ------------------------------------------------------------------ the organisation


@dataclass
class _Person:
    employee_id: str
    department: int
    title: str
    category: str
    klass: str
    clinical: bool
    employed: bool = True


class _Rows:
    """Numbers the rows and gives each its idempotency key."""

    def __init__(self, organisation: int) -> None:
        self.organisation = organisation
        self.count = 0

    def row(self, command_type: str, /, **fields: Any) -> dict[str, Any]:
        self.count += 1
        row = {"type": command_type, **{k: v for k, v in fields.items() if v is not None}}
        row["idempotency_key"] = key_of(self.organisation, self.count)
        return row


def _pick(rng: random.Random, table: tuple[tuple[str, int], ...]) -> str:
    roll = rng.randrange(sum(weight for _, weight in table))
    for name, weight in table:
        if roll < weight:
            return name
        roll -= weight
    raise AssertionError  # pragma: no cover


def _name(rng: random.Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.randrange(3) else "")
    return rng.choice(SURNAMES) + given


def _money(yuan: int) -> str:
    return f"{yuan}.00"


def iter_commands(shape: Shape, organisation: int) -> Iterator[dict[str, Any]]:
    """The command rows of one organisation, in the order they are recorded."""
    rng = random.Random(f"{shape.seed}:{organisation}")  # reproducible data, not security
    rows = _Rows(organisation)
    row = rows.row
    n_departments = shape.departments_of(organisation)
    n_staff = shape.staff_of(organisation)
    jan1 = date(FIRST_YEAR, 1, 1).isoformat()

    yield row("adopt_scheme", scheme=SCHEME_ID, reason="the organisation adopts its scheme",
              rule_ref="S11-R01")

    # Departments: index 0 is clinical; every fifth is admin.
    kinds: list[bool] = []  # True = clinical
    for index in range(n_departments):
        clinical = index == 0 or index % 5 != 4
        kinds.append(clinical)
        department_id = f"D{index:05d}"
        if clinical:
            yield row("define_department", department_id=department_id,
                      name=f"临床科室 clinical {index}", kind="clinical",
                      risk_coefficient=rng.choice(RISKS), effective_on=jan1, rule_ref="S11-R04")
        else:
            admin_class = 1 + (index // 5) % 3
            yield row("define_department", department_id=department_id,
                      name=f"职能科室 admin {index}", kind="admin", admin_class=admin_class,
                      admin_role=rng.choice(ADMIN_ROLES[admin_class]), effective_on=jan1,
                      rule_ref="S11-R03")

    # Staff: spread evenly; the first of each department is its director.
    people: list[_Person] = []
    for number in range(n_staff):
        department = number % n_departments
        clinical = kinds[department]
        director = number < n_departments
        roll = rng.randrange(100)
        title = _pick(rng, TITLES)
        category, klass = "regular", "full"
        if not director and roll < 5:
            category = "contract"
            klass = {"assistant": "assistant", "practitioner": "practitioner"}.get(title, "full")
        elif not director and roll < 10:
            category = "temporary"
            title = rng.choice(TEMPORARY_TITLES)
            klass = title
        elif not director and roll < 12:
            category, title = "lump_sum", "worker"
        person = _Person(f"E{number:06d}", department, title, category, klass, clinical)
        people.append(person)
        post = ("clinical_director" if clinical else "functional_director") if director else "staff"
        hired = date(rng.randint(1995, FIRST_YEAR - 1), rng.randint(1, 12), rng.randint(1, 28))
        yield row("hire_employee", employee_id=person.employee_id, name=_name(rng),
                  department_id=f"D{department:05d}", title_grade=title, post=post,
                  category=category, participation_class=klass, hired_on=hired.isoformat())

    extra = shape.events_per_person_per_period - 2  # deductions per person per period
    whole, fraction = int(extra), extra - int(extra)
    revenue_per_head = rng.randint(140_000, 180_000)
    deduction_ids: list[tuple[int, str, str]] = []  # (row number, employee, period) to correct

    for year_offset in range(shape.years):
        year = FIRST_YEAR + year_offset
        for person in people[:n_departments]:
            if person.employed:
                yield row("record_assessment", employee_id=person.employee_id,
                          kind="tenure_target", year=year, result="pass", rule_ref="S11-R48")
        for quarter in range(1, 5):
            period = f"{year}-Q{quarter}"
            first_day = date(year, 3 * quarter - 2, 1)
            # A few transfers (same kind of department) from the quarter's first day.
            if n_departments > 1:
                for _ in range(max(0, len(people) // 500)):
                    person = rng.choice(people[n_departments:] or people)
                    target = rng.randrange(n_departments)
                    if (not person.employed or target == person.department
                            or kinds[target] != kinds[person.department]):
                        continue
                    person.department = target
                    yield row("transfer_employee", employee_id=person.employee_id,
                              department_id=f"D{target:05d}", effective_on=first_day.isoformat(),
                              reason="staffing plan of the quarter")
            sizes = [0] * n_departments
            for person in people:
                if person.employed and person.category != "lump_sum":
                    sizes[person.department] += 1
            active = sum(1 for p in people if p.employed)
            yield row("declare_pool", period=period,
                      medical_revenue_cny=_money(active * (revenue_per_head + rng.randint(
                          -5_000, 5_000))), evidence_ref=f"finance/revenue-{period}.xlsx",
                      rule_ref="S11-R06")
            for index, clinical in enumerate(kinds):
                if not clinical:
                    continue
                base = 1_000 * max(sizes[index], 1)
                revenue = max(sizes[index], 1) * rng.randint(95_000, 150_000)
                yield row("record_department_figures", period=period,
                          department_id=f"D{index:05d}", workload_base=str(base),
                          workload_actual=str(base * rng.randint(850, 1250) // 1000),
                          medical_revenue_cny=_money(revenue),
                          full_cost_cny=_money(revenue * 1000 // rng.randint(880, 1220)))
            for index, clinical in enumerate(kinds):
                if clinical and rng.randrange(20) == 0:
                    yield row("record_control_indicator", period=period,
                              department_id=f"D{index:05d}", indicator="drug_revenue_ratio",
                              limit="40", actual=str(rng.randint(36, 44)), rule_ref="S11-R30")
                if rng.randrange(20) == 0:
                    yield row("record_department_deduction", period=period,
                              department_id=f"D{index:05d}",
                              item="quality" if clinical else "task",
                              points=str(rng.randint(1, 6)), reason="quarterly inspection")
            for person in people:
                if not person.employed:
                    continue
                if person.category != "lump_sum":
                    yield row("record_score", period=period, employee_id=person.employee_id,
                              item="quantity", points=str(rng.randint(36, 44)),
                              rule_ref="S11-R36")
                absence: dict[str, int] = {}
                if rng.randrange(12) == 0:
                    absence["other"] = rng.randint(1, 3)
                elif rng.randrange(40) == 0:
                    absence["sick"] = rng.randint(1, 5)
                yield row("record_attendance", period=period, employee_id=person.employee_id,
                          scheduled_days=SCHEDULED_DAYS[quarter], absence_days=absence or None,
                          rule_ref="S11-R42")
                if person.category == "lump_sum":
                    continue
                count = whole + (1 if rng.random() < fraction else 0)
                for _ in range(count):
                    kind = _pick(rng, DEDUCTIONS)
                    if kind == "error" and not person.clinical:
                        kind = "roster_disobeyed"
                    fields: dict[str, Any] = {}
                    if kind in MINUTE_KINDS:
                        fields["minutes"] = rng.choice((3, 6, 12, 20, 31, 45))
                    elif kind in ("overtime_addition", "ethics_breach"):
                        fields["points"] = str(rng.randint(1, 4))
                    yield row("record_deduction", period=period, employee_id=person.employee_id,
                              kind=kind, **fields)
                    if rng.randrange(1000) == 0:
                        deduction_ids.append((rows.count, person.employee_id, period))
            # Corrections of this quarter's picked deductions: the appeal was upheld.
            for number, employee_id, corrected_period in deduction_ids:
                yield row("record_deduction", period=corrected_period, employee_id=employee_id,
                          kind="roster_disobeyed",
                          supersedes=str(entry_id(organisation, number)),
                          reason="appeal upheld: recorded as a roster matter")
            deduction_ids.clear()
            # A few departures on the quarter's last day (not the directors).
            for person in people[n_departments:]:
                if person.employed and rng.randrange(500) == 0:
                    person.employed = False
                    last_day = date(year, 3 * quarter, 31 if quarter in (1, 4) else 30)
                    yield row("record_departure", employee_id=person.employee_id,
                              effective_on=last_day.isoformat(), reason="resigned")

        # Year end (S11-R44…R47, R38).
        for index in range(n_departments):
            yield row("record_annual_target_score", year=year, department_id=f"D{index:05d}",
                      score=str(rng.randint(82, 98)), rule_ref="S11-R45")
        for person in people:
            if not person.employed or person.category == "lump_sum":
                continue
            yield row("record_assessment", employee_id=person.employee_id, kind="year_end",
                      year=year, result="fail" if rng.randrange(200) == 0 else "pass",
                      rule_ref="S11-R47")
            if person.clinical and person.title not in ("worker", "junior_technician"):
                yield row("record_cme_credits", employee_id=person.employee_id, year=year,
                          credits=str(rng.randint(8, 38)), rule_ref="S11-R38")
