"""The finance periods list shows each period's pool as the amount shared out (the
statement's distributable line), not the sum of the lines it was derived from."""

from __future__ import annotations

import re
from decimal import Decimal

from fastapi.testclient import TestClient
from web_support import Demo, sign_in

from api.storage.session import Session
from api.usecases import reports
from api.usecases.ports import Caller


def _money_cells(html: str, period: str) -> list[Decimal]:
    row = re.search(rf'<tr><td><a href="/web/periods/{period}">.*?</tr>', html, re.S)
    assert row, html[:800]
    return [Decimal(text.replace(",", ""))
            for text in re.findall(r"¥(-?[\d,]+\.\d\d)", row.group(0))]


def test_the_pool_column_is_the_distributable_pool(app_client: TestClient, demo: Demo) -> None:
    with Session(demo.env) as session:
        statement = reports.payout(session, Caller("test"), reports.ReportQuery("2026-Q1"))
    lines = {line["line"]: Decimal(line["amount"]) for line in statement["pool"]}
    assert len(lines) > 1  # a derivation: revenue, gross, reserve, ... distributable
    sign_in(app_client, "finance", demo.passwords["finance"])
    page = app_client.get("/web/periods")
    assert page.status_code == 200
    pool_cell, paid_cell = _money_cells(page.text, "2026-Q1")[:2]
    assert pool_cell == lines["distributable"]
    assert pool_cell != sum(lines.values())
    assert paid_cell == Decimal(statement["totals"]["paid"])
