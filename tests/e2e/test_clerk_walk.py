"""Issue 13's "Done when", walked once as a finance clerk would, through the command line
and files only: fill the templates as Excel or WPS would (Chinese headers, a date cell,
full-width characters), save as GBK CSV and XLSX, import with a mistake, read the
highlighted copy, fix and import, close the period with two people, then hand payroll its
file and the bank its file, and every employee a payslip. Only the scheme, the ward and
the pool (not spreadsheet formats) come as JSON Lines, as an administrator records them;
two-person close is set with `jixiao settings`."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
from builders import Cli, cli_for
from pypdf import PdfReader

FIXTURES = Path(__file__).parents[1] / "api" / "fixtures"
# seeds-002.md §4, worked example 1 (docs/spreadsheets.md): what the ward's people are paid.
PAID = {"zhang": Decimal("11900.00"), "li": Decimal("9687.50"), "wang": Decimal("9375.00")}
ZHANG_IN_CAPITALS = "人民币壹万壹仟玖佰元整"
TAX = Decimal("100.00")


def _english(header: object) -> str:
    """`工号(employee_id)` → `employee_id`: the template's headers name both."""
    match = re.search(r"\(([a-z_]+)\)", str(header))
    assert match, header
    return match.group(1)


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


def _entries() -> list[dict[str, Any]]:
    with (FIXTURES / "example1-entries.csv").open(encoding="utf-8-sig") as f:
        rows = [{k: v or None for k, v in row.items()} for row in csv.DictReader(f)]
    rows[0]["points"] = "４０"  # typed with the full-width input method on
    rows[1]["entry"] = "评分"  # the entry in Chinese
    return rows


def _roster() -> list[dict[str, Any]]:
    with (FIXTURES / "example1-roster.csv").open(encoding="utf-8-sig") as f:
        rows = [{k: v or None for k, v in row.items()} for row in csv.DictReader(f)]
    for n, row in enumerate(rows, start=1):
        row["hired_on"] = date(2020, 1, 1)  # a real date cell
        row["bank_name"], row["bank_account"] = "中国工商银行兴和支行", f"6222 0000 1111 {n:04d}"
    rows[2]["employee_id"] = "ｗａｎｇ"  # full-width letters: the same person as `wang`
    return rows


def test_a_clerk_imports_fixes_closes_and_pays_from_spreadsheets(sqlite_env, tmp_path) -> None:  # type: ignore[no-untyped-def]
    key = tmp_path / "master.key"
    cli = cli_for("sqlite", sqlite_env)
    cli.ok("keys", "master", "--output", str(key))
    cli = Cli({**cli.environ, "JIXIAO_MASTER_KEY_FILE": str(key)})
    cli.ok("apply", str(FIXTURES / "example1-setup.jsonl"))
    cli.ok("settings", "--two-person-close")

    # The roster: the template filled in a workbook.
    cli.ok("template", "roster", "--output", str(tmp_path / "t-roster.xlsx"))
    _fill(tmp_path / "t-roster.xlsx", _roster(), tmp_path / "roster.xlsx")
    cli.ok("import", "roster", str(tmp_path / "roster.xlsx"))

    # The scores: the template filled, saved as GBK CSV, with one unknown person.
    cli.ok("template", "entries", "--output", str(tmp_path / "t-entries.xlsx"))
    rows = _entries()
    header = _fill(tmp_path / "t-entries.xlsx", rows, tmp_path / "entries.xlsx")
    bad = [*rows, {**rows[0], "employee_id": "zhao"}]
    _gbk_csv(header, bad, tmp_path / "entries.csv")
    before = cli.event_count()
    refused = cli("import", "entries", str(tmp_path / "entries.csv"),
                  "--errors", str(tmp_path / "errors.xlsx"))
    assert refused.code == 2
    assert "zhao" in refused.err
    assert cli.event_count() == before
    marked = [cell for sheet in openpyxl.load_workbook(tmp_path / "errors.xlsx").worksheets
              for line in sheet.iter_rows() for cell in line if cell.comment]
    assert [(cell.value, cell.row) for cell in marked] == [("zhao", len(bad) + 1)]

    # Fixed (the bad row deleted), imported; the same rows from the workbook add nothing.
    _gbk_csv(header, rows, tmp_path / "entries.csv")
    imported = cli.ok("import", "entries", str(tmp_path / "entries.csv"), "--json").json()
    assert imported["encoding"] == "gb18030"
    assert imported["recorded"] == len(rows)
    assert any("４０" in warning for warning in imported["warnings"])
    again = cli.ok("import", "entries", str(tmp_path / "entries.xlsx"), "--json").json()
    assert (again["recorded"], again["already_recorded"]) == (0, len(rows))
    q1 = cli.payout("2026-Q1")
    assert {p["employee_id"]: Decimal(p["total"]) for p in q1["people"]} == PAID

    # Withholding from payroll, then the two-person close.
    cli.ok("template", "withholding", "--output", str(tmp_path / "t-tax.xlsx"))
    _fill(tmp_path / "t-tax.xlsx", [{"pay_period": "2026-Q1", "employee_id": e,
                                     "tax_withheld_cny": str(TAX)} for e in PAID],
          tmp_path / "tax.xlsx")
    cli.ok("import", "withholding", str(tmp_path / "tax.xlsx"))
    cli.ok("close", "--period", "2026-Q1", "--actor", "fin-wang")
    cli.ok("close", "--period", "2026-Q1", "--approve", "--actor", "fin-li")
    closed = [json.loads(line) for line in cli.ok("events", "--json", "--limit", "1000")
              .out.splitlines()]
    sha = next(e["statement_sha256"] for e in closed if e["type"] == "PeriodClosed")

    # The statement workbook: its summary's formulas give the ledger's total.
    cli.ok("export", "statement", "--period", "2026-Q1", "--output", str(tmp_path / "s.xlsx"))
    book = openpyxl.load_workbook(tmp_path / "s.xlsx")
    summary = book.worksheets[0]
    assert sha in str(summary["C1"].value)
    last = list(summary.iter_rows())[-1]
    assert _sum(book, summary, str(last[-1].value)) == sum(PAID.values())

    # Payroll's file (GBK CSV) and the bank's (the shipped layout): gross, then net.
    payroll = tmp_path / "payroll.csv"
    cli.ok("export", "payroll", "--period", "2026-Q1", "--format", "csv", "--encoding", "gbk",
           "--output", str(payroll))
    lines = list(csv.reader(io.StringIO(payroll.read_bytes().decode("gbk"))))
    assert lines[-2][0] == "合计"
    assert Decimal(lines[-2][-1]) == sum(PAID.values())
    assert sha in lines[-1][0]
    bank = tmp_path / "bank.csv"
    cli.ok("export", "bank", "--period", "2026-Q1", "--layout", "cn-payroll-batch",
           "--output", str(bank))
    paid = list(csv.reader(io.StringIO(bank.read_bytes().decode("gbk"))))
    assert Decimal(paid[-1][3]) == sum(PAID.values()) - TAX * len(PAID)
    assert len(paid) == len(PAID) + 2  # header, one line per person, total

    # Every employee's payslip, checked against the ledger.
    cli.ok("payslips", "--period", "2026-Q1", "--output", str(tmp_path / "slips"))
    (slips,) = (tmp_path / "slips").glob("*.pdf")
    pages = [page.extract_text() for page in PdfReader(slips).pages]
    assert len(pages) == len(PAID)
    zhang = next(text for text in pages if "zhang" in text)
    assert ZHANG_IN_CAPITALS in zhang
    assert sha in zhang
    assert cli("verify-document", str(slips)).code == 0
