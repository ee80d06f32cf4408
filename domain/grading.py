"""Grading schemes (考核等次方案) as validated, versioned data.

A grading scheme says how subjects (people or units) get a grade for a period, in the
order of seeds-003-004.md §5.6, each stage a list of rules that cite their source:

1. eligibility: not assessed at all, or assessed but given no grade (不定等次);
2. vetoes and forced grades (一票否决, 定为 …);
3. score bands, each lower bound's inclusivity explicit (or the grade a meeting proposed);
4. ceilings (不得评为优秀 …);
5. quotas: a maximum share per scope, its rounding, the min-1 rule, a tie-break that is
   recorded, and over-quota subjects cascading down one grade;
6. appeal adjustments: an appeal's decision supersedes the contested input, so the whole
   pipeline (quotas included) simply runs again on the corrected facts.

Numbers are computed by *figures*: small expressions over the subject's recorded inputs,
earlier figures, sanction counts and sub-period results (`parse_expression` below is the
whole language). Roll-ups (period grades → annual grade by counts, monthly scores →
annual grade, averages and weights) are expressions over sub-periods. Escalation
policies (`domain.policies`) and grade-dependent pay lines are data here too.

The `grading` kind is listed in domain/scheme_kinds.py; the expression language is in
domain/expressions.py.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Annotated, ClassVar, Literal

from pydantic import BeforeValidator, Field, model_validator

from domain.calculations import Calculation
from domain.expressions import Expression
from domain.grading_pools import canonical_grading, population_problems, read_legacy_pools
from domain.label_fields import LabelText
from domain.money import to_cny, to_exact
from domain.period_windows import MonthClose
from domain.procedure_rules import ProcedureSettings
from domain.records import frozen_record
from domain.scheme import (
    AppealRule,
    Frozen,
    NotComputable,
    Ref,
    SchemeBase,
    canonical_dumps,
)

Exact = Annotated[Decimal, BeforeValidator(to_exact)]
Cny = Annotated[Decimal, BeforeValidator(to_cny)]
Code = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")]

# ---------------------------------------------------------------- grading periods

PeriodKind = Literal["month", "quarter", "half", "year"]
_PERIOD_PATTERNS: tuple[tuple[PeriodKind, re.Pattern[str]], ...] = (
    ("quarter", re.compile(r"^(\d{4})-Q([1-4])$")),
    ("half", re.compile(r"^(\d{4})-H([12])$")),
    ("month", re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")),
    ("year", re.compile(r"^(\d{4})$")),
)
PERIOD_FORMATS = "write 2025-03 (month), 2025-Q1 (quarter), 2025-H1 (half year) or 2025 (year)"
_MONTHS_IN = {"month": 1, "quarter": 3, "half": 6, "year": 12}


@frozen_record(order=True)
class GradingPeriod:
    """A month, quarter, half year or year that subjects are graded for."""

    year: int
    kind: PeriodKind
    index: int  # month 1-12, quarter 1-4, half 1-2, year 1

    @staticmethod
    def parse(text: str) -> GradingPeriod:
        for kind, pattern in _PERIOD_PATTERNS:
            match = pattern.match(text.strip().upper())
            if match is None:
                continue
            year = int(match.group(1))
            if not 2000 <= year <= 2099:
                raise ValueError(f"year {year} is outside 2000-2099; {PERIOD_FORMATS}")
            index = int(match.group(2)) if match.lastindex and match.lastindex > 1 else 1
            return GradingPeriod(year, kind, index)
        raise ValueError(f"{text!r} is not a grading period; {PERIOD_FORMATS}")

    def __str__(self) -> str:
        if self.kind == "month":
            return f"{self.year}-{self.index:02d}"
        if self.kind == "quarter":
            return f"{self.year}-Q{self.index}"
        if self.kind == "half":
            return f"{self.year}-H{self.index}"
        return str(self.year)

    @property
    def first_month(self) -> int:
        return (self.index - 1) * _MONTHS_IN[self.kind] + 1

    @property
    def first_day(self) -> date:
        return date(self.year, self.first_month, 1)

    @property
    def last_day(self) -> date:
        last_month = self.first_month + _MONTHS_IN[self.kind] - 1
        following = date(self.year + 1, 1, 1) if last_month == 12 else date(
            self.year, last_month + 1, 1)
        return following - timedelta(days=1)

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    def contains(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day

    def sub_periods(self, kind: PeriodKind) -> tuple[GradingPeriod, ...]:
        """The periods of `kind` inside this one, in order (empty if none fit)."""
        size = _MONTHS_IN[kind]
        if size > _MONTHS_IN[self.kind] or 12 % size:
            return ()
        first = (self.first_month - 1) // size + 1
        count = _MONTHS_IN[self.kind] // size
        return tuple(GradingPeriod(self.year, kind, first + n) for n in range(count))

    def shifted(self, periods_back: int) -> GradingPeriod | None:
        """The period of the same kind `periods_back` periods earlier."""
        per_year = 12 // _MONTHS_IN[self.kind]
        ordinal = self.year * per_year + self.index - 1 - periods_back
        year, index = divmod(ordinal, per_year)
        return GradingPeriod(year, self.kind, index + 1) if year >= 2000 else None


def grading_period_text(value: object) -> str:
    """pydantic BeforeValidator: canonical grading-period text."""
    if not isinstance(value, str):
        raise ValueError(f"a grading period is text like 2025-Q1, got {value!r}")
    return str(GradingPeriod.parse(value))


# ---------------------------------------------------------------- the scheme model


class GradeDef(Frozen):
    code: Code
    name: LabelText  # as the regulation writes it, e.g. 优秀
    coefficient: Exact | None = None  # e.g. a bonus coefficient per grade (S4-R14)


class InputRule(Frozen):
    """A recorded input a pipeline reads; without a default it is required."""

    label: LabelText | None = None
    default: Exact | None = None
    list: bool = False  # recorded as `values` (rater scores, deductions), not one value
    ref: Ref | None = None


class FigureRule(Frozen):
    name: Code
    expr: Expression
    label: LabelText | None = None
    unit: Literal["points", "ratio", "percent", "count", "cny", "years", "grade"] = "points"
    # An optional figure is left out (not an error) when an input it needs is missing.
    optional: bool = False
    when: Expression | None = None  # the figure applies only when this holds
    ref: Ref | None = None


class EligibilityRule(Frozen):
    when: Expression
    outcome: Literal["not_assessed", "no_grade"]
    label: LabelText
    ref: Ref


class GradeRule(Frozen):
    """A forced grade or a ceiling, when the condition holds."""

    when: Expression
    grade: Code
    label: LabelText
    ref: Ref


class BandRow(Frozen):
    """Grade `grade` when the score is at or above (or above, if not inclusive) `min`,
    and the extra condition holds; the first matching row wins."""

    grade: Code
    min: Exact | None = None
    min_inclusive: bool = True
    when: Expression | None = None


class BandTable(Frozen):
    # "score": bands on the pipeline's score; "proposal": the grade a meeting or leading
    # group proposed (propose_grade), where the regulation gives no bands.
    source: Literal["score", "proposal"] = "score"
    rows: tuple[BandRow, ...] = ()
    ref: Ref

    @model_validator(mode="after")
    def _rows_for_scores(self) -> BandTable:
        if self.source == "score" and not self.rows:
            raise ValueError("score bands need rows")
        return self


class QuotaRule(Frozen):
    grade: Code
    max_share: Exact
    rounding: Literal["floor", "half_up", "ceil"] = "floor"
    # With fewer than this many assessed in the scope, the limit is at least 1 (S2-R07).
    min_one_below: int | None = None
    scope: Code | None = None  # the enrolment scope key (line, category …); None = all
    ref: Ref


class TieBreak(Frozen):
    # "recorded": a tie at the quota cut-off waits for a recorded decision
    # (record_tie_break), AMB-22; "subject_id": the smaller id wins, flagged.
    mode: Literal["recorded", "subject_id"] = "recorded"
    ref: Ref


class Consequence(Frozen):
    """An effect that follows from the result (a talk, a cut allowance, ineligibility);
    shown with its rule, never a grade change."""

    when: Expression
    effect: LabelText
    ref: Ref


class Tranche(Frozen):
    source: Literal["self"] | Code = "self"  # another pipeline graded on a sub-period
    sub_index: int | None = None  # which sub-period of that pipeline (H1 = 1)
    share: Exact
    label: LabelText


class PayLine(Frozen):
    """Grade-dependent pay for one subject and period.

    * `amount`: an expression in yuan (may use `grade` and `amount_for(grade)` with the
      fixed `amounts` per grade);
    * `base` × `factor`: a base in yuan (an expression, e.g. a recorded pay base) times a
      factor; what is not paid goes to `withheld_to`, a named line;
    * `held_back`: the base is paid `immediate_share` in `instalments`, the rest in
      tranches settled by the tranche's grade at `rates`; cuts go to `withheld_to`.
    Every amount is rounded once, half up, to the fen."""

    id: Code
    label: LabelText
    kind: Literal["amount", "base_factor", "held_back"]
    amounts: dict[str, Cny] = Field(default_factory=dict)
    amount: Expression | None = None
    base: Expression | None = None
    factor: Expression | None = None
    immediate_share: Exact | None = None
    instalments: int = Field(default=1, ge=1, le=12)
    tranches: tuple[Tranche, ...] = ()
    rates: dict[str, Exact] = Field(default_factory=dict)
    withheld_to: str | None = None
    when: Expression | None = None  # the line applies only when this holds
    ref: Ref

    @model_validator(mode="after")
    def _fields_fit_kind(self) -> PayLine:
        if self.kind == "amount" and self.amount is None:
            raise ValueError(f"pay line {self.id}: an amount line needs `amount`")
        if self.kind == "base_factor" and (self.base is None or self.factor is None):
            raise ValueError(f"pay line {self.id}: needs `base` and `factor`")
        if self.kind == "held_back" and (self.base is None or self.immediate_share is None
                                         or not self.tranches or not self.rates):
            raise ValueError(f"pay line {self.id}: needs base, immediate_share, tranches, rates")
        return self


class SubjectFilter(Frozen):
    kind: Literal["person", "unit"] = "person"
    match: dict[str, str] = Field(default_factory=dict)  # scope key → value
    heads_only: bool = False  # only people who head a unit (dept heads, office heads)


class Pipeline(Frozen):
    name: Code
    label: LabelText
    period: PeriodKind
    # Built without validation: a model instance at import would build SubjectFilter's
    # validator (and load pydantic's plugins) in every process that imports the module.
    subjects: SubjectFilter = SubjectFilter.model_construct()
    grades: tuple[GradeDef, ...] = ()  # best first; empty: scores and pay only
    scope: Code | None = None  # ranks and scope_size run within this enrolment scope
    inputs: dict[str, InputRule] = Field(default_factory=dict)
    figures: tuple[FigureRule, ...] = ()
    score: Code | None = None  # the figure bands and quota ranks use
    eligibility: tuple[EligibilityRule, ...] = ()
    forced: tuple[GradeRule, ...] = ()
    # AMB-30: a fixed grade acts as a ceiling (final = min(underlying, fixed)) or is the
    # grade exactly, whatever the underlying grade.
    fixed_grade: Literal["ceiling", "exact"] = "ceiling"
    fixed_ref: Ref | None = None
    bands: BandTable | None = None
    ceilings: tuple[GradeRule, ...] = ()
    quotas: tuple[QuotaRule, ...] = ()
    tie_break: TieBreak | None = None
    consequences: tuple[Consequence, ...] = ()
    pay: tuple[PayLine, ...] = ()
    # Months closing on a day (003-A2-R9, 26th–25th); grown, calendar months unset.
    month_closes: MonthClose | None = None

    def grade(self, code: str) -> GradeDef | None:
        return next((g for g in self.grades if g.code == code), None)

    def rank_of(self, code: str) -> int:
        return next(n for n, g in enumerate(self.grades) if g.code == code)

    def worse(self, a: str, b: str) -> str:
        return a if self.rank_of(a) >= self.rank_of(b) else b

    def next_down(self, code: str) -> str | None:
        n = self.rank_of(code)
        return self.grades[n + 1].code if n + 1 < len(self.grades) else None

    @model_validator(mode="after")
    def _grades_resolve(self) -> Pipeline:
        codes = {g.code for g in self.grades}
        named = [r.grade for r in (*self.forced, *self.ceilings)] + [q.grade for q in self.quotas]
        named += [row.grade for row in (self.bands.rows if self.bands else ())]
        unknown = sorted({code for code in named if code not in codes})
        if unknown:
            raise ValueError(f"pipeline {self.name}: unknown grade(s) {', '.join(unknown)}")
        if (self.bands or self.quotas) and not self.grades:
            raise ValueError(f"pipeline {self.name}: bands and quotas need grades")
        if self.quotas and self.score is None:
            raise ValueError(f"pipeline {self.name}: quotas rank by a score figure")
        if self.quotas and self.tie_break is None:
            raise ValueError(f"pipeline {self.name}: quotas need a tie_break rule")
        figure_names = [f.name for f in self.figures]
        if len(set(figure_names)) != len(figure_names):
            raise ValueError(f"pipeline {self.name}: a figure is defined twice")
        if self.score is not None and self.score not in figure_names:
            raise ValueError(f"pipeline {self.name}: score {self.score!r} is not a figure")
        for line in self.pay:
            for grade in (*line.amounts, *line.rates):
                if grade not in codes and grade != "none":
                    raise ValueError(f"pay line {line.id}: unknown grade {grade!r}")
        return self


# ---------------------------------------------------------------- escalation policies
# (evaluated by domain/policies.py)


class DeriveRule(Frozen):
    kind: Code  # the derived fact's kind (admonition, stand_down_required …)
    name: LabelText  # as the regulation says it, e.g. 告诫
    to: Literal["subject", "unit_head"] = "subject"
    # An obligation (to reassign, to refer, to stand down) stays open until a recorded
    # entry of a `discharged_by` kind on or after its date discharges it.
    obligation: bool = False
    duration_days: int | None = Field(default=None, ge=1, le=3660)
    # The derived fact is dated this many days after the crossing (e.g. the last day of a
    # 15-day stand-down, when an outcome is due).
    after_days: int = Field(default=0, ge=0, le=3660)
    effect: LabelText


class PolicyRule(Frozen):
    id: Code
    label: LabelText
    counts: Literal["sanctions", "complaints"]
    kinds: tuple[Code, ...]
    verified_only: bool = True  # complaints: only those found factually clear
    # "unit_staff": the admonitions of a unit's staff (its head excluded, AMB-18).
    group: Literal["subject", "unit_staff"] = "subject"
    # AMB-05: calendar month / year for counters tied to assessment; rolling days as the
    # option; "after_anchor": within window_days after an anchor entry (a reassignment).
    window: Literal["calendar_month", "calendar_year", "rolling_days", "after_anchor", "ever"]
    window_days: int | None = Field(default=None, ge=1, le=3660)
    anchor_kinds: tuple[Code, ...] = ()
    at_least: int = Field(ge=1, le=100)
    # AMB-18: fire once per window at the crossing; or at every multiple (3, 6, 9 …).
    fires: Literal["once_per_window", "every_multiple"] = "once_per_window"
    derive: DeriveRule
    discharged_by: tuple[Code, ...] = ()
    ref: Ref
    option: str | None = None  # the alternative reading, named with its ambiguity id

    @model_validator(mode="after")
    def _window_fields(self) -> PolicyRule:
        if self.window in ("rolling_days", "after_anchor") and self.window_days is None:
            raise ValueError(f"policy {self.id}: {self.window} needs window_days")
        if (self.window == "after_anchor") != bool(self.anchor_kinds):
            raise ValueError(f"policy {self.id}: anchor_kinds go with after_anchor")
        if self.discharged_by and not self.derive.obligation:
            raise ValueError(f"policy {self.id}: only an obligation is discharged")
        return self


class SanctionKind(Frozen):
    """One word of a rulebook's vocabulary (告诫, 通报批评 …). Rulebooks do not share
    counters unless the scheme says so (seeds-000-001.md §0.2)."""

    name: LabelText
    duration_days: int | None = Field(default=None, ge=1, le=3660)  # calendar, inclusive
    ref: Ref


class ProcedureRule(Frozen):
    """Deadlines of a sanction's procedure, in working days after the start day (AMB-07)."""

    investigation_working_days: int = Field(ge=1, le=120)
    extension_working_days: int = Field(default=0, ge=0, le=60)
    delivery_working_days: int = Field(ge=1, le=60)
    review_window_working_days: int = Field(ge=1, le=60)
    investigation_ref: Ref
    delivery_ref: Ref
    review_ref: Ref
    no_stay_ref: Ref
    filing_ref: Ref | None = None


