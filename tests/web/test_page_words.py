"""What a person reads on the pages, in either language: points as a number (not the
statement's exact fraction), each event type by its name, a closed period's close (not a
way to close it again), every amount with ¥, English that starts a cell in sentence case,
and one language to a label (a draft export said 「草稿 DRAFT」)."""

from __future__ import annotations

import html
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient
from journey_support import Ledger
from pypdf import PdfReader
from web_support import Demo, copy_demo, sign_in

from api.http.app import create_app
from api.http.settings import ServerSettings

LOCALE = Path(__file__).resolve().parents[2] / "api" / "i18n" / "locale" / "zh_CN" / "LC_MESSAGES"
EXACT_FRACTION = re.compile(r'<td class="num">-?\d+/\d+</td>')


@pytest.fixture(scope="module")
def closed(demo_master: Demo, tmp_path_factory: pytest.TempPathFactory) -> Demo:
    """The demo year with 2026-Q1 closed by two people (finance prepares, finance2
    approves); the other periods are open."""
    demo = copy_demo(demo_master, tmp_path_factory.mktemp("words"))
    Ledger(demo.env).close_q1()
    return demo


@pytest.fixture(scope="module")
def pages(closed: Demo) -> Iterator[dict[str, TestClient]]:
    """A signed-in client per role on the ledger above."""
    app = create_app(ServerSettings(store_env=closed.env))
    with TestClient(app) as finance, TestClient(app) as auditor, TestClient(app) as head:
        clients = {"finance": finance, "auditor": auditor, "head": head}
        for user, client in clients.items():
            sign_in(client, user, closed.passwords[user])
        yield clients


def in_language(client: TestClient, language: str, path: str, **params: Any) -> str:
    client.get(f"/language/{language}")
    answer = client.get(path, params=params)
    assert answer.status_code == 200, answer.text[:500]
    return answer.text


def row_of(page: str, text: str) -> str:
    found = re.search(rf"<tr>(?:(?!</tr>).)*{re.escape(text)}(?:(?!</tr>).)*</tr>", page, re.S)
    assert found, text
    return html.unescape(found.group(0))


@pytest.mark.parametrize(("language", "title"), [("zh_CN", "精确值：837357/7564"),
                                                 ("en", "exact value: 837357/7564")])
def test_the_year_end_statement_shows_points_to_two_places(
        pages: dict[str, TestClient], language: str, title: str) -> None:
    page = in_language(pages["finance"], language, "/web/periods/2026-YE")
    assert EXACT_FRACTION.findall(page) == []
    # E0096's year-end points are 837357/7564 exactly: the page rounds them half-up for
    # reading and keeps the exact value in the cell's title; pay is the exact figure's.
    assert f'<span class="rounded" title="{title}">110.70</span>' in row_of(page, "E0096")
    assert '<td class="num">103.50</td>' in row_of(page, "E0099")  # short values padded


@pytest.mark.parametrize(("language", "name"), [("zh_CN", "期间结账"), ("en", "Period closed")])
def test_the_history_names_each_event_type_with_its_id_beside_it(
        pages: dict[str, TestClient], language: str, name: str) -> None:
    page = in_language(pages["auditor"], language, "/web/audit", type="PeriodClosed")
    row = row_of(page, "finance2")
    assert f'<td>{name} <small class="muted type-id">PeriodClosed</small></td>' in row
    assert "<td>PeriodClosed</td>" not in page


@pytest.mark.parametrize(("language", "closed_by"), [
    ("zh_CN", r"finance2 于 2\d{3}-\d\d-\d\d \d\d:\d\d:\d\d \+08:00"),
    ("en", r"on 2\d{3}-\d\d-\d\d \d\d:\d\d:\d\d \+08:00 by finance2")])
def test_a_closed_period_shows_its_close_and_offers_no_close(
        pages: dict[str, TestClient], language: str, closed_by: str) -> None:
    page = in_language(pages["finance"], language, "/web/periods")
    q1 = row_of(page, "/web/periods/2026-Q1\"")
    assert "/web/periods/2026-Q1/close" not in q1
    assert re.search(closed_by, q1), q1
    assert "+08:00 结账" not in q1  # beside the 已结账 badge: 「已结账 finance2 于 …」, once
    assert "/web/periods/2026-Q2/close" in row_of(page, "/web/periods/2026-Q2\"")
    form = in_language(pages["finance"], language, "/web/periods/2026-Q1/close")
    assert re.search(closed_by, form), form
    assert 'name="action"' not in form


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_every_balance_is_written_with_the_yuan_sign(pages: dict[str, TestClient],
                                                      language: str) -> None:
    periods = in_language(pages["finance"], language, "/web/periods")
    cells = [re.findall(r'<td class="num">([^<]*)</td>', row_of(periods, f"/web/periods/{p}\""))
             for p in ("2026-Q1", "2026-Q2", "2026-YE")]
    assert [row[-1] for row in cells] == ["¥0.00"] * 3  # pool, paid, people, balance
    reconciliation = in_language(pages["finance"], language,
                                 "/web/periods/2026-Q4/reconciliation")
    assert reconciliation.count("<strong>¥0.00</strong>") == 1
    assert '<tr class="total"><td>' in reconciliation
    assert re.search(r'<tr class="total"><td>[^<]+</td><td class="num">¥0\.00</td>',
                     reconciliation)
    statement = in_language(pages["finance"], language, "/web/periods/2026-Q4")
    assert re.search(r"<span>[^<]+</span><strong>¥0\.00</strong>", statement)


