"""Issue 13's "Done when", walked once as a finance clerk would, through the command line
and files only: fill the templates as Excel or WPS would (the drop-downs' 「name (id)」
values, Chinese headers, a date cell, full-width characters), save as GBK CSV and XLSX,
import with a mistake, read the highlighted copy, fix and import; give the people on the
roster their bank details from the personal template; close the period with two people,
then hand payroll its file and the bank its file, and every employee a payslip. Nobody
reads or writes JSON: the scheme is adopted with `jixiao scheme adopt`, the ward, the
quarter's pool and the ward's figures are imported from their templates, and two-person
close is set with `jixiao settings`."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
from builders import Cli, cli_for
from pypdf import PdfReader

FIXTURES = Path(__file__).parents[1] / "api" / "fixtures"
SCHEME = Path(__file__).parents[2] / "domain" / "schemes" / "xinghe-county-hospital.yaml"
# Worked example 1's ward, pool and figures (seeds-002.md §4), as the setup sheets hold them.
SETUP: dict[str, list[dict[str, Any]]] = {
    "departments": [{"department_id": "internal", "department_name": "内科",
                     "department_kind": "clinical", "risk_coefficient": "1",
                     "effective_on": date(2026, 1, 1)}],
    "pool": [{"period": "2026-Q1", "amount_cny": "30962.50"}],
    "figures": [{"period": "2026-Q1", "department_id": "internal", "workload_base": "1000",
                 "workload_actual": "1000", "medical_revenue_cny": "100000.00",
                 "full_cost_cny": "100000.00"}],
}
# seeds-002.md §4, worked example 1 (docs/spreadsheets.md): what the ward's people are paid.
PAID = {"zhang": Decimal("11900.00"), "li": Decimal("9687.50"), "wang": Decimal("9375.00")}
TAX = Decimal("100.00")
# 实发 on zhang's payslip is what the bank pays: 11,900.00 less the 100.00 withheld.
ZHANG_IN_CAPITALS = "人民币壹万壹仟捌佰元整"
# GB 11643: the weights of an ID number's 17 digits and the check character of sum mod 11.
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


def _english(header: object) -> str:
    """`工号(employee_id)` → `employee_id`: the template's headers name both."""
    match = re.search(r"\(([a-z_]+)\)", str(header))
    assert match, header
    return match.group(1)


