"""The period's files over HTTP (`GET /periods/{p}/exports/{what}`), on SQLite and
PostgreSQL: the same files as `jixiao export`, sent as files with their media type and a
Chinese file name, scoped by role, and re-opened here as a person would open them."""

from __future__ import annotations

import base64
import csv
import io
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from urllib.parse import unquote

import pytest
from builders import Cli, cli_for
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from pypdf import PdfReader
from seeding import Served, seed

from api.http.app import create_app
from api.http.settings import ServerSettings

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TAX = Decimal("10.00")


@pytest.fixture
def served(store, tmp_path: Path) -> Iterator[tuple[Served, Cli]]:  # type: ignore[no-untyped-def]
    """The HTTP seed with 2026-Q1 closed, everyone's account and withholding recorded."""
    key = tmp_path / "master.key"
    cli = cli_for(store.backend, store.env)
    cli.ok("keys", "master", "--output", str(key))
    tokens = seed(store.env)
    cli = Cli({**cli.environ, "JIXIAO_MASTER_KEY_FILE": str(key)})
    cli.ok("close", "--period", "2026-Q1")
    rows = ["pay_period,employee_id,tax_withheld_cny"]
    for n, person in enumerate(p["employee_id"] for p in cli.payout("2026-Q1")["people"]):
        cli.ok("personal", "record", "--employee", person, "--account", f"62270000{n:08d}")
        rows.append(f"2026-Q1,{person},{TAX}")
    (tmp_path / "tax.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    cli.ok("import", "withholding", str(tmp_path / "tax.csv"))
    app = create_app(ServerSettings(store_env=store.env, master_key_file=str(key)))
    with TestClient(app) as client:
        yield Served(store.env, client, tokens), cli


def _values(content: bytes) -> dict[str, list[tuple[object, ...]]]:
    book = load_workbook(io.BytesIO(content))
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}


def test_the_statement_comes_as_a_workbook_named_in_chinese(served, tmp_path) -> None:  # type: ignore[no-untyped-def]
    http, cli = served
    reply = http.get("finance", "/periods/2026-Q1/exports/statement")
    assert reply.status_code == 200, reply.text
    assert reply.headers["content-type"] == XLSX
    disposition = reply.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="statement-2026-Q1.xlsx"')
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == "绩效工资发放表-2026-Q1.xlsx"
    local = tmp_path / "s.xlsx"
    cli.ok("export", "statement", "--period", "2026-Q1", "--output", str(local))
    assert _values(reply.content) == _values(local.read_bytes())  # the CLI's file
    sheets = _values(reply.content)
    statement = cli.payout("2026-Q1")
    people = [r for title, rows in sheets.items() if title != "汇总" for r in rows[2:]]
    header = sheets["汇总"][1]
    assert "应发金额" in header
    department = next(rows for title, rows in sheets.items() if title != "汇总")
    total_column = department[1].index("应发金额")
    assert sum(Decimal(str(r[total_column])) for r in people).quantize(Decimal("0.01")) \
        == Decimal(statement["totals"]["paid"])
    assert "SHA-256" in str(sheets["汇总"][0][2])  # closed: the statement's hash


