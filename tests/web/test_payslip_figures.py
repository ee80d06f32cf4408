"""The payslip as the employee reads it: the department by its name, not its id, and
the explanation's money as the payout pays it (¥, to the fen, half-up), never an exact
fraction; other long values to four places with "≈", the exact value kept in the title."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

import pytest
from fastapi.testclient import TestClient
from web_support import Demo, sign_in

from api.http.app import create_app
from api.http.settings import ServerSettings
from api.storage.session import Session
from api.usecases import queries, reports
from api.usecases.ports import Caller, today_utc
from api.web.templating import exact_number, figure_value, points
from projections.figures import exact_text
from projections.seeded_scores import STORED_TEXT_CHARS_MAX

EMPLOYEE, PERIOD = "E0001", "2026-Q1"  # the demo's employee account (韦斌琳)


def nodes(tree: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield tree
    for child in tree.get("because", []):
        yield from nodes(child)


def fen_of(text: str) -> Decimal:
    numerator, _, denominator = text.rstrip("…").partition("/")
    value = Fraction(int(numerator), int(denominator)) if denominator else \
        Fraction(Decimal(numerator))
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@pytest.fixture(scope="module")
def known(demo: Demo) -> dict[str, Any]:
    with Session(demo.env) as session:
        owner = Caller("demo")
        line = next(x for x in reports.statements(session, owner, EMPLOYEE)["lines"]
                    if x["period"] == PERIOD)
        names = {d["department_id"]: d["name"]
                 for d in queries.list_departments(session, owner, today_utc())}
        # as the page asks for it: the employee's own view, scoped to what they may see
        reader = Caller.of(session.users().users["employee"])
        tree = reports.explain(session, reader,
                               reports.ExplainQuery(PERIOD, employee=EMPLOYEE))
    return {"line": line, "department": names[line["department_id"]],
            "nodes": [node for top in tree["explain"] for node in nodes(top)]}


@pytest.fixture(scope="module")
def page(demo: Demo) -> str:
    client = TestClient(create_app(ServerSettings(store_env=demo.env)))
    sign_in(client, "employee", demo.passwords["employee"])
    return html.unescape(client.get(f"/web/me/statement?period={PERIOD}").text)


def test_the_payslip_names_the_department(page: str, known: dict[str, Any]) -> None:
    heading = re.search(r'<div class="muted">(.*?)</div>', page, re.S)
    assert heading is not None
    assert known["department"] in heading.group(1)
    assert f"· {known['line']['department_id']} ·" not in heading.group(1)


def test_the_explanations_money_is_rounded_as_paid(page: str, known: dict[str, Any]) -> None:
    shown = re.findall(r'<strong title="([^"]*)">([^<]*)</strong>', page)
    assert len(shown) == len(known["nodes"])
    money_nodes = [n for n in known["nodes"] if n["unit"] == "cny"]
    assert any("/" in n["value"] for n in money_nodes)  # the demo has one to round
    for node, (exact, text) in zip(known["nodes"], shown, strict=True):
        assert exact == node["value"]
        assert "/" not in text
        if node["unit"] == "cny":
            assert text == f"¥{fen_of(node['value']):,.2f}".replace("¥-", "-¥")


@pytest.mark.parametrize(("node", "shown"), [
    ({"value": "1/8", "unit": "cny"}, "¥0.13"),  # 0.125 → half-up
    ({"value": "2001/16", "unit": "cny"}, "¥125.06"),  # 125.0625
    ({"value": "-1/8", "unit": "cny"}, "-¥0.13"),
    ({"value": "1234567.5", "unit": "cny"}, "¥1,234,567.50"),
    ({"value": "10806164/136445", "unit": "ratio"}, "≈ 79.1979"),
    ({"value": "13540.404415173044032374…", "unit": "points"}, "≈ 13540.4044"),
    ({"value": "128", "unit": "points"}, "128"),
    ({"value": "1.1", "unit": "ratio"}, "1.1"),
])
def test_a_figures_value_for_people(node: dict[str, str], shown: str) -> None:
    assert figure_value(node) == shown


@pytest.mark.parametrize("value", ["1e999999999", "1E+99999999", "-1.5e-999999999",
                                   "Infinity", "NaN", "1_000", " 1", ""])
def test_a_value_exact_text_cannot_write_is_shown_as_stored(value: str) -> None:
    """Fraction(Decimal("1e999999999")) computes 10**999999999 (the page hung); Infinity
    raised OverflowError (a 500). Such a value is shown as its text, computed never."""
    assert figure_value({"value": value, "unit": "cny"}) == value


def test_a_value_longer_than_exact_text_writes_is_shown_as_stored() -> None:
    """A plain decimal of a million digits took ≈50 s to compute (Fraction(Decimal)); no
    text exact_text writes is longer than projections.seeded_scores bounds it (an
    integer's str() within Python's int-string limit, a sign and a point)."""
    value = -Fraction(10**4300 - 1, 10**18)
    longest = exact_text(value)
    assert len(longest) == STORED_TEXT_CHARS_MAX
    assert exact_number(longest) == value
    longer = "1" * (STORED_TEXT_CHARS_MAX + 1)
    assert figure_value({"value": longer, "unit": "cny"}) == longer
    assert figure_value({"value": longer + ".25…", "unit": "points"}) == longer + ".25…"


@pytest.mark.parametrize(("value", "shown"), [
    ("-1/1000", "0.00"), ("-0.004", "0.00"), ("-0.005", "-0.01"), ("0.004", "0.00")])
def test_a_tiny_negative_point_value_is_shown_without_a_sign(value: str, shown: str) -> None:
    """Points are shown to two places: -1/1000 showed -0.00, a sign on nothing."""
    cell = points(value)
    assert re.fullmatch(rf'<span class="rounded" title="[^"]*{re.escape(value)}">'
                        rf"{re.escape(shown)}</span>", cell), cell


@pytest.mark.parametrize("value", ["-1/1000", "-0.004"])
def test_a_tiny_negative_amount_figure_is_shown_without_a_sign(value: str) -> None:
    """A figure in yuan is shown to the fen: -1/1000 yuan showed -¥0.00, as points did."""
    assert figure_value({"value": value, "unit": "cny"}) == "¥0.00"
