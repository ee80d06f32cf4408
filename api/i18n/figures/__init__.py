"""The explanation tree's words in the reader's language: figure labels, units and
formulas, translated where they are shown (the CLI's human `explain`, the payslip page),
never where they are made. projections/ keeps its English texts (they are in `--json`,
the API's fields and the stored statements, which never change with the language).

A label is composed in projections/ from a name and a static part ("韦斌琳: title
points", "内科: cost coefficient"); the catalogue holds the pattern ("{name}: title
points") and each `{value}` is carried into the translation (itself translated when it
is a known word, e.g. a score item's id). A text no pattern matches is shown unchanged.

Every text has the message context "figure" and its own domain (`figures.po`): units
such as "ratio" or "points" are also other shells' column headers with other
translations, and every domain of a language is merged into one lookup.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any, Final

from api.i18n import current_language, translations
from api.i18n.scheme_labels import reading

CONTEXT: Final = "figure"  # written out in each NP_(): the extractor reads literals only


def NP_(context: str, message: str) -> str:
    """Marks a text with its message context for the extractor; translated where shown."""
    del context
    return message


UNITS: Final = (
    NP_("figure", "points"), NP_("figure", "cny"), NP_("figure", "ratio"),
    NP_("figure", "days"), NP_("figure", "people"),
    # a grading figure's (domain/grading.py)
    NP_("figure", "percent"), NP_("figure", "years"), NP_("figure", "grade"),
)
# Units whose word is another shell's with another meaning ("count" is a web column's
# 次数): said through a message id of their own.
UNIT_WORDS: Final = {"count": NP_("figure", "items")}
# Per-point pay (a department's, the hospital's) is yuan a point, but projections/payout
# stores it with the unit "ratio", and explain's JSON of a stored ledger is kept byte for
# byte (tests/fixtures/old_ledger): the shells read it by its key instead.
PER_POINT_KEY: Final = re.compile(r"(?:.+:)?per_point")
PER_POINT_UNIT: Final = NP_("figure", "yuan per point")

# Labels of figures about the whole organisation or a pool (projections/payout/).
WHOLE_LABELS: Final = (
    NP_("figure", "distributable pool"), NP_("figure", "year-end pool"),
    NP_("figure", "year-end reserve"), NP_("figure", "pool before the year-end reserve"),
    NP_("figure", "pool (stated amount)"), NP_("figure", "hospital total points"),
    NP_("figure", "hospital per-point pay (indicative)"),
    NP_("figure", "hospital head-count in scoring"),
    NP_("figure", "hospital average bonus per head"),
)

# "{name}: …" labels of a person (projections/scoring.py, payout/) or a department
# (projections/department_scores.py, payout/department.py); the catch-all last.
NAMED_LABELS: Final = (
    NP_("figure", "{name}: title points"), NP_("figure", "{name}: post add-on"),
    NP_("figure", "{name}: fixed penalties and additions"),
    NP_("figure", "{name}: score before attendance"),
    NP_("figure", "{name}: attendance deduction"), NP_("figure", "{name}: individual score"),
    NP_("figure", "{name}: participation ratio"), NP_("figure", "{name}: points counted"),
    NP_("figure", "{name}: performance pay"), NP_("figure", "{name}: pay before rounding"),
    NP_("figure", "{name}: post bonus"), NP_("figure", "{name}: study-leave pay"),
    NP_("figure", "{name}: annual target score"), NP_("figure", "{name}: year-end pay"),
    NP_("figure", "{name}: year-end points"), NP_("figure", "{name}: mean quarterly score"),
    NP_("figure", "{name}: CME and training penalties"),
    NP_("figure", "{name}: head-count"), NP_("figure", "{name}: department score"),
    NP_("figure", "{name}: cost coefficient"), NP_("figure", "{name}: risk coefficient"),
    NP_("figure", "{name}: per-capita score"), NP_("figure", "{name}: workload ratio"),
    NP_("figure", "{name}: quantity score"), NP_("figure", "{name}: composite base score"),
    NP_("figure", "{name}: task, quality and ethics deductions"),
    NP_("figure", "{name}: rank by per-capita score"),
    NP_("figure", "{name}: calculated pay before rounding"),
    NP_("figure", "{name}: calculated pay"), NP_("figure", "{name}: control deductions"),
    NP_("figure", "{name}: department penalties"), NP_("figure", "{name}: cap"),
    NP_("figure", "{name}: excess banked for the same year"), NP_("figure", "{name}: floor"),
    NP_("figure", "{name}: bank brought forward"), NP_("figure", "{name}: drawn from the bank"),
    NP_("figure", "{name}: hospital subsidy"), NP_("figure", "{name}: settled pay"),
    NP_("figure", "{name}: department total points"),
    NP_("figure", "{name}: per-point pay (indicative)"),
    NP_("figure", "{name}: {indicator} deduction"), NP_("figure", "{name}: {item} score"),
    NP_("figure", "{name}: {item}"),
)

# Words that fill a pattern's `{value}`: score items, control indicators, staff
# categories and participation classes of the seeded schemes (domain/schemes/).
WORDS: Final = (
    NP_("figure", "quantity"), NP_("figure", "quality"), NP_("figure", "ethics"),
    NP_("figure", "discipline"), NP_("figure", "drug_revenue_ratio"),
    NP_("figure", "expenditure_quota"), NP_("figure", "inpatient_fee_per_admission"),
    NP_("figure", "outpatient_fee_per_visit"),
    NP_("figure", "regular"), NP_("figure", "contract"), NP_("figure", "temporary"),
    NP_("figure", "full"),
    # title grades (S11-R34) and posts (S11-R35) in the seed's own words
    NP_("figure", "senior"), NP_("figure", "associate_senior"), NP_("figure", "intermediate"),
    NP_("figure", "practitioner"), NP_("figure", "assistant"),
    NP_("figure", "junior_technician"), NP_("figure", "worker"), NP_("figure", "staff"),
    NP_("figure", "hospital_leader"), NP_("figure", "clinical_director"),
    NP_("figure", "clinical_deputy_director"), NP_("figure", "head_nurse"),
    NP_("figure", "chief_head_nurse"), NP_("figure", "functional_director"),
    NP_("figure", "functional_deputy_director"),
    # departments' risk roles (S11-R24)
    NP_("figure", "hospital_leaders"), NP_("figure", "medical_affairs"),
    NP_("figure", "nursing"), NP_("figure", "infection_control"), NP_("figure", "office"),
    NP_("figure", "equipment"), NP_("figure", "finance"), NP_("figure", "cashier"),
)

FORMULAS: Final = (
    NP_("figure", "title + post + Σ items + penalties"),
    NP_("figure", "Σ penalty and addition entries"),
    NP_("figure", "max(0, pre_attendance − attendance deduction)"),
    NP_("figure", "pre_attendance ÷ scheduled_days × absence_days"),
    NP_("figure", "no attendance record: full attendance assumed"),
    NP_("figure", "score × participation ratio"),
    NP_("figure", "score (ratio scales pay only)"),
    NP_("figure", "not in scoring"), NP_("figure", "entered by the department"),
    NP_("figure", "base (nothing entered)"), NP_("figure", "whole item deducted (全扣)"),
    NP_("figure", "per-point pay × points counted (largest remainder to the fen)"),
    NP_("figure", "per-point pay × points counted, exact"),
    NP_("figure", "settled pay ÷ department total points"),
    NP_("figure", "distributable pool ÷ hospital total points"),
    NP_("figure", "Σ members' points counted"),
    NP_("figure", "calculated − controls − penalties − banked + drawn + subsidy"),
    NP_("figure", "pool × department score ÷ hospital points (largest remainder to the fen)"),
    NP_("figure", "Σ department scores"), NP_("figure", "Σ department head-counts"),
    NP_("figure", "Σ department deductions"), NP_("figure", "department score ÷ head-count"),
    NP_("figure", "((quantity + quality + ethics) × cost coefficient) × risk coefficient"),
    NP_("figure", "max(0, composite base × risk coefficient − deductions)"),
    NP_("figure", "medical revenue (no drugs) ÷ full cost"),
    NP_("figure", "min(calculated pay, Σ control deductions)"),
    NP_("figure", "min(shortfall below the floor, bank brought forward)"),
    NP_("figure", "shortfall below the floor − drawn"),
    NP_("figure", "max(0, pay after controls − cap)"),
    NP_("figure", "amount per head × head-count"),
    NP_("figure", "multiple × hospital average bonus × head-count"),
    NP_("figure", "rate × hospital average bonus"),
    NP_("figure", "bank after the previous quarter of the same year"),
    NP_("figure", "configured for the department"), NP_("figure", "declared amount"),
    NP_("figure", "none on a stated amount"), NP_("figure", "recorded"),
    NP_("figure", "people taking part in scoring"),
    NP_("figure", "gross − year-end reserve + adjustments"),
    NP_("figure", "revenue × year-end reserve rate"), NP_("figure", "medical revenue × rate"),
    NP_("figure", "distributable pool ÷ hospital head-count (before caps and floors)"),
    NP_("figure", "max(0, actual − limit) × share of overrun"),
    NP_("figure", "whole points over × rate per point × calculated pay"),
    NP_("figure", "Σ retail value × multiple, never below zero pay"),
    NP_("figure", "(mean quarterly score + penalties) × participation ratio"),
    NP_("figure", "mean of the quarters taken part in"),
    NP_("figure", "year-end pool × score ÷ Σ scores (largest remainder)"),
    NP_("figure", "Σ quarterly year-end reserves + adjustments"),
    NP_("figure", "mean of every clinical department's per-capita score × head-count"),
    NP_("figure", "mean per-capita of the top {n} clinical departments × head-count"),
    NP_("figure", "{per_head} × head-count × (actual workload ÷ base workload)"),
    NP_("figure", "max(0, {per_head} × head-count − {item} deductions)"),
    NP_("figure", "max({floor}, base + Σ deductions)"),
    NP_("figure", "{cme} if CME credits < {credits}; {training} if a training placement "
        "was refused"),
    NP_("figure", "title_points[{grade}]"), NP_("figure", "post_points[{post}]"),
    NP_("figure", "ratios[{category}][{class}]"), NP_("figure", "risk_coefficients[{role}]"),
)
# Names of a figure's literal inputs (the values that are not figures).
LITERALS: Final = (
    NP_("figure", "base"), NP_("figure", "scheduled_days"), NP_("figure", "absence_days"),
    NP_("figure", "absence:{kind}"), NP_("figure", "reason"), NP_("figure", "rule"),
    NP_("figure", "multiple"), NP_("figure", "rate"), NP_("figure", "adjustments_cny"),
    NP_("figure", "amount_per_head_cny"), NP_("figure", "medical_revenue_cny"),
    NP_("figure", "full_cost_cny"), NP_("figure", "workload_actual"),
    NP_("figure", "workload_base"), NP_("figure", "actual"), NP_("figure", "limit"),
    NP_("figure", "deductions"), NP_("figure", "post"), NP_("figure", "reserve {period}"),
    # a grading figure's (projections/grading/): what an expression's function read
    NP_("figure", "value of a point"), NP_("figure", "days under {kinds}"),
    NP_("figure", "{kinds} (period)"), NP_("figure", "{kinds} (year)"),
    NP_("figure", "{kinds} (active)"), NP_("figure", "grade in {period}"),
    NP_("figure", "trimmed_mean({name}) dropped"), NP_("figure", "trimmed_mean({name}) exact"),
    NP_("figure", "Σ {figure} of {source}"),
)
# A literal's value where it is words (a grading figure's): a default, a rank, a mean.
VALUES: Final = (
    NP_("figure", "{value} (default)"), NP_("figure", "(none)"),
    NP_("figure", "{rank} of {count}"), NP_("figure", "(unranked)"),
    NP_("figure", "lowest {low}, highest {high}"), NP_("figure", "{value} over {periods}"),
)
PLACEHOLDER: Final = re.compile(r"\{(\w+)\}")


def pgettext(message: str) -> str:
    """A figure text in the current language (English: the text itself)."""
    return str(translations(current_language()).pgettext(CONTEXT, message))


@cache
def _patterns(templates: Sequence[str]) -> tuple[tuple[re.Pattern[str], str], ...]:
    compiled = []
    for template in templates:
        if "{" not in template:
            continue
        pieces = PLACEHOLDER.split(template)  # text, name, text, name, …, text
        regex = "".join(re.escape(piece) if i % 2 == 0 else f"(?P<{piece}>.+?)"
                        for i, piece in enumerate(pieces))
        compiled.append((re.compile(regex, re.S), template))
    return tuple(compiled)


def _translate(text: str, templates: tuple[str, ...]) -> str:
    exact = pgettext(text)
    if exact != text:
        return exact
    for pattern, template in _patterns(templates):
        match = pattern.fullmatch(text)
        if match is not None:
            # a name is a person's or department's own: carried over, never translated
            values = {key: value if key == "name" else _word(value)
                      for key, value in match.groupdict().items()}
            return pgettext(template).format(**values)
    return text


def _word(text: str) -> str:
    """A word of the catalogue's, else a scheme's label (「年终考核 (year-end …)」) in the
    reader's language."""
    said = pgettext(text)
    return reading(text) if said == text else said


