"""A hypothesis strategy for random but valid command streams of a small hospital.

`hospital_streams()` draws a `Stream`: the shipped scheme, 2-4 clinical and 0-2 admin
departments, 3-12 employees of every category, pools for 1-4 quarters of 2026 with
figures for every clinical department, random individual and department entries in any
order, then a few late corrections and voids. Values are strings or ints, never floats;
every command has its own idempotency key, so the same stream gives the same event ids
on every run and every backend.

The streams stay in the region where every quarter can be calculated: each clinical
department has someone employed from the start of the year and a positive workload and
revenue, so there is always a scored clinical department and a point to share the pool.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any
from uuid import uuid5

from hypothesis import strategies as st

from domain.application import IDEMPOTENCY_NAMESPACE
from domain.shipped_schemes import load_shipped_scheme

SCHEME_NAME = "xinghe-county-hospital"
SCHEME = load_shipped_scheme(SCHEME_NAME)
YEAR = 2026

TITLE_GRADES = sorted(SCHEME["title_points"])
POSTS = sorted(SCHEME["posts"])
PARTICIPATION = {category: sorted(classes)
                 for category, classes in SCHEME["participation"]["ratios"].items()}
ADMIN_ROLES = sorted(SCHEME["admin"]["risk_coefficients"])
INDICATORS = [control["indicator"] for control in SCHEME["controls"]]
DEPARTMENT_ITEMS = ["quality", "ethics", "task", "professional_ethics"]
# Hired before the year (in every quarter), or during it (only in the later quarters).
HIRE_DAYS_EARLY = ["2019-09-01", "2025-01-01", "2025-12-31"]
HIRE_DAYS_ANY = [*HIRE_DAYS_EARLY, "2026-02-10", "2026-05-20", "2026-09-30"]

EMPLOYEES_MAX = 12
ENTRIES_PER_QUARTER_MAX = 14


@dataclass(frozen=True)
class Stream:
    """A command stream and what it is about."""

    commands: tuple[dict[str, Any], ...]
    quarters: tuple[str, ...]  # the quarters that have a pool, in order
    clinical: tuple[str, ...]
    admin: tuple[str, ...]
    employees: tuple[str, ...]

    @property
    def payable(self) -> tuple[str, ...]:
        """Every quarter with a pool and the year end: what `payable_periods` finds."""
        return (*self.quarters, f"{YEAR}-YE")

    def jsonl(self) -> str:
        return "".join(json.dumps(command, ensure_ascii=False) + "\n"
                       for command in self.commands)

    def write(self, path: Path) -> Path:
        path.write_text(self.jsonl(), encoding="utf-8")
        return path


def fen_text(fen: int) -> str:
    """An amount in fen as a 2-decimal string: 1234567 → "12345.67"."""
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}"


def halves_text(halves: int) -> str:
    """A quantity in halves as an exact string: 5 → "2.5", 4 → "2"."""
    return str(halves // 2) if halves % 2 == 0 else f"{halves // 2}.5"


def _reason(draw: st.DrawFn) -> dict[str, str]:
    return draw(st.sampled_from([{}, {"reason": "recorded by the department office"}]))


@st.composite
def _departments(draw: st.DrawFn) -> tuple[list[dict[str, Any]], list[str], list[str]]:
    clinical_n = draw(st.integers(2, 4))
    admin_n = draw(st.integers(0, 2))
    commands: list[dict[str, Any]] = []
    clinical = [f"c{n}" for n in range(1, clinical_n + 1)]
    admin = [f"a{n}" for n in range(1, admin_n + 1)]
    for department_id in clinical:
        commands.append({
            "type": "define_department", "department_id": department_id,
            "name": f"clinical {department_id}", "kind": "clinical",
            "risk_coefficient": draw(st.sampled_from(["0.8", "1", "1.2", "1.5"])),
            "effective_on": "2026-01-01",
        })
    for department_id in admin:
        commands.append({
            "type": "define_department", "department_id": department_id,
            "name": f"admin {department_id}", "kind": "admin",
            "admin_class": draw(st.sampled_from([1, 2, 3])),
            "admin_role": draw(st.sampled_from(ADMIN_ROLES)),
            "effective_on": "2026-01-01",
        })
    return commands, clinical, admin


@st.composite
def _hire(draw: st.DrawFn, employee_id: str, department_id: str, early: bool) -> dict[str, Any]:
    category = draw(st.sampled_from(sorted(PARTICIPATION)))
    return {
        "type": "hire_employee", "employee_id": employee_id, "name": f"employee {employee_id}",
        "department_id": department_id,
        "title_grade": draw(st.sampled_from(TITLE_GRADES)),
        "post": draw(st.sampled_from(["staff", "staff", "staff", *POSTS])),
        "category": category,
        "participation_class": draw(st.sampled_from(PARTICIPATION[category])),
        "hired_on": draw(st.sampled_from(HIRE_DAYS_EARLY if early else HIRE_DAYS_ANY)),
    }


@st.composite
def _pool(draw: st.DrawFn, period: str) -> dict[str, Any]:
    if draw(st.booleans()):
        return {"type": "declare_pool", "period": period,
                "amount_cny": fen_text(draw(st.integers(0, 200_000_000)))}
    return {"type": "declare_pool", "period": period,
            "medical_revenue_cny": fen_text(draw(st.integers(100_000, 2_000_000_000)))}


@st.composite
def department_figures(draw: st.DrawFn, period: str, department_id: str) -> dict[str, Any]:
    return {
        "type": "record_department_figures", "period": period, "department_id": department_id,
        "workload_base": str(draw(st.integers(100, 5000))),
        "workload_actual": str(draw(st.integers(1, 6000))),
        "medical_revenue_cny": fen_text(draw(st.integers(100_000, 500_000_000))),
        "full_cost_cny": fen_text(draw(st.integers(100_000, 500_000_000))),
    }


@st.composite
def deduction(draw: st.DrawFn, period: str, employee_id: str) -> dict[str, Any]:
    kind = draw(st.sampled_from(
        ["error", "accident", "late", "left_early", "absent_half_day", "ethics_breach"]))
    command: dict[str, Any] = {"type": "record_deduction", "period": period,
                               "employee_id": employee_id, "kind": kind}
    if kind in ("error", "late", "left_early", "absent_half_day"):
        command["count"] = draw(st.integers(1, 3))
    if kind in ("late", "left_early"):
        command["minutes"] = draw(st.integers(0, 90))
    if kind == "ethics_breach":
        command["points"] = halves_text(draw(st.integers(1, 20)))
    return {**command, **_reason(draw)}


@st.composite
def _control(draw: st.DrawFn, period: str, department_id: str, indicator: str
             ) -> dict[str, Any]:
    if indicator == "drug_revenue_ratio":
        limit = draw(st.integers(20, 60))
        actual = halves_text(2 * limit + draw(st.integers(-10, 20)))
        limit_text = str(limit)
    else:
        limit_fen = draw(st.integers(10_000, 100_000_000))
        actual = fen_text(limit_fen + draw(st.integers(-limit_fen // 10, limit_fen // 4)))
        limit_text = fen_text(limit_fen)
    return {"type": "record_control_indicator", "period": period,
            "department_id": department_id, "indicator": indicator,
            "limit": limit_text, "actual": actual}


@st.composite
def _attendance(draw: st.DrawFn, period: str, employee_id: str) -> dict[str, Any]:
    scheduled = draw(st.integers(55, 66))
    kinds = draw(st.lists(st.sampled_from(["sick", "maternity", "personal", "other"]),
                          unique=True, max_size=2))
    absence = {kind: halves_text(draw(st.integers(0, 16))) for kind in kinds}
    return {"type": "record_attendance", "period": period, "employee_id": employee_id,
            "scheduled_days": scheduled, "absence_days": absence}


@st.composite
def _entries(draw: st.DrawFn, period: str, employees: list[str], departments: list[str]
             ) -> list[dict[str, Any]]:
    """Random individual and department entries of one quarter, each fact of which a
    period holds one (score, attendance, control) recorded at most once."""
    entries: list[dict[str, Any]] = []
    taken: set[tuple[str, ...]] = set()
    for _ in range(draw(st.integers(0, ENTRIES_PER_QUARTER_MAX))):
        kind = draw(st.sampled_from(
            ["deduction", "deduction", "score", "attendance", "control",
             "department_deduction"]))
        if kind == "deduction":
            entries.append(draw(deduction(period, draw(st.sampled_from(employees)))))
        elif kind == "score":
            employee_id = draw(st.sampled_from(employees))
            if ("score", employee_id) not in taken:
                taken.add(("score", employee_id))
                entries.append({"type": "record_score", "period": period,
                                "employee_id": employee_id, "item": "quantity",
                                "points": halves_text(draw(st.integers(0, 100)))})
        elif kind == "attendance":
            employee_id = draw(st.sampled_from(employees))
            if ("attendance", employee_id) not in taken:
                taken.add(("attendance", employee_id))
                entries.append(draw(_attendance(period, employee_id)))
        elif kind == "control":
            department_id = draw(st.sampled_from(departments))
            indicator = draw(st.sampled_from(INDICATORS))
            if ("control", department_id, indicator) not in taken:
                taken.add(("control", department_id, indicator))
                entries.append(draw(_control(period, department_id, indicator)))
        else:
            entries.append({
                "type": "record_department_deduction", "period": period,
                "department_id": draw(st.sampled_from(departments)),
                "item": draw(st.sampled_from(DEPARTMENT_ITEMS)),
                "points": str(draw(st.integers(1, 30))),
                "reason": "assessment group findings",
            })
    return entries


@st.composite
def _late_corrections(draw: st.DrawFn, facts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Corrections recorded after everything else (so they reach back into quarters
    already calculated): a deduction, figures, score or attendance superseded by new
    values, or a deduction voided. Each target is corrected at most once."""
    candidates = [(n, c) for n, c in enumerate(facts)
                  if c["type"] in ("record_deduction", "record_department_figures",
                                   "record_score", "record_attendance")]
    if not candidates:
        return []
    chosen = draw(st.lists(st.sampled_from(candidates), max_size=3,
                           unique_by=lambda item: item[0]))
    corrections = []
    for _, target in chosen:
        envelope = {"supersedes": key_id(target["idempotency_key"]),
                    "reason": "late correction after review"}
        period = target["period"]
        if target["type"] == "record_deduction" and draw(st.booleans()):
            corrections.append({"type": "void_entry", "target_id": envelope["supersedes"],
                                "reason": "entered against the wrong person"})
        elif target["type"] == "record_deduction":
            corrections.append({**draw(deduction(period, target["employee_id"])), **envelope})
        elif target["type"] == "record_department_figures":
            corrections.append(
                {**draw(department_figures(period, target["department_id"])), **envelope})
        elif target["type"] == "record_score":
            corrections.append({**target, "points": halves_text(draw(st.integers(0, 100))),
                                **envelope})
        else:
            corrections.append({**draw(_attendance(period, target["employee_id"])), **envelope})
    return [{k: v for k, v in c.items() if k != "idempotency_key"} for c in corrections]


