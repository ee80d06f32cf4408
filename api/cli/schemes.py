"""`jixiao scheme list|show|new|check|diff|preview|adopt|json-schema`: schemes (考核方案)
as a finance office adapts them (docs/schemes.md, "Adapt a scheme")."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import typer

from api.cli.options import Actor, Db, Json, PeriodOption, Reason, caller, open_session
from api.cli.render import table
from api.usecases import schemes
from domain.errors import InvalidRequestError
from domain.scheme import canonical_dumps

app = typer.Typer(name="scheme", no_args_is_help=True,
                  help="Schemes (考核方案): list, show, copy, check, compare, preview, adopt.")

# The human words of this module, in one place.
NO_PROBLEMS = "{path}: 没有发现问题 (no problems found): {key}, kind {kind}"
PROBLEMS = "{path}: {count} 处问题 ({count} problem(s)):"
NEW_DONE = ("已写出 {output} ({name} v{version}, 复制自 {source}); 修改后运行 "
            "jixiao scheme check {output} (wrote {output}; edit it, then check it)")
ADOPTED = ("已采用 {key}，自 {effective} 起生效 (adopted from {effective}); recorded {n} "
           "event(s), {retried} already recorded; position {position}")
NO_CHANGES = "两者相同 (no changes)"

Name = Annotated[str, typer.Argument(help="A shipped scheme's name, or a scheme file.")]
File = Annotated[str, typer.Argument(help="A scheme file (YAML).")]


def _effective(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidRequestError(f"--effective {text!r}: 日期应写成 2026-07-01 "
                                  "(a date such as 2026-07-01)") from None


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
    print(table(["name 名称", "kind 类型", "v", "seed", "effective 生效", "rules cited 覆盖",
                 "title 标题"],
                [[s["name"], s["kind"], s["version"], s["seed"], s["effective_from"],
                  f"{s['coverage']['cited']}/{s['coverage']['of']}", s["title"]]
                 for s in shipped], right={2}))
    if adopted is not None:
        print("\n已采用 (adopted in this ledger):")
        print(table(["scheme 方案", "v", "kind 类型", "effective 生效", "recorded 记录于",
                     "by 记录人"],
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
    print(f"{shown['title']}\n{shown['id']} v{shown['version']} ({shown['kind']}), "
          f"生效 effective {shown['effective_from']}, 出处 source {shown['source']}\n")
    print(table(["rule 规则", "seed line 出处", "default 默认", "what 内容", "line 行"],
                [[r["rule"], r["source"].split("_", 1)[0] + ":" + r["source"].rsplit(":", 1)[1],
                  r["default"] or "", r["text"], r["line"]] for r in shown["rules"]],
                right={4}))
    if shown["not_computable"]:
        print("\n无法计算的规则 (declared not computable):")
        print(table(["rule 规则", "seed line 出处", "why 原因"],
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
    print(NEW_DONE.format(**made, source=source))
    return 0


@app.command("check")
def check(*, file: File, json: Json = False) -> int:
    """Check a scheme file: every problem with its line; exit 2 when there is one."""
    checked = schemes.check_scheme_file(file)
    if json:
        print(canonical_dumps({"file": file, "problems": [p.to_json()
                                                          for p in checked.problems]}))
    elif checked.problems:
        print(PROBLEMS.format(path=file, count=len(checked.problems)))
        for problem in checked.problems:
            print(f"  {problem}")
    else:
        print(NO_PROBLEMS.format(path=file, key=checked.scheme.key,
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
        print(NO_CHANGES)
        return 0
    print(table(["rule 规则", "where 位置", f"A {a}", f"B {b}"],
                [[", ".join(c["rules"]) or "—", c["path"], _cell(c["before"]),
                  _cell(c["after"])] for c in found["changes"]], right=set()))
    return 0


def _cell(value: Any) -> str:
    return "(无 none)" if value is None else str(value)


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
    print(f"预览 preview {shown['period']}: 现行 current "
          f"{_scheme_key(shown['current'])} → 拟用 proposed {shown['scheme']} "
          f"(as if in force from {shown['effective_from']}; nothing written)\n")
    if "diff" not in shown:
        print(_grades_side_by_side(shown["current"], shown["proposed"]))
        return 0
    report = shown["diff"]
    total = report["total"]
    print(f"合计 total: {total['from']} → {total['to']} ({total['delta']})")
    print(table(["employee 人员", "name 姓名", "department 科室", "current 现行",
                 "proposed 拟用", "change 变化"],
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
    return table(["pipeline 考核", "subject 对象", "name 名称", "score 现行得分",
                  "grade 现行等次", "score 拟用得分", "grade 拟用等次", "changed 变化"],
                 rows, right={3, 5})


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
    print(ADOPTED.format(key=key, effective=day.isoformat(), n=len(result.recorded),
                         retried=len(result.already_recorded), position=result.last_position))
    return 0


@app.command("json-schema")
def json_schema() -> int:
    """Print the JSON Schema of scheme files (for editors)."""
    print(schemes.json_schema_text(), end="")
    return 0

