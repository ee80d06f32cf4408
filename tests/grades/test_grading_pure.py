"""Unit tests of the pure grading core: periods, the expression language, quota limits
and the escalation policies' windows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from builders import memory_ledger  # noqa: F401 - imports domain.events first

from domain.expressions import ExpressionError, MissingInputError, evaluate, parse_expression
from domain.grading import GradingPeriod, PolicyRule
from domain.grading_quota_entry import quota_limit
from domain.policies import Occurrence, derive_facts

REF = {"rule": "ESC-06", "source": "001_db486f6b0daf494c.txt:L16"}


class Env:
    def __init__(self, **names: Any) -> None:
        self.names = {k: Fraction(v) if not isinstance(v, str) else v for k, v in names.items()}

    def name(self, name: str) -> Any:
        if name not in self.names:
            raise MissingInputError(name)
        return self.names[name]

    def call(self, function: str, arguments: list[Any]) -> Any:
        return {"min": min, "max": max}[function](arguments)


def test_periods_parse_their_sub_periods_and_shift() -> None:
    h1 = GradingPeriod.parse("2025-h1")
    assert (str(h1), h1.first_day, h1.last_day, h1.days) == (
        "2025-H1", date(2025, 1, 1), date(2025, 6, 30), 181)
    assert [str(p) for p in GradingPeriod.parse("2025").sub_periods("quarter")] == [
        "2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]
    assert [str(p) for p in h1.sub_periods("quarter")] == ["2025-Q1", "2025-Q2"]
    assert GradingPeriod.parse("2025-Q1").sub_periods("year") == ()
    assert str(GradingPeriod.parse("2025-01").shifted(1)) == "2024-12"
    with pytest.raises(ValueError, match="2025-H3"):
        GradingPeriod.parse("2025-H3")


def test_numbers_are_exact_decimals_never_floats() -> None:
    assert evaluate("0.6 * 91 + 0.4 * 90", Env()) == Fraction("90.6")
    assert evaluate("1 / 3", Env()) == Fraction(1, 3)


@pytest.mark.parametrize(("text", "expected"), [
    ("a >= 90 and b == 0", 1), ("a > 92 or b", 0), ("not b", 1),
    ("when(b, missing, 7)", 7), ("5 if a < 100 else missing", 5), ("'x' == 'x'", 1),
    ("-a + 100", 8), ("1 < a < 100", 1),
])
def test_conditions_and_lazy_branches(text: str, expected: int) -> None:
    assert evaluate(text, Env(a=92, b=0)) == expected


@pytest.mark.parametrize("text", ["__import__('os')", "a.b", "a[0]", "lambda: 1", "f(x=1)",
                                  "[1, 2]", "a ** 2", "1e3j"])
def test_anything_else_is_refused_when_the_scheme_is_parsed(text: str) -> None:
    with pytest.raises(ExpressionError):
        parse_expression(text)


def test_a_missing_input_is_named_and_division_by_zero_is_an_error() -> None:
    with pytest.raises(MissingInputError) as missing:
        evaluate("a + c", Env(a=1))
    assert missing.value.name == "c"
    with pytest.raises(ExpressionError, match="division by zero"):
        evaluate("a / (a - a)", Env(a=1))


@pytest.mark.parametrize(("share", "n", "rounding", "min_one", "limit"), [
    ("0.4", 7, "floor", 3, 2), ("0.4", 2, "floor", 3, 1), ("0.4", 14, "floor", 3, 5),
    ("0.4", 23, "floor", None, 9), ("0.25", 8, "floor", None, 2), ("0.30", 8, "floor", None, 2),
    ("0.25", 3, "floor", None, 0), ("0.25", 6, "half_up", None, 2), ("0.25", 6, "ceil", None, 2),
    ("0.4", 0, "floor", 3, 0),
])
def test_quota_limits(share: str, n: int, rounding: str, min_one: int | None, limit: int) -> None:
    assert quota_limit(Decimal(share), n, rounding, min_one) == limit


def _policy(**changes: Any) -> PolicyRule:
    data = {"id": "p", "label": "p", "counts": "sanctions", "kinds": ["a"],
            "window": "calendar_month", "at_least": 2,
            "derive": {"kind": "d", "name": "d", "effect": "e"}, "ref": REF}
    return PolicyRule.model_validate({**data, **changes})


def _items(*days: str, subject: str = "s", unit: str | None = "u") -> list[Occurrence]:
    return [Occurrence(subject, unit, "a", date.fromisoformat(d), f"e{n}")
            for n, d in enumerate(days)]


def test_a_policy_fires_once_per_window_at_the_crossing() -> None:
    facts = derive_facts([_policy()], _items("2025-01-03", "2025-01-20", "2025-01-25",
                                             "2025-02-01"), {}, {}, "k")
    assert [(f.on.isoformat(), f.triggers) for f in facts] == [("2025-01-20", ("e0", "e1"))]


def test_one_office_crosses_the_monthly_and_the_annual_threshold_once_each() -> None:
    # AMB-18: 2 in January fires the monthly rule; the 5th in the year fires the annual one.
    month = _policy(id="month", group="unit_staff", derive={
        "kind": "admonition", "name": "告诫", "to": "unit_head", "effect": "e"})
    year = _policy(id="year", group="unit_staff", window="calendar_year", at_least=5, derive={
        "kind": "admonition", "name": "告诫", "to": "unit_head", "effect": "e"})
    items = _items("2025-01-06", "2025-01-20", "2025-03-02", "2025-07-07", "2025-10-13",
                   "2025-11-03", subject="x")
    facts = derive_facts([month, year], items, {"u": ("head",)}, {"x": "u"}, "k")
    assert [(f.policy_id, f.on.isoformat()) for f in facts] == [
        ("month", "2025-01-20"), ("year", "2025-10-13")]


def test_every_multiple_and_rolling_windows() -> None:
    every = derive_facts([_policy(window="calendar_year", at_least=3, fires="every_multiple")],
                         _items(*(f"2025-{m:02d}-01" for m in range(1, 8))), {}, {}, "k")
    assert [f.on.month for f in every] == [3, 6]
    rolling = derive_facts([_policy(window="rolling_days", window_days=30, at_least=3)],
                           _items("2025-03-20", "2025-04-07", "2025-04-15"), {}, {}, "k")
    assert [f.on.isoformat() for f in rolling] == ["2025-04-15"]
    calendar = derive_facts([_policy(at_least=3)],
                            _items("2025-03-20", "2025-04-07", "2025-04-15"), {}, {}, "k")
    assert calendar == []


def test_unit_staff_roll_up_to_the_head_and_the_heads_own_do_not_count() -> None:
    items = [*_items("2025-01-08", subject="x"), *_items("2025-01-09", subject="head"),
             *_items("2025-01-22", subject="y")]
    items = [Occurrence(o.subject_id, o.unit_id, o.kind, o.day, f"{o.subject_id}{n}")
             for n, o in enumerate(items)]
    facts = derive_facts([_policy(group="unit_staff", derive={
        "kind": "admonition", "name": "告诫", "to": "unit_head", "effect": "e"})],
        items, {"u": ("head",)}, {"x": "u", "y": "u", "head": "u"}, "k")
    assert [(f.subject_id, f.on.isoformat(), f.triggers) for f in facts] == [
        ("head", "2025-01-22", ("x0", "y2"))]


def test_an_obligation_is_discharged_by_a_later_entry_and_ids_are_deterministic() -> None:
    policy = _policy(at_least=1, window="ever", discharged_by=["b"], derive={
        "kind": "d", "name": "d", "effect": "e", "obligation": True})
    items = [*_items("2025-05-01"), Occurrence("s", "u", "b", date(2025, 5, 9), "b1")]
    [fact] = derive_facts([policy], items, {}, {}, "k")
    assert (fact.status, fact.discharged_by) == ("discharged", "b1")
    [again] = derive_facts([policy], list(reversed(items)), {}, {}, "k")
    assert again.id == fact.id
