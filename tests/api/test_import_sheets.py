"""Spreadsheet import (issue 13, item 1) through the real CLI: CSV in GBK, GB18030 and
UTF-8 with BOM, Chinese headers, XLSX with numbers, dates, formulas, hidden and merged
cells; bad files refused with sheet, row, column and reason; the errors copy; --skip-bad;
content idempotency keys. Workbooks are made here with openpyxl, the malformed ones
patched at the XML level."""

from __future__ import annotations

import hashlib
import json
import re
import time
import zipfile
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from pydantic import ValidationError

from api.cli import main
from api.sheets.columns import kind_of
from api.sheets.readers import Source, open_sheet
from api.sheets.rows import read_commands
from api.storage.session import store_env
from domain.application import Ledger
from domain.events import COMMANDS_BY_TYPE

FIXTURES = Path(__file__).parent / "fixtures"

ROSTER_ZH = "工号,姓名,科室,职称,岗位,入职日期\n"
ROSTER_ROWS = ("zhang,张 Zhang,internal,associate_senior,clinical_director,2020-01-01\n"
               "li,李 Li,internal,intermediate,,2020-01-01\n"
               "wang,王 Wang,internal,practitioner,staff,2020-01-01\n")
ENTRIES_HEADER = ["期间", "工号", "姓名", "类别", "项目", "次数", "分钟", "分值", "应出勤天数",
                  "原因"]


