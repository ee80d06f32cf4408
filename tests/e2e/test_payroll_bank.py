"""The payroll hand-off and the bank file, through the command line, on SQLite and
PostgreSQL: gross to payroll, net (gross less withholding) to the bank, recoveries as
their own lines, and personal details that appear only where finance reads them."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from builders import GOLDEN, Cli, cli_for
from pypdf import PdfReader

from api.documents.amounts import capitals, figures

ACCOUNT = "6222 0212 3456 7812"
ID_NUMBER = "43010219800101109X"


def _account(n: int) -> str:
    return f"62270000111122{n:04d}"


@pytest.fixture
def paid(store, tmp_path: Path) -> tuple[Cli, dict[str, Any]]:  # type: ignore[no-untyped-def]
    """Worked example 3: Q1 closed, a correction recovered in Q2 (扣回 125.00 from each
    ward nurse); everyone's account recorded, ward-01's with an ID number."""
    key = tmp_path / "master.key"
    cli = cli_for(store.backend, store.env)
    cli.ok("keys", "master", "--output", str(key))
    cli = Cli({**cli.environ, "JIXIAO_MASTER_KEY_FILE": str(key)})
    cli.ok("apply", str(GOLDEN / "example-3" / "commands.jsonl"))
    cli.ok("close", "--period", "2026-Q1")
    cli.ok("apply", str(GOLDEN / "example-3" / "correction.jsonl"))
    q2 = cli.payout("2026-Q2")
    for n, person in enumerate(q2["people"], start=1):
        extra = ["--id-number", ID_NUMBER] if person["employee_id"] == "ward-01" else []
        cli.ok("personal", "record", "--employee", person["employee_id"], "--bank-name",
               "中国工商银行", "--account", ACCOUNT if n == 5 else _account(n), *extra)
    return cli, q2


def _withholding(cli: Cli, tmp_path: Path, q2: dict[str, Any], tax: str = "12.34",
                 *, close: bool = True) -> Decimal:
    path = tmp_path / "withholding.csv"
    lines = ["pay_period,employee_id,tax_withheld_cny"]
    lines += [f"2026-Q2,{p['employee_id']},{tax}" for p in q2["people"]]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    cli.ok("import", "withholding", str(path))
    if close:
        cli.ok("close", "--period", "2026-Q2")
    return Decimal(tax) * len(q2["people"])


def _bank_rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_bytes().decode("gbk"))))


def test_the_bank_file_pays_the_payable_total_less_withholding(paid, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli, q2 = paid
    withheld = _withholding(cli, tmp_path, q2)
    bank = tmp_path / "bank.csv"
    out = cli.ok("export", "bank", "--period", "2026-Q2", "--output", str(bank)).out
    rows = _bank_rows(bank)
    assert rows[0] == ["序号", "账号", "户名", "金额", "备注"]
    assert rows[-1][0] == "合计"
    body = rows[1:-1]
    total = sum(Decimal(r[3]) for r in body)
    payable = Decimal(cli.ok("reconcile", "--period", "2026-Q2", "--json").json()
                      ["lines"][-1]["amount"]) * -1
    assert payable == Decimal(q2["totals"]["paid"]) == Decimal("52400.00")
    assert total == Decimal(rows[-1][3]) == payable - withheld
    # 52,400.00 − 20 × 12.34, as money is read: the file itself keeps 52153.20.
    assert "net total ¥52,153.20 (gross ¥52,400.00 − income tax withheld ¥246.80)" in out
    out = Cli(cli.environ, lang=None).ok("export", "bank", "--period", "2026-Q2", "--output",
                                         str(tmp_path / "zh.csv")).out
    assert "实发合计 ¥52,153.20（应发 ¥52,400.00 − 代扣个税 ¥246.80）" in out
    ward = next(r for r in body if r[2] == "Ward nurse 1")
    assert ward[1] == "6222021234567812"
    workbook = tmp_path / "payroll.xlsx"
    out = cli.ok("export", "payroll", "--period", "2026-Q2", "--output", str(workbook)).out
    assert "gross total ¥52,400.00 →" in out
    book = openpyxl.load_workbook(workbook)
    assert book.active.title == "应发 2026-Q2"  # closed: no 草稿
    events = [json.loads(line) for line in
              cli.ok("events", "--json", "--limit", "100000").out.splitlines()]
    close = next(e for e in events if e["type"] == "PeriodClosed" and e["period"] == "2026-Q2")
    # The stamp as every export says it, in Chinese as the file's other words.
    assert book.properties.subject == f"已结账 · 报表哈希 SHA-256: {close['statement_sha256']}"
    assert "已扣回 125.00" in ward[4]
    # A layout of one's own may name the department as a clerk reads it, or its id.
    layout = tmp_path / "own.yaml"
    layout.write_text("name: own\ncolumns:\n  - {title: 户名, field: name}\n"
                      "  - {title: 科室, field: department}\n"
                      "  - {title: 科室编号, field: department_id}\n", encoding="utf-8")
    own = tmp_path / "own.csv"
    cli.ok("export", "bank", "--period", "2026-Q2", "--layout", str(layout), "--output", str(own))
    assert ["Ward nurse 1", "病区 ward", "ward"] in _bank_rows(own)


def test_the_payroll_workbook_hands_over_gross_lines_and_recoveries_alike(paid, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli, q2 = paid
    path = tmp_path / "payroll.xlsx"
    cli.ok("export", "payroll", "--period", "2026-Q2", "--output", str(path))
    sheet = openpyxl.load_workbook(path).active
    rows = list(sheet.iter_rows(values_only=True))
    # The department as a clerk reads it, and its id in a column of its own for payroll.
    assert rows[0] == ("工号", "姓名", "科室", "科室编号", "身份证号", "期间", "项目", "应发金额")
    assert sheet.title == "应发 2026-Q2 草稿"  # Q2 is still open
    assert sheet.freeze_panes == "A2"
    lines = [dict(zip(rows[0], r, strict=True)) for r in rows[1:-1]]
    assert sum(Decimal(str(r["应发金额"])) for r in lines) == Decimal(q2["totals"]["paid"])
    recoveries = [r for r in lines if r["项目"] == "扣回（以前期间更正）"]
    assert len(recoveries) == 16
    assert all(Decimal(str(r["应发金额"])) == -125 for r in recoveries)
    ward = next(r for r in lines if r["工号"] == "ward-01")
    assert ward["身份证号"] == ID_NUMBER  # the owner's export
    assert (ward["科室"], ward["科室编号"]) == ("病区 ward", "ward")
    assert rows[-1][0] == "合计"
    assert Decimal(str(rows[-1][-1])) == Decimal(q2["totals"]["paid"])


def test_the_bank_file_refuses_rather_than_pay_gross_or_guess(paid, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli, q2 = paid
    bank = tmp_path / "bank.csv"
    run = cli("export", "bank", "--period", "2026-Q2", "--output", str(bank))
    assert run.code == 2
    assert "2026-Q2 is not closed yet" in run.err
    cli.ok("close", "--period", "2026-Q2")
    run = cli("export", "bank", "--period", "2026-Q2", "--output", str(bank))
    assert run.code == 2
    assert "icu-1: tax withheld: payroll has not reported the tax withheld" in run.err
    assert not bank.exists()
    _withholding(cli, tmp_path, q2, close=False)
    cli.ok("personal", "forget", "--employee", "icu-2")
    run = cli("export", "bank", "--period", "2026-Q2", "--output", str(bank))
    assert run.code == 2
    assert "icu-2: bank account: no bank account is on record" in run.err
    assert not bank.exists()
    declare = tmp_path / "channel.jsonl"
    declare.write_text('{"type": "declare_payment_channel", "channel": "payroll", '
                       '"from_period": "2026-Q2"}\n', encoding="utf-8")
    cli.ok("apply", str(declare))
    run = cli("export", "bank", "--period", "2026-Q2", "--output", str(bank))
    assert run.code == 2
    assert "payroll pays the performance pay of 2026-Q2" in run.err
    assert not bank.exists()


def test_a_person_whose_net_is_negative_is_listed_for_recovery_not_paid(paid, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli, q2 = paid
    withheld = _withholding(cli, tmp_path, q2)
    fix = tmp_path / "fix.jsonl"
    events = [json.loads(line) for line in
              cli.ok("events", "--json", "--limit", "100000").out.splitlines()]
    icu1 = next(e for e in events
                if e["type"] == "WithholdingRecorded" and e["employee_id"] == "icu-1")
    superseded = icu1["originator_id"]
    fix.write_text('{"type": "record_withholding", "pay_period": "2026-Q2", "employee_id": '
                   f'"icu-1", "tax_withheld_cny": "700.00", "supersedes": "{superseded}", '
                   '"reason": "payroll corrected"}\n', encoding="utf-8")
    cli.ok("apply", str(fix))
    bank = tmp_path / "bank.csv"
    out = cli.ok("export", "bank", "--period", "2026-Q2", "--output", str(bank)).out
    assert "\nto recover from icu-1 ICU nurse 1: ¥100.00\n" in out
    out = Cli(cli.environ, lang=None).ok("export", "bank", "--period", "2026-Q2",
                                         "--output", str(bank)).out  # the default language
    assert "\n待追回 icu-1 ICU nurse 1：¥100.00\n" in out
    rows = _bank_rows(bank)[1:-1]
    assert all(r[2] != "ICU nurse 1" and Decimal(r[3]) > 0 for r in rows)
    withheld += Decimal("700.00") - Decimal("12.34")
    assert sum(Decimal(r[3]) for r in rows) == Decimal("52400.00") - withheld + 100


def test_personal_details_never_appear_in_events_errors_or_masked_views(paid, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli, _ = paid
    shown = cli.ok("personal", "show", "--employee", "ward-01", "--json").json()
    assert (shown["bank_account"], shown["id_number"]) == ("6222021234567812", ID_NUMBER)
    log = cli.ok("events", "--json", "--limit", "100000").out
    assert "PersonalDetailsRecorded" in log
    for secret in ("6222021234567812", "6222 0212", ID_NUMBER, "19800101", "工商"):
        assert secret not in log
    bad = cli("personal", "record", "--employee", "ward-01", "--account", "6222-0212-3456",
              "--id-number", "1980X0101")
    assert bad.code == 2
    assert "6222" not in bad.err
    assert "1980" not in bad.err
    assert bad.err.splitlines()[1:] == [
        "  ward-01: bank account: a bank account is 8 to 32 digits",
        "  ward-01: ID number: an ID number is 15 or 18 characters: digits, the last may be X"]
    bad = Cli(cli.environ, lang=None)(  # the default language: the same refusal in Chinese
        "personal", "record", "--employee", "ward-01", "--account", "6222-0212-3456",
        "--id-number", "1980X0101")
    assert bad.err.splitlines()[1:] == ["  ward-01：银行账号：银行账号应为 8 至 32 位数字",
                                        "  ward-01：身份证号：身份证号应为 15 或 18 位，末位可为 X"]
    in_chinese = Cli(cli.environ, lang=None)
    assert in_chinese.ok("personal", "forget", "--employee", "ward-01").out == (
        "已销毁 ward-01 的 1 个数据密钥，其个人信息不可再读\n")
    assert cli.ok("personal", "show", "--employee", "ward-01").out == (
        "ward-01: forgotten (keys destroyed); bank -; account -; ID number -\n")
    assert in_chinese.ok("personal", "show", "--employee", "ward-01").out == (
        "ward-01：已清除（数据密钥已销毁）；开户行 -；账号 -；身份证号 -\n")
    gone = cli.ok("personal", "show", "--employee", "ward-01", "--json").json()
    assert gone["state"] == "forgotten"
    assert gone["bank_account"] is None
    wrong = Cli({**cli.environ, "JIXIAO_MASTER_KEY_FILE": str(tmp_path / "absent.key")})
    run = wrong("personal", "show", "--employee", "ward-02")
    assert run.code == 3
    assert "6227" not in run.err


def test_a_name_gbk_cannot_write_is_refused_by_row_and_gb18030_writes_it(paid, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli, q2 = paid
    events = [json.loads(line) for line in
              cli.ok("events", "--json", "--limit", "100000").out.splitlines()]
    hire = next(e for e in events if e["type"] == "EmployeeHired" and e["employee_id"] == "ward-02")
    body = {k: hire[k] for k in ("employee_id", "department_id", "title_grade", "hired_on")}
    rename = tmp_path / "rename.jsonl"
    rename.write_text(json.dumps({"type": "hire_employee", **body, "name": "吉𠮷",
                                  "supersedes": hire["originator_id"],
                                  "reason": "name corrected"}) + "\n", encoding="utf-8")
    cli.ok("apply", str(rename))
    _withholding(cli, tmp_path, q2)
    bank = tmp_path / "bank.csv"
    run = cli("export", "bank", "--period", "2026-Q2", "--output", str(bank))
    assert run.code == 2
    assert "row 7: name" in run.err
    assert "gb18030" in run.err
    assert not bank.exists()
    # The bank file's, the payroll file's and a CSV export's refusal of the name, in one
    # language at a time (the file's place and column as they are)
    for lang, said in {
            "zh": ["1 处问题；未写入任何内容：",
                   "  第 7 行：name：gbk 无法编码此户名，请在版式中改用 gb18030",
                   "2 处问题；未写入任何内容：",
                   *(f"  第 {row} 行：name：gbk 无法编码此姓名，请改用 --encoding gb18030"
                     for row in (8, 9)),
                   "错误：第 7 行，列 姓名：'吉𠮷' 中的 '𠮷' 无法用 gbk 编码；请改用 "
                   "--encoding gb18030（可编码所有字符）"],
            "en": ["1 problem(s); nothing was written:", "  row 7: name: the name cannot be "
                   "written in gbk: choose the encoding gb18030 in the layout",
                   "2 problem(s); nothing was written:", *(f"  row {row}: name: the name "
                   "cannot be written in gbk: use --encoding gb18030" for row in (8, 9)),
                   "error: line 7, column 姓名: '𠮷' in '吉𠮷' cannot be written in gbk; use "
                   "--encoding gb18030, which writes every character"]}.items():
        runs = [cli("--lang", lang, "export", "bank", "--period", "2026-Q2", "--output",
                    str(bank)),
                cli("--lang", lang, "export", "payroll", "--period", "2026-Q2", "--format",
                    "csv", "--encoding", "gbk", "--output", str(tmp_path / "payroll.csv")),
                cli("--lang", lang, "export", "statement", "--period", "2026-Q2", "--format",
                    "csv", "--encoding", "gbk", "--output", str(tmp_path / "statement.csv"))]
        assert [run.code for run in runs] == [2, 2, 2]
        assert [line for run in runs for line in run.err.splitlines()] == said
    layout = tmp_path / "layout.yaml"
    layout.write_text("name: 测试\nencoding: gb18030\ncolumns:\n  - {title: 账号, field: account}\n"
                      "  - {title: 户名, field: name}\n  - {title: 金额, field: amount}\n",
                      encoding="utf-8")
    cli.ok("export", "bank", "--period", "2026-Q2", "--layout", str(layout), "--output", str(bank))
    rows = list(csv.reader(io.StringIO(bank.read_bytes().decode("gb18030"))))
    assert rows[0] == ["账号", "户名", "金额"]
    assert rows[6][1] == "吉𠮷"  # ward-02, the sixth payee, after the header


def test_a_refused_format_encoding_or_layout_reads_in_one_language(paid, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli, _ = paid
    layout = tmp_path / "layout.yaml"
    layout.write_text("name: 测试\nencoding: gbk\n", encoding="utf-8")  # no columns
    out = ("--output", str(tmp_path / "out"))
    for lang, said in {
            "zh": ["错误：格式应为 xlsx 或 csv",
                   "错误：编码应为 utf-8-sig, utf-8, gbk, gb18030 之一",
                   "1 处问题；未写入任何内容：",
                   f"  {layout}：columns：银行文件版式有误：缺少必填字段"],
            "en": ["error: the format is xlsx or csv",
                   "error: the encoding is one of utf-8-sig, utf-8, gbk, gb18030",
                   "1 problem(s); nothing was written:",
                   f"  {layout}: columns: bad bank layout: Field required"]}.items():
        runs = [cli("--lang", lang, "export", "payroll", "--period", "2026-Q1", "--format",
                    "pdf", *out),
                cli("--lang", lang, "export", "payroll", "--period", "2026-Q1", "--format",
                    "csv", "--encoding", "latin1", *out),
                cli("--lang", lang, "export", "bank", "--period", "2026-Q1", "--layout",
                    str(layout), *out)]
        assert [run.code for run in runs] == [2, 2, 2]
        assert [line for run in runs for line in run.err.splitlines()] == said


def _slips(cli: Cli, period: str, out: Path) -> dict[str, str]:
    """Each payslip page's text by the employee its verification code names."""
    cli.ok("payslips", "--period", period, "--output", str(out))
    assert cli.ok("verify-document", str(next(out.glob("*ward*.pdf")))).code == 0
    texts = [page.extract_text().replace("\n", "") for f in sorted(out.glob("*.pdf"))
             for page in PdfReader(f).pages]
    return {text.split(f"JX1|{period}|", 1)[1].split("|", 1)[0]: text for text in texts}


