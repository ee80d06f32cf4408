"""`jixiao scheme list|show|new|check|diff|preview|adopt|json-schema`: schemes (考核方案)
as a finance office adapts them (docs/schemes.md, "Adapt a scheme")."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import typer

from api.cli.options import Actor, Db, Json, PeriodOption, Reason, caller, open_session
from api.cli.render import table
from api.i18n import N_, _
from api.i18n.messages import place, translate
from api.i18n.scheme_labels import reading
from api.usecases import schemes
from domain.errors import InvalidRequestError
from domain.scheme import canonical_dumps

app = typer.Typer(name="scheme", no_args_is_help=True,
                  help="Schemes (考核方案): list, show, copy, check, compare, preview, adopt.")

# The human words of this module, in one place (the cli catalogue). A column head that
# reads otherwise in another table has words of its own ("scheme name", "recorded at"):
# one English id has one Chinese text across every domain.
NO_PROBLEMS = N_("{path}: no problems found: {key}, kind {kind}")
PROBLEMS = N_("{path}: {count} problem(s):")
NEW_DONE = N_("wrote {output} ({name} v{version}, copied from {source}); edit it, then run "
              "jixiao scheme check {output}")
ADOPTED = N_("adopted {key} from {effective}; recorded {n} event(s), {retried} already "
             "recorded; position {position}")
NO_CHANGES = N_("no changes")
WHOLE_FILE = N_("the file")  # where a problem of no line is
NOT_A_DAY = N_("--effective {text}: write a date such as 2026-07-01")
ADOPTED_HERE = N_("adopted in this ledger:")
NOT_COMPUTABLE = N_("declared not computable:")
SHOWN = N_("{title}\n{id} v{version} ({kind}), effective {effective}, source {source}\n")
PREVIEW = N_("preview {period}: current {current} → proposed {scheme} (as if in force from "
             "{effective}; nothing written)\n")
TOTAL = N_("total: {before} → {after} ({delta})")
NONE = N_("(none)")
LIST_HEADS = [N_("scheme name"), N_("kind"), "v", "seed", N_("effective from"),
              N_("rules cited"), N_("title")]
ADOPTED_HEADS = [N_("scheme"), "v", N_("kind"), N_("effective from"), N_("recorded at"),
                 N_("recorded by")]
RULE_HEADS = [N_("rule"), N_("seed line"), N_("default"), N_("what it says"),
              N_("file line")]
NOT_COMPUTABLE_HEADS = [N_("rule"), N_("seed line"), N_("why")]
DIFF_HEADS = [N_("rule"), N_("where")]
PREVIEW_HEADS = [N_("employee"), N_("name"), N_("department"), N_("current"),
                 N_("proposed"), N_("delta")]
GRADE_HEADS = [N_("pipeline"), N_("subject"), N_("subject name"), N_("score now"),
               N_("grade now"), N_("score proposed"), N_("grade proposed"), N_("changed")]


def _heads(names: list[str]) -> list[str]:
    return [_(name) for name in names]

Name = Annotated[str, typer.Argument(help="A shipped scheme's name, or a scheme file.")]
File = Annotated[str, typer.Argument(help="A scheme file (YAML).")]


def _effective(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidRequestError(_(NOT_A_DAY).format(text=repr(text))) from None


@app.command("list")
def list_schemes(*, db: Db = None, actor: Actor = None, json: Json = False,
                 ledger: Annotated[bool, typer.Option(
                     "--adopted", help="Also the adoptions of the environment's store "
                     "(implied by --db).")] = False) -> int:
    """The shipped schemes (no ledger needed); with --db also the ledger's adoptions."""
    shipped = [s.to_json() for s in schemes.shipped_schemes()]
    adopted = None
    if db is not None or ledger:
        with open_session(db) as session:
            adopted = [a.to_json() for a in schemes.adopted_schemes(session, caller(actor))]
    if json:
        print(canonical_dumps({"shipped": shipped, "adopted": adopted}))
        return 0
    print(table(_heads(LIST_HEADS),
                [[s["name"], s["kind"], s["version"], s["seed"], s["effective_from"],
                  f"{s['coverage']['cited']}/{s['coverage']['of']}", reading(s["title"])]
                 for s in shipped], right={2}))
    if adopted is not None:
        print("\n" + _(ADOPTED_HERE))
        print(table(_heads(ADOPTED_HEADS),
                    [[a["scheme_id"], a["version"], a["kind"], a["effective_from"],
                      a["recorded_at"][:19], a["actor"]] for a in adopted], right={1}))
    return 0


@app.command("show")
def show(*, name: Name, json: Json = False) -> int:
    """A scheme's rules, each with its catalogue id and seed line."""
    shown = schemes.show_scheme(name)
    if json:
        print(canonical_dumps(shown))
        return 0
    print(_(SHOWN).format(title=reading(shown["title"]), id=shown["id"], version=shown["version"],
                          kind=shown["kind"], effective=shown["effective_from"],
                          source=shown["source"]))
    print(table(_heads(RULE_HEADS),
                [[r["rule"], r["source"].split("_", 1)[0] + ":" + r["source"].rsplit(":", 1)[1],
                  r["default"] or "", reading(translate(r["text"])), r["line"]]
                 for r in shown["rules"]],
                right={4}))
    if shown["not_computable"]:
        print("\n" + _(NOT_COMPUTABLE))
        print(table(_heads(NOT_COMPUTABLE_HEADS),
                    [[e["rule"], e["source"].split("_", 1)[0] + ":" + e["source"].rsplit(":", 1)[1],
                      e["why"]] for e in shown["not_computable"]], right=set()))
    return 0


