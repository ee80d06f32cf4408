"""`jixiao grades [report|explain]`: grades, quotas, derived warnings and grade-dependent
pay for a period, and the explanation of one subject's result."""

from __future__ import annotations

import json
from enum import Enum
from typing import Annotated, Any

import typer

from api.cli.options import Actor, AsOf, Db, WhatIf, as_of, caller, open_session, what_if
from api.cli.render import explain_text as figure_text
from api.cli.render import table, titled, yuan
from api.i18n import N_, _
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


def grades_text(report: dict[str, Any]) -> str:
    scheme = report["scheme"]
    out = [titled(N_("Grades {period} ({name}), scheme {scheme}: {title}"), report["period"],
                  scheme=scheme["key"], title=scheme["title"])]
    for pipeline in report["pipelines"]:
        out += ["", f"{pipeline['label']} ({pipeline['name']}, {pipeline['period']})"]
        rows = []
        for s in pipeline["subjects"]:
            moved = [st for st in s["steps"] if st["stage"] in (
                "eligibility", "forced", "ceiling", "quota", "appeal", "correction")]
            why = "; ".join(f"{st['stage']}: {st['reason']} [{st.get('rule', '')}]"
                            for st in moved) or "; ".join(s["problems"])
            pay = ", ".join(f"{p['label']} {p['paid']}" for p in s["pay"] if p["status"] == "ok")
            score = s["score_approx"] if s["score"] and "/" in s["score"] else s["score"]
            rows.append([s["subject_id"], s["name"], _scopes(s["scopes"]), score or "",
                         s["grade_name"] or s["status"], pay, why])
        out.append(table([_("subject"), _("name"), _("scope"), _("score"), _("grade"),
                          _("pay"), _("why")], rows, right={3}))
        for q in pipeline["quotas"]:
            scope = f"{q['scope']} {q['scope_value']}" if q["scope"] else "all"
            tie = ""
            if q["tie"]:
                tie = (f"; tie at {q['tie']['score']} among {', '.join(q['tie']['tied'])}: "
                       f"{q['tie']['decided_by'] or 'awaiting record_tie_break'}")
            out.append(f"quota {q['grade']} in {scope}: {q['used']} of {q['limit']} "
                       f"({q['formula']}; {q['rule']} {q['source']}); demoted: "
                       f"{', '.join(q['demoted']) or '-'}{tie}")
        for s in pipeline["subjects"]:
            for c in s["consequences"]:
                out.append(f"consequence {s['subject_id']}: {c['effect']} [{c['rule']} "
                           f"{c['source']}]")
    if report["derived"]:
        out += ["", "Derived by policies:"]
        for d in report["derived"]:
            out.append(f"  {d['on']} {d['subject_id']}: {d['name']} ({d['kind']}, {d['status']}) "
                       f"— {d['effect']} [{d['rule']} {d['source']}] triggers "
                       f"{', '.join(d['triggers'])}")
    for p in report["procedures"]:
        rest = {k: v for k, v in p.items() if k not in ("subject_id", "kind")}
        out.append(f"procedure {p['subject_id']} {p['kind']} {p['decided_on']}: "
                   f"{json.dumps(rest, ensure_ascii=False)}")
    pay = report["pay"]
    out += ["", _("Pay: {lines} line(s), paid {paid}, withheld {withheld}, balance "
                  "{balance}").format(lines=pay["lines"], paid=yuan(pay["paid"]),
                                      withheld=_withheld(pay["withheld"]),
                                      balance=yuan(pay["reconciliation"]["balance"]))]
    return "\n".join(out)


def _withheld(by_destination: dict[str, str]) -> str:
    """What was withheld, by where the scheme sends it: the report's mapping was printed
    as Python writes a dict (「暂扣 {'not paid (…)': '4980.00'}」)."""
    if not by_destination:
        return "-"
    return _(", ").join(_("{amount} ({destination})").format(
        amount=yuan(amount), destination=destination)
        for destination, amount in sorted(by_destination.items()))


def _scopes(scopes: dict[str, str]) -> str:
    return ",".join(f"{k}={v}" for k, v in sorted(scopes.items()))


def explain_text(report: dict[str, Any]) -> str:
    out = [f"{report['subject_id']} in {report['period']} ({report['scheme']})"]
    for r in report["results"]:
        out += ["", f"{r['pipeline']}: {r['grade_name'] or r['status']}"
                f"{' (score ' + r['score'] + ')' if r['score'] else ''}"]
        for tree in r["figure_trees"]:
            out.append(figure_text(tree))
        for step in r["steps"]:
            out.append(f"  {step['stage']}: {step['from'] or '-'} → {step['to'] or '-'}: "
                       f"{step['reason']} [{step.get('rule', '')} {step.get('source', '')}"
                       f"{' ' + step['default'] if step.get('default') else ''}]"
                       f"{' entries ' + ', '.join(step['events']) if step['events'] else ''}")
        for pay in r["pay"]:
            out.append(f"  pay {pay['label']}: {pay['paid']} ({pay['status']}) "
                       f"[{pay.get('rule', '')} {pay.get('source', '')}]")
            for part in pay["parts"]:
                out.append(f"      {json.dumps(part, ensure_ascii=False, sort_keys=True)}")
        for c in r["corrections"]:
            out.append(f"  history: {c['type']} {c['entry']} {c['how']} by {c['replaced_by']}: "
                       f"{c['reason']}")
    for d in report["derived"]:
        out.append(f"derived {d['on']}: {d['name']} ({d['status']}) [{d['rule']}] triggers "
                   f"{', '.join(d['triggers'])}")
    return "\n".join(out)
