"""Stages of a scripted organisation: one whose departments, positions, roster changes,
controls and deductions are listed in its scenario file (the demo hospital year).

Each stage takes the generation context, reads its own section of the scenario and yields
command rows; random draws (names, hire dates, figures, scores, who is sampled for the
quarter's deductions) come from the context's one stream, in stage order.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from api.scenarios.state import Context, Department, Leave, Person, Row, add_months, day_in

DATE_FIELDS = ("first_day", "last_day", "effective_on")


# ------------------------------------------------------------------ the organisation


def define_departments(ctx: Context) -> Iterator[Row]:
    jan1 = date(ctx.year, 1, 1).isoformat()
    for spec in ctx.scenario["departments"]:
        clinical = spec["kind"] == "clinical"
        ctx.departments.append(Department(spec["id"], spec["kind"],
                                          int(spec.get("workload_per_head", 900))))
        yield ctx.row("define_department", department_id=spec["id"], name=spec["name"],
                      kind=spec["kind"], admin_class=spec.get("admin_class"),
                      admin_role=spec.get("admin_role"), risk_coefficient=spec.get("risk"),
                      effective_on=jan1, rule_ref="S11-R04" if clinical else "S11-R03")


def hire_positions(ctx: Context) -> Iterator[Row]:
    """The named positions of every department, then its further regular staff."""
    rng, year = ctx.rng, ctx.year
    (positions_from, positions_gap), (generic_from, generic_gap) = (
        ctx.scenario["hired_between"]["positions"], ctx.scenario["hired_between"]["generic"])
    for spec in ctx.scenario["departments"]:
        for position in spec.get("positions", ()):
            post, title, category, klass = [*position, "regular", "full"][:4]
            hired_on = date(rng.randint(positions_from, year - positions_gap),
                            rng.randint(1, 12), rng.randint(1, 28))
            yield ctx.hire(spec["id"], post, title, category, klass, hired_on=hired_on)[1]
        for _ in range(int(spec.get("generic", 0))):
            title = ctx.pick(ctx.scenario["titles"][spec["kind"]])
            hired_on = date(rng.randint(generic_from, year - generic_gap),
                            rng.randint(1, 12), rng.randint(1, 28))
            yield ctx.hire(spec["id"], "staff", title, "regular", "full", hired_on=hired_on)[1]


def hire_planned(ctx: Context) -> Iterator[Row]:
    """Probationers hired during the quarter (S11-R50)."""
    first, last = ctx.quarter_days
    months = int(ctx.scenario["probation_months"])
    for plan in ctx.scenario.get("planned_hires", ()):
        hired_on = day_in(ctx.year, plan["hired_on"])
        if first <= hired_on <= last:
            yield ctx.hire(plan["department"], "staff", plan["title"], "regular", "full",
                           hired_on=hired_on, probation_until=add_months(hired_on, months))[1]


def cast_member(ctx: Context, role: str) -> Person:
    """The person the scenario's `cast` names, picked once from the roster."""
    if role not in ctx.cast:
        spec = ctx.scenario["cast"][role]
        matching = [p for p in ctx.by_department[spec["department"]]
                    if p.probation_until is None
                    and spec.get("post", p.post) == p.post
                    and spec.get("category", p.category) == p.category
                    and p.title_grade in spec.get("titles", (p.title_grade,))]
        ctx.cast[role] = matching[int(spec.get("nth", 0))]
    return ctx.cast[role]


def record_roster_events(ctx: Context) -> Iterator[Row]:
    """The quarter's transfers, promotions, post and category changes, departures and
    leave, in the order listed; each also changes the roster the later stages see."""
    for event in ctx.scenario.get("roster_events", {}).get(ctx.quarter, ()):
        person = cast_member(ctx, event["who"])
        fields: dict[str, Any] = {"employee_id": person.employee_id}
        for name, value in event.items():
            if name in DATE_FIELDS:
                fields[name] = day_in(ctx.year, value).isoformat()
            elif name == "reason":
                fields[name] = str(value).format(year=ctx.year)
            elif name not in ("type", "who"):
                fields[name] = value
        _change_roster(person, event["type"], fields)
        yield ctx.row(event["type"], **fields)


