"""The two charts over several reports: each department's value of a point across the
quarters, and a grading period's grade distribution against its quotas. Each chart's
figures are the reports' own (the statement's per-point value; the grades report's
counts and quota limits), served as a JSON attribute for /static/js/charts.js, with the
table one click away; a person sees only the departments their statement shows."""

from __future__ import annotations

import html
import json
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from web_support import Demo, copy_demo, sign_in

from api.http.app import create_app
from api.http.settings import ServerSettings
from api.storage.session import Session
from api.usecases import grades, reports
from api.usecases.ledger import Batch, apply_batch
from api.usecases.ports import Caller

REF = {"rule": "004-S18-R9", "source": "004_deb0a29d71ec55ac.txt:L1093"}
# A team's quarterly grades with a one-in-two 优秀 quota (tests/grades); its title and
# label in both languages, its grades named in Chinese only.
TEAM = {
    "kind": "grading", "id": "team-quarterly", "version": 1, "rulebook": "test",
    "title": {"zh": "一个班组的季度等次", "en": "a team's quarterly grades"},
    "effective_from": "2026-01-01",
    "source": "004_deb0a29d71ec55ac.txt:L1093",
    "pipelines": [{
        "name": "quarterly", "label": {"zh": "季度考核等次", "en": "quarterly grades"},
        "period": "quarter",
        "grades": [{"code": "excellent", "name": "优秀"}, {"code": "competent", "name": "称职"},
                   {"code": "incompetent", "name": "不称职"}],
        "inputs": {"score": {"label": "score"}},
        "figures": [{"name": "total", "expr": "score", "ref": REF}],
        "score": "total",
        "bands": {"source": "score", "ref": REF, "rows": [
            {"grade": "excellent", "min": "90"}, {"grade": "competent", "min": "60"},
            {"grade": "incompetent"}]},
        "quotas": [{"grade": "excellent", "max_share": "0.5", "rounding": "floor", "ref": REF}],
        "tie_break": {"mode": "recorded", "ref": REF}}],
}
SCORES = {"zhang": 95, "li": 91, "wang": 70, "zhao": 40}


def chart_data(page: str, index: int = 0) -> dict[str, Any]:
    found = re.findall(r"data-chart='([^']*)'", page)
    assert len(found) > index, page[:300]
    return json.loads(html.unescape(found[index]))  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def graded(demo_master: Demo, tmp_path_factory: pytest.TempPathFactory) -> Demo:
    """The demo ledger with a grading scheme adopted and 2026-Q1's scores recorded."""
    ledger = copy_demo(demo_master, tmp_path_factory.mktemp("graded"))
    rows: list[dict[str, Any]] = [{"type": "adopt_scheme", "document": TEAM}]
    rows += [{"type": "enrol_subject", "subject_id": who, "name": who,
              "enrolled_on": "2026-01-01"} for who in SCORES]
    rows += [{"type": "record_grade_input", "subject_id": who, "grading_period": "2026-Q1",
              "component": "score", "value": str(score)} for who, score in SCORES.items()]
    with Session(ledger.env) as session:
        apply_batch(session, Caller("demo"), Batch([(f"row {i}", row)
                                                    for i, row in enumerate(rows)]))
    return ledger


@pytest.fixture(scope="module")
def as_role(graded: Demo) -> Any:
    app = create_app(ServerSettings(store_env=graded.env))

    def client(user: str) -> TestClient:
        made = TestClient(app)
        sign_in(made, user, graded.passwords[user])
        return made

    return client


def test_the_per_point_chart_shows_each_quarters_statement_figure(
        as_role: Any, graded: Demo) -> None:
    page = as_role("finance").get("/web/charts/per-point?department=internal").text
    data = chart_data(page)
    with Session(graded.env) as session:
        expected = {}
        for period in ("2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"):
            statement = reports.payout(session, Caller("demo"), reports.ReportQuery(period))
            expected[period] = next(d["per_point_indicative"] for d in statement["departments"]
                                    if d["department_id"] == "internal")
    assert data["kind"] == "line"
    assert data["labels"] == ["2026年第1季度", "2026年第2季度", "2026年第3季度", "2026年第4季度"]
    assert data["series"][0]["values"] == list(expected.values())
    assert 'hidden><table>' in page  # the table, one click away


