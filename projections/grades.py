"""Grades, derived warnings and grade-dependent pay: a pure function of (facts, scheme).

For one grading scheme and period, each pipeline of that period's kind runs its stages
in the order of seeds-003-004.md §5.6, over every enrolled subject it assesses:

1. `check_eligibility`  not assessed at all, or assessed with no grade (on inputs and
                        sanctions, so a rank below counts only those assessed);
2. `compute_figures`    the subject's figures (scores, composites, roll-ups) from inputs;
3. `force_grades`       vetoes and forced grades (the most severe wins, A-S13-7/AMB-30);
4. `band_grades`        score bands with explicit bound inclusivity, or the proposed grade;
5. `cap_grades`         ceilings;
6. `apply_quotas`       the maximum share per scope, in rank order; a tie at the cut-off
                        waits for (or names) its recorded tie-break; over-quota subjects
                        cascade down one grade and compete for the next grade's quota;
7. `note_appeals`       inputs an appeal changed (the whole pipeline has re-run on them);
then `follow_consequences` and `pay_by_grade`.

Policies (domain/policies.py) derive warnings, obligations and ineligibility from the
live sanctions and complaints first; pipelines count them like recorded ones. Every
figure is in a `Ledgerbook` (formula, inputs, rule, event ids), and every step that moved
a grade says why, with its rule and the entries behind it.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

from domain.calendar import add_working_days
from domain.derivations import live_recorded
from domain.errors import DomainError, InvalidRequestError, NotFoundError, invariant
from domain.events import EntryVoided, LedgerEvent, SchemeAdopted
from domain.facts import Facts
from domain.grading import (
    GRADING_KIND,
    ExpressionError,
    GradingPeriod,
    GradingScheme,
    MissingInputError,
    PayLine,
    Pipeline,
    Value,
    evaluate,
)
from domain.money import ZERO, allocate_largest_remainder, calc_context, sum_cny
from domain.policies import DerivedFact, in_scheme, scheme_facts
from domain.sanctions import (
    BallotCast,
    ComplaintRecorded,
    GradeInputRecorded,
    GradeProposed,
    PayBaseRecorded,
    ReviewDecided,
    ReviewRequested,
    SanctionRecorded,
    SubjectEnrolled,
    TieBreakRecorded,
    quota_limit,
)
from domain.scheme import Ref, parse_scheme
from projections.exact import cny_half_up
from projections.figures import Ledgerbook, approx_text, exact_text, money_text
from projections.memo import memo_of


class GradingBlockedError(InvalidRequestError):
    code = "grading_blocked"


# ---------------------------------------------------------------- results


@dataclass(frozen=True)
class Step:
    stage: str
    grade_from: str | None
    grade_to: str | None
    reason: str
    ref: Ref | None = None
    events: tuple[str, ...] = ()

    def to_json(self, pipeline: Pipeline) -> dict[str, Any]:
        data: dict[str, Any] = {
            "stage": self.stage, "from": self.grade_from, "to": self.grade_to,
            "from_name": _grade_name(pipeline, self.grade_from),
            "to_name": _grade_name(pipeline, self.grade_to),
            "reason": self.reason, "events": sorted(self.events)}
        data.update(_ref_json(self.ref))
        return data


@dataclass
class PayResult:
    line: PayLine
    status: str  # "ok" | "pending" | "blocked" | "not applicable"
    paid_cny: Decimal = ZERO
    withheld_cny: Decimal = ZERO
    base_cny: Decimal | None = None
    parts: list[dict[str, Any]] = field(default_factory=list)
    reason: str = ""
    events: set[str] = field(default_factory=set)

    def to_json(self) -> dict[str, Any]:
        data = {
            "id": self.line.id, "label": self.line.label, "status": self.status,
            "paid": money_text(self.paid_cny), "withheld": money_text(self.withheld_cny),
            "withheld_to": self.line.withheld_to,
            "base": money_text(self.base_cny) if self.base_cny is not None else None,
            "parts": self.parts, "reason": self.reason, "events": sorted(self.events)}
        data.update(_ref_json(self.line.ref))
        return data


@dataclass
class SubjectResult:
    subject: SubjectEnrolled
    # graded | scored (a pipeline without grades) | no_grade | not_assessed | pending | blocked
    status: str = "graded"
    figures: dict[str, Fraction | str] = field(default_factory=dict)
    band_grade: str | None = None
    grade: str | None = None
    ceiling: str | None = None
    forced: str | None = None
    steps: list[Step] = field(default_factory=list)
    consequences: list[dict[str, Any]] = field(default_factory=list)
    pay: list[PayResult] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    inputs_used: dict[str, GradeInputRecorded] = field(default_factory=dict)

    @property
    def subject_id(self) -> str:
        return self.subject.subject_id


@dataclass
class QuotaUse:
    grade: str
    scope_key: str | None
    scope_value: str | None
    headcount: int
    limit: int
    formula: str
    ranked: list[tuple[str, Fraction | None]]
    kept: list[str]
    demoted: list[str]
    tie: dict[str, Any] | None
    ref: Ref

    def to_json(self) -> dict[str, Any]:
        data = {
            "grade": self.grade, "scope": self.scope_key, "scope_value": self.scope_value,
            "headcount": self.headcount, "limit": self.limit, "formula": self.formula,
            "used": len(self.kept),
            "ranked": [{"subject_id": s, "score": None if v is None else exact_text(v)}
                       for s, v in self.ranked],
            "kept": self.kept, "demoted": self.demoted, "tie": self.tie}
        data.update(_ref_json(self.ref))
        return data


@dataclass
class PipelineResult:
    pipeline: Pipeline
    period: GradingPeriod
    subjects: dict[str, SubjectResult]
    quotas: list[QuotaUse]
    # Scope memberships, recomputed at each stage (a stage may change who is assessed).
    scope_cache: dict[str | None, list[SubjectResult]] = field(default_factory=dict)


# ---------------------------------------------------------------- the facts a run reads


@dataclass
class GradingFacts:
    """The live grading facts, indexed once for a run."""

    subjects: dict[str, SubjectEnrolled]
    inputs: dict[tuple[str, str, str], list[GradeInputRecorded]]
    pay_bases: dict[tuple[str, str, str], list[PayBaseRecorded]]
    proposals: dict[tuple[str, str, str, str], GradeProposed]
    sanctions: dict[str, list[SanctionRecorded]]
    complaints: dict[str, list[ComplaintRecorded]]
    tie_breaks: list[TieBreakRecorded]
    ballots: list[BallotCast]
    reviews: list[LedgerEvent]

    @staticmethod
    def build(facts: Facts) -> GradingFacts:
        g = GradingFacts({}, defaultdict(list), defaultdict(list), {}, defaultdict(list),
                         defaultdict(list), [], [], [])
        for event in facts.live.values():
            if isinstance(event, SubjectEnrolled):
                g.subjects[event.subject_id] = event
            elif isinstance(event, GradeInputRecorded):
                g.inputs[(event.subject_id, event.grading_period, event.component)].append(event)
            elif isinstance(event, PayBaseRecorded):
                g.pay_bases[(event.subject_id, event.grading_period, event.component)].append(
                    event)
            elif isinstance(event, GradeProposed):
                g.proposals[(event.rulebook, event.pipeline, event.subject_id,
                             event.grading_period)] = event
            elif isinstance(event, SanctionRecorded):
                g.sanctions[event.subject_id].append(event)
            elif isinstance(event, ComplaintRecorded):
                g.complaints[event.subject_id].append(event)
            elif isinstance(event, TieBreakRecorded):
                g.tie_breaks.append(event)
            elif isinstance(event, BallotCast):
                g.ballots.append(event)
            elif isinstance(event, ReviewRequested | ReviewDecided):
                g.reviews.append(event)
        return g


def grading_schemes_in_force(facts: Facts, period: GradingPeriod
                             ) -> dict[str, tuple[SchemeAdopted, GradingScheme]]:
    """Scheme id → (adoption, scheme) of each grading scheme in force on the period's
    first day: the version with the latest effective_from on or before it."""
    found: dict[str, tuple[Any, SchemeAdopted]] = {}
    for event in facts.live.values():
        if not isinstance(event, SchemeAdopted) or event.document.get("kind") != GRADING_KIND:
            continue
        if event.effective_from > period.first_day:
            continue
        key = (event.effective_from, event.version)
        current = found.get(event.scheme_id)
        if current is None or key > current[0]:
            found[event.scheme_id] = (key, event)
    return {scheme_id: (event, _parse(facts, event))
            for scheme_id, (_, event) in sorted(found.items())}


def _parse(facts: Facts, event: SchemeAdopted) -> GradingScheme:
    parsed = facts.index.parsed
    if event.originator_id not in parsed:
        parsed[event.originator_id] = parse_scheme(event.document)
    return parsed[event.originator_id]  # type: ignore[no-any-return]


def choose_scheme(facts: Facts, period: GradingPeriod, scheme_id: str | None
                  ) -> tuple[SchemeAdopted, GradingScheme]:
    schemes = grading_schemes_in_force(facts, period)
    if scheme_id is not None:
        if scheme_id not in schemes:
            raise NotFoundError(f"no grading scheme {scheme_id!r} in force in {period}; in force: "
                                f"{', '.join(schemes) or '(none)'}")
        return schemes[scheme_id]
    if not schemes:
        raise NotFoundError(f"no grading scheme is in force in {period}; adopt one first")
    if len(schemes) > 1:
        raise InvalidRequestError(f"{len(schemes)} grading schemes are in force in {period}: "
                                  f"{', '.join(schemes)}; choose one with --scheme")
    return next(iter(schemes.values()))


# ---------------------------------------------------------------- the run


class GradingRun:
    """One scheme over the facts: policies once, pipelines per period, memoised."""

    def __init__(self, facts: Facts, scheme: GradingScheme) -> None:
        self.facts = facts
        self.scheme = scheme
        self.g = GradingFacts.build(facts)
        self.book = Ledgerbook()
        self._results: dict[tuple[str, str], PipelineResult] = {}
        self._running: set[tuple[str, str]] = set()
        self.derived = self._derive()

    # -- policies

    def sanctions_of(self, subject_id: str) -> list[SanctionRecorded]:
        return in_scheme(self.scheme, self.g.sanctions.get(subject_id, []),
                         self.scheme.sanction_kinds)

    def complaints_of(self, subject_id: str) -> list[ComplaintRecorded]:
        return in_scheme(self.scheme, self.g.complaints.get(subject_id, []),
                         self.scheme.complaint_kinds)

    def _derive(self) -> list[DerivedFact]:
        return scheme_facts(self.scheme, self.g.subjects, self.g.sanctions, self.g.complaints)

    def derived_of(self, subject_id: str) -> list[DerivedFact]:
        return [d for d in self.derived if d.subject_id == subject_id]

    # -- pipelines

    def population(self, pipeline: Pipeline, period: GradingPeriod) -> list[SubjectEnrolled]:
        wanted = pipeline.subjects
        found = []
        for subject in self.g.subjects.values():
            if subject.kind != wanted.kind or (wanted.heads_only and not subject.heads):
                continue
            if subject.rulebooks and self.scheme.id not in subject.rulebooks:
                continue
            if subject.enrolled_on > period.last_day or (
                    subject.left_on is not None and subject.left_on < period.first_day):
                continue
            if any(subject.scopes.get(k) != v for k, v in wanted.match.items()):
                continue
            found.append(subject)
        return sorted(found, key=lambda s: s.subject_id)

    def run(self, pipeline_name: str, period: GradingPeriod) -> PipelineResult:
        key = (pipeline_name, str(period))
        if key in self._results:
            return self._results[key]
        pipeline = self.scheme.pipeline(pipeline_name)
        if pipeline is None:
            raise ExpressionError(f"no pipeline {pipeline_name!r} in {self.scheme.key}")
        if pipeline.period != period.kind:
            raise ExpressionError(f"pipeline {pipeline_name} grades by {pipeline.period}, "
                                  f"not {period.kind}")
        if key in self._running:
            raise ExpressionError(f"pipeline {pipeline_name} depends on itself for {period}")
        self._running.add(key)
        try:
            with calc_context():
                result = self._run(pipeline, period)
        finally:
            self._running.discard(key)
        self._results[key] = result
        return result

    def _run(self, pipeline: Pipeline, period: GradingPeriod) -> PipelineResult:
        result = PipelineResult(pipeline, period, {}, [])
        for enrolled in self.population(pipeline, period):
            result.subjects[enrolled.subject_id] = SubjectResult(enrolled)
        for stage in (check_eligibility, compute_figures, force_grades, band_grades,
                      cap_grades, apply_quotas, note_appeals, follow_consequences,
                      pay_by_grade):
            result.scope_cache.clear()
            stage(self, result)
        for subject in result.subjects.values():
            invariant(subject.grade is None or pipeline.grade(subject.grade) is not None,
                      f"{subject.subject_id}: unknown grade {subject.grade}")
        return result

    def env(self, result: PipelineResult, subject: SubjectResult, *,
            pay_line: PayLine | None = None) -> SubjectEnv:
        return SubjectEnv(self, result, subject, pay_line)

    def input_events(self, subject_id: str, period: GradingPeriod, component: str
                     ) -> GradeInputRecorded | None:
        events = self.g.inputs.get((subject_id, str(period), component), [])
        own = [e for e in events if e.rulebook == self.scheme.id]
        shared = [e for e in events if e.rulebook is None]
        chosen = own or shared
        return chosen[-1] if chosen else None

    def pay_base(self, subject_id: str, period: GradingPeriod, component: str
                 ) -> PayBaseRecorded | None:
        events = self.g.pay_bases.get((subject_id, str(period), component), [])
        chosen = [e for e in events if e.rulebook == self.scheme.id] or [
            e for e in events if e.rulebook is None]
        return chosen[-1] if chosen else None


# ---------------------------------------------------------------- expression environment


class SubjectEnv:
    """What an expression sees for one subject in one pipeline and period; it records
    what it read (figures, inputs, entries) so the figure can explain itself."""

    def __init__(self, run: GradingRun, result: PipelineResult, subject: SubjectResult,
                 pay_line: PayLine | None = None) -> None:
        self.run = run
        self.result = result
        self.pipeline = result.pipeline
        self.period = result.period
        self.subject = subject
        self.pay_line = pay_line
        self.reset()

    def reset(self) -> None:
        self.figures_read: list[str] = []
        self.literals: dict[str, str] = {}
        self.events: set[str] = set()

    # -- names

    def name(self, name: str) -> Value:
        variables: dict[str, Callable[[], Value]] = {
            "grade": lambda: self.subject.grade or "",
            "period_index": lambda: Fraction(self.period.index),
            "period_days": lambda: Fraction(self.period.days),
            "scope_size": lambda: Fraction(len(self._scope_members())),
        }
        if name in variables:
            value = variables[name]()
            self.literals[name] = _value_text(value) or "(none)"
            return value
        if name == "proposal":
            proposal = self._proposal()
            if proposal is None:
                raise MissingInputError("proposal")
            self.events.add(str(proposal.originator_id))
            return proposal.grade
        if name in self.subject.figures:
            if name not in self.figures_read:
                self.figures_read.append(name)
            return self.subject.figures[name]
        if name in self.pipeline.inputs:
            return self._input(name)
        if name in {f.name for f in self.pipeline.figures}:
            raise MissingInputError(name)  # a figure that could not be computed
        raise ExpressionError(f"{self.pipeline.name}: unknown name {name!r} (not an input, "
                              "figure or variable of this pipeline)")

    def _input(self, name: str) -> Fraction:
        rule = self.pipeline.inputs[name]
        event = self.run.input_events(self.subject.subject_id, self.period, name)
        if event is not None:
            self.events.add(str(event.originator_id))
            self.subject.inputs_used[name] = event
            if event.value is None:
                raise ExpressionError(f"input {name} is a list; use sum('{name}') or "
                                      f"mean('{name}')")
            self.literals[name] = exact_text(event.value)
            return Fraction(event.value)
        base = self.run.pay_base(self.subject.subject_id, self.period, name)
        if base is not None:
            self.events.add(str(base.originator_id))
            self.literals[name] = money_text(base.amount_cny)
            return Fraction(base.amount_cny)
        if rule.default is not None:
            self.literals[name] = f"{exact_text(rule.default)} (default)"
            return Fraction(rule.default)
        raise MissingInputError(name)

    def _values(self, name: str) -> list[Fraction]:
        if name not in self.pipeline.inputs:
            raise ExpressionError(f"{self.pipeline.name}: {name!r} is not an input")
        event = self.run.input_events(self.subject.subject_id, self.period, name)
        if event is None:
            default = self.pipeline.inputs[name].default
            if default is None:
                raise MissingInputError(name)
            return []
        self.events.add(str(event.originator_id))
        self.subject.inputs_used[name] = event
        values = list(event.values) if event.values is not None else [event.value]
        self.literals[name] = "[" + ", ".join(exact_text(v) for v in values if v is not None) + "]"
        return [Fraction(v) for v in values if v is not None]

    def _proposal(self) -> GradeProposed | None:
        return self.run.g.proposals.get((self.run.scheme.id, self.pipeline.name,
                                         self.subject.subject_id, str(self.period)))

    def _scope_members(self) -> list[SubjectResult]:
        key = self.pipeline.scope
        own = self.subject.subject.scopes.get(key) if key else None
        cache = self.result.scope_cache
        if own not in cache:
            cache[own] = [s for s in self.result.subjects.values() if s.status != "not_assessed"
                          and (key is None or s.subject.scopes.get(key) == own)]
        return cache[own]

    # -- functions

    def call(self, function: str, args: list[Any]) -> Value:
        numbers = [a for a in args if isinstance(a, Fraction)]
        if function == "min":
            return min(numbers)
        if function == "max":
            return max(numbers)
        if function == "clamp":
            value, low, high = (_num(a) for a in args)
            return max(low, min(high, value))
        if function == "abs":
            return abs(_num(args[0]))
        if function == "floor":
            return Fraction(math.floor(_num(args[0])))
        if function == "ceil":
            return Fraction(math.ceil(_num(args[0])))
        if function == "round_half_up":
            value = _num(args[0])
            magnitude = math.floor(abs(value) + Fraction(1, 2))
            return Fraction(magnitude if value >= 0 else -magnitude)
        if function == "has":
            return Fraction(int(self._has(_text(args[0]))))
        if function in ("sum", "mean", "count", "trimmed_mean"):
            return _list_statistic(function, self._values(_text(args[0])), _text(args[0]))
        if function == "sumproduct":
            lists = [self._values(_text(a)) for a in args]
            if len({len(values) for values in lists}) != 1:
                raise ExpressionError(f"sumproduct: {', '.join(map(str, args))} differ in length")
            total = Fraction(0)
            for row in zip(*lists, strict=True):
                product = Fraction(1)
                for value in row:
                    product *= value
                total += product
            return total
        if function == "sanctions":
            return Fraction(len(self.sanctions_in(_text(args[0]), _text(args[1]))))
        if function == "sanction_days":
            return Fraction(self._sanction_days(_text(args[0])))
        if function == "complaints":
            verified_only = bool(args[1]) if len(args) > 1 else True
            return Fraction(self._complaints(_text(args[0]), verified_only))
        if function == "derived":
            return Fraction(len(self.derived_in(_text(args[0]), _text(args[1]))))
        if function == "grade_of":
            other = self.run.run(_text(args[0]), self.period)
            found = other.subjects.get(self.subject.subject_id)
            self.literals[f"grade_of({args[0]})"] = (found.grade if found else None) or "(none)"
            return (found.grade if found else None) or ""
        if function == "figure_of":
            other = self.run.run(_text(args[0]), self.period)
            found = other.subjects.get(self.subject.subject_id)
            if found is None or _text(args[1]) not in found.figures:
                raise MissingInputError(f"{args[0]}.{args[1]}")
            figure = found.figures[_text(args[1])]
            self.literals[f"{args[0]}.{args[1]}"] = _value_text(figure)
            return figure
        if function in ("count_where", "mean_where"):
            who = _text(args[2]) if len(args) > 2 else "self"
            return self._over_sub_periods(function, _text(args[0]), _text(args[1]), who)
        if function == "previous_grade":
            back = int(_num(args[0]))
            earlier = self.period.shifted(back)
            if earlier is None:
                return ""
            other = self.run.run(self.pipeline.name, earlier)
            found = other.subjects.get(self.subject.subject_id)
            grade = (found.grade if found else None) or ""
            self.literals[f"grade in {earlier}"] = grade or "(none)"
            return grade
        if function == "members_sum":
            other = self.run.run(_text(args[0]), self.period)
            total = Fraction(0)
            for member in other.subjects.values():
                if member.subject.unit_id == self.subject.subject_id:
                    part = member.figures.get(_text(args[1]))
                    if isinstance(part, Fraction):
                        total += part
                        self.literals[f"{member.subject_id}.{args[1]}"] = exact_text(part)
            return total
        if function == "table":
            table = self.run.scheme.tables.get(_text(args[0]))
            if table is None or _text(args[1]) not in table:
                raise ExpressionError(f"no entry {args[1]!r} in table {args[0]!r}")
            self.literals[f"{args[0]}[{args[1]}]"] = exact_text(table[_text(args[1])])
            return Fraction(table[_text(args[1])])
        if function == "scope":
            return self.subject.subject.scopes.get(_text(args[0]), "")
        if function in ("rank", "rank_low"):
            return Fraction(self._rank(_text(args[0]), low=function == "rank_low"))
        if function == "amount_for":
            if self.pay_line is None:
                raise ExpressionError("amount_for() is for pay lines")
            amounts = self.pay_line.amounts
            grade = _text(args[0]) or "none"
            if grade not in amounts:
                raise ExpressionError(f"pay line {self.pay_line.id} has no amount for {grade!r}")
            return Fraction(amounts[grade])
        raise ExpressionError(f"unknown function {function!r}")

    def _has(self, name: str) -> bool:
        if name in self.subject.figures:
            return True
        found = self.run.input_events(self.subject.subject_id, self.period, name) is not None
        return found or self.run.pay_base(self.subject.subject_id, self.period, name) is not None

    def _window(self, window: str) -> tuple[date, date]:
        if window == "year":
            return date(self.period.year, 1, 1), date(self.period.year, 12, 31)
        if window in ("period", "active"):
            return self.period.first_day, self.period.last_day
        raise ExpressionError(f"unknown window {window!r}; use 'period', 'year' or 'active'")

    def _end_of(self, sanction: SanctionRecorded) -> date:
        if sanction.until_on is not None:
            return sanction.until_on
        kind = self.run.scheme.sanction_kinds.get(sanction.kind)
        if kind is not None and kind.duration_days:
            return sanction.decided_on + timedelta(days=kind.duration_days - 1)
        return sanction.decided_on

    def sanctions_in(self, kinds_text: str, window: str) -> list[str]:
        kinds = set(kinds_text.split("|"))
        first, last = self._window(window)
        found = []
        for sanction in self.run.sanctions_of(self.subject.subject_id):
            if sanction.kind not in kinds:
                continue
            end = self._end_of(sanction) if window == "active" else sanction.decided_on
            if sanction.decided_on <= last and end >= first:
                found.append(str(sanction.originator_id))
        found += self.derived_in(kinds_text, window)
        self.events.update(found)
        self.literals[f"{kinds_text} ({window})"] = str(len(found))
        return found

    def derived_in(self, kinds_text: str, window: str) -> list[str]:
        kinds = set(kinds_text.split("|"))
        first, last = self._window(window)
        found = []
        for fact in self.run.derived_of(self.subject.subject_id):
            end = fact.until or fact.on
            if fact.kind in kinds and fact.on <= last and (
                    end if window == "active" else fact.on) >= first:
                found.append(fact.id)
                self.events.update(fact.triggers)
        self.events.update(found)
        return found

    def _sanction_days(self, kinds_text: str) -> int:
        kinds = set(kinds_text.split("|"))
        days: set[date] = set()
        for sanction in self.run.sanctions_of(self.subject.subject_id):
            if sanction.kind not in kinds:
                continue
            day, end = sanction.decided_on, self._end_of(sanction)
            while day <= end:
                if self.period.contains(day):
                    days.add(day)
                    self.events.add(str(sanction.originator_id))
                day += timedelta(days=1)
        self.literals[f"days under {kinds_text}"] = str(len(days))
        return len(days)

    def _complaints(self, window: str, verified_only: bool) -> int:
        first, last = self._window(window)
        found = [c for c in self.run.complaints_of(self.subject.subject_id)
                 if first <= c.received_on <= last and (c.verified or not verified_only)]
        self.events.update(str(c.originator_id) for c in found)
        return len(found)

    def _over_sub_periods(self, function: str, source: str, text: str, who: str) -> Fraction:
        pipeline = self.run.scheme.pipeline(source)
        if pipeline is None:
            raise ExpressionError(f"{function}: no pipeline {source!r}")
        subject_id = self.subject.subject_id
        if who == "headed_unit":
            subject_id = self.subject.subject.heads or ""
        elif who != "self":
            raise ExpressionError(f"{function}: who is 'self' or 'headed_unit', not {who!r}")
        hits: list[str] = []
        values: list[Fraction] = []
        for sub in self.period.sub_periods(pipeline.period):
            result = self.run.run(source, sub)
            found = result.subjects.get(subject_id)
            if found is None or found.status in ("not_assessed", "blocked") or (
                    not found.figures and not found.inputs_used and found.grade is None):
                continue
            env = self.run.env(result, found)
            try:
                value = evaluate(text, env)
            except MissingInputError:
                continue
            self.events.update(env.events)
            for name in env.figures_read:
                key = figure_key(pipeline, found, name, sub)
                if key in self.run.book.figures and key not in self.figures_read:
                    self.figures_read.append(key)
            if function == "count_where":
                if value:
                    hits.append(str(sub))
            else:
                values.append(_num(value))
                hits.append(str(sub))
        label = f"{function}({source}, {text})" + ("" if who == "self" else f" of {subject_id}")
        if function == "count_where":
            self.literals[label] = f"{len(hits)}: {', '.join(hits) or '-'}"
            return Fraction(len(hits))
        if not values:
            raise MissingInputError(f"{source} results")
        mean = sum(values, Fraction(0)) / len(values)
        self.literals[label] = f"{_value_text(mean)} over {', '.join(hits)}"
        return mean

    def _rank(self, figure: str, *, low: bool) -> int:
        mine = self.subject.figures.get(figure)
        if not isinstance(mine, Fraction):
            raise MissingInputError(figure)
        others = [s.figures.get(figure) for s in self._scope_members()]
        values = [v for v in others if isinstance(v, Fraction)]
        beyond = sum(1 for v in values if (v < mine if low else v > mine))
        self.literals[f"{'rank_low' if low else 'rank'}({figure})"] = (
            f"{beyond + 1} of {len(values)}")
        return beyond + 1


def _num(value: Value) -> Fraction:
    if isinstance(value, str):
        raise ExpressionError(f"{value!r} is text where a number is needed")
    return value


def _text(value: Value) -> str:
    if not isinstance(value, str):
        raise ExpressionError(f"{value} is a number where text is needed (quote it)")
    return value


def _list_statistic(function: str, values: list[Fraction], name: str) -> Fraction:
    if function == "count":
        return Fraction(len(values))
    if function == "sum":
        return sum(values, Fraction(0))
    if function == "trimmed_mean":
        # AMB-09: drop exactly one highest and one lowest, even when tied; ≥ 3 values.
        if len(values) < 3:
            raise ExpressionError(f"trimmed_mean({name}) needs at least 3 values, "
                                  f"has {len(values)}")
        values = sorted(values)[1:-1]
    if not values:
        raise MissingInputError(name)
    return sum(values, Fraction(0)) / len(values)


def _value_text(value: Fraction | str) -> str:
    return value if isinstance(value, str) else exact_text(value)


def figure_key(pipeline: Pipeline, subject: SubjectResult, name: str,
               period: GradingPeriod) -> str:
    return f"{pipeline.name}:{period}:{subject.subject_id}:{name}"


def _grade_name(pipeline: Pipeline, code: str | None) -> str | None:
    grade = pipeline.grade(code) if code else None
    return grade.name if grade else None


def _ref_json(ref: Ref | None) -> dict[str, Any]:
    if ref is None:
        return {}
    data = {"rule": ref.rule, "source": ref.source}
    if ref.default:
        data["default"] = ref.default
    return data


def _check(env: SubjectEnv, text: str) -> bool:
    """A condition; a missing input makes it false (and is not an error)."""
    env.reset()
    try:
        return bool(evaluate(text, env))
    except MissingInputError:
        return False


# ---------------------------------------------------------------- stages


def compute_figures(run: GradingRun, result: PipelineResult) -> None:
    """Figures of everyone assessed (graded or not); eligibility ran first, so a rank or
    `scope_size` counts only those assessed."""
    pipeline = result.pipeline
    for subject in result.subjects.values():
        if subject.status == "not_assessed":
            continue
        env = run.env(result, subject)
        for rule in pipeline.figures:
            if rule.when is not None and not _check(env, rule.when):
                continue
            env.reset()
            try:
                value = evaluate(rule.expr, env)
            except MissingInputError as missing:
                if not rule.optional:
                    subject.problems.append(f"{rule.name}: no {missing.name} recorded for "
                                            f"{result.period}")
                continue
            except ExpressionError as error:
                subject.problems.append(f"{rule.name}: {error}")
                continue
            subject.figures[rule.name] = value
            inputs = tuple(k if ":" in k else figure_key(pipeline, subject, k, result.period)
                           for k in env.figures_read)
            if isinstance(value, Fraction):
                run.book.add(figure_key(pipeline, subject, rule.name, result.period),
                             rule.label or rule.name, value, rule.unit, rule.expr,
                             inputs=inputs, literals=tuple(sorted(env.literals.items())),
                             ref=rule.ref, event_ids=tuple(sorted(env.events)))
        if subject.problems and subject.status == "graded":
            subject.status = "blocked"


def check_eligibility(run: GradingRun, result: PipelineResult) -> None:
    for subject in _active(result):
        env = run.env(result, subject)
        for rule in result.pipeline.eligibility:
            if _check(env, rule.when):
                subject.status = rule.outcome
                subject.steps.append(Step("eligibility", None, None,
                                          f"{rule.label}: {rule.outcome.replace('_', ' ')}",
                                          rule.ref, tuple(sorted(env.events))))
                break


def force_grades(run: GradingRun, result: PipelineResult) -> None:
    pipeline = result.pipeline
    if not pipeline.grades:  # scores and pay only
        for subject in result.subjects.values():
            if subject.status == "graded":
                subject.status = "scored"
        return
    for subject in _gradable(result):
        env = run.env(result, subject)
        for rule in pipeline.forced:
            if _check(env, rule.when):
                worst = rule.grade if subject.forced is None else pipeline.worse(
                    subject.forced, rule.grade)
                subject.steps.append(Step("forced", subject.forced, worst, rule.label, rule.ref,
                                          tuple(sorted(env.events))))
                subject.forced = worst


def band_grades(run: GradingRun, result: PipelineResult) -> None:
    pipeline = result.pipeline
    if pipeline.bands is None:
        for subject in _gradable(result):
            if subject.forced is not None:
                subject.grade = subject.forced
        return
    for subject in _gradable(result):
        env = run.env(result, subject)
        band = _band(env, pipeline, subject)
        subject.band_grade = band
        if subject.forced is None:
            subject.grade = band
        elif band is None or pipeline.fixed_grade == "exact":
            subject.grade = subject.forced
        else:
            subject.grade = pipeline.worse(band, subject.forced)
        if subject.forced is not None and band is not None and subject.grade != band:
            how = ("a fixed grade is the grade" if pipeline.fixed_grade == "exact"
                   else "a fixed grade acts as a ceiling: the worse of the two")
            subject.steps.append(Step("forced", band, subject.grade, how, pipeline.fixed_ref))
        if subject.grade is None:
            subject.status = "pending"


def _band(env: SubjectEnv, pipeline: Pipeline, subject: SubjectResult) -> str | None:
    bands = pipeline.bands
    assert bands is not None
    if bands.source == "proposal":
        env.reset()
        try:
            grade = _text(env.name("proposal"))
        except MissingInputError:
            subject.steps.append(Step("band", None, None, "awaiting the grade the meeting or "
                                      "leading group proposes (propose_grade)", bands.ref))
            return None
        subject.steps.append(Step("band", None, grade, "the proposed grade", bands.ref,
                                  tuple(sorted(env.events))))
        return grade
    score = subject.figures.get(pipeline.score or "")
    if not isinstance(score, Fraction):
        return None
    for row in bands.rows:
        if row.min is not None:
            bound = Fraction(row.min)
            if score < bound or (score == bound and not row.min_inclusive):
                continue
        if row.when is not None and not _check(env, row.when):
            continue
        edge = ("" if row.min is None else
                f" {'≥' if row.min_inclusive else '>'} {exact_text(Fraction(row.min))}")
        extra = f" and {row.when}" if row.when else ""
        subject.steps.append(Step("band", None, row.grade,
                                  f"{pipeline.score} {exact_text(score)}{edge}{extra}",
                                  bands.ref, tuple(sorted(env.events)) if row.when else ()))
        return row.grade
    return None


def cap_grades(run: GradingRun, result: PipelineResult) -> None:
    pipeline = result.pipeline
    for subject in _gradable(result):
        env = run.env(result, subject)
        for rule in pipeline.ceilings:
            if not _check(env, rule.when):
                continue
            subject.ceiling = rule.grade if subject.ceiling is None else pipeline.worse(
                subject.ceiling, rule.grade)
            before = subject.grade
            if before is not None:
                subject.grade = pipeline.worse(before, rule.grade)
            subject.steps.append(Step("ceiling", before, subject.grade,
                                      f"{rule.label} (no better than {rule.grade})", rule.ref,
                                      tuple(sorted(env.events))))
        if subject.grade is None and subject.forced is None and subject.status != "pending":
            subject.status = "pending"


def apply_quotas(run: GradingRun, result: PipelineResult) -> None:
    pipeline = result.pipeline
    counted = [s for s in result.subjects.values() if s.status not in ("not_assessed",)]
    for rule in pipeline.quotas:
        groups: dict[str | None, list[SubjectResult]] = defaultdict(list)
        for subject in counted:
            groups[subject.subject.scopes.get(rule.scope) if rule.scope else None].append(subject)
        for value, members in sorted(groups.items(), key=lambda item: item[0] or ""):
            result.quotas.append(_quota(run, result, rule, value, members))


def _score(subject: SubjectResult, pipeline: Pipeline) -> Fraction | None:
    value = subject.figures.get(pipeline.score or "")
    return value if isinstance(value, Fraction) else None


def _quota(run: GradingRun, result: PipelineResult, rule: Any, value: str | None,
           members: list[SubjectResult]) -> QuotaUse:
    pipeline = result.pipeline
    n = len(members)
    limit = quota_limit(rule.max_share, n, rule.rounding, rule.min_one_below)
    formula = f"{rule.rounding}({exact_text(Fraction(rule.max_share))} × {n})"
    if rule.min_one_below is not None and 0 < n < rule.min_one_below:
        formula += f", at least 1 with fewer than {rule.min_one_below}"
    formula += f" = {limit}"
    candidates = [s for s in members if s.grade == rule.grade]
    # Rank by score, best first; a missing score ranks last (flagged).
    ranked = sorted(candidates, key=lambda s: (_score(s, pipeline) is None,
                                               -(_score(s, pipeline) or 0), s.subject_id))
    use = QuotaUse(rule.grade, rule.scope, value, n, limit, formula,
                   [(s.subject_id, _score(s, pipeline)) for s in ranked], [], [], None, rule.ref)
    if len(ranked) <= limit:
        use.kept = [s.subject_id for s in ranked]
        return use
    keep, demote, pending = ranked[:limit], ranked[limit:], []
    if limit > 0 and _score(ranked[limit - 1], pipeline) == _score(ranked[limit], pipeline):
        cut = _score(ranked[limit], pipeline)
        above = [s for s in ranked if cut is not None and (_score(s, pipeline) or 0) > cut]
        tied = [s for s in ranked if _score(s, pipeline) == cut]
        below = [s for s in ranked if s not in above and s not in tied]
        slots = limit - len(above)
        order, decided_by = _tie_order(run, result, rule.grade, value, tied)
        assert pipeline.tie_break is not None
        use.tie = {"score": None if cut is None else exact_text(cut),
                   "tied": [s.subject_id for s in tied], "slots": slots,
                   "decided_by": decided_by, "mode": pipeline.tie_break.mode,
                   **_ref_json(pipeline.tie_break.ref)}
        if order is None:
            keep, demote, pending = above, below, tied
        else:
            keep, demote = above + order[:slots], order[slots:] + below
    use.kept = [s.subject_id for s in keep]
    for position, subject in enumerate(demote, start=len(keep) + 1):
        lower = pipeline.next_down(rule.grade)
        subject.steps.append(Step(
            "quota", subject.grade, lower,
            f"quota for {rule.grade}{_scope_text(rule.scope, value)}: {formula}; ranked "
            f"{position} of {len(ranked)} by {pipeline.score}"
            f" {_value_text(_score(subject, pipeline) or Fraction(0))}; cascades down one grade",
            rule.ref, _tie_events(use)))
        subject.grade = lower
        use.demoted.append(subject.subject_id)
    for subject in pending:
        subject.steps.append(Step(
            "quota", subject.grade, None,
            f"tied at the quota cut-off for {rule.grade}{_scope_text(rule.scope, value)} "
            f"({len(pending)} tied for {limit - len(keep)} place(s)); awaiting the "
            "leadership group's recorded tie-break (record_tie_break)",
            pipeline.tie_break.ref if pipeline.tie_break else rule.ref))
        subject.grade = None
        subject.status = "pending"
    return use


def _tie_events(use: QuotaUse) -> tuple[str, ...]:
    decided = (use.tie or {}).get("decided_by")
    return (decided,) if decided and decided != "subject_id" else ()


def _scope_text(key: str | None, value: str | None) -> str:
    return f" in {key} {value}" if key else " across everyone assessed"


def _tie_order(run: GradingRun, result: PipelineResult, grade: str, value: str | None,
               tied: list[SubjectResult]) -> tuple[list[SubjectResult] | None, str | None]:
    pipeline = result.pipeline
    ids = {s.subject_id for s in tied}
    for event in sorted(run.g.tie_breaks, key=lambda e: str(e.originator_id)):
        if (event.rulebook, event.pipeline, event.grading_period, event.scope_value,
                event.grade) != (run.scheme.id, pipeline.name, str(result.period), value, grade):
            continue
        if ids <= set(event.order):
            by_id = {s.subject_id: s for s in tied}
            return [by_id[i] for i in event.order if i in by_id], str(event.originator_id)
    if pipeline.tie_break is not None and pipeline.tie_break.mode == "subject_id":
        return sorted(tied, key=lambda s: s.subject_id), "subject_id"
    return None, None


def note_appeals(run: GradingRun, result: PipelineResult) -> None:
    """Inputs that an appeal (or any correction) changed: the pipeline, quotas included,
    has run again on them; the step names both entries."""
    for subject in result.subjects.values():
        for name, event in sorted(subject.inputs_used.items()):
            if event.supersedes is None:
                continue
            old = run.facts.events.get(event.supersedes)
            old_value = "?"
            if isinstance(old, GradeInputRecorded):
                old_value = _input_text(old)
            why = event.reason or "correction"
            stage = "appeal" if why.startswith("appeal ") else "correction"
            subject.steps.append(Step(
                stage, subject.grade, subject.grade,
                f"input {name} {old_value} → {_input_text(event)} ({why}); every stage, "
                "quotas included, ran on the corrected input",
                None, (str(event.supersedes), str(event.originator_id))))


def _input_text(event: GradeInputRecorded) -> str:
    if event.value is not None:
        return exact_text(event.value)
    return "[" + ", ".join(exact_text(v) for v in event.values or ()) + "]"


def follow_consequences(run: GradingRun, result: PipelineResult) -> None:
    for subject in result.subjects.values():
        if subject.status == "blocked":
            continue
        env = run.env(result, subject)
        for rule in result.pipeline.consequences:
            if _check(env, rule.when):
                item = {"effect": rule.effect, "when": rule.when,
                        "events": sorted(env.events)}
                item.update(_ref_json(rule.ref))
                subject.consequences.append(item)


def pay_by_grade(run: GradingRun, result: PipelineResult) -> None:
    for subject in result.subjects.values():
        for line in result.pipeline.pay:
            subject.pay.append(_pay_line(run, result, subject, line))


def _pay_line(run: GradingRun, result: PipelineResult, subject: SubjectResult,
              line: PayLine) -> PayResult:
    pay = PayResult(line, "ok")
    if subject.status == "blocked":
        pay.status, pay.reason = "blocked", "; ".join(subject.problems)
        return pay
    env = run.env(result, subject, pay_line=line)
    if line.when is not None and not _check(env, line.when):
        pay.status, pay.reason = "not applicable", f"applies when {line.when}"
        return pay
    needs_grade = bool(result.pipeline.grades) and line.kind != "base_factor"
    if needs_grade and subject.status == "pending":
        pay.status, pay.reason = "pending", "the grade is not settled yet"
        return pay
    try:
        if line.kind == "amount":
            env.reset()
            amount = _num(evaluate(line.amount or "0", env))
            pay.paid_cny = cny_half_up(amount)
            pay.parts.append(_part(line.label, pay.paid_cny, line.amount or "", env, amount))
        elif line.kind == "base_factor":
            env.reset()
            base = _num(evaluate(line.base or "0", env))
            base_part = _part("base", cny_half_up(base), line.base or "", env, base)
            env.reset()
            factor = _num(evaluate(line.factor or "1", env))
            pay.base_cny = cny_half_up(base)
            pay.paid_cny = cny_half_up(base * factor)
            pay.withheld_cny = pay.base_cny - pay.paid_cny
            pay.parts += [base_part,
                          _part("factor", None, line.factor or "", env, factor),
                          {"label": line.label, "amount": money_text(pay.paid_cny),
                           "formula": "base × factor, rounded half up once"}]
        else:
            _held_back(run, result, subject, line, env, pay)
    except MissingInputError as missing:
        pay.status, pay.reason = "blocked", f"no {missing.name} recorded for {result.period}"
        pay.paid_cny = pay.withheld_cny = ZERO
        return pay
    except ExpressionError as error:
        pay.status, pay.reason = "blocked", str(error)
        pay.paid_cny = pay.withheld_cny = ZERO
        return pay
    pay.events |= env.events
    if pay.base_cny is not None and pay.status == "ok":
        invariant(pay.paid_cny + pay.withheld_cny == pay.base_cny,
                  f"pay line {line.id} does not reconcile")
    return pay


def _part(label: str, amount: Decimal | None, formula: str, env: SubjectEnv,
          value: Fraction) -> dict[str, Any]:
    return {"label": label, "amount": None if amount is None else money_text(amount),
            "value": exact_text(value), "formula": formula,
            "inputs": dict(sorted(env.literals.items()))}


def _held_back(run: GradingRun, result: PipelineResult, subject: SubjectResult, line: PayLine,
               env: SubjectEnv, pay: PayResult) -> None:
    """The base is paid `immediate_share` in instalments; the rest in tranches, each
    settled by its own grade; every split of the base is by largest remainder."""
    env.reset()
    base = _num(evaluate(line.base or "0", env))
    base_cny = cny_half_up(base)
    held_share = 1 - Fraction(line.immediate_share or 0)
    weights = {"immediate": Fraction(line.immediate_share or 0)}
    weights |= {f"tranche-{n}": held_share * Fraction(t.share)
                for n, t in enumerate(line.tranches, start=1)}
    split = allocate_largest_remainder(base_cny, weights)
    pay.base_cny = base_cny
    pay.parts.append(_part("base", base_cny, line.base or "", env, base))
    instalments = allocate_largest_remainder(
        split["immediate"], {f"{n:02d}": Fraction(1) for n in range(1, line.instalments + 1)})
    pay.parts.append({
        "label": f"immediate {exact_text(Fraction(line.immediate_share or 0) * 100)} %",
        "amount": money_text(split["immediate"]),
        "formula": f"base × {exact_text(Fraction(line.immediate_share or 0))}, in "
                   f"{line.instalments} instalment(s)",
        "instalments": [money_text(v) for _, v in sorted(instalments.items())]})
    paid, withheld, pending = split["immediate"], ZERO, False
    for n, tranche in enumerate(line.tranches, start=1):
        amount = split[f"tranche-{n}"]
        grade, where = _tranche_grade(run, result, subject, tranche)
        if grade is None:
            pending = True
            pay.parts.append({"label": tranche.label, "amount": money_text(amount),
                              "grade": None, "formula": f"awaiting the grade of {where}"})
            continue
        rate = Fraction(line.rates.get(grade, Decimal(0)))
        settled = cny_half_up(Fraction(amount) * rate)
        paid += settled
        withheld += amount - settled
        pay.parts.append({
            "label": tranche.label, "held": money_text(amount), "grade": grade,
            "grade_of": where, "rate": exact_text(rate), "amount": money_text(settled),
            "withheld": money_text(amount - settled),
            "formula": f"held × rate for {grade} ({where})"})
    pay.paid_cny, pay.withheld_cny = paid, withheld
    if pending:
        pay.status, pay.reason = "pending", "a tranche's grade is not settled yet"
        pay.withheld_cny = base_cny - paid - sum_cny(
            split[f"tranche-{n}"] for n, t in enumerate(line.tranches, start=1)
            if _tranche_grade(run, result, subject, t)[0] is None)
        pay.base_cny = None


def _tranche_grade(run: GradingRun, result: PipelineResult, subject: SubjectResult,
                   tranche: Any) -> tuple[str | None, str]:
    if tranche.source == "self":
        return subject.grade, f"{result.pipeline.name} {result.period}"
    pipeline = run.scheme.pipeline(tranche.source)
    if pipeline is None:
        raise ExpressionError(f"tranche source {tranche.source!r} is not a pipeline")
    subs = result.period.sub_periods(pipeline.period)
    index = (tranche.sub_index or 1) - 1
    if not 0 <= index < len(subs):
        raise ExpressionError(f"tranche {tranche.label}: no sub-period {tranche.sub_index}")
    other = run.run(tranche.source, subs[index]).subjects.get(subject.subject_id)
    return (other.grade if other else None), f"{tranche.source} {subs[index]}"


def _active(result: PipelineResult) -> Iterable[SubjectResult]:
    return [s for s in result.subjects.values() if s.status == "graded"]


def _gradable(result: PipelineResult) -> Iterable[SubjectResult]:
    return [s for s in result.subjects.values() if s.status in ("graded", "pending")]


# ---------------------------------------------------------------- procedures (deadlines)


def procedures(run: GradingRun, period: GradingPeriod) -> list[dict[str, Any]]:
    """Each sanction decided in the period: its procedure's deadlines on the statutory
    calendar (AMB-07), reviews and their outcomes, filing (APP-05), corrections."""
    rule = run.scheme.procedure
    if rule is None:
        return []
    reviews = run.g.reviews
    found = []
    for event in sorted(run.facts.events.values(), key=lambda e: run.facts.positions.get(
            e.originator_id, 0)):
        if not isinstance(event, SanctionRecorded) or not period.contains(event.decided_on):
            continue
        if event.rulebook not in (None, run.scheme.id) or (
                event.kind not in run.scheme.sanction_kinds):
            continue
        found.append(_procedure(run, event, rule, reviews))
    return found


def _procedure(run: GradingRun, s: SanctionRecorded, rule: Any, reviews: list[LedgerEvent]
               ) -> dict[str, Any]:
    item: dict[str, Any] = {"sanction": str(s.originator_id), "subject_id": s.subject_id,
                            "kind": s.kind, "decided_on": s.decided_on.isoformat(),
                            "in_force": s.originator_id in run.facts.live}
    try:
        if s.investigation_started_on is not None:
            days = rule.investigation_working_days + (
                rule.extension_working_days if s.extension_approved else 0)
            due = add_working_days(s.investigation_started_on, days)
            item["investigation"] = {
                "started_on": s.investigation_started_on.isoformat(), "due": due.isoformat(),
                "working_days": days, "reported_on": _iso(s.investigation_reported_on),
                "on_time": None if s.investigation_reported_on is None
                else s.investigation_reported_on <= due, **_ref_json(rule.investigation_ref)}
        due = add_working_days(s.decided_on, rule.delivery_working_days)
        item["delivery"] = {"due": due.isoformat(), "delivered_on": _iso(s.delivered_on),
                            "on_time": None if s.delivered_on is None else s.delivered_on <= due,
                            **_ref_json(rule.delivery_ref)}
        review_items = []
        for event in reviews:
            if event.target_id != s.originator_id:  # type: ignore[attr-defined]
                continue
            if isinstance(event, ReviewRequested):
                closes = add_working_days(event.received_on, rule.review_window_working_days)
                review_items.append({
                    "requested": str(event.originator_id), "received_on":
                    event.received_on.isoformat(), "applied_on": event.applied_on.isoformat(),
                    "window_closes": closes.isoformat(), "late": event.applied_on > closes,
                    "stay": False, **_ref_json(rule.review_ref)})
            elif isinstance(event, ReviewDecided):
                review_items.append({"decided": str(event.originator_id),
                                     "decided_on": event.decided_on.isoformat(),
                                     "outcome": event.outcome})
        item["reviews"] = review_items
    except DomainError as error:  # a year the statutory calendar does not know
        item["problem"] = str(error)
    item["no_stay"] = _ref_json(rule.no_stay_ref)
    replaced = run.facts.replaced_by.get(s.originator_id)
    if replaced is not None:
        by = run.facts.events.get(replaced)
        item["corrected_by"] = {"entry": str(replaced), "type": type(by).__name__,
                                "reason": getattr(by, "reason", None),
                                "recorded_at": by.recorded_at.isoformat() if by else None}
    if rule.filing_ref is not None:
        filed = [str(s.originator_id)] + [str(e.originator_id) for e in reviews
                                          if isinstance(e, ReviewDecided)
                                          and e.target_id == s.originator_id]
        item["filing"] = {"entries": filed, **_ref_json(rule.filing_ref)}
    return item


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


# ---------------------------------------------------------------- the report


def grades_report(facts: Facts, period: GradingPeriod, scheme_id: str | None = None
                  ) -> dict[str, Any]:
    """The canonical report of one grading scheme for one period."""
    event, scheme = choose_scheme(facts, period, scheme_id)
    run = GradingRun(facts, scheme)
    pipelines = [p for p in scheme.pipelines if p.period == period.kind]
    if not pipelines:
        kinds = sorted({p.period for p in scheme.pipelines})
        raise InvalidRequestError(f"{scheme.key} grades by {', '.join(kinds)}, not {period.kind}")
    results = [run.run(p.name, period) for p in pipelines]
    return {
        "period": str(period),
        "scheme": {"id": scheme.id, "version": scheme.version, "key": scheme.key,
                   "title": scheme.title, "source": scheme.source, "rulebook": scheme.rulebook,
                   "sha256": event.sha256, "adopted": str(event.originator_id)},
        "pipelines": [_pipeline_json(run, r) for r in results],
        "derived": [_derived_json(run, d) for d in run.derived
                    if period.first_day <= d.on <= period.last_day],
        "procedures": procedures(run, period),
        "pay": _pay_summary(results),
        "defaults": [d.model_dump() for d in scheme.defaults],
    }


def _pipeline_json(run: GradingRun, result: PipelineResult) -> dict[str, Any]:
    pipeline = result.pipeline
    return {
        "name": pipeline.name, "label": pipeline.label, "period": str(result.period),
        "grades": [{"code": g.code, "name": g.name,
                    "coefficient": None if g.coefficient is None else exact_text(g.coefficient)}
                   for g in pipeline.grades],
        "subjects": [_subject_json(run, result, s) for s in result.subjects.values()],
        "quotas": [q.to_json() for q in result.quotas],
        "counts": _grade_counts(result),
    }


def _grade_counts(result: PipelineResult) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for subject in result.subjects.values():
        counts[subject.grade or subject.status] += 1
    return dict(sorted(counts.items()))


def _subject_json(run: GradingRun, result: PipelineResult, s: SubjectResult) -> dict[str, Any]:
    pipeline = result.pipeline
    score = s.figures.get(pipeline.score or "") if pipeline.score else None
    return {
        "subject_id": s.subject_id, "name": s.subject.name, "scopes": s.subject.scopes,
        "status": s.status, "grade": s.grade, "grade_name": _grade_name(pipeline, s.grade),
        "band_grade": s.band_grade, "forced": s.forced, "ceiling": s.ceiling,
        "score": None if score is None else _value_text(score),
        "score_approx": approx_text(score, 6) if isinstance(score, Fraction) else None,
        "figures": {k: _value_text(v) for k, v in s.figures.items()},
        "steps": [step.to_json(pipeline) for step in s.steps],
        "consequences": s.consequences,
        "pay": [p.to_json() for p in s.pay],
        "problems": s.problems,
        "derived": [d.id for d in run.derived_of(s.subject_id)
                    if result.period.first_day <= d.on <= result.period.last_day],
    }


def _derived_json(run: GradingRun, d: DerivedFact) -> dict[str, Any]:
    data = {"id": d.id, "policy": d.policy_id, "kind": d.kind, "name": d.name,
            "subject_id": d.subject_id, "on": d.on.isoformat(), "until": _iso(d.until),
            "window": d.window, "triggers": list(d.triggers), "effect": d.effect,
            "status": d.status, "obligation": d.obligation, "discharged_by": d.discharged_by,
            "note": d.note, "recorded_event": _recorded_event(run, d)}
    data.update(_ref_json(d.ref))
    return data


def _recorded_event(run: GradingRun, d: DerivedFact) -> str | None:
    """The live DerivedFactRecorded entry the ledger recorded for this derived fact."""
    recorded = memo_of(run.facts).get("derived-recorded")
    if recorded is None:
        recorded = memo_of(run.facts)["derived-recorded"] = live_recorded(run.facts.live.values())
    found = recorded.get(d.id)
    return None if found is None else str(found)


def _pay_summary(results: list[PipelineResult]) -> dict[str, Any]:
    paid, base = ZERO, ZERO
    withheld: defaultdict[str, Decimal] = defaultdict(lambda: ZERO)
    lines = 0
    pending = 0
    for result in results:
        for subject in result.subjects.values():
            for pay in subject.pay:
                if pay.status == "pending":
                    pending += 1
                if pay.status not in ("ok", "pending"):
                    continue
                lines += 1
                paid += pay.paid_cny
                if pay.withheld_cny:
                    withheld[pay.line.withheld_to or "withheld"] += pay.withheld_cny
                if pay.base_cny is not None:
                    base += pay.base_cny - pay.paid_cny - pay.withheld_cny
    return {"lines": lines, "paid": money_text(paid), "pending_lines": pending,
            "withheld": {k: money_text(v) for k, v in sorted(withheld.items())},
            "reconciliation": {"formula": "Σ base − Σ paid − Σ withheld, lines with a base",
                               "balance": money_text(base)}}


def explain_subject(facts: Facts, period: GradingPeriod, subject_id: str,
                    scheme_id: str | None = None) -> dict[str, Any]:
    """Everything behind one subject's grades and pay for a period, figure by figure."""
    _, scheme = choose_scheme(facts, period, scheme_id)
    run = GradingRun(facts, scheme)
    found = []
    for pipeline in scheme.pipelines:
        if pipeline.period != period.kind:
            continue
        result = run.run(pipeline.name, period)
        subject = result.subjects.get(subject_id)
        if subject is None:
            continue
        keys = [figure_key(pipeline, subject, f.name, period) for f in pipeline.figures]
        keys = [k for k in keys if k in run.book.figures]
        used = {i for k in keys for i in run.book.figures[k].inputs}
        trees = [run.book.tree(k) for k in keys if k not in used]  # roots only
        found.append({
            **_subject_json(run, result, subject), "pipeline": pipeline.name,
            "figure_trees": trees,
            "quotas": [q.to_json() for q in result.quotas
                       if subject_id in {s for s, _ in q.ranked}],
            "corrections": _corrections(run, subject_id, period),
        })
    if not found:
        raise NotFoundError(f"{subject_id!r} is not assessed by {scheme.key} in {period}")
    return {"period": str(period), "scheme": scheme.key, "subject_id": subject_id,
            "results": found,
            "derived": [_derived_json(run, d) for d in run.derived_of(subject_id)
                        if d.on.year == period.year]}


def _corrections(run: GradingRun, subject_id: str, period: GradingPeriod) -> list[dict[str, Any]]:
    """Entries about this subject that were corrected or withdrawn: history stays."""
    items = []
    for old_id, new_id in run.facts.replaced_by.items():
        old = run.facts.events.get(old_id)
        if getattr(old, "subject_id", None) != subject_id:
            continue
        day = getattr(old, "decided_on", None) or getattr(old, "received_on", None)
        text = getattr(old, "grading_period", None)
        relevant = (day is not None and day.year == period.year) or (
            text is not None and text.startswith(str(period.year)))
        if not relevant:
            continue
        new = run.facts.events.get(new_id)
        items.append({"entry": str(old_id), "type": type(old).__name__,
                      "replaced_by": str(new_id),
                      "how": "voided" if isinstance(new, EntryVoided) else "superseded",
                      "reason": getattr(new, "reason", None)})
    return sorted(items, key=lambda i: i["entry"])