@pytest.fixture(autouse=True)
def _sqlite_only(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("PERSISTENCE_MODULE", "JIXIAO_DB", "JIXIAO_PROGRESS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("JIXIAO_ACTOR", "test:sheets")
    monkeypatch.setenv("JIXIAO_LANG", "en")  # the assertions read the English texts


def jixiao(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def event_count(db: Path) -> int:
    with Ledger(store_env(str(db), environ={})) as ledger:
        return ledger.max_position()


def ward(tmp_path: Path, capsys: pytest.CaptureFixture[str], *, roster: bool = True) -> Path:
    db = tmp_path / "ledger.db"
    code, _, err = jixiao(capsys, "apply", "--db", str(db), str(FIXTURES / "example1-setup.jsonl"))
    assert code == 0, err
    if roster:
        path = tmp_path / "roster.csv"
        path.write_text(ROSTER_ZH + ROSTER_ROWS, encoding="utf-8")
        code, _, err = jixiao(capsys, "import", "--db", str(db), "roster", str(path))
        assert code == 0, err
    return db


def workbook(path: Path, rows: list[list[object]], title: str = "分数") -> Path:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = title
    for row in rows:
        ws.append(row)
    book.save(path)
    return path


def patch_sheet(path: Path, change: dict[str, str], member: str = "xl/worksheets/sheet1.xml"
                ) -> None:
    """Rewrite parts of a sheet's XML (what openpyxl cannot write: cached formula values,
    a lying dimension)."""
    with zipfile.ZipFile(path) as old:
        parts = {name: old.read(name) for name in old.namelist()}
    xml = parts[member].decode()
    for old_text, new_text in change.items():
        assert old_text in xml, old_text
        xml = xml.replace(old_text, new_text)
    parts[member] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for name, data in parts.items():
            new.writestr(name, data)


def entry_rows() -> list[list[object]]:
    return [ENTRIES_HEADER,
            ["2026-Q1", "zhang", "张", "score", "quantity", None, None, 40, None, None],
            ["2026-Q1", "li", "李", "deduction", "late", None, 40, None, None, "迟到"],
            ["2026-Q1", "wang", "王", "attendance", None, None, None, None, 64, None]]


# ------------------------------------------------------------------ CSV encodings


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig", "utf-8"])
def test_csv_in_each_encoding_with_chinese_headers_imports(tmp_path, capsys, encoding):
    db = ward(tmp_path, capsys, roster=False)
    path = tmp_path / "roster.csv"
    path.write_bytes((ROSTER_ZH + ROSTER_ROWS).encode(encoding))
    code, out, err = jixiao(capsys, "import", "--db", str(db), "roster", str(path))
    assert (code, err) == (0, "")
    detected = {"gbk": "gb18030", "gb18030": "gb18030"}.get(encoding, encoding)
    assert f"encoding {detected}" in out
    assert "imported 3 event(s)" in out
    with Ledger(store_env(str(db), environ={})) as ledger:
        names = {e.name for e in ledger.facts().live.values() if hasattr(e, "name")
                 and getattr(e, "employee_id", None)}
    assert {"张 Zhang", "李 Li", "王 Wang"} <= names


def test_a_forced_encoding_is_used_and_a_wrong_one_refused(tmp_path, capsys):
    db = ward(tmp_path, capsys, roster=False)
    path = tmp_path / "roster.csv"
    path.write_bytes((ROSTER_ZH + ROSTER_ROWS).encode("gbk"))
    code, _, err = jixiao(capsys, "import", "--db", str(db), "--encoding", "utf-8", "roster",
                          str(path))
    assert code == 2
    assert "not utf-8 text" in err
    assert "nothing was written" in err
    code, out, _ = jixiao(capsys, "import", "--db", str(db), "--encoding", "gbk", "roster",
                          str(path))
    assert code == 0
    assert "encoding gbk" in out


# ------------------------------------------------------------------ XLSX


def test_xlsx_with_chinese_headers_numbers_and_names_imports(tmp_path, capsys):
    db = ward(tmp_path, capsys)
    before = event_count(db)
    path = workbook(tmp_path / "entries.xlsx", entry_rows())
    code, out, err = jixiao(capsys, "import", "--db", str(db), "entries", str(path))
    assert (code, err) == (0, "")
    assert "read sheet '分数'" in out
    assert "imported 3 event(s)" in out
    assert event_count(db) == before + 3


def test_full_width_ids_thousands_and_serial_dates_are_normalised_and_warned(tmp_path, capsys):
    db = ward(tmp_path, capsys, roster=False)
    rows = [["工号", "姓名", "科室", "职称", "入职日期"],
            ["Ｅ０００１", "赵 Zhao", "internal", "practitioner", 45658],  # 2025-01-01
            ["病理01", "钱 Qian", "internal", "practitioner", date(2024, 3, 1)]]
    path = workbook(tmp_path / "roster.xlsx", rows)
    code, _out, err = jixiao(capsys, "import", "--db", str(db), "roster", str(path))
    assert code == 0, err
    assert "full-width characters normalised 'Ｅ０００１' → 'E0001'" in err
    assert "the Excel date serial '45658' read as 2025-01-01" in err
    with Ledger(store_env(str(db), environ={})) as ledger:
        facts = ledger.facts()
        assert facts.knows_employee("E0001")
        assert facts.knows_employee("病理01")
    # E0001 typed full-width in an entries file is the same person.
    entries = [ENTRIES_HEADER,
               ["2026-Q1", "Ｅ0001", "", "deduction", "left_early", "1,000", 10, None, None,
                None]]
    path = workbook(tmp_path / "entries.xlsx", entries)
    code, _, err = jixiao(capsys, "import", "--db", str(db), "entries", str(path))
    assert code == 0, err
    assert "thousands separators removed '1,000' → '1000'" in err


def test_dates_as_excel_saves_them_into_csv_are_read_and_warned(tmp_path, capsys):
    db = ward(tmp_path, capsys, roster=False)
    path = tmp_path / "roster.csv"
    path.write_bytes(("工号,姓名,科室,职称,入职日期\n"
                      "zhao,赵,internal,practitioner,2020/1/5\n"
                      "qian,钱,internal,practitioner,2021年3月1日\n"
                      "sun,孙,internal,practitioner,2021/2/30\n").encode("gbk"))
    code, _, err = jixiao(capsys, "import", "--db", str(db), "roster", str(path))
    assert code == 2
    assert "row 4: 入职日期: not a date: '2021/2/30'" in err
    path.write_bytes(path.read_bytes().replace(b"2021/2/30", b"2021/2/28"))
    code, _, err = jixiao(capsys, "import", "--db", str(db), "roster", str(path))
    assert code == 0, err
    assert "the date '2020/1/5' read as 2020-01-05" in err
    assert "the date '2021年3月1日' read as 2021-03-01" in err


def test_formula_cells_read_by_cached_value_or_refused(tmp_path, capsys):
    db = ward(tmp_path, capsys)
    rows = entry_rows()
    rows[1][7] = "=20*2"
    path = workbook(tmp_path / "formulas.xlsx", rows)
    code, _, err = jixiao(capsys, "import", "--db", str(db), "entries", str(path))
    assert code == 2
    assert "分数 row 2: 分值 (H): a formula without a cached value" in err
    patch_sheet(path, {"<f>20*2</f><v />": "<f>20*2</f><v>40</v>"})
    code, out, err = jixiao(capsys, "import", "--db", str(db), "entries", str(path))
    assert code == 0, err
    assert "imported 3 event(s)" in out


def test_corrupt_encrypted_and_wrong_sheet_files_are_refused(tmp_path, capsys):
    db = ward(tmp_path, capsys)
    before = event_count(db)
    good = workbook(tmp_path / "good.xlsx", entry_rows())
    corrupt = tmp_path / "corrupt.xlsx"
    corrupt.write_bytes(good.read_bytes()[: len(good.read_bytes()) // 2])
    code, _, err = jixiao(capsys, "import", "--db", str(db), "entries", str(corrupt))
    assert code == 2
    assert "the file is damaged" in err
    encrypted = tmp_path / "locked.xlsx"
    encrypted.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    code, _, err = jixiao(capsys, "import", "--db", str(db), "entries", str(encrypted))
    assert code == 2
    assert "password-protected" in err
    code, _, err = jixiao(capsys, "import", "--db", str(db), "--sheet", "Sheet9", "entries",
                          str(good))
    assert code == 2
    assert "no sheet 'Sheet9'; the sheets are: 分数" in err
    assert event_count(db) == before


LAUGHS = "".join(['<!DOCTYPE worksheet [<!ENTITY l0 "lol">', *(
    f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, 10)), "]>"])
EXTERNAL = '<!DOCTYPE worksheet [<!ENTITY x SYSTEM "file:///etc/passwd">]>'


@pytest.mark.parametrize(("xml", "cell"), [
    (LAUGHS, "&l9;"),  # a billion laughs
    (EXTERNAL, "&x;"),  # another file's text in a cell
    ("", "</c>"),  # a row that does not parse (the rows' parser, past the dimension)
])
def test_a_sheet_with_entities_or_broken_xml_is_a_damaged_file_named(
        tmp_path, capsys, xml, cell):
    """defusedxml refuses entities as openpyxl's reader did; the refusal, and XML that
    does not parse, were a traceback (a 500 on the server)."""
    db = ward(tmp_path, capsys)
    before = event_count(db)
    path = workbook(tmp_path / "crafted.xlsx", entry_rows())
    patch_sheet(path, {"<worksheet ": f"{xml}<worksheet ",
                       "<v>40</v>": f'<is><t>{cell}</t></is>'})
    code, _, err = jixiao(capsys, "import", "--db", str(db), "entries", str(path))
    assert code == 2, err
    assert f"{path}: the file is damaged and cannot be read as XLSX" in err
    assert "Traceback" not in err
    assert event_count(db) == before


def test_hidden_sheets_are_ignored_and_hidden_rows_refused(tmp_path, capsys):
    db = ward(tmp_path, capsys)
    book = Workbook()
    hidden = book.active
    assert hidden is not None
    hidden.title = "old"
    hidden.sheet_state = "hidden"
    hidden.append(["nothing", "here"])
    ws = book.create_sheet("分数")
    for row in entry_rows():
        ws.append(row)
    ws.row_dimensions[3].hidden = True
    path = tmp_path / "hidden.xlsx"
    book.save(path)
    code, _, err = jixiao(capsys, "import", "--db", str(db), "entries", str(path))
    assert code == 2
    assert "分数 row 3: the row is hidden" in err
    ws.row_dimensions[3].hidden = False
    book.save(path)
    code, _, err = jixiao(capsys, "import", "--db", str(db), "entries", str(path))
    assert code == 0
    assert "hidden sheets ignored: old" in err
    book["old"].title = "lists"  # as our own template names its hidden drop-down lists
    book.save(path)
    code, _, err = jixiao(capsys, "import", "--db", str(db), "entries", str(path))
    assert code == 0
    assert "hidden sheets ignored" not in err


def test_merged_header_cells_are_refused(tmp_path, capsys):
    db = ward(tmp_path, capsys)
    path = workbook(tmp_path / "merged.xlsx", entry_rows())
    book = load_workbook(path)
    ws = book.active
    assert ws is not None
    ws.merge_cells("A1:B1")
    book.save(path)
    code, _, err = jixiao(capsys, "import", "--db", str(db), "entries", str(path))
    assert code == 2
    assert "merged header cells A1:B1" in err


def test_a_sheet_claiming_a_million_rows_reads_only_its_rows(tmp_path, capsys):
    db = ward(tmp_path, capsys)
    path = workbook(tmp_path / "claims.xlsx", entry_rows())
    patch_sheet(path, {'<dimension ref="A1:J4" />': '<dimension ref="A1:XFD1048576" />'})
    started = time.monotonic()
    code, out, err = jixiao(capsys, "import", "--db", str(db), "entries", str(path))
    assert code == 0, err
    assert "imported 3 event(s)" in out
    assert time.monotonic() - started < 10


# ------------------------------------------------------------------ refusals, errors copy


def test_unknown_person_is_named_and_the_errors_copy_highlights_it(tmp_path, capsys):
    db = ward(tmp_path, capsys)
    before = event_count(db)
    rows = entry_rows()
    rows[2][1] = "zhao"
    rows[3][8] = "sixty"
    path = workbook(tmp_path / "bad.xlsx", rows)
    errors = tmp_path / "errors.xlsx"
    code, out, err = jixiao(capsys, "import", "--db", str(db), "--errors", str(errors),
                            "entries", str(path))
    assert code == 2
    assert out == ""
    assert "分数 row 3: 工号 (B): unknown employee 'zhao'" in err
    assert "分数 row 4: 应出勤天数 (I): not a number: 'sixty'" in err
    assert event_count(db) == before
    book = load_workbook(errors)
    ws = book["分数"]
    assert ws["B3"].fill.start_color.rgb == "FFFF9999"
    assert ws["B3"].comment is not None
    assert ws["B3"].comment.text.startswith("Error: unknown employee 'zhao'")  # --lang en
    assert "not a number" in ws["I4"].comment.text
    assert ws["A2"].comment is None  # the good rows are left as they were


def test_errors_copy_of_a_csv_is_a_workbook(tmp_path, capsys):
    db = ward(tmp_path, capsys)
    path = tmp_path / "bad.csv"
    path.write_bytes("期间,工号,类别,项目,分值\n2026-Q1,zhao,score,quantity,40\n".encode("gbk"))
    errors = tmp_path / "errors.xlsx"
    code, _, _ = jixiao(capsys, "import", "--db", str(db), "--errors", str(errors), "entries",
                        str(path))
    assert code == 2
    ws = load_workbook(errors).active
    assert ws is not None
    assert ws["B2"].value == "zhao"
    assert "unknown employee" in ws["B2"].comment.text


def test_skip_bad_imports_the_good_rows_and_the_rejected_file_imports_once_fixed(
        tmp_path, capsys):
    db = ward(tmp_path, capsys)
    before = event_count(db)
    path = tmp_path / "entries.csv"
    path.write_bytes(("期间,工号,类别,项目,分钟,分值\n"
                      "2026-Q1,zhang,score,quantity,,40\n"
                      "2026-Q1,zhao,deduction,late,40,\n"
                      "2026-Q5,li,score,quantity,,40\n"
                      "2026-Q1,wang,score,quantity,,40\n").encode("gb18030"))
    rejected = tmp_path / "rejected.csv"
    code, out, err = jixiao(capsys, "import", "--db", str(db), "--skip-bad", "--rejected",
                            str(rejected), "entries", str(path))
    assert code == 0, err
    assert "imported 2 event(s)" in out
    assert "2 row(s) refused, not imported" in err
    assert event_count(db) == before + 2
    text = rejected.read_bytes().decode("gb18030")
    lines = text.splitlines()
    assert lines[0] == "期间,工号,类别,项目,分钟,分值,错误原因 error"
    assert lines[1].startswith("2026-Q1,zhao,deduction,late,40,,")
    assert "unknown employee" in lines[1]
    assert lines[2].startswith("2026-Q5,li,")
    fixed = text.replace("zhao", "li").replace("2026-Q5", "2026-Q1")
    rejected.write_bytes(fixed.encode("gb18030"))
    code, out, err = jixiao(capsys, "import", "--db", str(db), "entries", str(rejected))
    assert code == 0, err
    assert "imported 2 event(s)" in out


# ------------------------------------------------------------------ idempotency


def test_the_same_rows_from_a_resaved_workbook_or_a_csv_record_nothing(tmp_path, capsys):
    db = ward(tmp_path, capsys)
    path = workbook(tmp_path / "entries.xlsx", entry_rows())
    code, out, _ = jixiao(capsys, "import", "--db", str(db), "entries", str(path))
    assert "imported 3 event(s)" in out
    after = event_count(db)
    # Re-saved (other bytes), the rows in another order, and as a GBK CSV.
    rows = entry_rows()
    resaved = workbook(tmp_path / "resaved.xlsx", [rows[0], rows[3], rows[1], rows[2]])
    assert resaved.read_bytes() != path.read_bytes()
    code, out, _ = jixiao(capsys, "import", "--db", str(db), "entries", str(resaved))
    assert (code, "imported 0 event(s)" in out, "3 already recorded" in out) == (0, True, True)
    csv_path = tmp_path / "entries.csv"
    csv_path.write_bytes("\n".join(",".join("" if c is None else str(c) for c in row)
                                   for row in rows).encode("gbk"))
    code, out, _ = jixiao(capsys, "import", "--db", str(db), "entries", str(csv_path))
    assert (code, "imported 0 event(s)" in out) == (0, True)
    assert event_count(db) == after


def test_two_identical_rows_in_one_file_are_two_entries(tmp_path, capsys):
    db = ward(tmp_path, capsys)
    path = tmp_path / "late.csv"
    path.write_text("期间,工号,类别,项目,分钟\n2026-Q1,li,deduction,late,40\n"
                    "2026-Q1,li,deduction,late,40\n", encoding="utf-8")
    code, out, _ = jixiao(capsys, "import", "--db", str(db), "entries", str(path))
    assert (code, "imported 2 event(s)" in out) == (0, True)
    code, out, _ = jixiao(capsys, "import", "--db", str(db), "entries", str(path))
    assert (code, "imported 0 event(s)" in out) == (0, True)


def test_a_csv_imported_under_the_old_file_keys_records_nothing_again(tmp_path, capsys):
    """Before content keys, a CSV row's key was file:<digest of the bytes>:row N. A file
    imported then and imported again now finds its rows under those keys."""
    db = ward(tmp_path, capsys)
    path = FIXTURES / "example1-entries.csv"
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    # The commands as the old reader made them, recorded under the old keys.
    old = tmp_path / "old.jsonl"
    read = read_commands(kind_of("entries"), open_sheet(Source(str(path))))
    old.write_text("".join(json.dumps({**command, "idempotency_key": f"file:{digest}:{where}"},
                                      ensure_ascii=False) + "\n"
                           for where, command, _ in read.rows), encoding="utf-8")
    code, _, err = jixiao(capsys, "apply", "--db", str(db), str(old))
    assert code == 0, err
    after = event_count(db)
    code, out, _ = jixiao(capsys, "import", "--db", str(db), "entries", str(path))
    assert (code, "imported 0 event(s)" in out, "13 already recorded" in out) == (0, True, True)
    assert event_count(db) == after


# ------------------------------------------------------------------ the command line


def test_a_mistyped_kind_exits_2_with_the_kinds(tmp_path, capsys):
    code, _out, err = jixiao(capsys, "import", "--db", str(tmp_path / "x.db"), "entrys", "f.csv")
    assert code == 2
    assert "entrys" in err
    assert "roster" in err
    assert "entries" in err


def test_json_summary_reports_format_encoding_and_warnings(tmp_path, capsys):
    db = ward(tmp_path, capsys)
    path = tmp_path / "e.csv"
    path.write_bytes("期间,工号,类别,项目,分值\n2026-Q1,ｌｉ,score,quantity,４０\n".encode("gbk"))
    code, out, _ = jixiao(capsys, "import", "--db", str(db), "--json", "entries", str(path))
    assert code == 0
    summary = json.loads(out)
    assert (summary["format"], summary["encoding"], summary["recorded"]) == ("csv", "gb18030", 1)
    assert summary["warning_count"] == 2
    assert all(re.search("full-width", w) for w in summary["warnings"])


def test_ids_are_unicode_letters_and_digits_after_nfkc():
    hire = COMMANDS_BY_TYPE["hire_employee"]
    base = {"type": "hire_employee", "name": "x", "department_id": "内科",
            "title_grade": "practitioner", "hired_on": "2020-01-01"}
    assert hire.model_validate({**base, "employee_id": "Ｅ0001"}).employee_id == "E0001"
    assert hire.model_validate({**base, "employee_id": "ईएम٣"}).employee_id == "ईएम٣"
    for bad in ("_e1", "e 1", "e/1", "", "x" * 65):
        with pytest.raises(ValidationError):
            hire.model_validate({**base, "employee_id": bad})