@pytest.mark.parametrize("lang", ["en", None])
def test_the_payslip_pays_what_the_bank_file_pays(paid, tmp_path, lang) -> None:  # type: ignore[no-untyped-def]
    cli, q2 = paid
    cli = Cli(cli.environ, lang=lang)
    _withholding(cli, tmp_path, q2, tax="336.03")
    bank = tmp_path / "bank.csv"
    cli.ok("export", "bank", "--period", "2026-Q2", "--output", str(bank))
    net = {r[2]: Decimal(r[3]) for r in _bank_rows(bank)[1:-1]}
    slips = _slips(cli, "2026-Q2", tmp_path / "q2")
    assert len(slips) == len(net) == len(q2["people"])
    for person in q2["people"]:
        text, gross = slips[person["employee_id"]], Decimal(person["total"])
        paid_out = net[person["name"]]
        assert paid_out == gross - Decimal("336.03")
        assert f"应发金额：{figures(gross)}" in text
        assert "代扣个税：¥336.03" in text
        # one sign for the tax: positive in the table too, its row saying it is taken off
        assert "减：代扣个税 336.03" in text
        assert "-336.03" not in text
        assert f"实发金额：{figures(paid_out)}" in text
        assert f"大写：{capitals(paid_out)}" in text
    # Q1 had nothing withheld: its payslips pay the gross, with no tax line.
    q1 = cli.payout("2026-Q1")
    slips = _slips(cli, "2026-Q1", tmp_path / "q1")
    for person in q1["people"]:
        text, gross = slips[person["employee_id"]], figures(Decimal(person["total"]))
        assert f"应发金额：{gross}" in text
        assert f"实发金额：{gross}" in text
        assert "代扣个税" not in text


