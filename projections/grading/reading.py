"""What an expression reads for one subject in one pipeline and period.

The reader records what it read (figures, literal values, entries), so every figure can
explain itself. Expression functions (`sum`, `sanctions`, `count_where` …) are looked up
by name in `functions`, which the concrete environment (env.py) fills from the function
modules; they call back into the reader for the facts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, timedelta
from fractions import Fraction
from typing import Any, ClassVar

from domain.expressions import ExpressionError, MissingInputError, Value
from domain.grading import PayLine
from domain.period_windows import period_window
from domain.sanctions import GradeProposed, SanctionRecorded
from projections.figures import exact_text, money_text
from projections.grading.context import GradingContext
from projections.grading.model import PipelineResult, SubjectResult, value_text

Function = Callable[["SubjectReader", list[Any]], Value]


def num(value: Value) -> Fraction:
    if isinstance(value, str):
        raise ExpressionError(f"{value!r} is text where a number is needed")
    return value


def text(value: Value) -> str:
    if not isinstance(value, str):
        raise ExpressionError(f"{value} is a number where text is needed (quote it)")
    return value


class SubjectReader:
    """Names, inputs and facts as one subject's expressions see them."""

    functions: ClassVar[Mapping[str, Function]] = {}

    def __init__(self, run: GradingContext, result: PipelineResult, subject: SubjectResult,
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

    def for_subject(self, result: PipelineResult, subject: SubjectResult) -> SubjectReader:
        """The same kind of environment, for another subject or period (a roll-up)."""
        return type(self)(self.run, result, subject)

    def call(self, function: str, args: list[Any]) -> Value:
        found = self.functions.get(function)
        if found is None:
            raise ExpressionError(f"unknown function {function!r}")
        return found(self, args)

    # -- names

    def name(self, name: str) -> Value:
        variables: dict[str, Callable[[], Value]] = {
            "grade": lambda: self.subject.grade or "",
            "period_index": lambda: Fraction(self.period.index),
            "period_days": lambda: Fraction(self._days()),
            "scope_size": lambda: Fraction(len(self.scope_members())),
        }
        if name in variables:
            value = variables[name]()
            self.literals[name] = value_text(value) or "(none)"
            return value
        if name == "proposal":
            proposal = self.proposal()
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

    def values(self, name: str) -> list[Fraction]:
        """A list input (rater scores, deductions); a missing one with a default is empty."""
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

    def proposal(self) -> GradeProposed | None:
        return self.run.g.proposals.get((self.run.scheme.id, self.pipeline.name,
                                         self.subject.subject_id, str(self.period)))

    def scope_members(self) -> list[SubjectResult]:
        key = self.pipeline.scope
        own = self.subject.subject.scopes.get(key) if key else None
        cache = self.result.scope_cache
        if own not in cache:
            cache[own] = [s for s in self.result.subjects.values() if s.status != "not_assessed"
                          and (key is None or s.subject.scopes.get(key) == own)]
        return cache[own]

    def has(self, name: str) -> bool:
        if name in self.subject.figures:
            return True
        found = self.run.input_events(self.subject.subject_id, self.period, name) is not None
        return found or self.run.pay_base(self.subject.subject_id, self.period, name) is not None

    # -- sanctions, complaints, derived facts

    def _days(self) -> int:
        first, last = self.window("period")
        return (last - first).days + 1

    def window(self, window: str) -> tuple[date, date]:
        # The pipeline's own days: calendar ones, or months closing on a day (26th–25th).
        closes = self.pipeline.month_closes
        if window == "year":
            year = self.period.year
            return period_window(date(year, 1, 1), date(year, 12, 31), closes)
        if window in ("period", "active"):
            return period_window(self.period.first_day, self.period.last_day, closes)
        raise ExpressionError(f"unknown window {window!r}; use 'period', 'year' or 'active'")

    def end_of(self, sanction: SanctionRecorded) -> date:
        if sanction.until_on is not None:
            return sanction.until_on
        kind = self.run.scheme.sanction_kinds.get(sanction.kind)
        if kind is not None and kind.duration_days:
            return sanction.decided_on + timedelta(days=kind.duration_days - 1)
        return sanction.decided_on

    def sanctions_in(self, kinds_text: str, window: str) -> list[str]:
        kinds = set(kinds_text.split("|"))
        first, last = self.window(window)
        found = []
        for sanction in self.run.sanctions_of(self.subject.subject_id):
            if sanction.kind not in kinds:
                continue
            end = self.end_of(sanction) if window == "active" else sanction.decided_on
            if sanction.decided_on <= last and end >= first:
                found.append(str(sanction.originator_id))
        found += self.derived_in(kinds_text, window)
        self.events.update(found)
        self.literals[f"{kinds_text} ({window})"] = str(len(found))
        return found

    def derived_in(self, kinds_text: str, window: str) -> list[str]:
        kinds = set(kinds_text.split("|"))
        first, last = self.window(window)
        found = []
        for fact in self.run.derived_of(self.subject.subject_id):
            end = fact.until or fact.on
            if fact.kind in kinds and fact.on <= last and (
                    end if window == "active" else fact.on) >= first:
                found.append(fact.id)
                self.events.update(fact.triggers)
        self.events.update(found)
        return found

    def sanction_days(self, kinds_text: str) -> int:
        kinds = set(kinds_text.split("|"))
        days: set[date] = set()
        for sanction in self.run.sanctions_of(self.subject.subject_id):
            if sanction.kind not in kinds:
                continue
            day, end = sanction.decided_on, self.end_of(sanction)
            first, last = self.window("period")
            while day <= end:
                if first <= day <= last:
                    days.add(day)
                    self.events.add(str(sanction.originator_id))
                day += timedelta(days=1)
        self.literals[f"days under {kinds_text}"] = str(len(days))
        return len(days)

    def complaints(self, window: str, verified_only: bool) -> int:
        first, last = self.window(window)
        found = [c for c in self.run.complaints_of(self.subject.subject_id)
                 if first <= c.received_on <= last and (c.verified or not verified_only)]
        self.events.update(str(c.originator_id) for c in found)
        return len(found)

    def rank(self, figure: str, *, low: bool) -> int:
        mine = self.subject.figures.get(figure)
        if not isinstance(mine, Fraction):
            raise MissingInputError(figure)
        others = [s.figures.get(figure) for s in self.scope_members()]
        values = [v for v in others if isinstance(v, Fraction)]
        beyond = sum(1 for v in values if (v < mine if low else v > mine))
        self.literals[f"{'rank_low' if low else 'rank'}({figure})"] = (
            f"{beyond + 1} of {len(values)}")
        return beyond + 1