def label(text: str) -> str:
    """"韦斌琳: title points" → "韦斌琳：职称分" in Chinese; a scheme's label in one
    language; other labels unchanged."""
    shown = _translate(text, NAMED_LABELS)
    return reading(text) if shown == text else shown


def formula(text: str) -> str:
    return _translate(text, FORMULAS)


def literal(name: str) -> str:
    """The name of a literal input ("scheduled_days" → "应出勤天数")."""
    return _translate(name, LITERALS)


# What each value of VALUES may be: a number or id, never a sentence (a calculation's
# description, "…: pool (Σ pool of company) ÷ Σ points …", is no "{rank} of {count}").
VALUE_SHAPES: Final = {"value": r"[^ ]+", "rank": r"[0-9]+", "count": r"[0-9]+",
                       "low": r"[^ ,]+", "high": r"[^ ,]+", "periods": r"[^ ]+(?:, [^ ]+)*"}


@cache
def _value_patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    compiled = []
    for template in VALUES:
        pieces = PLACEHOLDER.split(template)
        if len(pieces) == 1:
            continue
        regex = "".join(re.escape(piece) if i % 2 == 0
                        else f"(?P<{piece}>{VALUE_SHAPES[piece]})"
                        for i, piece in enumerate(pieces))
        compiled.append((re.compile(regex), template))
    return tuple(compiled)


def literal_value(value: str) -> str:
    """A literal's value: "30 (default)" → "30（默认）"; anything else (a number, an id,
    a word another figure text shares) unchanged."""
    if value in VALUES:
        return pgettext(value)
    for pattern, template in _value_patterns():
        match = pattern.fullmatch(value)
        if match is not None:
            return pgettext(template).format(**match.groupdict())
    return value


def unit(text: str) -> str:
    return pgettext(UNIT_WORDS.get(text, text))


def node_unit(node: Mapping[str, Any]) -> str:
    """The unit of an explanation node (its `key` and `unit`) in the reader's words:
    per-point pay in yuan a point (「元/分」, where 「比率」 was shown)."""
    if node["unit"] == "ratio" and PER_POINT_KEY.fullmatch(node.get("key") or ""):
        return pgettext(PER_POINT_UNIT)
    return unit(node["unit"])

