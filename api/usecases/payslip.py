"""An employee's payslip for one period: their line of the statement, the name of the
department that paid it (as defined at the period's end: a payslip names a department
as people know it, not by its id), the periods they have a line in, and the
explanation tree of the line; the line carries the tax withheld and the net pay, the
bank file's own figures."""

from __future__ import annotations

from datetime import date
from typing import Any

from api.usecases import reports
from api.usecases.ports import Caller, Workspace, parse_period
from domain.personal import PayrollFacts
from projections.payroll import payment_of


def department_name(ws: Workspace, department_id: str, period: str) -> str:
    """The department's name at the period's last day (or as last defined); its id if it
    was never defined (so a payslip is never blank)."""
    facts = ws.facts()
    defined = facts.department_on(department_id, parse_period(period).last_day) or \
        facts.department_on(department_id, date.max)
    return defined.name if defined is not None else department_id


def _paid(ws: Workspace, line: dict[str, Any], period: str) -> dict[str, Any]:
    """应发 less the tax payroll reported withheld, as the bank file pays it (no
    withholding reported: nothing is withheld, and 实发 is the total)."""
    withheld = PayrollFacts.fold(ws.facts().live.values()).withheld_in(parse_period(period))
    paid = payment_of(line, withheld)
    return {"withheld": str(paid.withheld_cny) if line["employee_id"] in withheld else None,
            "net": str(paid.net_cny)}


def payslip(ws: Workspace, caller: Caller, employee_id: str,
            period: str | None) -> dict[str, Any]:
    """The chosen period's line (the latest when none is chosen) with its tree; the
    access checks are those of `reports.statements` and `reports.explain`."""
    history = reports.statements(ws, caller, employee_id)
    lines = history["lines"]
    chosen = period or (lines[-1]["period"] if lines else None)
    line = next((x for x in lines if x["period"] == chosen), None)
    tree = None
    if line is not None and chosen is not None:
        line = {**line, "department_name": department_name(ws, line["department_id"], chosen),
                **_paid(ws, line, chosen)}
        tree = reports.explain(ws, caller, reports.ExplainQuery(chosen, employee=employee_id))
    return {"periods": [x["period"] for x in lines], "period": chosen, "line": line,
            "tree": tree}
