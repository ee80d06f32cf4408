"""The figures behind two charts of the pages, taken from the same reports as the tables
(never a second calculation): each department's per-point value across the payable
quarters (the statement's `per_point_indicative`), and a grading period's grade
distribution against its quotas (the grades report's counts and quota limits)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from api.usecases import grades, queries, reports
from api.usecases.ports import Caller, Workspace


def per_point_trend(ws: Workspace, caller: Caller) -> dict[str, Any]:
    """Quarter by quarter, each department's value of one point (¥, indicative: the
    people's pay is allocated by largest remainder). A quarter whose calculation is
    blocked is listed with its reason and no values. Departments are those the caller's
    statement shows (a head sees their own)."""
    periods: list[str] = []
    blocked: list[dict[str, str]] = []
    names: dict[str, str] = {}
    values: dict[str, dict[str, str | None]] = defaultdict(dict)
    for row in queries.list_periods(ws, caller):
        period = row["period"]
        if period.endswith("-YE"):
            continue  # the year end has no points of its own
        try:
            statement = reports.payout(ws, caller, reports.ReportQuery(period))
        except reports.CalculationBlockedError as error:
            blocked.append({"period": period, "reason": str(error)})
            continue
        periods.append(period)
        for department in statement["departments"]:
            names.setdefault(department["department_id"], department["name"])
            values[department["department_id"]][period] = department["per_point_indicative"]
    departments = [{"department_id": d, "name": names[d],
                    "values": [values[d].get(p) for p in periods]} for d in sorted(names)]
    return {"periods": periods, "departments": departments, "blocked": blocked}


def grade_distribution(ws: Workspace, caller: Caller, period: str) -> dict[str, Any]:
    """Per grading pipeline: how many subjects got each grade, beside the quota for it
    (the sum of the quota limits over its scopes; None where the grade has no quota)."""
    report = grades.grades(ws, caller, grades.GradesQuery(period))
    pipelines = []
    for pipeline in report["pipelines"]:
        limits: dict[str, int] = defaultdict(int)
        for quota in pipeline["quotas"]:
            limits[quota["grade"]] += int(quota["limit"])
        rows = [{"code": g["code"], "name": g["name"],
                 "count": int(pipeline["counts"].get(g["code"], 0)),
                 "quota": limits.get(g["code"])} for g in pipeline["grades"]]
        pipelines.append({"name": pipeline["name"], "label": pipeline["label"],
                          "period": pipeline["period"], "grades": rows,
                          "ungraded": sum(int(n) for code, n in pipeline["counts"].items()
                                          if code not in {g["code"] for g in rows})})
    return {"period": report["period"], "scheme": report["scheme"], "pipelines": pipelines}