@app.command("new")
def new(*, name: Annotated[str, typer.Argument(help="The new scheme's name (id).")],
        source: Annotated[str, typer.Option("--from", help="The scheme to copy: a shipped "
                                            "name or a file.")],
        output: Annotated[str, typer.Option("--output", help="The file to write.")],
        effective: Annotated[str | None, typer.Option(
            "--effective", help="Its effective_from (default: the original's).")] = None,
        force: Annotated[bool, typer.Option("--force", help="Overwrite the output.")] = False,
        ) -> int:
    """Copy a scheme to edit: a new name (version 1), or the next version of the same."""
    made = schemes.new_scheme(name, source, output, force=force,
                              effective=_effective(effective) if effective else None)
    print(_(NEW_DONE).format(**made, source=source))
    return 0


@app.command("check")
def check(*, file: File, json: Json = False) -> int:
    """Check a scheme file: every problem with its line; exit 2 when there is one."""
    checked = schemes.check_scheme_file(file)
    if json:
        print(canonical_dumps({"file": file, "problems": [p.to_json()
                                                          for p in checked.problems]}))
    elif checked.problems:
        print(_(PROBLEMS).format(path=file, count=len(checked.problems)))
        for problem in checked.problems:
            where = place(f"line {problem.line}") if problem.line else _(WHOLE_FILE)
            print(f"  {where} {problem.path or '—'}: {problem.worded()}")
    else:
        print(_(NO_PROBLEMS).format(path=file, key=checked.scheme.key,
                                 kind=checked.scheme.kind))
    return 2 if checked.problems else 0


@app.command("diff")
def diff(*, a: Name, b: Name, json: Json = False) -> int:
    """What changes from A to B, rule by rule (shipped names or files)."""
    found = schemes.diff_schemes(a, b)
    if json:
        print(canonical_dumps(found))
        return 0
    if not found["changes"]:
        print(_(NO_CHANGES))
        return 0
    print(table([*_heads(DIFF_HEADS), f"A {a}", f"B {b}"],
                [[", ".join(c["rules"]) or "—", c["path"], _cell(c["before"]),
                  _cell(c["after"])] for c in found["changes"]], right=set()))
    return 0


def _cell(value: Any) -> str:
    return _(NONE) if value is None else str(value)


@app.command("preview")
def preview(*, file: File, period: PeriodOption, db: Db = None, actor: Actor = None,
            json: Json = False, against: Annotated[str | None, typer.Option(
                "--against", help="A grading scheme: the adopted one to compare with.")]
            = None) -> int:
    """A period's statements now and under the scheme file, side by side; nothing is
    written."""
    with open_session(db) as session:
        shown = schemes.preview_scheme(session, caller(actor), file, period, against)
    if json:
        print(canonical_dumps(shown))
        return 0
    print(_(PREVIEW).format(period=shown["period"], current=_scheme_key(shown["current"]),
                            scheme=shown["scheme"], effective=shown["effective_from"]))
    if "diff" not in shown:
        print(_grades_side_by_side(shown["current"], shown["proposed"]))
        return 0
    report = shown["diff"]
    total = report["total"]
    print(_(TOTAL).format(before=total["from"], after=total["to"], delta=total["delta"]))
    print(table(_heads(PREVIEW_HEADS),
                [[p["id"], p["name"], p["department_id"], p["from"], p["to"], p["delta"]]
                 for p in report["people"]], right={3, 4, 5}))
    return 0


def _grades_side_by_side(current: dict[str, Any], proposed: dict[str, Any]) -> str:
    """Each subject's score and grade now and under the proposed grading scheme."""
    before = {(p["name"], s["subject_id"]): s for p in current["pipelines"]
              for s in p["subjects"]}
    rows = []
    for pipeline in proposed["pipelines"]:
        for subject in pipeline["subjects"]:
            old = before.get((pipeline["name"], subject["subject_id"]), {})
            changed = "*" if old.get("grade") != subject.get("grade") else ""
            rows.append([pipeline["name"], subject["subject_id"], subject["name"],
                         old.get("score") or "-", old.get("grade_name") or "-",
                         subject.get("score") or "-", subject.get("grade_name") or "-",
                         changed])
    return table(_heads(GRADE_HEADS), rows, right={3, 5})


def _scheme_key(statement: dict[str, Any]) -> str:
    scheme = statement.get("scheme")
    return str(scheme.get("key")) if isinstance(scheme, dict) else "-"


@app.command("adopt")
def adopt(*, file: File, effective: Annotated[str, typer.Option(
              "--effective", help="From this day (2026-07-01) the scheme is in force.")],
          db: Db = None, actor: Actor = None, reason: Reason = None) -> int:
    """Adopt a scheme file from a date: it replaces the scheme of its kind from then on;
    earlier periods keep theirs."""
    day = _effective(effective)
    with open_session(db) as session:
        result = schemes.adopt_scheme(session, caller(actor), file, day, reason)
    events = [*result.recorded, *result.already_recorded]
    key = f"{events[0].scheme_id}@{events[0].version}" if events else file  # type: ignore[attr-defined]
    print(_(ADOPTED).format(key=key, effective=day.isoformat(), n=len(result.recorded),
                         retried=len(result.already_recorded), position=result.last_position))
    return 0


@app.command("json-schema")
def json_schema() -> int:
    """Print the JSON Schema of scheme files (for editors)."""
    print(schemes.json_schema_text(), end="")
    return 0