def test_english_cells_and_notes_start_in_sentence_case(pages: dict[str, TestClient]) -> None:
    statement = in_language(pages["finance"], "en", "/web/periods/2026-YE")
    assert "<td>Paid</td>" in row_of(statement, "E0095")
    assert "<td>Excluded</td>" in row_of(statement, "E0097")
    assert '<p class="muted">Scheme xinghe-county-hospital@2' in statement
    reconciliation = in_language(pages["finance"], "en", "/web/periods/2026-Q4/reconciliation")
    assert "<td>Distributable pool</td>" in reconciliation
    assert "<td>Paid to people</td>" in reconciliation
    grid = in_language(pages["head"], "en", "/web/entry")
    assert "<th>Workload</th><th>Scheduled days</th>" in grid
    history = in_language(pages["auditor"], "en", "/web/audit", type="PeriodClosed")
    assert "<td>Yes</td>" in history
    # Chinese has no case: the same cells read as before
    chinese = in_language(pages["finance"], "zh_CN", "/web/periods/2026-YE")
    assert "<td>已发放</td>" in row_of(chinese, "E0095")
    assert "<th>工作量</th><th>应出勤天数</th>" in in_language(pages["head"], "zh_CN",
                                                              "/web/entry")


def test_a_draft_export_is_marked_in_one_language(pages: dict[str, TestClient]) -> None:
    for language in ("zh_CN", "en"):
        pages["finance"].get(f"/language/{language}")
        answer = pages["finance"].get("/web/periods/2026-Q2/export/statement.pdf")
        assert answer.status_code == 200
        first = PdfReader(io.BytesIO(answer.content)).pages[0].extract_text()
        assert "草稿 · 2026-Q2 未结账" in first
        assert "DRAFT" not in first


def test_no_chinese_text_carries_the_english_word_draft_beside_it() -> None:
    """A decision letter's stamp on an open period said 「草稿 DRAFT · …」: one language."""
    for po in LOCALE.glob("*.po"):
        with po.open("rb") as file:
            both = [m.id for m in read_po(file) if m.id and "草稿" in str(m.string)
                    and "DRAFT" in str(m.string)]
        assert both == [], po.name


@pytest.mark.parametrize(("language", "said", "other"), [
    ("zh_CN", ["'xx' 不是日期，应写作 2026-03-20",
               "'2026-01-01Tx' 不是时间，应写作 2026-04-05T14:03"], "not a"),
    ("en", ["'xx' is not a date like 2026-03-20",
            "'2026-01-01Tx' is not a time like 2026-04-05T14:03"], "不是")])
def test_a_mistyped_date_in_the_history_s_filter_is_refused_in_one_language(
        pages: dict[str, TestClient], language: str, said: list[str], other: str) -> None:
    client = pages["auditor"]
    client.get(f"/language/{language}")
    for params, words in (({"since": "xx"}, said[0]), ({"until": "2026-01-01Tx"}, said[1])):
        answer = client.get("/web/audit", params=params)
        assert answer.status_code == 422
        text = html.unescape(answer.text)
        assert words in text
        assert other not in text.split("<main", 1)[1]


def test_an_english_error_page_states_its_reason_in_sentence_case(
        pages: dict[str, TestClient]) -> None:
    client = pages["finance"]
    client.get("/language/en")
    answer = client.get("/web/appeals/Anope")
    assert answer.status_code == 404
    assert '<p class="reason">No appeal &#39;Anope&#39;</p>' in answer.text
    client.get("/language/zh_CN")
    assert '<p class="reason">没有申诉 &#39;Anope&#39;</p>' in client.get("/web/appeals/Anope").text


@pytest.mark.parametrize(("language", "label"), [("zh_CN", "平衡差额："), ("en", "Balance: ")])
def test_a_label_before_its_value_has_the_reader_s_colon(
        pages: dict[str, TestClient], language: str, label: str) -> None:
    # 「平衡差额: ¥0.00」 put an ASCII colon in a Chinese line (nine labels across the pages).
    page = in_language(pages["finance"], language, "/web/periods/2026-Q4/reconciliation")
    assert f">{label}<strong>¥0.00</strong>" in page
    if language == "zh_CN":
        assert "平衡差额:" not in page
