"""Exports and documents through the CLI: the statement as XLSX read back to the fen,
CSV encodings, payslips whose text carries the capitals and the hash and that
verify-document checks, and decision letters."""

from __future__ import annotations

import csv
import json
import re
import zipfile
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from uuid import uuid5

import pytest
from builders import GOLDEN, Cli, cli_for
from openpyxl import load_workbook
from pypdf import PdfReader

from api.documents.amounts import capitals, figures
from api.documents.csvfile import write_csv
from api.documents.model import Book, Column, Sheet, Stamp
from api.documents.payslip import PayLine, Payslip, write_payslips
from api.i18n import use_language
from api.i18n.messages import translate
from domain.application import IDEMPOTENCY_NAMESPACE
from domain.errors import InvalidRequestError

LI_COMPLAINT = str(uuid5(IDEMPOTENCY_NAMESPACE, "ex1-li-complaint"))


def _hospital(store):  # type: ignore[no-untyped-def]
    cli = cli_for(store.backend, store.env)
    cli.ok("apply", str(GOLDEN / "example-1" / "commands.jsonl"))
    return cli


def _text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def _sheet_values(path: Path) -> dict[str, list[tuple[object, ...]]]:
    book = load_workbook(path)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}


def test_the_statement_xlsx_reads_back_to_the_fen(store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli = _hospital(store)
    cli.ok("close", "--period", "2026-Q1")
    statement = cli.payout("2026-Q1")
    out = tmp_path / "s.xlsx"
    cli.ok("export", "statement", "--period", "2026-Q1", "--output", str(out))
    book = load_workbook(out)
    summary, *departments = book.worksheets
    # Every sheet: stamp in row 1, frozen Chinese header in row 2, 应发金额 the payable
    # (实发金额 is the same: payroll reported no tax).
    for ws in book.worksheets:
        assert "SHA-256" in str(ws.cell(1, 3).value)
        assert ws.freeze_panes == "A3"
    sheet = departments[0]
    headers = [c.value for c in sheet[2]]
    assert headers[-3:] == ["应发金额", "代扣个税", "实发金额"]
    assert "工号" in headers
    total_col = headers.index("应发金额")
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    by_id = {r[0]: r for r in rows}
    for line in statement["people"]:
        got = by_id[line["employee_id"]][total_col]
        assert not str(got).startswith("=")  # person rows hold plain values
        assert Decimal(str(got)).quantize(Decimal("0.01")) == Decimal(line["total"])
        assert by_id[line["employee_id"]][-2:] == (None, got)  # nothing withheld
    assert sheet.cell(3, total_col + 1).number_format == "#,##0.00"
    # The summary's totals are formulas over the department sheets; the cells they sum
    # add up to the ledger's total.
    summary_headers = [c.value for c in summary[2]]
    col = summary_headers.index("应发金额") + 1
    formula = summary.cell(3, col).value
    assert formula.startswith("=SUM(")
    assert "!" in formula
    grand = summary.cell(3 + len(departments), col).value
    assert grand == f"=SUM({summary.cell(3, col).column_letter}3:" \
                    f"{summary.cell(3, col).column_letter}{2 + len(departments)})"
    summed = sum(Decimal(str(r[total_col])) for ws in departments
                 for r in ws.iter_rows(min_row=3, values_only=True))
    assert summed.quantize(Decimal("0.01")) == Decimal(statement["totals"]["paid"])
    # A clerk reads names, not codes: the department beside its id, the category and the
    # status in Chinese; the closed statement (hashed) still verifies.
    names = {d["department_id"]: d["name"] for d in statement["departments"]}
    chinese = {"regular": "在编", "paid": "已发放", "excluded": "不参与分配"}
    for line in statement["people"]:
        row = dict(zip(headers, by_id[line["employee_id"]], strict=True))
        assert (row["科室"], row["科室编号"]) == (names[line["department_id"]],
                                             line["department_id"])
        assert (row["类别"], row["状态"]) == (chinese[line["category"]], chinese[line["status"]])
    cli.ok("verify")  # exits 1 if any stored statement no longer matches its hash


# Example 1 with a pool of 30962.60: li is paid 9687.53, which openpyxl wrote into the
# sheet's XML as 9687.530000000001 (`%.16g` of the float).
ODD_POOL = "30962.60"
FEN_TEXT = re.compile(r"-?[0-9]+(\.[0-9]{2})?")  # an amount, or a count (0 for no rows)
NUMBER_CELL = re.compile(r'<c r="([A-Z]+[0-9]+)"[^>]*t="n"[^>]*><v>([^<]*)</v>')


def _stored_numbers(path: Path) -> dict[str, str]:
    """Each number cell of each sheet as the file stores it, by sheet and cell."""
    with zipfile.ZipFile(path) as book:
        return {f"{name}!{cell}": value for name in book.namelist()
                if name.startswith("xl/worksheets/sheet")
                for cell, value in NUMBER_CELL.findall(book.read(name).decode())}


def test_every_workbook_stores_each_amount_as_its_exact_decimal(store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """What an auditor unzipping the file, or any reader, finds is the fen: 9687.53, not
    9687.530000000001; the cells stay numbers formatted #,##0.00."""
    commands = (GOLDEN / "example-1" / "commands.jsonl").read_text(encoding="utf-8")
    assert commands.count('"30962.50"') == 1
    odd = tmp_path / "commands.jsonl"
    odd.write_text(commands.replace('"30962.50"', f'"{ODD_POOL}"'), encoding="utf-8")
    cli = cli_for(store.backend, store.env)
    cli.ok("apply", str(odd))
    li = next(p for p in cli.payout("2026-Q1")["people"] if p["employee_id"] == "li")
    assert li["total"] == "9687.53"
    cli.ok("export", "statement", "--period", "2026-Q1", "--output", str(tmp_path / "s.xlsx"))
    cli.ok("export", "payroll", "--period", "2026-Q1", "--output", str(tmp_path / "p.xlsx"))
    cli.ok("payslips", "--period", "2026-Q1", "--format", "xlsx", "--output",
           str(tmp_path / "slips"))
    for path in [tmp_path / "s.xlsx", tmp_path / "p.xlsx", *(tmp_path / "slips").glob("*")]:
        stored = _stored_numbers(path)
        assert "9687.53" in stored.values(), (path.name, stored)
        inexact = {k: v for k, v in stored.items() if not FEN_TEXT.fullmatch(v)}
        assert not inexact, (path.name, inexact)
        for ws in load_workbook(path).worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    if cell.value == 9687.53:  # read back as a number, shown to the fen
                        assert cell.number_format == "#,##0.00", (path.name, cell.coordinate)


def test_an_open_period_is_a_draft_on_every_sheet_and_page(store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli = _hospital(store)
    for fmt in ("xlsx", "pdf", "csv"):
        out = tmp_path / f"r.{fmt}"
        cli.ok("export", "reconciliation", "--period", "2026-Q1", "--format", fmt,
               "--output", str(out))
        if fmt == "xlsx":
            assert all("草稿" in str(rows[0][2]) for rows in _sheet_values(out).values())
        elif fmt == "pdf":
            assert all("草稿" in p.extract_text() for p in PdfReader(out).pages)
        else:
            raw = out.read_bytes()
            assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM by default
            assert "草稿" in raw.decode("utf-8-sig").splitlines()[-1]


def test_csv_in_gbk_and_a_bad_option(store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli = _hospital(store)
    out = tmp_path / "s.csv"
    cli.ok("export", "statement", "--period", "2026-Q1", "--format", "csv", "--encoding", "gbk",
           "--output", str(out))
    assert out.read_bytes().decode("gbk").startswith("工号,姓名")
    bad = cli("export", "statement", "--period", "2026-Q1", "--format", "docx",
              "--output", str(tmp_path / "x"))
    assert bad.code == 2
    assert "docx" in bad.err
    assert not (tmp_path / "x").exists()
    assert cli("export", "statment", "--period", "2026-Q1", "-o", "x").code == 2


def test_events_are_filtered_like_the_audit_listing(store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli = _hospital(store)
    out = tmp_path / "e.csv"
    cli.ok("export", "events", "--period", "2026-Q1", "--format", "csv", "--type",
           "record_score", "--output", str(out))
    lines = out.read_bytes().decode("utf-8-sig").splitlines()
    assert lines[0].startswith("序号,记录时间（北京时间）")
    assert len(lines) > 2
    assert lines[0].endswith(",类型标识 (type)")  # the class, for a machine, in its own column
    rows = list(csv.DictReader(lines[:-1]))
    assert rows
    assert {(r["类型"], r["类型标识 (type)"]) for r in rows} == {("得分", "ScoreRecorded")}


def test_payslips_carry_capitals_and_hash_and_verify(store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli = _hospital(store)
    cli.ok("close", "--period", "2026-Q1")
    close = next(e for e in map(json.loads, cli.ok("events", "--json").out.splitlines())
                 if e["type"] == "PeriodClosed")
    statement = cli.payout("2026-Q1")
    out = tmp_path / "slips"
    cli.ok("payslips", "--period", "2026-Q1", "--output", str(out))
    files = sorted(out.glob("*.pdf"))
    assert len(files) == 1
    text = _text(files[0]).replace("\n", "")
    li = next(p for p in statement["people"] if p["employee_id"] == "li")
    assert capitals(Decimal(li["total"])) in text
    assert close["statement_sha256"] in text
    assert "草稿" not in text
    assert "2026年第1季度" in text
    verified = cli("verify-document", str(files[0]))
    assert verified.code == 0, verified.out
    shown = figures(Decimal(li["total"]))
    assert verified.out.splitlines()[0] == f"ok   2026-Q1 li: gross {shown}, net {shown}"
    assert verified.out.splitlines()[-1] == "matches the ledger"
    in_chinese = Cli(cli.environ, lang=None)  # the reader's default language
    in_chinese_out = in_chinese("verify-document", str(files[0])).out.splitlines()
    assert in_chinese_out[0] == f"一致 2026-Q1 li：应发 {shown}，实发 {shown}"
    assert in_chinese_out[-1] == "与账本一致"
    # A doctored payslip: the same code with a different amount printed.
    pages = PdfReader(files[0]).pages
    code = next(line for line in pages[0].extract_text().splitlines() if "JX1|" in line)
    code = code.split(": ", 1)[1]
    forged = write_payslips("x", Stamp("0" * 64, "x"), [Payslip(
        "Li", "li", "内科", "2026年第1季度", [PayLine("绩效工资", "", Decimal("99999.00"))],
        Decimal("99999.00"), code.replace(code.split("|")[3], "99999.00"))], "now")
    doctored = tmp_path / "doctored.pdf"
    doctored.write_bytes(forged)
    failed = cli("verify-document", str(doctored))
    assert failed.code == 1
    assert failed.out == ("FAIL page 1: the lines do not match the ledger: its total is "
                          f"{li['total']}\ndoes NOT match the ledger\n")
    assert in_chinese("verify-document", str(doctored)).out == (
        f"不符 第 1 页：金额与账本不符：账本的合计为 {li['total']}\n与账本不符\n")
    missing = in_chinese("verify-document", str(tmp_path / "none.pdf"))
    assert (missing.code, missing.err) == (2, f"错误：{str(tmp_path / 'none.pdf')!r}：文件不存在\n")
    not_pdf = tmp_path / "note.pdf"
    not_pdf.write_bytes(b"")  # not a PDF: said in the reader's language, no pypdf words
    for run, said in ((in_chinese("verify-document", str(not_pdf)), "错误：文件不是 PDF："),
                      (cli("verify-document", str(not_pdf)), "error: the file is not a PDF: ")):
        assert run.code == 2
        assert run.err.startswith(said), run.err


def test_a_decided_appeal_gets_a_decision_letter(store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli = _hospital(store)
    cli.ok("close", "--period", "2026-Q1")
    cli.ok("appeal", "file", "--appeal-id", "A-1", "--employee", "li", "--entry", LI_COMPLAINT,
           "--grounds", "投诉已撤回", "--received-on", "2026-04-01", "--filed-on", "2026-04-03")
    cli.ok("appeal", "assign", "A-1", "--reviewer", "reviewer-wu")
    cli.ok("appeal", "decide", "A-1", "--outcome", "revoke", "--actor", "reviewer-wu",
           "--reason", "投诉已撤回，不构成有效投诉", "--decided-on", "2026-04-10")
    out = tmp_path / "letters"
    run = cli.ok("export", "letters", "--output", str(out))
    assert "1 decision letter(s)" in run.out
    # The letter in its default language (Chinese): the decision's name comes from the
    # message catalogue, so the English run above names it in English.
    replace(cli, lang=None).ok("export", "letters", "--output", str(out))
    text = _text(out / "decision-A-1.pdf")
    for needle in ("复核决定书", "撤销原决定", "投诉已撤回，不构成有效投诉", "2026-04-10",
                   "（已遵守）", "决定前实发金额", "Li（li）"):
        assert needle in text, needle
    restated = cli.ok("restatement", "--period", "2026-Q1", "--json").json()
    li = next(p for p in restated["people"] if p["id"] == "li")
    assert f"变动：¥{Decimal(li['outstanding']):,.2f}" in text


@pytest.mark.parametrize(("amount", "words"), [
    ("0.05", "人民币伍分"), ("10.00", "人民币壹拾元整"), ("100000.01", "人民币壹拾万元零壹分"),
    ("1000000000.00", "人民币壹拾亿元整"), ("12345.60", "人民币壹万贰仟叁佰肆拾伍元陆角整"),
    ("16409.02", "人民币壹万陆仟肆佰零玖元零贰分"), ("-12.30", "人民币负壹拾贰元叁角整"),
])
def test_capitals_follow_the_rules_for_bills(amount: str, words: str) -> None:
    assert capitals(Decimal(amount)) == words




def test_a_name_gbk_cannot_encode_is_refused_with_its_row() -> None:
    columns = (Column("name", "姓名"),)
    book = Book("t", Stamp(None, "草稿"), [Sheet("t", columns, [["李"], ["吉𠮷"]])])
    with pytest.raises(InvalidRequestError) as refused:
        write_csv(book, "gbk")
    assert str(refused.value) == ("line 3, column 姓名: '𠮷' in '吉𠮷' cannot be written in "
                                  "gbk; use --encoding gb18030, which writes every character")
    with use_language("zh_CN"):  # worded where it is shown
        assert translate(str(refused.value)) == (
            "第 3 行，列 姓名：'吉𠮷' 中的 '𠮷' 无法用 gbk 编码；请改用 --encoding gb18030"
            "（可编码所有字符）")
    assert "吉𠮷".encode("gb18030") in write_csv(book, "gb18030")


def test_the_grades_file_names_each_subjects_status(store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli = cli_for(store.backend, store.env)
    cli.ok("apply", str(GOLDEN.parent / "grades" / "fixtures" / "example-8" / "year-end.jsonl"))
    report = cli.ok("grades", "--period", "2025", "--json").json()
    out = tmp_path / "g.xlsx"
    cli.ok("export", "grades", "--period", "2025", "--output", str(out))
    sheets = _sheet_values(out)
    assert len(sheets) == len(report["pipelines"])
    # 「业务员年终奖金 (annual)」: its bracket a note, not an English name, so shown whole
    assert [p["label"] for p in report["pipelines"]] == [
        "公司年度销售额与奖金总额 (company, annual)", "业务员年终奖金 (annual)"]
    assert list(sheets) == ["公司年度销售额与奖金总额 (company, annual)", "业务员年终奖金 (annual)"]
    named = {"scored": "已评分（无等次）", "graded": "已定等次", "not_assessed": "未考核"}
    for pipeline, rows in zip(report["pipelines"], sheets.values(), strict=True):
        header, *people = rows[1:]
        got = {r[0]: r[header.index("状态")] for r in people if r[0] is not None}
        assert got == {s["subject_id"]: named[s["status"]] for s in pipeline["subjects"]}
