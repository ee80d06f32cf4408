"""The grades report's words in the reader's language (`jixiao grades`, `grades explain`).

projections/grading/ writes its statuses, stages and reasons in English: they are the
report's data (`--json`, the API), which never changes with the reader. The CLI's human
text shows them through this module. A reason is matched against the templates below, as
api/i18n/messages.py does for errors; each `{value}` is carried over (the list of who a
quota's N leaves out, "R not assessed", itself translated), and a text is translated
whole or not at all. A rule's `label`, a grade's name and a consequence's effect are the
regulation's own words, quoted as scheme data: shown in the reader's reading of them
(api/i18n/scheme_labels.py), as is a text no template matches.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Final

from api.i18n import N_, current_language, gettext, translations
from api.i18n.figures import NP_
from api.i18n.scheme_labels import reading

# A subject's status in a pipeline (projections/grading/model.py), and a pay line's.
STATUSES: Final = {
    "graded": N_("graded"), "scored": N_("scored"), "no_grade": N_("no grade"),
    "not_assessed": N_("not assessed"), "pending": N_("pending"), "blocked": N_("blocked"),
}
PAY_STATUSES: Final = {
    "ok": N_("computed"), "pending": N_("pending"), "blocked": N_("blocked"),
    "not applicable": N_("not applicable"),
}
# The stage that moved a grade (projections/grading/stages.py, appeals.py).
STAGES: Final = {
    "eligibility": N_("eligibility"), "figures": N_("figures"), "forced": N_("forced grade"),
    "band": N_("band"), "ceiling": N_("ceiling"), "quota": N_("quota"),
    "appeal": N_("appeal"), "correction": N_("correction"),
}
# A derived fact's status (domain/policies.py).
DERIVED_STATUSES: Final = {
    "open": N_("open"), "in force": N_("in force"), "discharged": N_("discharged"),
}
# Where a scheme sends what a pay line does not pay (`withheld_to`): scheme data, written
# in both languages inside one label (「not paid (扣完为止; …)」). An adopted scheme's
# bytes are hashed, so the label stays as it is there; the reader sees it in one language.
# Labels no entry knows are shown as the scheme writes them.
WITHHELD_TO: Final = {
    "not paid (扣完为止; the seed names no destination)":
        N_("not paid (deducted until nothing is left; the regulation names no destination)"),
    "全县绩效考核奖励基金 (the county reward fund)": N_("the county's performance reward fund"),
    "扣除的职务补助 (cut leadership allowance)": N_("leadership allowance cut"),
    "扣发的绩效工资 (withheld by the county)": N_("performance pay withheld by the county"),
    "待岗期间停发 (stopped during a stand-down)": N_("stopped during a stand-down"),
    "扣减部分 (奖励优秀乡镇卫生院)": N_("the deductions (to reward excellent township health "
                                  "centres)"),
    "扣减部分 (奖励考核优秀的乡镇卫生院)": N_("the deductions (to reward township health centres "
                                      "assessed excellent)"),
    "扣减部分 (奖励优秀村卫生站)": N_("the deductions (to reward excellent village health "
                                  "stations)"),
    "扣减部分 (奖励考核优秀的村卫生室)": N_("the deductions (to reward village clinics assessed "
                                     "excellent)"),
    "withheld": N_("withheld"),  # a line that names no destination (projections/grading)
}
# A pool's line whose gate does not hold (projections/grading/pools.py GATE_SHUT): where
# its pay goes names the gate, an expression, kept as it is.
GATE_SHUT: Final = N_("{gate} does not hold: not paid")
GATE_SHUT_TAIL: Final = " does not hold: not paid"
# The names of a pay line's parts' fields (`grades explain`); other fields show their key.
PART_FIELDS: Final = {
    "value": N_("exact"), "instalment_value": N_("each instalment, exact"),
    "instalments": N_("instalments"), "grade": N_("grade"), "grade_of": N_("grade of"),
    "held": N_("held back"), "rate": N_("rate"), "withheld": N_("withheld"),
    "pool": N_("pool"), "points": N_("points"), "points_total": N_("Σ points"),
    "per_point": N_("value of a point"), "units": N_("units"), "counted": N_("counted"),
    "counted_total": N_("Σ counted"), "budget": N_("budget"), "leftover": N_("leftover"),
    "mean": N_("mean"), "band": N_("band"), "gate": N_("gate"),
    "contributions": N_("contributions"), "undistributed": N_("undistributed"),
    "shortfall_from_reserve": N_("shortfall drawn from the reserve"),
    "from_lines": N_("from the lines"),
}
# A sanction's procedure (projections/grading/procedures.py): its fields' names. "late"
# with a context: alone it is also a deduction kind's id, which a refusal carries as a
# value ("late is banded by minutes") and which read 「逾期」 through this word.
PROCEDURE: Final = "procedure"
CONTEXTED: Final = frozenset({"late"})
PROCEDURE_FIELDS: Final = {
    "sanction": N_("sanction"), "in_force": N_("in force"),
    "investigation": N_("investigation"), "started_on": N_("started on"), "due": N_("due"),
    "working_days": N_("working days"), "reported_on": N_("reported on"),
    "on_time": N_("on time"), "delivery": N_("delivery"), "delivered_on": N_("delivered on"),
    "reviews": N_("reviews"), "requested": N_("review requested"),
    "received_on": N_("received on"), "applied_on": N_("applied on"),
    "window_closes": N_("window closes"), "late": NP_("procedure", "late"), "stay": N_("stay"),
    "decided": N_("review decided"), "decided_on": N_("decided on"),
    "outcome": N_("outcome"), "problem": N_("problem"), "no_stay": N_("no stay"),
    "corrected_by": N_("corrected by"), "entry": N_("entry"), "type": N_("type"),
    "reason": N_("reason"), "recorded_at": N_("recorded at"), "filing": N_("filing"),
    "entries": N_("entries filed"),
}
# Reasons, problems and pay texts as projections/grading/ words them.
# pay.py: why a line waits for a grade; a reason of its own inside a pool's (WHOLE)
WAITS: Final = (N_("the grade is not settled yet"), N_("a tranche's grade is not settled yet"))
TEMPLATES: Final = (
    # bands.py
    N_("{figure} {value} ≥ {bound} and {condition}"),
    N_("{figure} {value} > {bound} and {condition}"),
    N_("{figure} {value} and {condition}"),
    N_("awaiting the grade the meeting or leading group proposes (propose_grade)"),
    N_("the proposed grade"),
    N_("a fixed grade is the grade"),
    N_("a fixed grade acts as a ceiling: the worse of the two"),
    # ceilings.py, exclude.py
    N_("{label} (no better than {grade})"),
    N_("{label}: not assessed"),
    N_("{label}: no grade"),
    # quotas.py: a demotion, a tie, who is outside N
    N_("quota for {grade} in {scope} {scope_value}: {formula}; ranked {position} of "
       "{count} by {figure} {value}; the place(s) went to {holders}; cascades down one "
       "grade"),
    N_("quota for {grade} in {scope} {scope_value}: {formula}; ranked {position} of "
       "{count} by {figure} {value}; the place(s) went to {holders}; cascades down one "
       "grade; not counted in N: {outside}"),
    N_("quota for {grade} across everyone assessed: {formula}; ranked {position} of "
       "{count} by {figure} {value}; the place(s) went to {holders}; cascades down one "
       "grade"),
    N_("quota for {grade} across everyone assessed: {formula}; ranked {position} of "
       "{count} by {figure} {value}; the place(s) went to {holders}; cascades down one "
       "grade; not counted in N: {outside}"),
    N_("tied at the quota cut-off for {grade} in {scope} {scope_value} ({tied} tied for "
       "{places} place(s)); awaiting the leadership group's recorded tie-break "
       "(record_tie_break)"),
    N_("tied at the quota cut-off for {grade} across everyone assessed ({tied} tied for "
       "{places} place(s)); awaiting the leadership group's recorded tie-break "
       "(record_tie_break)"),
    N_("no one (no place for this grade)"),
    N_("{subject} not assessed"), N_("{subject} no grade"), N_("{subject} blocked"),
    N_("{subject} pending"),
    N_("{formula}, at least 1 with fewer than {count} = {limit}"),
    # appeals.py
    N_("input {name} {old} → {new} ({why}); every stage, quotas included, ran on the "
       "corrected input"),
    # score.py, pay.py, pools.py, population.py: what is missing, what waits
    N_("{figure}: no {input} recorded for {period}"),
    N_("no {input} recorded for {period}"),
    N_("applies when {condition}"),
    N_("{subject} is blocked: the pool waits for every member"),
    N_("{subject} is pending: the pool waits for every member"),
    N_("{name}: the pool waits for {what}"),
    N_("{name}: the cuts wait for {what}"),
    N_("{name}: Σ points is {total}; nothing to share by"),
    # pay.py: a pay line's parts (its "base": RENAMED)
    N_("factor"),
    N_("immediate {percent} %"),
    N_("base × factor, rounded half up once"),
    N_("base × {share}, in {count} instalment(s)"),
    N_("held × rate for {grade} ({where})"),
    N_("awaiting the grade of {where}"),
    N_("pool ÷ Σ points × points"),
    N_("Σ base − Σ paid − Σ withheld, lines with a base"),
    # pools.py: a pool's gate and fund on its unit, as a pay part's fields, and why a
    # pool waits
    N_("{gate} on {unit}: holds {literals}"),
    N_("{gate} on {unit}: fails {literals}"),
    N_("{fund} on {unit}: {amount}"),
    N_("{fund} on {unit}: {amount} {literals}"),
    N_("unit {unit} is not assessed by {pipeline}"),
    N_("{fund} on {unit} is {value}: the pool must be an amount, not negative"),
    N_("{fund} on {unit} is {value}: the pool must be an amount, not negative {literals}"),
    # pay.py: a line that waits for a grade
    *WAITS,
    # rollups.py: a mean over another pipeline's results when it has none
    N_("no {source} results recorded for {period}"),
    N_("{figure}: no {source} results recorded for {period}"),
    # score.py `{rule.name}: {error}` and pools.py `{member} {line}: {reason}`: a figure's
    # or a member's line's reason, worded only when the reason is (WHOLE)
    N_("{figure}: {error}"),
    N_("{subject} {line}: {reason}"),
    # domain/expressions.py, projections/grading/: why an expression could not be evaluated
    N_("{expression}: division by zero"),
    N_("{pipeline}: unknown name {name} (not an input, figure or variable of this pipeline)"),
    N_("{function}: no pipeline {source}"),
    N_("no entry {entry} in table {table}"),
)
# A pool's formulas (projections/grading/pools.py) are written in both languages, the
# English in brackets after the Chinese: the reader sees the one of their language, found
# by its English (the data keeps both: `--json` does not change with the reader).
FORMULA_GLOSSES: Final = (
    N_("pool × points ÷ Σ points, largest remainder"),
    N_("Σ withheld of the group, by rank band, equal within a band"),
    N_("(reserve − shortfall drawn) ÷ members, largest remainder"),
    N_("max(budget ÷ Σ counted units, floor rate) × counted units"),
)
# Texts whose word is another shell's word with another meaning (the catalogues merge
# into one lookup): said through a message id of their own.
RENAMED: Final = {"base": N_("base amount")}
PLACEHOLDER: Final = re.compile(r"\{(\w+)\}")
CHINESE: Final = re.compile(r"[\u4e00-\u9fff]")
JOINED: Final = "; "
# What a value may look like where it is not free text: a figure's or input's name, a
# number. Without these a formula's "grade == 'a' and days > 15" read as a band's
# "{figure} {value} and {condition}"; any other value is matched by `.+?`. A name is a
# scheme's code (domain/grading.py `Code`: a grade "1", a figure "total-score"), and a
# subject an id.
NUMBER: Final = r"-?[0-9][0-9./]*…?"
NAME: Final = r"[A-Za-z0-9][A-Za-z0-9_.\-]*"
SHAPES: Final = {
    "figure": NAME, "input": NAME, "value": NUMBER, "bound": NUMBER, "position": NUMBER,
    "count": NUMBER, "tied": NUMBER, "places": NUMBER, "limit": NUMBER, "percent": NUMBER,
    "share": NUMBER, "total": NUMBER, "grade": NAME, "period": r"[0-9A-Z-]+",
    "subject": NAME, "unit": NAME, "pipeline": NAME, "amount": NUMBER, "source": NAME,
    "line": NAME, "expression": r"'[^']*'|\"[^\"]*\"",  # an expression is quoted (repr)
}
# The values that are themselves the report's texts ("R not assessed" in a quota's "not
# counted in N: …"), translated in turn; every other value is data (a rule's label, a
# condition, a name) and is carried over as it is: a label "Reports pending" is the
# scheme's words, not "{subject} pending".
INNER: Final = frozenset({"outside"})
# A reason inside a reason: the template applies only when the inner one is worded too,
# so that a figure's reason no template knows reads as the data says it, not half in
# the reader's language (「monthly_average：division by zero」).
WHOLE: Final = frozenset({"error", "reason"})


@cache
def _patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    """The templates, the one with the most fixed text first (a quota's reason with its
    "not counted" tail before the one without)."""
    compiled = []
    for template in sorted(TEMPLATES, key=lambda t: -len(PLACEHOLDER.sub("", t))):
        if "{" not in template:
            continue
        pieces = PLACEHOLDER.split(template)  # text, name, text, name, …, text
        regex = "".join(re.escape(piece) if i % 2 == 0
                        else f"(?P<{piece}>{SHAPES.get(piece, '.+?')})"
                        for i, piece in enumerate(pieces))
        compiled.append((re.compile(regex, re.S), template))
    return tuple(compiled)


@cache
def _fixed() -> frozenset[str]:
    """The texts with no value in them: only these are looked up whole, so that an id
    inside a reason that happens to be another shell's word ("total", "base") stays."""
    return frozenset(t for t in TEMPLATES if "{" not in t)


