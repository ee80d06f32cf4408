"""`jixiao template KIND` (issue 13, item 2): the workbook a person fills in, read back
with openpyxl, then filled in and imported."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from api.cli import main
from api.sheets.columns import KINDS

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def _sqlite_only(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("PERSISTENCE_MODULE", "JIXIAO_DB", "JIXIAO_PROGRESS", "JIXIAO_LANG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("JIXIAO_ACTOR", "test:templates")


def jixiao(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def lists_of(path: Path) -> dict[str, list[str]]:
    """Each validated column's header -> the values its drop-down offers."""
    book = load_workbook(path)
    main_sheet, store = book.worksheets
    headers = {cell.column_letter: cell.value for cell in main_sheet[1]}
    found = {}
    for rule in main_sheet.data_validations.dataValidation:
        assert rule.type == "list"
        column = str(rule.sqref).split(":")[0].rstrip("0123456789")
        source = rule.formula1.split("!")[1].replace("$", "")
        first, last = source.split(":")
        values = [c.value for row in store[first:last] for c in row]
        found[headers[column]] = values
    return found


def main_rule(path: Path, letter: str) -> Any:
    """The data validation of a main-sheet column."""
    rules = load_workbook(path).worksheets[0].data_validations.dataValidation
    return next(r for r in rules if str(r.sqref).startswith(f"{letter}2:"))


def test_template_without_a_ledger_offers_the_shipped_schemes_items(tmp_path, capsys):
    path = tmp_path / "entries.xlsx"
    code, out, err = jixiao(capsys, "template", "entries", "--output", str(path))
    assert (code, err) == (0, "")
    assert "模板已写入" in out
    book = load_workbook(path)
    ws, store = book.worksheets
    assert store.sheet_state == "hidden"
    assert [c.value for c in ws[1]] == [f"{label}({name})" for name, label in (
        ("period", "期间"), ("employee_id", "工号"), ("entry", "类别"), ("kind", "项目"),
        ("count", "次数"), ("minutes", "分钟"), ("points", "分值"),
        ("scheduled_days", "应出勤天数"), ("absence_sick", "病假天数"),
        ("absence_maternity", "产假天数"), ("absence_personal", "事假天数"),
        ("absence_other", "其他缺勤天数"), ("reason", "原因"), ("evidence_ref", "备注"),
        ("idempotency_key", "幂等键"))]
    example = [c.value for c in ws[2]]
    assert ws["A2"].comment is not None
    lists = lists_of(path)
    # Each code beside its Chinese name, as the drop-down offers it and the example shows it.
    assert "迟到 (late)" in lists["项目(kind)"]
    assert "工作量 (quantity)" in lists["项目(kind)"]
    assert lists["类别(entry)"] == ["扣分 (deduction)", "评分 (score)", "考勤 (attendance)"]
    assert "工号(employee_id)" not in lists  # no ledger, no people
    # No ledger: this year's quarters (the organisation's year), the first as the example.
    year = datetime.now(ZoneInfo("Asia/Shanghai")).year
    assert lists["期间(period)"] == [f"{year}年第{q}季度 ({year}-Q{q})" for q in range(1, 5)]
    assert example[:4] == [lists["期间(period)"][0], "E0001", "扣分 (deduction)", "迟到 (late)"]
    rule = main_rule(path, "A")
    assert (rule.errorStyle, rule.showErrorMessage) == ("warning", True)  # a typed code is kept


def test_template_from_a_ledger_lists_its_departments_and_people(tmp_path, capsys):
    db = tmp_path / "ledger.db"
    assert jixiao(capsys, "apply", "--db", str(db), str(FIXTURES / "example1-setup.jsonl"))[0] == 0
    assert jixiao(capsys, "import", "--db", str(db), "roster",
                  str(FIXTURES / "example1-roster.csv"))[0] == 0
    roster = tmp_path / "roster.xlsx"
    assert jixiao(capsys, "template", "roster", "--db", str(db), "--output", str(roster))[0] == 0
    lists = lists_of(roster)
    assert lists["科室(department_id)"] == ["内科 internal medicine (internal)"]
    assert "副高 (associate_senior)" in lists["职称(title_grade)"]
    # The example hires nobody already on the roster (zhang, li, wang).
    assert load_workbook(roster).worksheets[0]["A2"].value == "E0001"
    entries = tmp_path / "entries.xlsx"
    assert jixiao(capsys, "template", "entries", "--db", str(db), "--output", str(entries))[0] == 0
    assert lists_of(entries)["工号(employee_id)"] == ["李 Li (li)", "王 Wang (wang)",
                                                    "张 Zhang (zhang)"]

    # Filled in (the example row replaced by real rows), it imports as it is: values picked
    # from the drop-downs and codes typed alone alike.
    book = load_workbook(entries)
    ws = book.worksheets[0]
    ws.delete_rows(2)
    ws.append(["2026-Q1", "li", "deduction", "late", None, 40])
    ws.append(["2026-Q1", "zhang", "score", "quantity", None, None, 40])
    ws.append(["2026年第1季度 (2026-Q1)", "王 Wang (wang)", "扣分 (deduction)", "迟到 (late)",
               None, 15])
    book.save(entries)
    code, out, err = jixiao(capsys, "import", "--db", str(db), "entries", str(entries))
    assert code == 0, err
    assert "已导入 3 条" in out  # the reader's language: Chinese by default
    code, out, _ = jixiao(capsys, "events", "--db", str(db), "--json")
    recorded = [json.loads(line) for line in out.splitlines()]
    assert any((e.get("employee_id"), e.get("kind"), e.get("period"), e.get("minutes"))
               == ("wang", "late", "2026-Q1", 15) for e in recorded)  # the codes, stored


@pytest.mark.parametrize("kind", list(KINDS))
def test_csv_template_is_the_header_and_an_example_row(tmp_path, capsys, kind):
    path = tmp_path / f"{kind}.csv"
    code, _, _ = jixiao(capsys, "template", kind, "--format", "csv", "--output", str(path))
    assert code == 0
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel opens it as UTF-8
    header, example = raw.decode("utf-8-sig").splitlines()
    assert header.split(",")[0] == {"roster": "工号(employee_id)", "entries": "期间(period)",
                                    "withholding": "发放期间(pay_period)",
                                    "personal": "工号(employee_id)",
                                    "figures": "期间(period)", "pool": "期间(period)",
                                    "departments": "科室(department_id)"}[kind]
    assert len(header.split(",")) == len(KINDS[kind].columns)
    assert example.startswith({"roster": "E0001,张三,internal", "entries": "2026-Q1,E0001",
                               "withholding": "2026-Q1,E0001,123.45",
                               "personal": "示例,张三,",
                               "figures": "2026-Q1,internal,1000,1000,100000.00,100000.00",
                               "pool": "2026-Q1,30962.50,,",
                               "departments": "new_ward,新科室,clinical,,,1,2026-01-01"}[kind])


def test_a_mistyped_template_kind_or_format_exits_2(tmp_path, capsys):
    code, _, err = jixiao(capsys, "template", "rooster", "--output", str(tmp_path / "x"))
    assert code == 2
    assert "rooster" in err
    code, _, err = jixiao(capsys, "template", "roster", "--format", "pdf", "--output",
                          str(tmp_path / "x"))
    assert code == 2
