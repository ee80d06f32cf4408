"""The counts a grading rule compares, as named figures (issue 15, item 1): how many
subjects were assessed, how many stood outside the grading and why, how many took each
grade, and for every quota its base N, the places it grants and the places taken, per
scope and organisation-wide. Read off the canonical report, so they are the numbers the
report's subjects and quotas show, never a second computation."""

from __future__ import annotations

from collections import Counter
from typing import Any

from projections.grading.pay_figures import pay_figures

# Statuses of a subject outside a quota's base (projections/grading/quotas.py).
OUTSIDE = ("not_assessed", "no_grade", "blocked")


def pipeline_figures(pipeline: dict[str, Any]) -> dict[str, str]:
    subjects = pipeline["subjects"]
    statuses = Counter(s["status"] for s in subjects)
    grades = Counter(s["grade"] for s in subjects if s["grade"] is not None)
    figures = {"subjects": len(subjects),
               "assessed": sum(1 for s in subjects if s["status"] != "not_assessed"),
               "in_quota_base": sum(1 for s in subjects if s["status"] not in OUTSIDE)}
    figures.update({f"status:{status}": statuses[status]
                    for status in (*OUTSIDE, "pending", "scored")})
    figures.update({f"grade:{g['code']}": grades[g["code"]] for g in pipeline["grades"]})
    totals: Counter[str] = Counter()
    for quota in pipeline["quotas"]:
        where = f"quota:{quota['grade']}" + (f":{quota['scope_value']}"
                                             if quota["scope"] else "")
        figures.update({f"{where}:base": quota["headcount"], f"{where}:slots": quota["limit"],
                        f"{where}:used": quota["used"],
                        f"{where}:demoted": len(quota["demoted"])})
        totals[f"quota:{quota['grade']}:slots_total"] += quota["limit"]
        totals[f"quota:{quota['grade']}:base_total"] += quota["headcount"]
    figures.update(totals)
    return {name: str(value) for name, value in sorted(figures.items())}


def with_grade_figures(report: dict[str, Any], employees: set[str]) -> dict[str, Any]:
    """The report with a `figures` map on each pipeline and `employee_id` on each subject
    that is a person on the roll (null for a unit or someone not on the roll), and each
    subject's pay lines added to its `figures` (projections/grading/pay_figures.py);
    every other field is kept as it was."""
    return {**report, "pipelines": [
        {**p, "figures": pipeline_figures(p),
         "subjects": [{**s, "employee_id": s["subject_id"] if s["subject_id"] in employees
                       else None, "figures": {**s["figures"], **pay_figures(s["pay"])}}
                      for s in p["subjects"]]}
        for p in report["pipelines"]]}