def grade_names(pairs: Iterable[tuple[str | None, str | None]]) -> dict[str, str]:
    """A scheme's grade codes → their names (优秀, 良好), for the texts a Chinese reader
    reads: the names are the regulation's own Chinese words, so a code inside a Chinese
    sentence (「excellent 名额」) reads as the scheme names it; an English reader keeps the
    codes, which are the scheme's English."""
    if current_language() == "en":
        return {}
    return {code: name for code, name in pairs if code and name}


def text(message: str, *, whole: bool = True, grades: Mapping[str, str] | None = None) -> str:
    """A reason, problem or pay text of the grades report in the reader's language;
    `whole`: the text is the whole of what is shown, not a value inside another (where
    "base" is an input's id, not a pay line's base); `grades`: a grade's code → the name
    it is shown by (`grade_names`)."""
    if whole and message in RENAMED:
        return gettext(RENAMED[message])
    if message in _fixed():
        return gettext(message)
    for pattern, template in _patterns():
        match = pattern.fullmatch(message)
        found = {} if match is None else match.groupdict()
        if match is not None and all(_worded(found[name]) for name in WHOLE & found.keys()):
            values = {name: _value(value) if name in INNER
                      else text(value, grades=grades) if name in WHOLE
                      else (grades or {}).get(value, value) if name == "grade"
                      else reading(value) if name == "label" else value
                      for name, value in found.items()}
            return gettext(template).format(**values)
    for gloss in FORMULA_GLOSSES:
        if message.endswith(f" ({gloss})") and CHINESE.search(message[:-len(gloss) - 3]):
            return gettext(gloss)
    if JOINED in message:  # a pay line's reasons, one per input it misses
        return _each(message, JOINED, whole=whole, grades=grades)
    # what no template words is the scheme's own (a rule's label as a step's reason, a
    # pay part's label): one reading of it, in the reader's language where it has one
    return reading(message)


