"""The employee's payslip page pays what the bank file pays: 应发 (gross), the tax payroll
reported withheld, and 实发 (net) as its headline, in both languages; with nothing
withheld, 实发 is the gross."""

from __future__ import annotations

import html
import re
from decimal import Decimal
from pathlib import Path

from builders import cli_for
from fastapi.testclient import TestClient
from web_support import Demo, sign_in

from api.http.app import create_app
from api.http.settings import ServerSettings
from api.i18n.formats import money

EMPLOYEE, PERIOD = "E0001", "2026-Q1"  # the demo's employee account (韦斌琳)
TAX = Decimal("336.03")
WORDS = {"en": ("Gross pay", "Income tax withheld", "Net pay"),
         "zh_CN": ("应发金额", "代扣个税", "实发金额")}


def _rows(page: str) -> dict[str, str]:
    card = page.split('<div class="card">', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r'<td>([^<]*)</td><td class="num">([^<]*)</td>', card)
    headline = re.search(r'<div class="amount">([^<]*)</div>', card)
    assert headline is not None
    return {"headline": headline.group(1), **dict(rows)}


def _pages(client: TestClient) -> dict[str, dict[str, str]]:
    shown = {}
    for lang in WORDS:
        client.get(f"/language/{lang}")
        page = client.get(f"/web/me/statement?period={PERIOD}")
        assert page.status_code == 200
        shown[lang] = _rows(html.unescape(page.text))
    return shown


def test_the_payslip_page_shows_the_tax_withheld_and_the_net(demo: Demo,
                                                             tmp_path: Path) -> None:
    cli = cli_for("sqlite", demo.env)
    gross = Decimal(next(p for p in cli.payout(PERIOD)["people"]
                         if p["employee_id"] == EMPLOYEE)["total"])
    client = TestClient(create_app(ServerSettings(store_env=demo.env)))
    sign_in(client, "employee", demo.passwords["employee"])
    shown = _pages(client)
    for lang, (gross_word, tax_word, net_word) in WORDS.items():
        rows = shown[lang]
        assert rows["headline"] == rows[gross_word] == rows[net_word] == money(gross)
        assert tax_word not in rows
    sheet = tmp_path / "withholding.csv"
    sheet.write_text(f"pay_period,employee_id,tax_withheld_cny\n{PERIOD},{EMPLOYEE},{TAX}\n",
                     encoding="utf-8")
    cli.ok("import", "withholding", str(sheet))
    shown = _pages(client)
    for lang, (gross_word, tax_word, net_word) in WORDS.items():
        rows = shown[lang]
        assert rows[gross_word] == money(gross)
        assert rows[tax_word] == money(TAX)
        assert rows["headline"] == rows[net_word] == money(gross - TAX)