def test_csv_pdf_and_json_forms(served) -> None:  # type: ignore[no-untyped-def]
    http, _ = served
    reply = http.get("auditor", "/periods/2026-Q1/exports/reconciliation", format="csv",
                     encoding="gbk")
    assert reply.status_code == 200, reply.text
    assert reply.headers["content-type"] == "text/csv; charset=gbk"
    rows = list(csv.reader(io.StringIO(reply.content.decode("gbk"))))
    assert rows[0] == ["项目", "金额", "英文标识 (line id)"]
    labels = {row[2]: row[0] for row in rows[1:-1]}
    assert labels["paid to people"] == "发放给个人"  # Chinese, the id beside it
    assert labels["distributable pool"] == "可分配绩效总额"
    pdf = http.get("finance", "/periods/2026-Q1/exports/reconciliation", format="pdf")
    assert pdf.status_code == 200, pdf.text
    assert pdf.headers["content-type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "发放给个人" in text
    assert "SHA-256" in text  # closed: the statement's hash on the page
    as_json = http.client.get("/periods/2026-Q1/exports/restatement?format=xlsx", headers={
        **http.headers("finance"), "Accept": "application/json"})
    assert as_json.status_code == 200, as_json.text
    body = as_json.json()
    assert body["title"] == "已结账期间重算表-2026-Q1.xlsx"
    assert body["media_type"] == XLSX
    load_workbook(io.BytesIO(base64.b64decode(body["content_base64"])))


def test_payroll_and_bank_files_as_the_cli_writes_them(served) -> None:  # type: ignore[no-untyped-def]
    http, cli = served
    payroll = http.get("finance", "/periods/2026-Q1/exports/payroll")
    assert payroll.status_code == 200, payroll.text
    sheet = load_workbook(io.BytesIO(payroll.content)).active
    assert next(sheet.iter_rows(values_only=True))[-1] == "应发金额"
    bank = http.get("finance", "/periods/2026-Q1/exports/bank")
    assert bank.status_code == 200, bank.text
    assert bank.headers["content-type"] == "text/csv; charset=gbk"
    assert "filename*=UTF-8''" in bank.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(bank.content.decode("gbk"))))
    paid = -Decimal(cli.ok("reconcile", "--period", "2026-Q1", "--json").json()
                    ["lines"][-1]["amount"])
    assert Decimal(rows[-1][3]) == paid - TAX * (len(rows) - 2)


@pytest.mark.parametrize(("role", "what", "status"), [
    ("head", "statement", 200), ("employee", "statement", 200), ("head", "reconciliation", 403),
    ("employee", "payroll", 403), ("head", "payroll", 403), ("auditor", "payroll", 200),
    ("auditor", "bank", 403), ("reviewer", "bank", 403), ("administrator", "bank", 200),
    ("anonymous", "statement", 401), ("finance", "payslips", 422),
])
def test_each_role_gets_the_files_its_reports_allow(served, role, what, status) -> None:  # type: ignore[no-untyped-def]
    http, _ = served
    before = http.event_count()
    reply = http.get(role, f"/periods/2026-Q1/exports/{what}")
    assert reply.status_code == status, reply.text
    if status != 200:
        assert http.event_count() == before  # a head's read of others is logged (issue 14)
    if status != 200 or what != "statement":
        return
    people = [r for title, rows in _values(reply.content).items() if title != "汇总"
              for r in rows[2:]]
    ids = {r[0] for r in people}
    assert ids == ({"li"} if role == "employee" else {"zhang", "li", "wang"})


def test_a_bad_period_or_format_is_refused_by_name(served) -> None:  # type: ignore[no-untyped-def]
    http, _ = served
    reply = http.get("finance", "/periods/2026-Q9/exports/statement")
    assert reply.status_code == 422
    assert "2026-Q9" in reply.json()["error"]["message"]
    reply = http.get("finance", "/periods/2026-Q1/exports/payroll", format="pdf")
    assert reply.status_code == 422
    assert "xlsx" in reply.text


def test_finance_sends_payrolls_withholding_and_the_payment_channel(served) -> None:  # type: ignore[no-untyped-def]
    http, _ = served
    body = "发放期间,工号,代扣个税\r\n2026-Q2,li,9.99\r\n".encode("gbk")
    for role in ("head", "auditor", "employee"):
        refused = http.client.post("/imports/withholding?filename=tax.csv", content=body,
                                   headers=http.headers(role))
        assert refused.status_code == 403, (role, refused.text)
    imported = http.client.post("/imports/withholding?filename=tax.csv", content=body,
                                headers=http.headers("finance"))
    assert imported.status_code == 201, imported.text
    assert (imported.json()["recorded"], imported.json()["encoding"]) == (1, "gb18030")
    declared = http.post("finance", "/commands", {"type": "declare_payment_channel",
                                                   "channel": "payroll",
                                                   "from_period": "2026-Q2"})
    assert declared.status_code == 201, declared.text
