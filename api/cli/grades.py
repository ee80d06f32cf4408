"""`jixiao grades [report|explain]`: grades, quotas, derived warnings and grade-dependent
pay for a period, and the explanation of one subject's result."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer

from api.cli.options import Actor, AsOf, Db, WhatIf, as_of, caller, open_session, what_if
from api.cli.render_grades import explain_text, grades_text
from api.usecases import grades
from domain.errors import InvalidRequestError
from domain.scheme import canonical_dumps

app = typer.Typer()


class GradesAction(str, Enum):
    report = "report"
    explain = "explain"


@app.command("grades")
def grades_command(
    *,
    period: Annotated[str, typer.Option(
        help="2025-03 (month), 2025-Q1, 2025-H1 or 2025 (year).")],
    action: Annotated[GradesAction, typer.Argument(
        help="report: the whole period; explain: one subject figure by figure.")]
    = GradesAction.report,
    scheme: Annotated[str | None, typer.Option(
        help="The grading scheme's id, when several are in force.")] = None,
    subject: Annotated[str | None, typer.Option(help="explain: the subject's id.")] = None,
    db: Db = None, actor: Actor = None,
    as_json: Annotated[bool, typer.Option("--json", help="Canonical JSON.")] = False,
    as_of_text: AsOf = None, with_file: WhatIf = None,
    figures: Annotated[bool | None, typer.Option(
        "--figures/--no-figures", help="Each pipeline with a `figures` map (counts, quota "
        "base, slots, used) and each subject with `employee_id`; default: the ledger's "
        "setting; see docs/figures.md.", show_default=False)] = None,
) -> int:
    """Grades for a period: quotas, derived warnings and pay by grade.

    Quota use per scope, why a grade moved; `explain --subject ID`: one subject, by figure.
    """
    grades.parse_grading_period(period)
    if action is GradesAction.explain and not subject:
        raise InvalidRequestError("grades explain needs --subject")
    query = grades.GradesQuery(period, scheme, as_of(as_of_text), what_if(with_file),
                               figures=figures)
    with open_session(db) as session:
        if action is GradesAction.explain:
            report = grades.explain_grades(session, caller(actor), query, subject or "")
        else:
            report = grades.grades(session, caller(actor), query)
    if as_json:
        print(canonical_dumps(report))
    elif action is GradesAction.explain:
        print(explain_text(report))
    else:
        print(grades_text(report))
    return 0