def _change_roster(person: Person, command_type: str, fields: Mapping[str, Any]) -> None:
    if command_type == "record_leave":
        person.leaves.append(Leave(fields["kind"], date.fromisoformat(fields["first_day"]),
                                   date.fromisoformat(fields["last_day"])))
    elif command_type == "transfer_employee":
        person.moves.append((date.fromisoformat(fields["effective_on"]),
                             fields["department_id"]))
    elif command_type == "change_title_grade":
        person.title_grade = fields["title_grade"]
    elif command_type == "change_post":
        person.post = fields["post"]
    elif command_type == "record_departure":
        person.left_on = date.fromisoformat(fields["effective_on"])
    elif command_type == "change_employment_category":
        person.category = fields["category"]
        person.participation_class = fields["participation_class"]


# ------------------------------------------------------------------ the quarter


def declare_quarter_pool(ctx: Context) -> Iterator[Row]:
    """The pool (S11-R06) from the hospital's medical revenue of the quarter."""
    pool, rng = ctx.scenario["pool"], ctx.rng
    low, high = pool["jitter_thousands"]
    revenue = int(pool["revenue_cny"][ctx.quarter]) + rng.randint(low, high) * 1000
    revenue += rng.randint(*pool["jitter_yuan"])
    yield ctx.row("declare_pool", period=ctx.period, medical_revenue_cny=f"{revenue}.00",
                  evidence_ref=pool["evidence_ref"].format(period=ctx.period),
                  rule_ref="S11-R06")


def correct_department_figures(ctx: Context) -> Iterator[Row]:
    """Figures restated by a superseding entry (a full cost that missed a cost)."""
    for correction in ctx.scenario["department_figures"].get("corrections", ()):
        if correction["quarter"] != ctx.quarter:
            continue
        earlier = ctx.figures[(ctx.quarter, correction["department"])]
        corrected = {k: v for k, v in earlier.items()
                     if k not in ("type", "idempotency_key", "reason")}
        corrected["full_cost_cny"] = (
            f"{int(earlier['full_cost_cny'][:-3]) + int(correction['add_full_cost_cny'])}.00")
        yield ctx.row("record_department_figures", **corrected,
                      supersedes=str(ctx.entry_id(earlier)), reason=correction["reason"])


def record_controls(ctx: Context) -> Iterator[Row]:
    """Control indicators (S11-R27…R30) listed for the quarter."""
    evidence = ctx.scenario["controls_evidence_ref"].format(period=ctx.period)
    for department_id, indicator, limit, actual in ctx.scenario["controls"][ctx.quarter]:
        yield ctx.row("record_control_indicator", period=ctx.period,
                      department_id=department_id, indicator=indicator, limit=limit,
                      actual=actual, evidence_ref=evidence,
                      rule_ref=ctx.scenario["control_rules"][indicator])


def record_department_deductions(ctx: Context) -> Iterator[Row]:
    for department_id, item, points, reason in ctx.scenario["department_deductions"][
            ctx.quarter]:
        yield ctx.row("record_department_deduction", period=ctx.period,
                      department_id=department_id, item=item, points=points, reason=reason)


def record_penalties(ctx: Context) -> Iterator[Row]:
    for penalty in ctx.scenario.get("penalties", {}).get(ctx.quarter, ()):
        yield ctx.row("record_department_penalty", period=ctx.period, **penalty)


def scored(ctx: Context) -> list[Person]:
    first, last = ctx.quarter_days
    return [p for p in ctx.people if p.in_scoring(first, last)]


def record_scores(ctx: Context) -> Iterator[Row]:
    """A quantity score (S11-R36) for everyone in scoring this quarter."""
    low, high = ctx.scenario["quantity_points"]
    for person in scored(ctx):
        yield ctx.row("record_score", period=ctx.period, employee_id=person.employee_id,
                      item="quantity", points=str(ctx.rng.randint(low, high)),
                      rule_ref="S11-R36")


def record_attendance(ctx: Context) -> Iterator[Row]:
    """Attendance (S11-R42) for everyone employed: leave taken, else a random absence."""
    first, last = ctx.quarter_days
    for person in ctx.people:
        if not person.employed_during(first, last):
            continue
        scheduled = ctx.scheduled_days(person)
        on_leave = person.absence_days(first, last)
        absence = ({on_leave[0]: min(on_leave[1], scheduled)} if on_leave is not None
                   else ctx.draw_absence(ctx.scenario["random_absence"]))
        yield ctx.row("record_attendance", period=ctx.period, employee_id=person.employee_id,
                      scheduled_days=scheduled, absence_days=absence or None,
                      rule_ref="S11-R42")


