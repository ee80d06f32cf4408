"""Every figure of a statement explains itself: a formula, the scheme rule with its seed
line, and the live events it came from (seeds-002.md §4 Example 1)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from fractions import Fraction
from typing import Any

import pytest
from builders import GOLDEN, memory_ledger, record

from domain.application import Ledger
from domain.periods import Period
from projections.figures import WIDE_INPUTS, Ledgerbook
from projections.payout import Statement, calculate

SOURCE = re.compile(r"^002_db447562deed9801\.txt:L\d+")
RULED = (":score", ":pay", ":pay_calculated", ":settled", ":cap", ":floor")


@pytest.fixture(scope="module")
def example_1() -> tuple[Ledger, Statement]:
    ledger = memory_ledger()
    lines = (GOLDEN / "example-1" / "commands.jsonl").read_text(encoding="utf-8").splitlines()
    record(ledger, *(json.loads(line) for line in lines if line.strip() and line[0] != "#"))
    return ledger, calculate(ledger.facts(), Period.parse("2026-Q1"))


def _nodes(tree: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield tree
    for child in tree.get("because", []):
        yield from _nodes(child)


def test_example_1_still_pays_what_the_catalogue_says(example_1) -> None:
    _, statement = example_1
    assert {p.employee_id: str(p.pay_cny) for p in statement.people} == {
        "li": "9687.50", "wang": "9375.00", "zhang": "11900.00"}


def test_every_figure_names_its_formula(example_1) -> None:
    _, statement = example_1
    assert statement.book.figures
    assert [key for key, f in statement.book.figures.items() if not f.formula.strip()] == []


def test_scores_pay_and_department_settlements_cite_a_seed_line(example_1) -> None:
    _, statement = example_1
    ruled = [f for key, f in statement.book.figures.items() if key.endswith(RULED)]
    assert {key.rsplit(":", 1)[1] for key in (f.key for f in ruled)} == {
        suffix[1:] for suffix in RULED}
    uncited = [f.key for f in ruled if f.ref is None or not SOURCE.match(f.ref.source)]
    assert uncited == []


def test_li_s_pay_is_explained_down_to_his_two_absence_days(example_1) -> None:
    _, statement = example_1
    tree = statement.book.tree("person:li:pay")
    attendance = [n for n in _nodes(tree) if n["key"] == "person:li:attendance"]
    assert len(attendance) == 1
    assert attendance[0]["literals"]["absence_days"] == "2"
    assert attendance[0]["value"] == "3.125"


def test_every_event_an_explanation_names_is_a_live_event_of_the_ledger(example_1) -> None:
    ledger, statement = example_1
    live = {str(event_id) for event_id in ledger.facts().live}
    named = {event_id for key in statement.book.figures
             for node in _nodes(statement.book.tree(key)) for event_id in node["events"]}
    assert named  # the tree does reach the events
    assert named <= live
    li_tree_events = {e for node in _nodes(statement.book.tree("person:li:pay"))
                      for e in node["events"]}
    li_attendance = next(e for e in ledger.facts().live.values()
                         if e.idempotency_key == "ex1-att-li")
    assert str(li_attendance.originator_id) in li_tree_events


def test_a_superseded_entry_drops_out_of_the_explanation() -> None:
    ledger = memory_ledger()
    lines = (GOLDEN / "example-1" / "commands.jsonl").read_text(encoding="utf-8").splitlines()
    record(ledger, *(json.loads(line) for line in lines if line.strip() and line[0] != "#"))
    old = next(e for e in ledger.facts().live.values() if e.idempotency_key == "ex1-att-li")
    record(ledger, {"type": "record_attendance", "period": "2026-Q1", "employee_id": "li",
                    "scheduled_days": 64, "absence_days": {"other": 3},
                    "supersedes": str(old.originator_id), "reason": "one more day found"})
    statement = calculate(ledger.facts(), Period.parse("2026-Q1"))
    nodes = list(_nodes(statement.book.tree("person:li:pay")))
    named = {e for node in nodes for e in node["events"]}
    assert str(old.originator_id) not in named
    assert named <= {str(event_id) for event_id in ledger.facts().live}
    attendance = next(n for n in nodes if n["key"] == "person:li:attendance")
    assert attendance["literals"]["absence_days"] == "3"


def test_a_figure_of_very_many_inputs_is_named_not_expanded_below_the_root() -> None:
    book = Ledgerbook()
    parts = [f"dept:d{n}:score" for n in range(WIDE_INPUTS + 1)]
    for n, key in enumerate(parts):
        book.add(f"{key}:input", "an input", Fraction(n), "points", "entered")
        book.add(key, f"d{n}", Fraction(n), "points", "copied", inputs=(f"{key}:input",))
    book.add("hospital:points", "total", Fraction(sum(range(len(parts)))), "points", "Σ",
             inputs=tuple(parts))
    book.add("person:p:pay", "pay", Fraction(1), "cny", "share", inputs=("hospital:points",))

    below = book.tree("person:p:pay")["because"][0]
    assert below["because"] == []
    assert below["inputs_not_expanded"] == len(parts)
    assert below["inputs"] == parts  # every input still named

    asked = book.tree("hospital:points")
    assert [child["key"] for child in asked["because"]] == parts
    assert all(child.get("truncated") for child in asked["because"])  # one level deep