def test_the_payslip_workbook_shows_the_tax_and_the_net(paid, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli, q2 = paid
    _withholding(cli, tmp_path, q2, tax="336.03")
    out = tmp_path / "slips"
    cli.ok("payslips", "--period", "2026-Q2", "--output", str(out), "--format", "xlsx")
    rows = [row for f in sorted(out.glob("*.xlsx"))
            for row in openpyxl.load_workbook(f).active.iter_rows(values_only=True)]
    ward = next(p for p in q2["people"] if p["employee_id"] == "ward-01")
    start = next(n for n, row in enumerate(rows) if "ward-01" in str(row[1]))
    # openpyxl reads the numbers back as floats: compare them as the fen they show.
    block = [(a, b, None if c is None or isinstance(c, str) else Decimal(f"{c:.2f}"))
             for a, b, c in rows[start:start + 12]]
    gross = Decimal(ward["total"])
    assert ("应发金额", None, gross) in block
    assert ("减：代扣个税", None, Decimal("336.03")) in block  # positive, as on the PDF
    net = gross - Decimal("336.03")
    assert ("实发金额", capitals(net), net) in block


def test_a_payslip_printed_before_the_withholding_was_reported_fails_with_the_reason(
        paid, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Q1 closed and its payslips printed; payroll then reports ward-01's tax: the page
    still pays the gross, so it no longer matches, and the auditor is told why (not that
    the amount differs from the code, whose total still matches); a person with nothing
    withheld still verifies."""
    cli, _q2 = paid
    out = tmp_path / "q1"
    cli.ok("payslips", "--period", "2026-Q1", "--output", str(out))
    ward = next(out.glob("*ward*.pdf"))
    path = tmp_path / "withholding.csv"
    path.write_text("pay_period,employee_id,tax_withheld_cny\n2026-Q1,ward-01,336.03\n",
                    encoding="utf-8")
    cli.ok("import", "withholding", str(path))
    verified = cli("verify-document", str(ward))
    assert verified.code == 1
    problems = [x for x in verified.out.splitlines() if x.startswith("FAIL")]
    assert len(problems) == 1, verified.out
    assert "¥336.03 withheld" in problems[0]
    assert "pays the gross" in problems[0]
    assert "differs from the code" not in problems[0]
    assert "ok   2026-Q1 ward-02" in verified.out
    in_chinese = Cli(cli.environ, lang=None)("verify-document", str(ward)).out
    assert "代扣个税 ¥336.03：银行文件实发 ¥" in in_chinese, in_chinese
