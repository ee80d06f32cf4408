"""`jixiao grades` and `grades explain` as people read them, in the reader's language.

The report is data (`--json`, the API): statuses, stages and reasons in English, labels
in the scheme's words. Here each is said in the reader's language (api/i18n/grades.py),
the scheme's labels too, where they have a reading in it (api/i18n/scheme_labels.py);
ids, periods and rules stay as they are."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from api.cli.render import explain_text as figure_text
from api.cli.render import table, titled, yuan
from api.i18n import N_, _, figures
from api.i18n import grades as words
from api.i18n.events import event_name
from api.i18n.messages import entry_reason, translate
from api.i18n.scheme_labels import grade_reading, reading

MOVED = ("eligibility", "forced", "ceiling", "quota", "appeal", "correction")
WHY = N_("{stage}: {reason} [{rule}]")
QUOTA = N_("quota {grade} in {scope}: {used} of {limit} ({formula}; {rule} {source}); "
           "demoted: {demoted}{tie}")
TIE = N_("; tie at {score} among {tied}: {decided}")
CONSEQUENCE = N_("consequence {subject}: {effect} [{rule} {source}]")
DERIVED = N_("  {on} {subject}: {name} ({kind}, {status}) — {effect} [{rule} {source}] "
             "triggers {triggers}")
PROCEDURE = N_("procedure {subject} {kind} {decided_on}: {details}")
PAY = N_("Pay: {lines} line(s), paid {paid}, withheld {withheld}, balance {balance}")


def grades_text(report: dict[str, Any]) -> str:
    scheme = report["scheme"]
    out = [titled(N_("Grades {period} ({name}), scheme {scheme}: {title}"), report["period"],
                  scheme=scheme["key"], title=reading(scheme["title"]))]
    for pipeline in report["pipelines"]:
        out += ["", f"{reading(pipeline['label'])} ({pipeline['name']}, {pipeline['period']})"]
        names = words.grade_names((g["code"], g["name"]) for g in pipeline["grades"])
        out.append(table([_("subject"), _("name"), _("scope"), _("score"), _("grade"),
                          _("pay"), _("why")],
                         [_subject_row(s, names) for s in pipeline["subjects"]], right={3}))
        out += [_quota_line(q, names) for q in pipeline["quotas"]]
        out += [_(CONSEQUENCE).format(subject=s["subject_id"], effect=reading(c["effect"]),
                                      rule=c["rule"], source=c["source"])
                for s in pipeline["subjects"] for c in s["consequences"]]
    if report["derived"]:
        out += ["", _("Derived by policies:")]
        out += [_(DERIVED).format(
            on=d["on"], subject=d["subject_id"], name=reading(d["name"]), kind=d["kind"],
            status=words.derived_status(d["status"]), effect=reading(d["effect"]), rule=d["rule"],
            source=d["source"], triggers=_(", ").join(d["triggers"]))
            for d in report["derived"]]
    out += [_(PROCEDURE).format(subject=p["subject_id"], kind=p["kind"],
                                decided_on=p["decided_on"], details=_fields(p, skip=(
                                    "subject_id", "kind", "decided_on")))
            for p in report["procedures"]]
    pay = report["pay"]
    out += ["", _(PAY).format(lines=pay["lines"], paid=yuan(pay["paid"]),
                              withheld=_withheld(pay["withheld"]),
                              balance=yuan(pay["reconciliation"]["balance"]))]
    return "\n".join(out)


def _subject_row(s: dict[str, Any], names: Mapping[str, str]) -> list[str]:
    moved = [st for st in s["steps"] if st["stage"] in MOVED]
    why = _("; ").join(_(WHY).format(stage=words.stage(st["stage"]),
                                     reason=words.text(st["reason"], grades=names),
                                     rule=st.get("rule", ""))
                       for st in moved) or _("; ").join(words.text(p) for p in s["problems"])
    pay = _(", ").join(f"{reading(p['label'])} {yuan(p['paid'])}" for p in s["pay"]
                       if p["status"] == "ok")
    score = s["score_approx"] if s["score"] and "/" in s["score"] else s["score"]
    return [s["subject_id"], s["name"], _scopes(s["scopes"]), score or "",
            grade_reading(s["grade_name"], s["grade"]) if s["grade"]
            else words.status(s["status"]), pay, why]


def _quota_line(q: dict[str, Any], names: Mapping[str, str]) -> str:
    scope = f"{q['scope']} {q['scope_value']}" if q["scope"] else _("everyone assessed")
    tie = ""
    if q["tie"]:
        tie = _(TIE).format(score=q["tie"]["score"], tied=_(", ").join(q["tie"]["tied"]),
                            decided=q["tie"]["decided_by"] or _("awaiting record_tie_break"))
    return _(QUOTA).format(grade=names.get(q["grade"], q["grade"]), scope=scope,
                           used=q["used"], limit=q["limit"],
                           formula=words.text(q["formula"]), rule=q["rule"],
                           source=q["source"], demoted=_(", ").join(q["demoted"]) or "-",
                           tie=tie)


def _withheld(by_destination: dict[str, str]) -> str:
    """What was withheld, by where the scheme sends it: the report's mapping was printed
    as Python writes a dict (「暂扣 {'not paid (…)': '4980.00'}」)."""
    if not by_destination:
        return "-"
    return _(", ").join(_("{amount} ({destination})").format(
        amount=yuan(amount), destination=words.withheld_to(destination))
        for destination, amount in sorted(by_destination.items()))


def _scopes(scopes: dict[str, str]) -> str:
    return ",".join(f"{k}={v}" for k, v in sorted(scopes.items()))


REF = ("rule", "source", "default")  # a rule's reference, shown as everywhere: [R src D]


def _fields(item: Mapping[str, Any], skip: tuple[str, ...] = ()) -> str:
    """A procedure's fields as words: 「送达 期限 2025-03-10, …」, not Python's dict."""
    shown = []
    for key, value in item.items():
        if key in skip or key in REF or value in (None, [], {}):
            continue
        name = words.procedure_field(key)
        shown.append(_("{field} ({details})").format(field=name, details=_fields(value))
                     if isinstance(value, Mapping) else f"{name} {_field_value(key, value)}")
    ref = " ".join(str(item[key]) for key in REF if item.get(key))
    return _("; ").join(shown) + (f" [{ref}]" if ref and shown else ref and f"[{ref}]")


def _field_value(key: str, value: object) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, Mapping):  # a review, inside a list
        return _("({details})").format(details=_fields(value))
    if isinstance(value, list):
        return _(", ").join(_field_value(key, v) for v in value)
    return translate(str(value)) if key == "problem" else str(value)


EXPLAINED = N_("{subject} in {period} ({scheme})")
RESULT = N_("{pipeline}: {grade}")
RESULT_SCORED = N_("{pipeline}: {grade} (score {score})")
STEP = N_("  {stage}: {grade_from} → {grade_to}: {reason} [{ref}]")
PROBLEM = N_("  problem: {problem}")  # why a result is blocked (the grades table's reason)
ENTRIES = N_("; entries {ids}")
PAY_LINE = N_("  pay {label}: {paid} ({status}) [{rule} {source}]")
HISTORY = N_("  history: {type} {entry} {how} by {replaced_by}: {reason}")
HOW = {"voided": N_("voided"), "superseded": N_("superseded")}
DERIVED_FACT = N_("derived {on}: {name} ({status}) [{rule}] triggers {triggers}")


def explain_text(report: dict[str, Any]) -> str:
    out = [_(EXPLAINED).format(subject=report["subject_id"], period=report["period"],
                               scheme=report["scheme"])]
    for r in report["results"]:
        grade = (grade_reading(r["grade_name"], r["grade"]) if r["grade"]
                 else words.status(r["status"]))
        out += ["", _(RESULT_SCORED if r["score"] else RESULT).format(
            pipeline=r["pipeline"], grade=grade, score=r["score"])]
        out += [_(PROBLEM).format(problem=words.text(p)) for p in r["problems"]]
        out += [figure_text(tree) for tree in r["figure_trees"]]
        names = words.grade_names([(r["grade"], r["grade_name"]),
                                   *((st["from"], st["from_name"]) for st in r["steps"]),
                                   *((st["to"], st["to_name"]) for st in r["steps"])])
        out += [_step_line(step, names) for step in r["steps"]]
        for pay in r["pay"]:
            out.append(_(PAY_LINE).format(
                label=reading(pay["label"]), paid=yuan(pay["paid"]), status=words.pay_status(
                    pay["status"]), rule=pay.get("rule", ""), source=pay.get("source", ""))
                + (f" — {words.text(pay['reason'])}" if pay["reason"] else ""))
            out += [line for part in pay["parts"] for line in _part_lines(part)]
        out += [_(HISTORY).format(type=event_name(c["type"]), entry=c["entry"],
                                  how=_how(c["how"]),
                                  replaced_by=c["replaced_by"],
                                  reason=entry_reason(c["reason"]))
                for c in r["corrections"]]
    out += [_(DERIVED_FACT).format(on=d["on"], name=reading(d["name"]),
                                   status=words.derived_status(d["status"]), rule=d["rule"],
                                   triggers=_(", ").join(d["triggers"]))
            for d in report["derived"]]
    return "\n".join(out)


def _step_line(step: dict[str, Any], names: Mapping[str, str]) -> str:
    ref = " ".join(str(step[k]) for k in ("rule", "source", "default") if step.get(k))
    line = _(STEP).format(stage=words.stage(step["stage"]),
                          grade_from=names.get(step["from"], step["from"]) or "-",
                          grade_to=names.get(step["to"], step["to"]) or "-",
                          reason=words.text(step["reason"], grades=names), ref=ref)
    return line + (_(ENTRIES).format(ids=_(", ").join(step["events"])) if step["events"]
                   else "")


PART_SHOWN = ("label", "amount", "formula", "inputs")
# A part's fields that are amounts of money (to the fen): shown as money, as the amount is.
PART_MONEY = frozenset({"held", "withheld", "instalments", "pool", "budget", "leftover",
                        "undistributed", "shortfall_from_reserve"})
FEN = re.compile(r"-?[0-9]+\.[0-9]{2}")


def _part_lines(part: dict[str, Any]) -> list[str]:
    """One part of a pay line: its label, amount and formula, then its other fields one a
    line (they were printed as JSON)."""
    head = f"      {words.text(part.get('label') or '')}"
    if part.get("amount") is not None:
        head += f" = {yuan(part['amount'])}"
    if part.get("formula"):
        head += f"  ({words.text(part['formula'])})"
    lines = [head]
    for name, value in (part.get("inputs") or {}).items():
        shown = (yuan(value) if name.endswith("_cny") and FEN.fullmatch(str(value))
                 else figures.literal_value(str(value)))
        lines.append(f"        · {name} = {shown}")
    for key, value in part.items():
        if key not in PART_SHOWN and value not in (None, [], {}):
            unit = f" {figures.pgettext(figures.PER_POINT_UNIT)}" if key == "per_point" else ""
            lines.append(f"        · {words.part_field(key)} = "
                         f"{_part_value(value, money=key in PART_MONEY)}{unit}")
    return lines


def _part_value(value: object, *, money: bool = False) -> str:
    if isinstance(value, list):
        return _(", ").join(_part_value(v, money=money) for v in value)
    if isinstance(value, Mapping):
        return _(", ").join(f"{k} {_part_value(v, money=money)}" for k, v in value.items())
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if money and isinstance(value, str) and FEN.fullmatch(value):
        return yuan(value)
    return words.text(str(value))


def _how(code: str) -> str:
    return _(HOW[code]) if code in HOW else code
