"""A statement's notes under the finance statement page read in the page's language: they
are English ids in the hashed statement, and a Chinese page showed them as they are
(「scheme xinghe-county-hospital@2 (…)」 under 「发放表」)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from web_support import Demo, sign_in


def test_the_statement_s_notes_read_in_the_page_s_language(app_client: TestClient,
                                                           demo: Demo) -> None:
    sign_in(app_client, "finance", demo.passwords["finance"])
    page = app_client.get("/web/periods/2026-Q4").text
    assert ('<p class="muted">方案 xinghe-county-hospital@2（002_db447562deed9801.txt:'
            'L805-L1073）</p>') in page
    # the year end's lapsing bank: one language, its amount as money (it read 「25005.68」)
    assert '<p class="muted">调节金结余年末失效（超年度无效）：¥25,005.68</p>' in page
    assert "scheme xinghe" not in page
    app_client.get("/language/en")
    english = app_client.get("/web/periods/2026-Q4").text
    assert ('<p class="muted">Scheme xinghe-county-hospital@2 (002_db447562deed9801.txt:'
            'L805-L1073)</p>') in english  # sentence case: the note starts a line
    assert ("<p class=\"muted\">The bank&#39;s balance lapsing at the year end: ¥25,005.68</p>"
            in english)
    assert "超年度无效" not in english