def test_a_head_sees_only_their_own_departments_per_point_value(as_role: Any) -> None:
    page = html.unescape(as_role("head").get("/web/charts/per-point?department=surgery").text)
    options = re.findall(r'<option value="([^"]+)"', page)
    assert options == ["internal"]
    assert "外科" not in page  # surgery's name: another department's figures never show


def test_the_grade_chart_sets_the_counts_beside_the_quota(as_role: Any, graded: Demo) -> None:
    page = as_role("finance").get("/web/charts/grades?period=2026-Q1").text
    data = chart_data(page)
    with Session(graded.env) as session:
        report = grades.grades(session, Caller("demo"), grades.GradesQuery("2026-Q1"))
    [pipeline] = [p for p in report["pipelines"] if p["name"] == "quarterly"]
    assert data["labels"] == [g["name"] for g in pipeline["grades"]]
    counts, quota = data["series"][0]["values"], data["series"][1]["values"]
    assert counts == [pipeline["counts"].get(g["code"], 0) for g in pipeline["grades"]]
    assert sum(counts) == len(SCORES)
    [rule] = pipeline["quotas"]
    assert quota == [rule["limit"] if g["code"] == "excellent" else None
                     for g in pipeline["grades"]]
    assert counts[0] <= quota[0]


def test_the_grade_chart_names_the_scheme_and_grades_in_the_reader_s_language_only(
        as_role: Any) -> None:
    client = as_role("finance")
    client.get("/language/zh_CN")
    chinese = html.unescape(client.get("/web/charts/grades?period=2026-Q1").text)
    assert "<h2>季度考核等次</h2>" in chinese
    assert "<td>优秀</td>" in chinese
    assert chart_data(chinese)["labels"] == ["优秀", "称职", "不称职"]
    assert "一个班组的季度等次 · " in chinese
    client.get("/language/en")
    english = html.unescape(client.get("/web/charts/grades?period=2026-Q1").text)
    client.get("/language/zh_CN")
    assert "<h2>quarterly grades</h2>" in english
    assert "a team's quarterly grades · " in english
    # the scheme names its grades in Chinese only: English reads their codes
    assert "<td>excellent</td>" in english
    assert chart_data(english)["labels"] == ["excellent", "competent", "incompetent"]
    for page, other in ((chinese, ("quarterly grades", "a team's", "excellent<")),
                        (english, ("季度考核等次", "一个班组", "优秀"))):
        for words in other:
            assert words not in page, words


def test_the_scheme_page_titles_the_pay_scheme_in_the_reader_s_language_only(
        as_role: Any) -> None:
    """xinghe-county-hospital@2's title: 「兴和县医院绩效工资分配方案 (Xinghe County Hospital
    performance-pay distribution)」."""
    client = as_role("finance")
    client.get("/language/zh_CN")
    chinese = html.unescape(client.get("/web/scheme").text)
    client.get("/language/en")
    english = html.unescape(client.get("/web/scheme").text)
    client.get("/language/zh_CN")
    assert "<strong>兴和县医院绩效工资分配方案</strong>" in chinese
    assert "Xinghe County Hospital" not in chinese
    assert "<strong>Xinghe County Hospital performance-pay distribution</strong>" in english
    assert "兴和县医院绩效工资分配方案" not in english


def test_grades_are_for_the_roles_that_read_everything(as_role: Any) -> None:
    answer = as_role("head").get("/web/charts/grades?period=2026-Q1")
    assert answer.status_code == 403
    assert "data-chart" not in answer.text


def test_an_english_refusal_keeps_the_scheme_key_it_starts_with(as_role: Any) -> None:
    """The English page writes a reason in sentence case, but a reason that starts with
    an id (the grading scheme's key) keeps the id as the ledger spells it."""
    client = as_role("finance")
    client.get("/language/en")
    answer = client.get("/web/charts/grades?period=2026-03")
    assert answer.status_code == 422
    assert '<p class="reason">team-quarterly@1 grades by quarter, not month</p>' in answer.text
    client.get("/language/zh_CN")
    chinese = client.get("/web/charts/grades?period=2026-03").text
    assert '<p class="reason">team-quarterly@1 按 季度 评定等次，不按 月</p>' in chinese


def test_the_chart_script_is_served_and_no_script_is_inline(as_role: Any) -> None:
    client = as_role("finance")
    page = client.get("/web/charts/per-point").text
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page) == []
    for source in re.findall(r'<script src="([^"]+)"', page):
        assert client.get(source).status_code == 200, source