def record_individual_deductions(ctx: Context) -> Iterator[Row]:
    """The quarter's individual deductions: `med` clinical staff and `anyone` else are
    drawn among those scored and staying, then the listed entries name them."""
    config = ctx.scenario["individual_deductions"]
    day = ctx.quarter_days[1]
    clinical_ids = ctx.clinical_ids()
    staying = [p for p in scored(ctx) if p.left_on is None]
    clinical = [p for p in staying if p.department_on(day) in clinical_ids
                and p.category != "temporary"]
    med = ctx.rng.sample(clinical, int(config["sample"]["med"]))
    others = [p for p in staying if p not in med]
    sampled = {"med": med, "anyone": ctx.rng.sample(others, int(config["sample"]["anyone"]))}
    for entry in config["quarters"].get(ctx.quarter, ()):
        if "void" in entry:
            yield ctx.row("void_entry", target_id=str(ctx.entry_id(ctx.labelled[entry["void"]])),
                          reason=entry["reason"])
            continue
        if "correct" in entry:
            earlier = ctx.labelled[entry["correct"]]
            extra = {k: v for k, v in entry.items() if k not in ("correct", "reason")}
            yield ctx.row("record_deduction", period=ctx.period,
                          employee_id=earlier["employee_id"], kind=earlier["kind"], **extra,
                          supersedes=str(ctx.entry_id(earlier)), reason=entry["reason"],
                          rule_ref=config["rules"].get(earlier["kind"], config["default_rule"]))
            continue
        group, index = str(entry["who"]).split(".")
        person = sampled[group][int(index)]
        extra = {k: v for k, v in entry.items()
                 if k not in ("who", "kind", "reason", "label", "fails_year_end")}
        row = ctx.row("record_deduction", period=ctx.period, employee_id=person.employee_id,
                      kind=entry["kind"], reason=entry["reason"],
                      rule_ref=config["rules"].get(entry["kind"], config["default_rule"]),
                      **extra)
        if "label" in entry:
            ctx.labelled[entry["label"]] = row
        if "fails_year_end" in entry:
            ctx.year_end_failures[person.employee_id] = entry["fails_year_end"]
        yield row


# ------------------------------------------------------------------ the year end


def _at_year_end(ctx: Context) -> list[Person]:
    dec31 = date(ctx.year, 12, 31)
    return [p for p in ctx.people if p.employed_during(dec31, dec31)
            and p.category != "lump_sum"]


def assess_year_end(ctx: Context) -> Iterator[Row]:
    """Everyone's year-end assessment (S11-R47): a pass unless a deduction failed it."""
    for person in _at_year_end(ctx):
        reason = ctx.year_end_failures.get(person.employee_id)
        yield ctx.row("record_assessment", employee_id=person.employee_id, kind="year_end",
                      year=ctx.year, result="pass" if reason is None else "fail",
                      reason=reason, rule_ref="S11-R47")


def record_cme_credits(ctx: Context) -> Iterator[Row]:
    """Continuing-education credits (S11-R38) of the titled staff of the clinical
    departments and the scenario's `medical_departments`."""
    config, rng = ctx.scenario["cme_credits"], ctx.rng
    dec31 = date(ctx.year, 12, 31)
    medical = ctx.clinical_ids() | frozenset(ctx.scenario.get("medical_departments", ()))
    for person in _at_year_end(ctx):
        if (person.title_grade in ("worker", "junior_technician")
                or person.department_on(dec31) not in medical):
            continue
        short = rng.randrange(int(config["short_one_in"])) == 0
        credits = rng.randint(*config["short"]) if short else rng.randint(*config["enough"])
        yield ctx.row("record_cme_credits", employee_id=person.employee_id, year=ctx.year,
                      credits=str(credits), evidence_ref=config["evidence_ref"].format(
                          year=ctx.year), rule_ref="S11-R38")


def record_training_refusals(ctx: Context) -> Iterator[Row]:
    for refusal in ctx.scenario.get("training_refusals", ()):
        yield ctx.row("record_training_refusal",
                      employee_id=cast_member(ctx, refusal["who"]).employee_id,
                      year=ctx.year, reason=refusal["reason"], rule_ref="S11-R38")


def adjust_year_end_pool(ctx: Context) -> Iterator[Row]:
    adjustment = ctx.scenario["year_end_pool_adjustment"]
    yield ctx.row("adjust_pool", period=f"{ctx.year}-YE", amount_cny=adjustment["amount_cny"],
                  reason=adjustment["reason"], rule_ref="S11-R44")