def key_id(idempotency_key: str) -> str:
    """The event id the ledger gives the command with this idempotency key."""
    return str(uuid5(IDEMPOTENCY_NAMESPACE, idempotency_key))


def _keyed(commands: list[dict[str, Any]], first: int) -> list[dict[str, Any]]:
    return [{**command, "idempotency_key": f"k{n:04d}"}
            for n, command in enumerate(commands, start=first)]


@st.composite
def hospital_streams(draw: st.DrawFn, annual_targets: bool | None = None,
                     late_corrections: bool = True) -> Stream:
    """A valid command stream. The roster comes first; the period facts follow in any
    order (a late Q1 entry after Q3's pool); then, when `late_corrections`, up to three
    corrections of earlier entries. `annual_targets` forces (or forbids) the year-end
    target scores that make the year end computable; None draws it."""
    roster: list[dict[str, Any]] = [{"type": "adopt_scheme", "scheme": SCHEME_NAME}]
    definitions, clinical, admin = draw(_departments())
    roster += definitions
    departments = [*clinical, *admin]

    # One employee per clinical department from the start of the year, then the rest.
    extra = draw(st.integers(max(0, 3 - len(clinical)), EMPLOYEES_MAX - len(clinical)))
    employees = [f"e{n:02d}" for n in range(1, len(clinical) + extra + 1)]
    homes = [*clinical, *(draw(st.sampled_from(departments)) for _ in range(extra))]
    for position, (employee_id, home) in enumerate(zip(employees, homes, strict=True)):
        roster.append(draw(_hire(employee_id, home, early=position < len(clinical))))
    for employee_id in employees:
        if draw(st.integers(0, 4)) == 0:
            roster.append({"type": "record_assessment", "employee_id": employee_id,
                           "kind": "tenure_target", "year": YEAR,
                           "result": draw(st.sampled_from(["pass", "fail"]))})

    indexes = draw(st.lists(st.integers(1, 4), min_size=1, max_size=4, unique=True))
    quarters = [f"{YEAR}-Q{index}" for index in sorted(indexes)]
    facts: list[dict[str, Any]] = []
    for period in quarters:
        facts.append(draw(_pool(period)))
        facts += [draw(department_figures(period, d)) for d in clinical]
        facts += draw(_entries(period, employees, departments))
    if annual_targets if annual_targets is not None else draw(st.booleans()):
        facts += [{"type": "record_annual_target_score", "year": YEAR, "department_id": d,
                   "score": str(draw(st.integers(1, 100)))} for d in departments]
    facts = draw(st.permutations(facts))

    commands = _keyed([*roster, *facts], first=1)
    if late_corrections:
        commands += _keyed(draw(_late_corrections(commands)), first=len(commands) + 1)
    return Stream(tuple(commands), tuple(quarters), tuple(clinical), tuple(admin),
                  tuple(employees))


@st.composite
def batches(draw: st.DrawFn, commands: tuple[dict[str, Any], ...]
            ) -> list[tuple[dict[str, Any], ...]]:
    """The stream cut into 1-3 consecutive, non-empty batches (each still valid: a
    command only refers to what comes before it). Often the last batch is a short tail
    of 1-4 entries, so it reaches back into periods without touching the others."""
    count = min(draw(st.sampled_from([1, 2, 3, 3])), len(commands))
    cuts: set[int] = set(draw(st.lists(st.integers(1, len(commands) - 1),
                                       min_size=count - 1, max_size=count - 1, unique=True)))
    short_tail: bool = draw(st.booleans())
    if cuts and short_tail:
        tail = draw(st.integers(1, 4))
        cuts = {*sorted(cuts)[:-1], max(1, len(commands) - tail)}
    bounds = [0, *sorted(cuts), len(commands)]
    return [commands[a:b] for a, b in pairwise(bounds)]
