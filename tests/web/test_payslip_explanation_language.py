"""Issue 12, item 2: the payslip's explanation tree (计算过程) shows its labels, units and
formulas in the reader's language; the figures themselves keep their English texts (the
API's fields and `--json` never change with the language)."""

from __future__ import annotations

import html
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from web_support import Demo, sign_in

from api.http.app import create_app
from api.http.settings import ServerSettings
from api.storage.session import Session
from api.usecases import reports
from api.usecases.ports import Caller

EMPLOYEE, PERIOD = "E0001", "2026-Q1"  # the demo's employee account (韦斌琳)


def nodes(tree: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield tree
    for child in tree.get("because", []):
        yield from nodes(child)


def static_part(label: str) -> str:
    """"韦斌琳: title points" → ": title points", the words the page must translate."""
    name, sep, rest = label.partition(": ")
    return f"{sep}{rest}" if sep else name


@pytest.fixture(scope="module")
def explanation(demo: Demo) -> list[dict[str, Any]]:
    with Session(demo.env) as session:
        # as the page asks for it: the employee's own view, scoped to what they may see
        caller = Caller.of(session.users().users["employee"])
        report = reports.explain(session, caller,
                                 reports.ExplainQuery(PERIOD, employee=EMPLOYEE))
    return [node for tree in report["explain"] for node in nodes(tree)]


@pytest.fixture(scope="module")
def employee(demo: Demo) -> TestClient:
    client = TestClient(create_app(ServerSettings(store_env=demo.env)))
    sign_in(client, "employee", demo.passwords["employee"])
    return client


def test_the_payslip_tree_is_chinese_by_default(
        employee: TestClient, explanation: list[dict[str, Any]]) -> None:
    page = html.unescape(employee.get(f"/web/me/statement?period={PERIOD}").text)
    tree = page[page.index('<details class="tree">'):]
    for words in ("绩效工资", "计分", "个人得分", "考勤前得分", "职称分", "岗位加分",
                  "考勤扣分", "参与比例", "每分值金额"):
        assert f"：{words} = " in tree or f"{words}（参考） = " in tree, words
    assert '<span class="muted">分</span>' in tree
    assert '<span class="muted">元/分</span>' in tree  # per-point pay (it read 比率)
    assert "¥" in tree  # money is shown as the payout pays it (test_payslip_figures.py)
    english = {static_part(node["label"]) for node in explanation}
    assert len(english) > 10
    assert [words for words in english if words in tree] == []
    assert [node["unit"] for node in explanation if f">{node['unit']}<" in tree] == []


def test_the_payslip_tree_is_english_after_the_switch(
        employee: TestClient, explanation: list[dict[str, Any]]) -> None:
    employee.get("/language/en")
    try:
        page = html.unescape(employee.get(f"/web/me/statement?period={PERIOD}").text)
    finally:
        employee.get("/language/zh_CN")
    tree = page[page.index('<details class="tree">'):]
    for node in explanation:
        assert f"{node['label']} = " in tree
        assert node["formula"] in tree
    assert "职称分" not in tree
    assert '<span class="muted">yuan per point</span>' in tree
