"""`jixiao demo`: a realistic, deterministic county-hospital year (scheme 11).

`demo_commands(year)` is a pure generator of the command rows a hospital would record in
one year under the shipped scheme `xinghe-county-hospital`: the 14 clinical and 8 admin
departments of S11-R03/R04, about 120 staff of every employment category, the year's
roster changes (hires on probation, transfers, a promotion, a post change, a category
change, a departure), sick, maternity, personal, training and study leave, assessments,
four quarters of pools, department figures, control indicators, penalties, individual
scores and deductions of every kind, a year-end pool adjustment, two corrections that
supersede earlier entries and one voided entry. Randomness comes only from
`random.Random(SEED)`, so the same year always gives the same rows (and the same
idempotency keys, hence the same event ids).

The year is tuned so that every money path of the quarter statement is used:

* 内镜室 endoscopy (3 people, risk 1.25) runs a gastric-cancer screening campaign in Q2
  (workload 2.8 × base): its pay exceeds 2 × the average bonus × head-count and the excess
  is banked (S11-R57). In Q3 the suite is closed for renovation: its pay falls under
  600 × head-count and it draws its bank first (S11-R58, A-S11-12).
* 心电图室 ECG (2 people) loses its machines for most of Q4 with an empty bank: the hospital
  pays the shortfall below the floor (subsidy).

`run_demo(args)` writes the rows into a fresh store with a progress bar on stderr, then
prints each period's summary and reconciliation.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid5

from api.render import reconciliation_text, stage_bar, summary_text
from api.storage.session import open_ledger, store_env
from api.usecases.ledger import closed_periods
from domain.application import IDEMPOTENCY_NAMESPACE, load_shipped_scheme
from domain.periods import YEAR_MAX, Period
from projections.payout import calculate

SEED = 20260611
SCHEME_ID = "xinghe-county-hospital"
CHUNKS = 10

# Scheduled working days per quarter, statutory holidays excluded (S11-R42).
SCHEDULED_DAYS = {1: 60, 2: 62, 3: 64, 4: 61}
# Hospital medical revenue per quarter (drugs included), yuan; jittered below.
QUARTER_REVENUE = {1: 17_800_000, 2: 20_400_000, 3: 22_900_000, 4: 19_600_000}


# ------------------------------------------------------------------ the hospital


@dataclass(frozen=True)
class Dept:
    department_id: str
    name: str
    kind: str  # clinical | admin
    risk: str | None = None  # clinical risk coefficient (S11-R21: configuration)
    admin_class: int | None = None
    admin_role: str | None = None
    # (post, title_grade, category, participation_class) for named positions
    positions: tuple[tuple[str, str, str, str], ...] = ()
    generic: int = 0  # further regular staff
    workload_per_head: int = 900  # base workload units per head per quarter


def _p(post: str, title: str, category: str = "regular", cls: str = "full"
       ) -> tuple[str, str, str, str]:
    return (post, title, category, cls)


DIRECTOR = "clinical_director"

DEPARTMENTS: tuple[Dept, ...] = (
    # S11-R04: the 14 clinical and business departments.
    Dept("internal", "内科 internal medicine", "clinical", "1.10", positions=(
        _p(DIRECTOR, "senior"), _p("clinical_deputy_director", "associate_senior"),
        _p("head_nurse", "intermediate"), _p("staff", "intermediate", "contract", "full"),
    ), generic=8, workload_per_head=980),
    Dept("paediatrics", "儿科 paediatrics", "clinical", "1.15", positions=(
        _p(DIRECTOR, "associate_senior"), _p("head_nurse", "intermediate"),
        _p("staff", "assistant", "temporary", "assistant"),
    ), generic=4, workload_per_head=1040),
    Dept("surgery", "外科 surgery", "clinical", "1.25", positions=(
        _p(DIRECTOR, "senior"), _p("clinical_centre_director", "senior"),
        _p("clinical_deputy_director", "associate_senior"), _p("head_nurse", "intermediate"),
        _p("staff", "worker", "temporary", "worker"),
        _p("staff", "practitioner", "contract", "practitioner"),
        _p("staff", "worker", "lump_sum", "full"),  # ward cleaner
    ), generic=5, workload_per_head=760),
    Dept("orthopaedics", "骨科 orthopaedics", "clinical", "1.20", positions=(
        _p(DIRECTOR, "associate_senior"), _p("head_nurse", "practitioner"),
        _p("staff", "assistant", "contract", "assistant"),
    ), generic=4, workload_per_head=720),
    Dept("obgyn", "妇产科 obstetrics-gynaecology", "clinical", "1.20", positions=(
        _p(DIRECTOR, "associate_senior"), _p("head_nurse", "intermediate"),
        _p("staff", "worker", "lump_sum", "full"),  # ward cleaner
    ), generic=7, workload_per_head=810),
    Dept("ent", "耳鼻喉科 ENT", "clinical", "1.05", positions=(
        _p(DIRECTOR, "intermediate"),
    ), generic=3, workload_per_head=1100),
    Dept("theatre", "手术室 operating theatre", "clinical", "1.30", positions=(
        _p(DIRECTOR, "associate_senior"), _p("head_nurse", "intermediate"),
    ), generic=5, workload_per_head=420),
    Dept("radiology", "放射科 radiology", "clinical", "1.10", positions=(
        _p(DIRECTOR, "intermediate"),
    ), generic=4, workload_per_head=1500),
    Dept("mri_ct", "CT/MRI室 MRI/CT", "clinical", "1.15", positions=(
        _p(DIRECTOR, "intermediate"),
    ), generic=3, workload_per_head=1150),
    Dept("laboratory", "检验科 laboratory", "clinical", "1.00", positions=(
        _p(DIRECTOR, "intermediate"),
        _p("staff", "junior_technician", "temporary", "junior_technician"),
    ), generic=4, workload_per_head=2600),
    Dept("ultrasound", "B超室 ultrasound", "clinical", "1.00", positions=(
        _p(DIRECTOR, "intermediate"),
    ), generic=3, workload_per_head=1300),
    Dept("ecg", "心电图室 ECG", "clinical", "0.90", positions=(
        _p(DIRECTOR, "practitioner"),
    ), generic=1, workload_per_head=1400),
    Dept("endoscopy", "内镜室 endoscopy", "clinical", "1.25", positions=(
        _p(DIRECTOR, "associate_senior"),
    ), generic=2, workload_per_head=380),
    Dept("pharmacy", "药剂科 pharmacy", "clinical", "0.90", positions=(
        _p(DIRECTOR, "intermediate"),
        _p("staff", "practitioner", "temporary", "practitioner"),
    ), generic=4, workload_per_head=3100),
    # S11-R03: the 8 admin and logistics departments (S11-R23 classes, S11-R24 roles).
    Dept("president", "院长办公室 president's office (hospital leaders)", "admin",
         admin_class=1, admin_role="hospital_leaders", positions=(
             _p("hospital_leader", "senior"), _p("hospital_leader", "associate_senior"),
         )),
    Dept("vice_presidents", "副院长 vice-presidents", "admin",
         admin_class=1, admin_role="hospital_leaders", positions=(
             _p("hospital_leader", "senior"), _p("hospital_leader", "associate_senior"),
             _p("hospital_leader", "intermediate"),
         )),
    Dept("admin_office", "行政办公室 administration office", "admin",
         admin_class=2, admin_role="office", positions=(
             _p("functional_director", "intermediate"),
             _p("functional_deputy_director", "practitioner"),
             _p("staff", "worker", "lump_sum", "full"),  # gatekeeper
             _p("staff", "worker", "lump_sum", "full"),  # gatekeeper
         ), generic=2),
    Dept("nursing_dept", "护理部 nursing department", "admin",
         admin_class=2, admin_role="nursing", positions=(
             _p("nursing_director", "associate_senior"),
             _p("deputy_nursing_director", "intermediate"),
             _p("chief_head_nurse", "intermediate"),
         )),
    Dept("medical_education", "医教科 medical education", "admin",
         admin_class=2, admin_role="medical_affairs", positions=(
             _p("medical_affairs_director", "associate_senior"),
         ), generic=2),
    Dept("equipment", "设备科 equipment", "admin",
         admin_class=3, admin_role="equipment", positions=(
             _p("functional_director", "practitioner"),
         ), generic=2),
    Dept("finance", "财务科 finance", "admin",
         admin_class=3, admin_role="finance", positions=(
             _p("functional_director", "intermediate"),
             _p("functional_deputy_director", "practitioner"),
         ), generic=2),
    Dept("cashier", "收费处 cashier", "admin",
         admin_class=3, admin_role="cashier", positions=(
             _p("functional_director", "practitioner"),
         ), generic=4),
)

CLINICAL = frozenset(d.department_id for d in DEPARTMENTS if d.kind == "clinical")
MEDICAL_DEPARTMENTS = frozenset(
    [d.department_id for d in DEPARTMENTS if d.kind == "clinical"]
    + ["nursing_dept", "medical_education"])

CLINICAL_TITLES = (("intermediate", 30), ("practitioner", 35), ("assistant", 25),
                   ("associate_senior", 10))
ADMIN_TITLES = (("practitioner", 35), ("assistant", 35), ("junior_technician", 20),
                ("worker", 10))

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂兰玉萍红梅琳建华志国海波宁晶雪慧颖"
    "鹏飞辉文斌浩凯丹玲燕婷欣悦蕾晨阳宇轩"
)


@dataclass
class Person:
    employee_id: str
    name: str
    department_id: str
    title_grade: str
    post: str
    category: str
    participation_class: str
    hired_on: date
    probation_until: date | None = None
    left_on: date | None = None
    moves: list[tuple[date, str]] = field(default_factory=list)  # (from day, department)

    def department_on(self, day: date) -> str:
        current = self.department_id
        for start, department_id in self.moves:
            if start <= day:
                current = department_id
        return current

    def employed_during(self, first: date, last: date) -> bool:
        return self.hired_on <= last and (self.left_on is None or self.left_on >= first)

    def in_scoring(self, first: date, last: date) -> bool:
        """Takes part in scoring (S11-R49/R50): employed, not lump-sum, not on probation."""
        if not self.employed_during(first, last) or self.category == "lump_sum":
            return False
        return self.probation_until is None or self.probation_until < first

    def medical(self, day: date) -> bool:
        """Medical staff who owe continuing-education credits (S11-R38): titled staff of
        the clinical departments, the nursing department and medical education."""
        return (self.category != "lump_sum"
                and self.title_grade not in ("worker", "junior_technician")
                and self.department_on(day) in MEDICAL_DEPARTMENTS)


def _quarter_days(year: int, quarter: int) -> tuple[date, date]:
    first = date(year, 3 * quarter - 2, 1)
    last = (date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
            ) - timedelta(days=1)
    return first, last


def _weekdays(first: date, last: date) -> int:
    days = 0
    day = first
    while day <= last:
        if day.weekday() < 5:
            days += 1
        day += timedelta(days=1)
    return days


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, candidate)
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover


def _away_for_long(leave: tuple[str, date, date] | None, first: date, last: date) -> bool:
    """Away on study or training for over a month during the period: out of department
    scoring, paid by the hospital instead (S11-R56)."""
    if leave is None:
        return False
    _, start, end = leave
    return start <= last and end >= first and end >= _add_months(start, 1)


def _money(yuan: int) -> str:
    return f"{yuan}.00"


def _permille(value: int) -> str:
    """An exact decimal string from thousandths (never a float)."""
    sign = "-" if value < 0 else ""
    whole, part = divmod(abs(value), 1000)
    return f"{sign}{whole}.{part:03d}".rstrip("0").rstrip(".")


# ------------------------------------------------------------------ the generator


class _Script:
    """Collects rows and gives each a deterministic idempotency key."""

    def __init__(self, year: int) -> None:
        self.year = year
        self.rows: list[dict[str, Any]] = []

    def emit(self, command_type: str, /, **fields: Any) -> str:
        key = f"demo-{self.year}-{len(self.rows) + 1:05d}"
        row = {"type": command_type, **{k: v for k, v in fields.items() if v is not None},
               "idempotency_key": key}
        self.rows.append(row)
        return key

    def row(self, key: str) -> dict[str, Any]:
        return next(row for row in self.rows if row["idempotency_key"] == key)


def entry_id(key: str) -> UUID:
    """The event id the ledger gives the command with this idempotency key."""
    return uuid5(IDEMPOTENCY_NAMESPACE, key)


def demo_commands(year: int = 2026) -> list[dict[str, Any]]:
    """The command rows of one demo hospital year. Pure and deterministic."""
    rng = random.Random(SEED)  # noqa: S311 - reproducible demo data, not security
    script = _Script(year)
    emit = script.emit
    jan1 = date(year, 1, 1)

    emit("adopt_scheme", scheme=SCHEME_ID,
         reason="the hospital adopts its performance-pay distribution scheme",
         rule_ref="S11-R01")

    for d in DEPARTMENTS:
        emit("define_department", department_id=d.department_id, name=d.name, kind=d.kind,
             admin_class=d.admin_class, admin_role=d.admin_role, risk_coefficient=d.risk,
             effective_on=jan1.isoformat(),
             rule_ref="S11-R04" if d.kind == "clinical" else "S11-R03")

    # ---------------------------------------------------------------- roster
    used_names: set[str] = set()

    def new_name() -> str:
        while True:
            given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.randrange(3) else "")
            name = rng.choice(SURNAMES) + given
            if name not in used_names:
                used_names.add(name)
                return name

    def pick_title(table: tuple[tuple[str, int], ...]) -> str:
        roll = rng.randrange(sum(weight for _, weight in table))
        for title, weight in table:
            if roll < weight:
                return title
            roll -= weight
        raise AssertionError  # pragma: no cover

    people: list[Person] = []
    by_dept: dict[str, list[Person]] = {}

    def hire(d: Dept, post: str, title: str, category: str, cls: str, *, hired_on: date,
             probation_until: date | None = None) -> Person:
        person = Person(f"E{len(people) + 1:04d}", new_name(), d.department_id, title, post,
                        category, cls, hired_on, probation_until)
        people.append(person)
        by_dept.setdefault(d.department_id, []).append(person)
        emit("hire_employee", employee_id=person.employee_id, name=person.name,
             department_id=d.department_id, title_grade=title, post=post,
             category=category, participation_class=cls, hired_on=hired_on.isoformat(),
             probation_until=probation_until.isoformat() if probation_until else None)
        return person

    for d in DEPARTMENTS:
        titles = CLINICAL_TITLES if d.kind == "clinical" else ADMIN_TITLES
        for post, title, category, cls in d.positions:
            hire(d, post, title, category, cls,
                 hired_on=date(rng.randint(1996, year - 2), rng.randint(1, 12), rng.randint(1, 28)))
        for _ in range(d.generic):
            hire(d, "staff", pick_title(titles), "regular", "full",
                 hired_on=date(rng.randint(2003, year - 1), rng.randint(1, 12), rng.randint(1, 28)))

    dept = {d.department_id: d for d in DEPARTMENTS}

    def generic_of(department_id: str, skip: int = 0) -> Person:
        staff = [p for p in by_dept[department_id]
                 if p.post == "staff" and p.category == "regular" and p.probation_until is None]
        return staff[skip]

    def head_of(department_id: str) -> Person:
        return by_dept[department_id][0]

    # Probationers hired during the year (S11-R50): they join scoring after probation.
    probation_hires = ((3, 2, "internal", "practitioner"), (4, 1, "surgery", "assistant"),
                       (6, 15, "laboratory", "practitioner"), (9, 14, "obgyn", "practitioner"))
    planned_hires = []
    for month, day, department_id, title in probation_hires:
        hired_on = date(year, month, day)
        planned_hires.append((hired_on, department_id, title))

    # Roster changes and leave, by the quarter they are recorded in.
    transferred_nurse = generic_of("internal", 1)
    transferred_tech = generic_of("laboratory", 0)
    promoted = next(p for p in by_dept["surgery"]
                    if p.post == "staff" and p.title_grade in ("practitioner", "assistant")
                    and p.category == "regular")
    leaver = generic_of("orthopaedics", 2)
    maternity = generic_of("obgyn", 1)
    sick = generic_of("surgery", 2)
    personal = generic_of("cashier", 0)
    converted = next(p for p in by_dept["pharmacy"] if p.category == "temporary")
    leader_head = head_of("internal")

    trainee = generic_of("laboratory", 1)
    scholar = generic_of("internal", 3)
    # Study and training away from the post (S11-R56): a 3-week course stays in department
    # scoring; 3 months of further study at the provincial hospital is paid by the hospital.
    studies = {
        trainee.employee_id: ("training", date(year, 5, 11), date(year, 5, 29)),
        scholar.employee_id: ("study", date(year, 9, 1), date(year, 11, 30)),
    }
    leaves = {
        maternity.employee_id: ("maternity", date(year, 4, 13), date(year, 7, 19)),
        sick.employee_id: ("sick", date(year, 10, 12), date(year, 10, 23)),
        personal.employee_id: ("personal", date(year, 2, 24), date(year, 2, 26)),
    }

    def leave_days(person: Person, first: date, last: date) -> tuple[str, int] | None:
        leave = leaves.get(person.employee_id)
        if leave is None:
            return None
        kind, start, end = leave
        span_first, span_last = max(first, start), min(last, end)
        if span_first > span_last:
            return None
        return kind, _weekdays(span_first, span_last)

    # Tenure-target assessments (S11-R48) gate the post bonus for the whole year.
    tenure_fail = head_of("equipment")

    def record_tenure_assessments() -> None:
        for person in people:
            if person.post == "staff" or person.category == "lump_sum":
                continue
            failed = person is tenure_fail
            emit("record_assessment", employee_id=person.employee_id, kind="tenure_target",
                 year=year, result="fail" if failed else "pass",
                 reason=("equipment procurement targets of the tenure contract missed"
                         if failed else None),
                 rule_ref="S11-R48")

    # ---------------------------------------------------------------- the quarters
    figures_keys: dict[tuple[int, str], str] = {}
    notable: dict[str, str] = {}

    for quarter in range(1, 5):
        first, last = _quarter_days(year, quarter)
        period = f"{year}-Q{quarter}"

        # Hires that fall in the quarter.
        for hired_on, department_id, title in planned_hires:
            if first <= hired_on <= last:
                hire(dept[department_id], "staff", title, "regular", "full",
                     hired_on=hired_on, probation_until=_add_months(hired_on, 3))

        if quarter == 1:
            record_tenure_assessments()
            kind, start, end = leaves[personal.employee_id]
            emit("record_leave", employee_id=personal.employee_id, kind=kind,
                 first_day=start.isoformat(), last_day=end.isoformat(),
                 reason="family matter, approved by the department", rule_ref="S11-R55")
        for employee_id, (kind, start, end) in studies.items():
            if first <= start <= last:
                emit("record_leave", employee_id=employee_id, kind=kind,
                     first_day=start.isoformat(), last_day=end.isoformat(),
                     reason=("hospital-assigned quality-control course" if kind == "training"
                             else "further study (进修) at the provincial hospital"),
                     rule_ref="S11-R56")
        if quarter == 2:
            move_on = date(year, 4, 1)
            transferred_nurse.moves.append((move_on, "paediatrics"))
            emit("transfer_employee", employee_id=transferred_nurse.employee_id,
                 department_id="paediatrics", effective_on=move_on.isoformat(),
                 reason="paediatric ward short of nurses for the spring season")
            kind, start, end = leaves[maternity.employee_id]
            emit("record_leave", employee_id=maternity.employee_id, kind=kind,
                 first_day=start.isoformat(), last_day=end.isoformat(),
                 reason="statutory maternity leave (98 days)", rule_ref="S11-R55")
        if quarter == 3:
            move_on = date(year, 7, 1)
            transferred_tech.moves.append((move_on, "ultrasound"))
            emit("transfer_employee", employee_id=transferred_tech.employee_id,
                 department_id="ultrasound", effective_on=move_on.isoformat(),
                 reason="re-trained as a sonographer")
            promoted.title_grade = "intermediate"
            emit("change_title_grade", employee_id=promoted.employee_id,
                 title_grade="intermediate", effective_on=move_on.isoformat(),
                 reason=f"passed the {year} intermediate title examination", rule_ref="S11-R34")
            leader_head.post = "leader_heading_clinical"
            emit("change_post", employee_id=leader_head.employee_id,
                 post="leader_heading_clinical", effective_on=move_on.isoformat(),
                 reason="appointed to the leadership team, keeps heading internal medicine",
                 rule_ref="S11-R35")
            leaver.left_on = date(year, 8, 31)
            emit("record_departure", employee_id=leaver.employee_id,
                 effective_on=leaver.left_on.isoformat(),
                 reason="resigned: moved to the city hospital")
        if quarter == 4:
            converted.category, converted.participation_class = "contract", "practitioner"
            emit("change_employment_category", employee_id=converted.employee_id,
                 category="contract", participation_class="practitioner",
                 effective_on=date(year, 10, 1).isoformat(),
                 reason="temporary pharmacist signed a labour contract", rule_ref="S11-R52")
            kind, start, end = leaves[sick.employee_id]
            emit("record_leave", employee_id=sick.employee_id, kind=kind,
                 first_day=start.isoformat(), last_day=end.isoformat(),
                 reason="pneumonia, hospital sick note", rule_ref="S11-R55")

        # Pool (S11-R06).
        revenue = QUARTER_REVENUE[quarter] + rng.randint(-300, 300) * 1000 + rng.randint(0, 999)
        emit("declare_pool", period=period, medical_revenue_cny=_money(revenue),
             evidence_ref=f"finance/revenue-{period}.xlsx", rule_ref="S11-R06")

        # Department figures (S11-R14, R18, R19).
        for d in DEPARTMENTS:
            if d.kind != "clinical":
                continue
            size = sum(1 for p in people if p.category != "lump_sum"
                       and p.employed_during(first, first)
                       and p.department_on(first) == d.department_id)
            base = d.workload_per_head * max(size, 1)
            ratio = rng.randint(850, 1250)          # completion, thousandths
            cost_coef = rng.randint(880, 1220)      # revenue ÷ cost, thousandths
            revenue_d = size * rng.randint(95_000, 150_000)
            if d.department_id == "endoscopy" and quarter == 2:
                ratio, cost_coef = 2800, 1300       # screening campaign
            if d.department_id == "endoscopy" and quarter == 3:
                ratio, cost_coef, revenue_d = 40, 50, 9_000  # closed for renovation
            if d.department_id == "ecg" and quarter == 4:
                ratio, cost_coef, revenue_d = 80, 75, 3_000  # machines out of service
            actual = base * ratio // 1000
            cost = revenue_d * 1000 // cost_coef
            key = emit("record_department_figures", period=period,
                       department_id=d.department_id, workload_base=str(base),
                       workload_actual=str(actual), medical_revenue_cny=_money(revenue_d),
                       full_cost_cny=_money(cost),
                       evidence_ref=f"finance/dept-accounts-{period}.xlsx#{d.department_id}",
                       reason=_figures_reason(d.department_id, quarter))
            figures_keys[(quarter, d.department_id)] = key
        if quarter == 1:
            # A correction: radiology's full cost left out the new DR machine's depreciation.
            earlier = script.row(figures_keys[(1, "radiology")])
            corrected = {k: v for k, v in earlier.items()
                         if k not in ("type", "idempotency_key", "reason")}
            corrected["full_cost_cny"] = _money(int(earlier["full_cost_cny"][:-3]) + 38_000)
            emit("record_department_figures", **corrected,
                 supersedes=str(entry_id(figures_keys[(1, "radiology")])),
                 reason="full cost restated: depreciation of the new DR machine was missing")

        # Control indicators (S11-R27…R30).
        for department_id, indicator, limit, actual in CONTROLS[quarter]:
            emit("record_control_indicator", period=period, department_id=department_id,
                 indicator=indicator, limit=limit, actual=actual,
                 evidence_ref=f"medical-affairs/controls-{period}.xlsx", rule_ref=_CONTROL_RULE[
                     indicator])

        # Department deductions (S11-R16, R17, R22, R25, R26) and penalties (S11-R60).
        for department_id, item, points, reason in DEPT_DEDUCTIONS[quarter]:
            emit("record_department_deduction", period=period, department_id=department_id,
                 item=item, points=points, reason=reason)
        if quarter == 3:
            emit("record_department_penalty", period=period, department_id="pharmacy",
                 kind="pharmacy_shortage", retail_value_cny="1860.00",
                 reason="quarterly stock count: shortage at retail price", rule_ref="S11-R60")
        if quarter == 4:
            emit("record_department_penalty", period=period, department_id="surgery",
                 kind="unreturned_drugs", retail_value_cny="420.00",
                 reason="ward drugs not returned to the pharmacy", rule_ref="S11-R60")

        # Individual scores, attendance and deductions.
        scoring = [p for p in people if p.in_scoring(first, last)
                   and not _away_for_long(studies.get(p.employee_id), first, last)]
        for person in scoring:
            emit("record_score", period=period, employee_id=person.employee_id,
                 item="quantity", points=str(rng.randint(36, 44)), rule_ref="S11-R36")
        for person in people:
            if not person.employed_during(first, last):
                continue
            span_first = max(first, person.hired_on)
            span_last = min(last, person.left_on or last)
            scheduled = SCHEDULED_DAYS[quarter]
            if (span_first, span_last) != (first, last):
                scheduled = scheduled * _weekdays(span_first, span_last) // _weekdays(first, last)
            absence: dict[str, int] = {}
            on_leave = leave_days(person, first, last)
            if on_leave is not None:
                absence[on_leave[0]] = min(on_leave[1], scheduled)
            elif rng.randrange(12) == 0:
                absence["other"] = rng.randint(1, 3)
            emit("record_attendance", period=period, employee_id=person.employee_id,
                 scheduled_days=scheduled, absence_days=absence or None, rule_ref="S11-R42")

        notable.update(_individual_deductions(script, rng, quarter, period, scoring))

    # ---------------------------------------------------------------- year end
    at_year_end = [p for p in people if p.employed_during(date(year, 12, 31), date(year, 12, 31))
                   and p.category != "lump_sum"]
    year_end_fail = next(p for p in at_year_end if p.employee_id == notable["bribe"])
    for person in at_year_end:
        failed = person is year_end_fail
        emit("record_assessment", employee_id=person.employee_id, kind="year_end", year=year,
             result="fail" if failed else "pass",
             reason="verified red envelope in Q3: year-end assessment failed" if failed else None,
             rule_ref="S11-R47")
    for person in at_year_end:
        if not person.medical(date(year, 12, 31)):
            continue
        credits = rng.randint(21, 38) if rng.randrange(8) else rng.randint(8, 19)
        emit("record_cme_credits", employee_id=person.employee_id, year=year,
             credits=str(credits), evidence_ref=f"medical-education/cme-{year}.xlsx",
             rule_ref="S11-R38")
    refuser = generic_of("ent", 0)
    emit("record_training_refusal", employee_id=refuser.employee_id, year=year,
         reason="declined the assigned 6-month placement at the provincial hospital",
         rule_ref="S11-R38")
    for d in DEPARTMENTS:
        emit("record_annual_target_score", year=year, department_id=d.department_id,
             score=str(rng.randint(82, 98)), evidence_ref=f"office/annual-targets-{year}.pdf",
             rule_ref="S11-R45")
    emit("adjust_pool", period=f"{year}-YE", amount_cny="-120000.00",
         reason="annual accounts show a small deficit: year-end pay reduced",
         rule_ref="S11-R44")
    return script.rows


def _figures_reason(department_id: str, quarter: int) -> str | None:
    if department_id == "endoscopy" and quarter == 2:
        return "county gastric-cancer screening campaign: workload 2.8 × base"
    if department_id == "endoscopy" and quarter == 3:
        return "endoscopy suite closed for renovation from mid-July"
    if department_id == "ecg" and quarter == 4:
        return "ECG machines out of service for replacement most of the quarter"
    return None


_CONTROL_RULE = {
    "expenditure_quota": "S11-R28",
    "outpatient_fee_per_visit": "S11-R29",
    "inpatient_fee_per_admission": "S11-R29",
    "drug_revenue_ratio": "S11-R30",
}

# (department, indicator, limit, actual) per quarter; some overrun, most do not.
CONTROLS: dict[int, tuple[tuple[str, str, str, str], ...]] = {
    1: (("internal", "drug_revenue_ratio", "40", "42.7"),
        ("paediatrics", "drug_revenue_ratio", "45", "38.2"),
        ("surgery", "inpatient_fee_per_admission", "6800", "6650"),
        ("laboratory", "expenditure_quota", "300000", "291400")),
    2: (("surgery", "outpatient_fee_per_visit", "200", "206"),
        ("obgyn", "inpatient_fee_per_admission", "5200", "5330"),
        ("internal", "drug_revenue_ratio", "40", "39.1"),
        ("laboratory", "expenditure_quota", "300000", "296400")),
    3: (("pharmacy", "expenditure_quota", "500000", "503000"),
        ("internal", "drug_revenue_ratio", "40", "40.9"),
        ("orthopaedics", "inpatient_fee_per_admission", "7500", "7480"),
        ("paediatrics", "outpatient_fee_per_visit", "150", "147")),
    4: (("radiology", "expenditure_quota", "260000", "268500"),
        ("paediatrics", "outpatient_fee_per_visit", "150", "154"),
        ("internal", "drug_revenue_ratio", "40", "37.6"),
        ("surgery", "inpatient_fee_per_admission", "6800", "6790")),
}

DEPT_DEDUCTIONS: dict[int, tuple[tuple[str, str, str, str], ...]] = {
    1: (("surgery", "quality", "6", "medical-quality group: two incomplete surgical records"),
        ("internal", "ethics", "4", "ethics group: patient-attitude complaint upheld"),
        ("finance", "task", "5", "annual budget draft submitted late")),
    2: (("orthopaedics", "quality", "8", "infection-control audit: two findings"),
        ("cashier", "professional_ethics", "3", "rude to a patient at the window"),
        ("paediatrics", "quality", "3", "nursing-quality round: charting gaps")),
    3: (("obgyn", "ethics", "5", "ethics group: verified complaint about waiting"),
        ("equipment", "task", "6", "maintenance plan for the DR machine not delivered"),
        ("theatre", "quality", "4", "instrument count discrepancy report late")),
    4: (("internal", "quality", "5", "medical-quality group: antibiotic use above target"),
        ("admin_office", "task", "4", "archive digitisation behind schedule"),
        ("ent", "ethics", "2", "red-envelope refusal not reported")),
}

def _individual_deductions(script: _Script, rng: random.Random, quarter: int, period: str,
                           scoring: list[Person]) -> dict[str, str]:
    """Individual deductions of every kind in the scheme (S11-R37…R42), over the year.
    Medical-quality, ethics and licence entries go to clinical staff; discipline entries
    to anyone. Returns the notable people: the bribe taker fails the year-end assessment
    (S11-R47)."""
    day = _quarter_days(int(period[:4]), quarter)[1]
    staying = [p for p in scoring if p.left_on is None]
    clinical = [p for p in staying if p.department_on(day) in CLINICAL
                and p.category != "temporary"]
    med = rng.sample(clinical, 6)  # medical quality and ethics (S11-R37, R39, R40)
    anyone = rng.sample([p for p in staying if p not in med], 8)  # discipline (S11-R41, R42)
    emit = script.emit
    notable: dict[str, str] = {}

    def deduct(person: Person, kind: str, reason: str | None = None, **extra: Any) -> str:
        rule = {"error": "S11-R37", "accident": "S11-R37", "valid_complaint": "S11-R39",
                "bribe": "S11-R39", "ethics_breach": "S11-R39", "no_licence": "S11-R40",
                "overtime_addition": "S11-R42"}.get(kind, "S11-R41")
        return emit("record_deduction", period=period, employee_id=person.employee_id,
                    kind=kind, reason=reason, rule_ref=rule, **extra)

    if quarter == 1:
        deduct(med[0], "error", "wrong dosage on a prescription, caught by pharmacy")
        deduct(med[1], "ethics_breach", "raised voice at a patient's relative", points="3")
        deduct(anyone[0], "late", minutes=6, reason="6 minutes late: over 5, −1")
        deduct(anyone[0], "late", minutes=29, reason="29 minutes late: −1")
        deduct(anyone[1], "late", minutes=30, reason="30 minutes late: −2 (30分钟以上)")
        deduct(anyone[2], "left_early", minutes=5,
               reason="left 5 minutes early: not over 5, no points")
        deduct(anyone[3], "roster_disobeyed", "swapped a night shift without approval")
        deduct(anyone[4], "overtime_addition", "covered 4 extra shifts in the flu season",
               points="2")
        deduct(anyone[5], "absent_half_day", "absent a morning without leave")
        deduct(anyone[6], "off_post", minutes=45, reason="away from the post 45 minutes")
    elif quarter == 2:
        deduct(med[0], "accident", "medical accident: wrong-site dressing, patient harmed")
        deduct(med[1], "error", "two charting errors in one week", count=2)
        deduct(med[2], "valid_complaint", "patient complaint upheld by the ethics group")
        deduct(med[3], "no_licence", "practising without an assistant-practitioner licence")
        deduct(anyone[0], "late", minutes=31, reason="31 minutes late: −2")
        late_key = deduct(anyone[1], "late", minutes=35, reason="35 minutes late: −2")
        deduct(anyone[2], "off_post", minutes=10, reason="away from the post 10 minutes")
        deduct(anyone[3], "overtime_addition", "extra weekend clinics", points="4")
        # A correction: the door log shows 15 minutes, not 35.
        emit("record_deduction", period=period, employee_id=anyone[1].employee_id,
             kind="late", minutes=15, supersedes=str(entry_id(late_key)),
             reason="door log shows 15 minutes late; 35 was a typing error", rule_ref="S11-R41")
    elif quarter == 3:
        notable["bribe"] = med[0].employee_id
        deduct(med[0], "bribe", "red envelope from a patient's family, verified")
        deduct(med[1], "ethics_breach", "accepted a meal from a supplier", points="5")
        wrong = deduct(med[2], "error", "labelling error on a specimen")
        emit("void_entry", target_id=str(entry_id(wrong)),
             reason="recorded against the wrong employee; the error was a locum's")
        deduct(anyone[0], "absent_day", "absent a whole day without leave")
        deduct(anyone[1], "left_early", minutes=35, reason="left 35 minutes early: −2")
        deduct(anyone[2], "late", minutes=4, reason="4 minutes late: within grace, no points")
        deduct(anyone[3], "absent_half_day", "absent two half days without leave", count=2)
        deduct(anyone[4], "roster_disobeyed", "refused a reassigned shift")
    else:
        deduct(med[0], "error", "discharge summary with a wrong date")
        deduct(anyone[0], "off_post", minutes=6, reason="away from the post 6 minutes")
        deduct(anyone[1], "overtime_addition", "covered a colleague's sick leave", points="3")
        deduct(anyone[2], "left_early", minutes=30, reason="left 30 minutes early: −2")
        deduct(anyone[3], "late", minutes=12, reason="12 minutes late: −1")
    return notable


# ------------------------------------------------------------------ the shell


def _bar(label: str, done: int, total: int, started: float, *, end: bool = False) -> None:
    del started  # rich's bar keeps its own clock
    stage_bar(label, done, total, end=end)


def _chunks(rows: list[Any], count: int) -> list[list[Any]]:
    size = -(-len(rows) // count)
    return [rows[i:i + size] for i in range(0, len(rows), size)]


def run_demo(args: argparse.Namespace) -> int:
    """Write the demo year into a fresh store, then print every period's reconciliation."""
    year = int(getattr(args, "year", None) or 2026)
    effective_from = date.fromisoformat(str(load_shipped_scheme(SCHEME_ID)["effective_from"]))
    if year < effective_from.year or year > YEAR_MAX:
        print(f"error: the demo needs a year from {effective_from.year} to {YEAR_MAX} (the "
              f"shipped scheme {SCHEME_ID} is in force from {effective_from})", file=sys.stderr)
        return 2
    env = store_env(args.db, getattr(args, "environ", None))
    target = "the configured PostgreSQL store"
    if env["PERSISTENCE_MODULE"] == "eventsourcing.sqlite":
        path = Path(env["SQLITE_DBNAME"])
        target = str(path)
        if path.exists():
            if not getattr(args, "force", False):
                print(f"error: {path} already exists; pass --force to replace it with a "
                      "fresh demo", file=sys.stderr)
                return 2
            for stale in (path, Path(f"{path}-wal"), Path(f"{path}-shm"),
                          Path(f"{path}-journal")):
                stale.unlink(missing_ok=True)
    actor = getattr(args, "actor", None) or "demo"

    rows = demo_commands(year)
    print(f"Writing the {year} demo year of 兴和县医院 (scheme {SCHEME_ID}) into {target}: "
          f"{len(rows)} commands", file=sys.stderr)
    started = time.monotonic()
    with open_ledger(env) as ledger:
        commands = ledger.parse_commands(
            [(f"demo command {n}", row) for n, row in enumerate(rows, start=1)])
        total = len(commands)
        done = 0
        recorded = retried = 0
        _bar("loading", 0, total, started)
        for chunk in _chunks(commands, CHUNKS):
            offset = done

            def progress(stage: str, n: int, _of: int, offset: int = offset) -> None:
                if stage == "checking":
                    _bar("checking", offset + n, total, started)

            report = ledger.record(chunk, actor, closed=closed_periods(ledger),
                                   progress=progress)
            recorded += len(report.recorded)
            retried += len(report.already_recorded)
            done += len(chunk)
            _bar("loading", done, total, started, end=done == total)
        print(f"recorded {recorded} event(s), {retried} already recorded, in "
              f"{time.monotonic() - started:.1f}s", file=sys.stderr)

        balanced = True
        periods = [f"{year}-Q{n}" for n in range(1, 5)] + [f"{year}-YE"]
        reports = []
        for text in periods:
            report = calculate(ledger.facts(), Period.parse(text)).to_json()
            reports.append(report)
            balanced &= report["reconciliation"]["balance"] == "0.00"
    print(f"Demo year {year}: {_describe(rows)}")
    for report in reports:
        print()
        print(summary_text(report))
        print(reconciliation_text(report))
    db = f" --db {target}" if env["PERSISTENCE_MODULE"] == "eventsourcing.sqlite" else ""
    print()
    print("Try next:")
    print(f"  jixiao payout   {db} --period {year}-Q2")
    print(f"  jixiao explain  {db} --period {year}-Q2 --employee E0001")
    print(f"  jixiao explain  {db} --period {year}-Q3 --department endoscopy")
    print(f"  jixiao reconcile{db} --period {year}-YE")
    print(f"  jixiao events   {db} --limit 20")
    if not balanced:
        print("error: a period does not balance to 0.00", file=sys.stderr)
    return 0 if balanced else 1


def _describe(rows: list[dict[str, Any]]) -> str:
    departments = sum(1 for r in rows if r["type"] == "define_department")
    hires = [r for r in rows if r["type"] == "hire_employee"]
    categories: dict[str, int] = {}
    for r in hires:
        categories[r["category"]] = categories.get(r["category"], 0) + 1
    probation = sum(1 for r in hires if r.get("probation_until"))
    parts = ", ".join(f"{n} {c}" for c, n in sorted(categories.items()))
    return (f"{departments} departments, {len(hires)} staff ({parts}; {probation} hired on "
            f"probation during the year), {len(rows)} commands")