def _picked(template: Path, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows as a clerk fills them from the template's drop-downs: each code replaced
    by the list's 「name (code)」 value, which the import reads back as the code."""
    lists = openpyxl.load_workbook(template)["lists"]
    offered: dict[str, dict[str, str]] = {}
    for column in lists.iter_cols(values_only=True):
        for value in column[1:]:
            if value is not None:
                code = re.fullmatch(r".* \((.+)\)", str(value))
                assert code, value
                offered.setdefault(_english(column[0]), {})[code.group(1)] = str(value)
    return [{k: offered.get(k, {}).get(v, v) if isinstance(v, str) else v
             for k, v in row.items()} for row in rows]


def _fill(template: Path, rows: list[dict[str, Any]], out: Path) -> list[str]:
    """The template with its example row replaced by `rows`, by English column name."""
    book = openpyxl.load_workbook(template)
    sheet = book.worksheets[0]
    columns = [_english(c.value) for c in sheet[1]]
    sheet.delete_rows(2)
    for row in rows:
        sheet.append([row.get(column) for column in columns])
    book.save(out)
    return [str(c.value) for c in sheet[1]]


def _gbk_csv(header: list[str], rows: list[dict[str, Any]], out: Path) -> None:
    """What "save as CSV" writes in a Chinese Windows: GBK, CRLF."""
    columns = [_english(h) for h in header]
    with out.open("w", encoding="gbk", newline="") as f:
        writer = csv.writer(f, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows([["" if row.get(c) is None else row[c] for c in columns]
                          for row in rows])


def _marked(errors: Path) -> list[tuple[object, int]]:
    """The cells the highlighted copy comments on: value and row."""
    return [(cell.value, cell.row) for sheet in openpyxl.load_workbook(errors).worksheets
            for line in sheet.iter_rows() for cell in line if cell.comment]


def _sum(book: Any, sheet: Any, formula: str) -> Decimal:
    """Evaluates the summary's `=SUM('sheet'!K3:K9)` cells, as Excel would."""
    match = re.fullmatch(r"=SUM\((?:'((?:[^']|'')+)'!)?([A-Z]+\d+:[A-Z]+\d+)\)", formula)
    assert match, formula
    target = book[match.group(1).replace("''", "'")] if match.group(1) else sheet
    total = Decimal(0)
    for row in target[match.group(2)]:
        for cell in row:
            value = cell.value
            if isinstance(value, str) and value.startswith("="):
                total += _sum(book, target, value)
            elif value is not None:
                total += Decimal(str(value))
    return total


def _id_number(serial: int) -> str:
    digits = f"11010519800101{serial:03d}"
    return digits + ID_CHECK[sum(int(d) * w for d, w in zip(digits, ID_WEIGHTS,
                                                            strict=True)) % 11]


def _entries() -> list[dict[str, Any]]:
    with (FIXTURES / "example1-entries.csv").open(encoding="utf-8-sig") as f:
        rows = [{k: v or None for k, v in row.items()} for row in csv.DictReader(f)]
    rows[0]["points"] = "４０"  # typed with the full-width input method on
    return rows


def _roster() -> list[dict[str, Any]]:
    with (FIXTURES / "example1-roster.csv").open(encoding="utf-8-sig") as f:
        rows = [{k: v or None for k, v in row.items()} for row in csv.DictReader(f)]
    for row in rows:
        row["hired_on"] = date(2020, 1, 1)  # a real date cell
    rows[2]["employee_id"] = "ｗａｎｇ"  # full-width letters: the same person as `wang`
    return rows


def _personal() -> list[dict[str, Any]]:
    """Bank details of the people on the roster; the last account typed with one
    full-width digit."""
    rows = [{"employee_id": e, "bank_name": "中国工商银行兴和支行",
             "bank_account": f"6222 0000 1111 {n:04d}", "id_number": _id_number(n)}
            for n, e in enumerate(PAID, start=1)]
    rows[-1]["bank_account"] = rows[-1]["bank_account"][:-1] + "３"
    return rows


def _ledger(tmp_path: Path, sqlite_env: dict[str, str]) -> Cli:
    """The administrator's part: a master key, a new ledger and its scheme, two-person
    close; then the setup sheets (the ward; the quarter's pool and figures), each filled
    from its template's drop-downs. The figures imported again add nothing."""
    key = tmp_path / "master.key"
    cli = cli_for("sqlite", sqlite_env)
    cli.ok("keys", "master", "--output", str(key))
    cli = Cli({**cli.environ, "JIXIAO_MASTER_KEY_FILE": str(key)}, lang=None)
    cli.ok("init")
    cli.ok("scheme", "adopt", str(SCHEME), "--effective", "2026-01-01")
    cli.ok("settings", "--two-person-close")
    for kind, rows in SETUP.items():
        template = tmp_path / f"t-{kind}.xlsx"
        cli.ok("template", kind, "--output", str(template))
        header = _fill(template, _picked(template, rows), tmp_path / f"{kind}.xlsx")
        cli.ok("import", kind, str(tmp_path / f"{kind}.xlsx"))
    _gbk_csv(header, rows, tmp_path / "figures.csv")
    before = cli.event_count()
    assert "1 条此前已导入" in cli.ok("import", "figures", str(tmp_path / "figures.csv")).out
    assert cli.event_count() == before
    return cli


def _import_bank_details(cli: Cli, tmp_path: Path) -> None:
    """The personal template (its drop-down lists the roster), filled, saved as GBK CSV
    with one ID number mistyped; the highlighted copy shows which; fixed; imported."""
    template = tmp_path / "t-personal.xlsx"
    cli.ok("template", "personal", "--output", str(template))
    left_in = cli("import", "personal", str(template))  # the example row names nobody
    assert left_in.code == 2
    rows = _picked(template, _personal())
    assert rows[0]["employee_id"].endswith("(zhang)")
    header = _fill(template, rows, tmp_path / "personal.xlsx")
    typo = {**rows[1], "id_number": rows[1]["id_number"][:-1]
            + ("1" if rows[1]["id_number"][-1] != "1" else "2")}
    _gbk_csv(header, [rows[0], typo, rows[2]], tmp_path / "personal.csv")
    before = cli.event_count()
    refused = cli("import", "personal", str(tmp_path / "personal.csv"),
                  "--errors", str(tmp_path / "personal-errors.xlsx"))
    assert refused.code == 2
    assert "身份证号" in refused.err
    assert "第 3 行" in refused.err
    assert typo["id_number"] not in refused.err + refused.out  # personal data stays out
    assert cli.event_count() == before
    assert [row for _, row in _marked(tmp_path / "personal-errors.xlsx")] == [3]
    _gbk_csv(header, rows, tmp_path / "personal.csv")
    imported = cli.ok("import", "personal", str(tmp_path / "personal.csv"))
    assert "gb18030" in imported.err + imported.out
    assert "全角" in imported.err + imported.out  # the full-width digit, reported


def test_a_clerk_imports_fixes_closes_and_pays_from_spreadsheets(sqlite_env, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli = _ledger(tmp_path, sqlite_env)

    # The roster: the template filled in a workbook from its drop-downs.
    cli.ok("template", "roster", "--output", str(tmp_path / "t-roster.xlsx"))
    roster = _picked(tmp_path / "t-roster.xlsx", _roster())
    _fill(tmp_path / "t-roster.xlsx", roster, tmp_path / "roster.xlsx")
    cli.ok("import", "roster", str(tmp_path / "roster.xlsx"))
    _import_bank_details(cli, tmp_path)

    # The scores: the template (now listing the roster) filled, saved as GBK CSV, with
    # one unknown person.
    cli.ok("template", "entries", "--output", str(tmp_path / "t-entries.xlsx"))
    rows = _picked(tmp_path / "t-entries.xlsx", _entries())
    assert rows[0]["employee_id"] == "张 Zhang (zhang)"
    assert "(quantity)" in rows[0]["kind"]
    header = _fill(tmp_path / "t-entries.xlsx", rows, tmp_path / "entries.xlsx")
    bad = [*rows, {**rows[0], "employee_id": "zhao"}]
    _gbk_csv(header, bad, tmp_path / "entries.csv")
    before = cli.event_count()
    refused = cli("import", "entries", str(tmp_path / "entries.csv"),
                  "--errors", str(tmp_path / "errors.xlsx"))
    assert refused.code == 2
    assert "zhao" in refused.err
    assert cli.event_count() == before
    assert _marked(tmp_path / "errors.xlsx") == [("zhao", len(bad) + 1)]

    # Fixed (the bad row deleted), imported; the same rows from the workbook add nothing.
    _gbk_csv(header, rows, tmp_path / "entries.csv")
    cli.ok("import", "entries", str(tmp_path / "entries.csv"))
    after = cli.event_count()
    assert after == before + len(rows)
    cli.ok("import", "entries", str(tmp_path / "entries.xlsx"))
    assert cli.event_count() == after

    # Withholding from payroll, then the two-person close.
    cli.ok("template", "withholding", "--output", str(tmp_path / "t-tax.xlsx"))
    tax = _picked(tmp_path / "t-tax.xlsx", [{"pay_period": "2026-Q1", "employee_id": e,
                                              "tax_withheld_cny": str(TAX)} for e in PAID])
    _fill(tmp_path / "t-tax.xlsx", tax, tmp_path / "tax.xlsx")
    cli.ok("import", "withholding", str(tmp_path / "tax.xlsx"))
    prepared = cli.ok("close", "--period", "2026-Q1", "--actor", "fin-wang").out
    closed = cli.ok("close", "--period", "2026-Q1", "--approve", "--actor", "fin-li").out
    found = re.search(r"sha256 ([0-9a-f]{64})", closed)
    assert found
    sha = found.group(1)
    assert sha in prepared

    # The statement workbook: its summary's formulas give the ledger's total (应发) and
    # what the bank file pays (实发: 应发 less the tax payroll reported).
    cli.ok("export", "statement", "--period", "2026-Q1", "--output", str(tmp_path / "s.xlsx"))
    book = openpyxl.load_workbook(tmp_path / "s.xlsx")
    summary = book.worksheets[0]
    assert sha in str(summary["C1"].value)
    last = dict(zip((c.value for c in summary[2]), list(summary.iter_rows())[-1], strict=True))
    assert _sum(book, summary, str(last["应发金额"].value)) == sum(PAID.values())
    assert _sum(book, summary, str(last["代扣个税"].value)) == TAX * len(PAID)
    assert _sum(book, summary, str(last["实发金额"].value)) == sum(PAID.values()) - TAX * len(PAID)

    # Payroll's file (GBK CSV): each person's gross, as worked example 1 pays it.
    payroll = tmp_path / "payroll.csv"
    cli.ok("export", "payroll", "--period", "2026-Q1", "--format", "csv", "--encoding", "gbk",
           "--output", str(payroll))
    lines = list(csv.reader(io.StringIO(payroll.read_bytes().decode("gbk"))))
    gross: dict[str, Decimal] = {}
    for line in lines[1:-2]:
        gross[line[0]] = gross.get(line[0], Decimal(0)) + Decimal(line[-1])
    assert gross == PAID
    assert lines[-2][0] == "合计"
    assert Decimal(lines[-2][-1]) == sum(PAID.values())
    assert sha in lines[-1][0]

    # The bank's file (the shipped layout): net pay, to the accounts imported above.
    bank = tmp_path / "bank.csv"
    cli.ok("export", "bank", "--period", "2026-Q1", "--layout", "cn-payroll-batch",
           "--output", str(bank))
    paid = list(csv.reader(io.StringIO(bank.read_bytes().decode("gbk"))))
    assert Decimal(paid[-1][3]) == sum(PAID.values()) - TAX * len(PAID)
    assert len(paid) == len(PAID) + 2  # header, one line per person, total
    assert any("6222000011110003" in cell.replace(" ", "") for line in paid for cell in line)

    # Every employee's payslip, checked against the ledger.
    cli.ok("payslips", "--period", "2026-Q1", "--output", str(tmp_path / "slips"))
    (slips,) = (tmp_path / "slips").glob("*.pdf")
    pages = [page.extract_text() for page in PdfReader(slips).pages]
    assert len(pages) == len(PAID)
    zhang = next(text for text in pages if "zhang" in text)
    assert ZHANG_IN_CAPITALS in zhang
    assert "应发金额：¥11,900.00" in zhang
    assert "代扣个税：¥100.00" in zhang
    assert sha in zhang
    assert cli("verify-document", str(slips)).code == 0