class BallotRule(Frozen):
    """Per-ballot quota: a rater may mark at most `max_share` of the subjects `mark`."""

    marks: tuple[Code, ...]
    mark: Code
    max_share: Exact
    rounding: Literal["floor", "half_up", "ceil"] = "floor"
    ref: Ref


class DefaultNote(Frozen):
    """An ambiguity default this scheme applies, and its alternative."""

    id: str
    default: str
    option: str


class GradingScheme(SchemeBase):
    kind: Literal["grading"] = "grading"
    rulebook: str  # the catalogue tag, e.g. "TN (001 篇3)"
    sanction_kinds: dict[str, SanctionKind] = Field(default_factory=dict)
    complaint_kinds: dict[str, SanctionKind] = Field(default_factory=dict)
    policies: tuple[PolicyRule, ...] = ()
    pipelines: tuple[Pipeline, ...]
    tables: dict[str, dict[str, Exact]] = Field(default_factory=dict)
    procedure: ProcedureRule | None = None
    # The appeal desk's windows, recusal and outcomes (`jixiao appeal`), when the rulebook
    # has an appeal procedure; optional, so documents adopted before it still parse.
    appeals: AppealRule | None = None
    ballots: BallotRule | None = None
    defaults: tuple[DefaultNote, ...] = ()
    # Named calculations of the registered kinds (domain/calculations.py), the amounts
    # shared among a pipeline's subjects included; grown field. A stored document's older
    # `pools:` list is read into it (domain/grading_pools.py).
    calculations: dict[Code, Calculation] | None = None
    not_computable: tuple[NotComputable, ...] | None = None
    # Delivery, filing, publicity, the scheme's own appeal window, roll-ups (issue 15).
    procedures: ProcedureSettings | None = None

    GROWN_FIELDS: ClassVar[frozenset[str]] = frozenset({"calculations",
                                                        "not_computable", "procedures"})

    @model_validator(mode="before")
    @classmethod
    def _legacy_pools(cls, data: object) -> object:
        return read_legacy_pools(data)

    def canonical_json(self) -> str:
        # Unchanged documents keep the hash statements cite (domain/grading_pools.py).
        grown = (*self.GROWN_FIELDS, "not_computable")
        return canonical_dumps(canonical_grading(self.model_dump(mode="json"), grown))

    def pipeline(self, name: str) -> Pipeline | None:
        return next((p for p in self.pipelines if p.name == name), None)

    def inputs_declared(self) -> set[str]:
        return {name for p in self.pipelines for name in p.inputs}

    def grades_of(self, pipeline_name: str | None) -> set[str]:
        pipelines = [p for p in self.pipelines if pipeline_name in (None, p.name)]
        return {g.code for p in pipelines for g in p.grades}

    @model_validator(mode="after")
    def _references_resolve(self) -> GradingScheme:
        names = [p.name for p in self.pipelines]
        if len(set(names)) != len(names):
            raise ValueError("two pipelines share a name")
        kinds = set(self.sanction_kinds) | set(self.complaint_kinds)
        for policy in self.policies:
            derived = {p.derive.kind for p in self.policies}
            for kind in (*policy.kinds, *policy.anchor_kinds, *policy.discharged_by):
                if kind not in kinds and kind not in derived:
                    raise ValueError(f"policy {policy.id}: unknown kind {kind!r}")
        shapes = {p.name: (p.period, {f.name for f in p.figures}, {line.id for line in p.pay})
                  for p in self.pipelines}
        problems = population_problems(self.calculations or {}, shapes)
        if problems:
            raise ValueError("; ".join(problems))
        return self

