"""The exports say what they hold, through the command line in both languages: the
statement's 实发金额 is the net the bank file and the payslip pay (应发 beside it, and the
tax payroll withheld); `verify-document` says the amounts a page shows; a payslip says
as of which ledger moment it was computed; the payroll workbook's amounts read back to
the fen and its properties are in the file's language; a file that is no readable PDF
is refused in the reader's words, not pypdf's."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from builders import GOLDEN, Cli, cli_for
from pypdf import PdfReader

from api.documents.amounts import figures
from api.documents.model import Stamp
from api.documents.payslip import PayLine, Payslip, write_payslips

TAX = Decimal("336.03")
GROSS_NET = ("应发金额", "代扣个税", "实发金额")


@pytest.fixture
def paid(store, tmp_path: Path) -> tuple[Cli, dict[str, Any]]:  # type: ignore[no-untyped-def]
    """Worked example 3: Q1 closed with nothing withheld, a correction recovered in Q2;
    payroll reports 336.03 withheld from everyone in Q2, which is then closed; everyone
    has a bank account on record."""
    key = tmp_path / "master.key"
    cli = cli_for(store.backend, store.env)
    cli.ok("keys", "master", "--output", str(key))
    cli = Cli({**cli.environ, "JIXIAO_MASTER_KEY_FILE": str(key)})
    cli.ok("apply", str(GOLDEN / "example-3" / "commands.jsonl"))
    cli.ok("close", "--period", "2026-Q1")
    cli.ok("apply", str(GOLDEN / "example-3" / "correction.jsonl"))
    q2 = cli.payout("2026-Q2")
    for n, person in enumerate(q2["people"], start=1):
        cli.ok("personal", "record", "--employee", person["employee_id"], "--bank-name",
               "中国工商银行", "--account", f"62270000111122{n:04d}")
    sheet = tmp_path / "withholding.csv"
    sheet.write_text("pay_period,employee_id,tax_withheld_cny\n" + "".join(
        f"2026-Q2,{p['employee_id']},{TAX}\n" for p in q2["people"]), encoding="utf-8")
    cli.ok("import", "withholding", str(sheet))
    cli.ok("close", "--period", "2026-Q2")
    return cli, q2


def _bank_net(cli: Cli, tmp_path: Path) -> dict[str, Decimal]:
    bank = tmp_path / "bank.csv"
    cli.ok("export", "bank", "--period", "2026-Q2", "--output", str(bank))
    rows = list(csv.reader(io.StringIO(bank.read_bytes().decode("gbk"))))
    return {r[2]: Decimal(r[3]) for r in rows[1:-1]}


def _statement_rows(cli: Cli, period: str, tmp_path: Path) -> tuple[list[dict[str, Any]], ...]:
    """The statement export's person rows, from the workbook and from the CSV."""
    book_path, csv_path = tmp_path / f"{period}.xlsx", tmp_path / f"{period}.csv"
    cli.ok("export", "statement", "--period", period, "--output", str(book_path))
    cli.ok("export", "statement", "--period", period, "--format", "csv", "--output",
           str(csv_path))
    book = openpyxl.load_workbook(book_path)
    from_book = []
    for sheet in book.worksheets[1:]:  # 汇总 first, then a sheet per department
        rows = list(sheet.iter_rows(min_row=2, values_only=True))
        assert list(rows[0][-3:]) == list(GROSS_NET)
        from_book += [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    summary = [c.value for c in book.worksheets[0][2]]
    assert summary[-3:] == list(GROSS_NET)
    lines = list(csv.reader(io.StringIO(csv_path.read_bytes().decode("utf-8-sig"))))
    assert lines[0][-3:] == list(GROSS_NET)
    from_csv = [dict(zip(lines[0], r, strict=True)) for r in lines[1:-1]]
    return from_book, from_csv


@pytest.mark.parametrize("lang", ["en", None])
def test_the_statements_net_column_pays_what_the_bank_file_pays(paid, tmp_path, lang) -> None:  # type: ignore[no-untyped-def]
    cli, q2 = paid
    cli = Cli(cli.environ, lang=lang)
    net = _bank_net(cli, tmp_path)
    from_book, from_csv = _statement_rows(cli, "2026-Q2", tmp_path)
    assert len(from_book) == len(from_csv) == len(q2["people"])
    for person, row, text in zip(q2["people"], from_book, from_csv, strict=True):
        gross = Decimal(person["total"])
        assert row["工号"] == text["工号"] == person["employee_id"]
        assert Decimal(str(row["应发金额"])) == Decimal(text["应发金额"]) == gross
        assert Decimal(str(row["代扣个税"])) == Decimal(text["代扣个税"]) == TAX
        assert Decimal(str(row["实发金额"])) == Decimal(text["实发金额"]) \
            == net[person["name"]] == gross - TAX
    # Q1: payroll reported nothing; 代扣个税 is blank and 实发 is 应发.
    q1 = cli.payout("2026-Q1")
    from_book, from_csv = _statement_rows(cli, "2026-Q1", tmp_path)
    for person, row, text in zip(q1["people"], from_book, from_csv, strict=True):
        gross = Decimal(person["total"])
        assert row["代扣个税"] is None
        assert text["代扣个税"] == ""
        assert Decimal(str(row["实发金额"])) == Decimal(text["实发金额"]) == gross


@pytest.mark.parametrize("lang", ["en", None])
def test_verify_document_says_the_amounts_the_page_shows(paid, tmp_path, lang) -> None:  # type: ignore[no-untyped-def]
    cli, q2 = paid
    cli = Cli(cli.environ, lang=lang)
    ward = next(p for p in q2["people"] if p["employee_id"] == "ward-01")
    gross, net = Decimal(ward["total"]), Decimal(ward["total"]) - TAX
    for period, shown in (("2026-Q2", (gross, TAX, net)), ("2026-Q1", None)):
        out = tmp_path / period
        cli.ok("payslips", "--period", period, "--output", str(out))
        verified = cli.ok("verify-document", str(next(out.glob("*ward*.pdf")))).out
        line = next(x for x in verified.splitlines() if "ward-01" in x)
        if shown is None:  # nothing withheld in Q1: 应发 is 实发
            q1 = figures(Decimal(next(p for p in cli.payout("2026-Q1")["people"]
                                      if p["employee_id"] == "ward-01")["total"]))
            assert line == (f"ok   2026-Q1 ward-01: gross {q1}, net {q1}" if lang else
                            f"一致 2026-Q1 ward-01：应发 {q1}，实发 {q1}")
            continue
        g, t, n = map(figures, shown)
        assert line == (f"ok   2026-Q2 ward-01: gross {g}, tax withheld {t}, net {n}" if lang
                        else f"一致 2026-Q2 ward-01：应发 {g}，代扣个税 {t}，实发 {n}")
        assert f"实发金额：{n}" in "".join(
            p.extract_text() for p in PdfReader(next(out.glob("*ward*.pdf"))).pages)


def _last_event(cli: Cli) -> tuple[int, str]:
    """The ledger's last event: its position and when it was recorded, as a person in
    the organisation's zone reads it."""
    last = json.loads(cli.ok("events", "--json", "--limit", "1").out)
    moment = datetime.fromisoformat(last["recorded_at"]).astimezone(ZoneInfo("Asia/Shanghai"))
    chain = re.search(r"up to position (\d+)", Cli(cli.environ, lang="en").ok("verify").out)
    assert chain is not None
    return int(chain[1]), moment.strftime("%Y-%m-%d %H:%M:%S")


def test_a_payslip_says_as_of_which_ledger_moment_it_was_computed(paid, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli, _q2 = paid
    position, moment = _last_event(cli)
    said = f"账本截至: 第 {position} 号事件，记录于 {moment}（北京时间）"
    out = tmp_path / "pdf"
    cli.ok("payslips", "--period", "2026-Q2", "--output", str(out))
    pages = [p.extract_text() for f in sorted(out.glob("*.pdf")) for p in PdfReader(f).pages]
    assert pages
    assert all(said in page for page in pages), pages[0]
    cli.ok("payslips", "--period", "2026-Q2", "--output", str(tmp_path / "xlsx"), "--format",
           "xlsx")
    book = openpyxl.load_workbook(next((tmp_path / "xlsx").glob("*ward*.xlsx")))
    cells = [c for row in book.active.iter_rows(values_only=True) for c in row if c]
    codes = [c for c in cells if str(c).startswith("核验码")]
    assert codes
    assert [c for c in cells if c == said] == [said] * len(codes)  # in every block
    # Anything recorded later is a later moment: a slip printed now says so.
    cli.ok("personal", "record", "--employee", "ward-01", "--bank-name", "中国银行")
    later, _ = _last_event(cli)
    cli.ok("payslips", "--period", "2026-Q2", "--output", str(tmp_path / "again"))
    text = PdfReader(next((tmp_path / "again").glob("*ward*.pdf"))).pages[0].extract_text()
    assert later > position
    assert f"第 {later} 号事件" in text


def test_a_payslip_written_before_the_as_of_line_still_verifies(paid, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A page as earlier versions wrote it (no 账本截至 line) is checked as before."""
    cli, _q2 = paid
    out = tmp_path / "q1"
    cli.ok("payslips", "--period", "2026-Q1", "--output", str(out))
    page = PdfReader(next(out.glob("*ward*.pdf"))).pages[0].extract_text()
    code = next(x for x in page.splitlines() if "JX1|" in x).split(": ", 1)[1]
    total = Decimal(code.split("|")[3])
    old = write_payslips("x", Stamp(code.split("|")[5], "x"), [Payslip(
        "Ward nurse 1", "ward-01", "病区 ward", "2026年第1季度",
        [PayLine("绩效工资", "", total)], total, code)], "2026-04-01 09:00:00")
    assert "账本截至" not in PdfReader(io.BytesIO(old)).pages[0].extract_text()
    path = tmp_path / "old.pdf"
    path.write_bytes(old)
    assert cli.ok("verify-document", str(path)).out.splitlines()[-1] == "matches the ledger"


def test_the_payroll_workbook_holds_the_fen_and_says_its_stamp_in_chinese(paid, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli, q2 = paid
    sha = next(e["statement_sha256"] for e in map(
        json.loads, cli.ok("events", "--json", "--limit", "100000").out.splitlines())
        if e["type"] == "PeriodClosed" and e["period"] == "2026-Q2")
    for lang in ("en", None):
        path = tmp_path / f"payroll-{lang}.xlsx"
        Cli(cli.environ, lang=lang).ok("export", "payroll", "--period", "2026-Q2",
                                       "--output", str(path))
        book = openpyxl.load_workbook(path)
        assert book.properties.subject == f"已结账 · 报表哈希 SHA-256: {sha}"
        sheet = book.active
        amounts = [row[-1] for row in sheet.iter_rows(min_row=2)]
        assert {c.number_format for c in amounts} == {"#,##0.00"}
        # Each amount read back is the ledger's fen exactly (its digits, no float's
        # tail), and a person's lines add up to their 应发.
        read = [Decimal(repr(c.value)) for c in amounts]
        assert all(x.as_tuple().exponent >= -2 for x in read)
        by_person: dict[str, Decimal] = {}
        for row, amount in zip(sheet.iter_rows(min_row=2, values_only=True), read[:-1],
                               strict=False):
            by_person[str(row[0])] = by_person.get(str(row[0]), Decimal(0)) + amount
        assert by_person == {p["employee_id"]: Decimal(p["total"]) for p in q2["people"]
                             if Decimal(p["total"]) != 0}
        assert read[-1] == Decimal(q2["totals"]["paid"])


@pytest.mark.parametrize("lang", ["en", None])
def test_a_file_that_is_no_readable_pdf_is_refused_in_the_readers_words(
        paid, tmp_path, lang) -> None:  # type: ignore[no-untyped-def]
    cli, _q2 = paid
    cli = Cli(cli.environ, lang=lang)
    workbook = tmp_path / "slips"
    cli.ok("payslips", "--period", "2026-Q2", "--output", str(workbook), "--format", "xlsx")
    cli.ok("payslips", "--period", "2026-Q2", "--output", str(tmp_path / "pdf"))
    whole = next((tmp_path / "pdf").glob("*ward*.pdf")).read_bytes()
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(whole[: len(whole) // 3])
    text = tmp_path / "note.pdf"
    text.write_text("工资条", encoding="utf-8")
    said = {
        "en": ("error: the file is a workbook (XLSX), not a PDF: only payslip PDFs can be "
               "checked; write the payslips as PDF and check that file",
               "error: the PDF is damaged and cannot be read: print the payslips again",
               "error: the file is not a PDF: only payslip PDFs can be checked; write the "
               "payslips as PDF and check that file"),
        None: ("错误：文件是工作簿（XLSX），不是 PDF：只能核验 PDF 格式的工资条；请把工资条生成为 "
               "PDF，再核验那个文件",
               "错误：PDF 文件已损坏，无法读取：请重新生成工资条",
               "错误：文件不是 PDF：只能核验 PDF 格式的工资条；请把工资条生成为 PDF，"
               "再核验那个文件"),
    }[lang]
    for path, expected in zip((next(workbook.glob("*ward*.xlsx")), cut, text), said,
                              strict=True):
        run = cli("verify-document", str(path))
        # One line, the reason alone: no pypdf warning ("EOF marker not found") beside it.
        assert (run.code, run.err) == (2, expected + "\n")