def _worded(reason: str) -> bool:
    """Whether a reason inside a reason has its own wording (a fixed word such as "factor"
    is a label's, not a reason; a pay line's wait is one: 「s00 的 withheld：等次尚未确定」)."""
    return (reason not in _fixed() or reason in WAITS) and text(reason) != reason


def _value(value: str) -> str:
    """A value inside a text: a known text itself, or a list of them ("R not assessed,
    S blocked"), translated; anything else (an id, a number, a rule's label) as it is."""
    return _each(value, ", ", whole=False)


def _each(message: str, separator: str, *, whole: bool,
          grades: Mapping[str, str] | None = None) -> str:
    """Parts joined by `separator`, translated only if every part is a known text: a text
    no template matches whole (a quota's reason of a shape not foreseen) stays as the
    data says it, not half in the reader's language ("…; not counted in N: R 未考核")."""
    parts = message.split(separator)
    shown = [text(part, whole=whole, grades=grades) for part in parts]
    if any(part == said for part, said in zip(parts, shown, strict=True)):
        return message
    return gettext(separator).join(shown)


def _word(words: dict[str, str], code: str | None) -> str:
    return "" if code is None else gettext(words[code]) if code in words else code


def status(code: str | None) -> str:
    return _word(STATUSES, code)


def pay_status(code: str | None) -> str:
    return _word(PAY_STATUSES, code)


def stage(code: str | None) -> str:
    return _word(STAGES, code)


def derived_status(code: str | None) -> str:
    return _word(DERIVED_STATUSES, code)


def withheld_to(destination: str) -> str:
    """Where the withheld money goes, in the reader's language (one language a label)."""
    if destination in WITHHELD_TO:
        return gettext(WITHHELD_TO[destination])
    if destination.endswith(GATE_SHUT_TAIL):
        return gettext(GATE_SHUT).format(gate=destination[:-len(GATE_SHUT_TAIL)])
    return reading(destination)


def part_field(key: str) -> str:
    return gettext(PART_FIELDS[key]) if key in PART_FIELDS else key


def procedure_field(key: str) -> str:
    if key in CONTEXTED:
        return str(translations(current_language()).pgettext(PROCEDURE, PROCEDURE_FIELDS[key]))
    return gettext(PROCEDURE_FIELDS[key]) if key in PROCEDURE_FIELDS else key
